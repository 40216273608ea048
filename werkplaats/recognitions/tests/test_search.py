"""The learning-company search (search.py): which recognitions count, what a code selects, where and how far,
and how many places are free. The helpers at the top are shared with the other test_search_* modules."""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from werkplaats.organisations.models import Organisation, Region
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.qualifications.models import CorePart, CoreTask, Qualification, QualificationFile, Source, WorkProcess
from werkplaats.recognitions.models import Recognition, RecognitionSource
from werkplaats.recognitions.search import (
    Point,
    parse_code,
    register_placement_counter,
    search_learning_companies,
    select_qualifications,
    unregister_placement_counter,
)

DAY = datetime.date(2026, 3, 2)
GRONINGEN = (53.2194, 6.5665)
SAPPEMEER = (53.1622, 6.7897)
ASSEN = (52.9925, 6.5649)
EMMEN = (52.7858, 6.8976)


# --- Helpers ---------------------------------------------------------------------------------------------


def employer(name: str, *, at: tuple[float, float] | None = None, region: Region | None = None, **fields: Any) -> Any:
    if at is not None:
        fields["latitude"], fields["longitude"] = (Decimal(str(v)) for v in at)
    if region is not None:
        fields["region"] = region
    return OrganisationFactory(name=name, employer=True, **fields)


def recognise(
    organisation: Organisation,
    crebo: str = "25173",
    *,
    start: datetime.date = datetime.date(2025, 1, 1),
    end: datetime.date | None = None,
    places: int = 2,
) -> Recognition:
    return Recognition.objects.create(
        employer=organisation,
        crebo=crebo,
        start_date=start,
        end_date=end,
        places_offered=places,
        source=RecognitionSource.MANUAL,
    )


def qualification_file(dossier_crebo: str, name: str, *, version: int = 1, current: bool = True) -> QualificationFile:
    return QualificationFile.objects.create(
        dossier_crebo=dossier_crebo,
        name=name,
        version_number=version,
        source=Source.KD_XML,
        content_hash=f"{dossier_crebo}-{version}",
        is_current=current,
    )


def qualification(file: QualificationFile, crebo: str, name: str, level: int = 2) -> Qualification:
    return Qualification.objects.create(file=file, crebo=crebo, name=name, level=level)


def work_process(file: QualificationFile, code: str, *, profile: Qualification | None = None) -> WorkProcess:
    core_code = code.rsplit("-", 1)[0]
    core_task, _ = CoreTask.objects.get_or_create(
        file=file,
        code=core_code,
        defaults={
            "qualification": profile,
            "part": CorePart.PROFILE if profile else CorePart.BASIS,
            "title": f"Core task {core_code}",
        },
    )
    return WorkProcess.objects.create(core_task=core_task, code=code, title=f"Work process {code}")


def names(result: Any) -> list[str]:
    return [row.employer_name for row in result[:]]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance, computed independently of the code under test."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = lat2 - lat1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture
def bakery_file(db: None) -> QualificationFile:
    file = qualification_file("23082", "Bakkerij")
    qualification(file, "25173", "Uitvoerend bakker")
    qualification(file, "25174", "Zelfstandig werkend bakker", level=3)
    return file


@pytest.fixture
def counter() -> Iterator[dict[tuple[int, str], int]]:
    """A placement counter as the trajectories app will register one; the test fills in the numbers."""
    running: dict[tuple[int, str], int] = {}

    def count(employer_ids: Collection[int], crebos: Collection[str], day: datetime.date) -> dict[tuple[int, str], int]:
        return {key: n for key, n in running.items() if key[0] in employer_ids and key[1] in crebos}

    register_placement_counter(count)
    yield running
    unregister_placement_counter(count)


# --- Recognised on the day -------------------------------------------------------------------------------


def test_a_recognition_counts_on_its_first_day(db: None) -> None:
    recognise(employer("Bakkerij Eerste Dag"), start=DAY)
    assert names(search_learning_companies(["25173"], day=DAY)) == ["Bakkerij Eerste Dag"]


def test_a_recognition_counts_on_its_last_day(db: None) -> None:
    recognise(employer("Bakkerij Laatste Dag"), end=DAY)
    assert names(search_learning_companies(["25173"], day=DAY)) == ["Bakkerij Laatste Dag"]


def test_a_recognition_that_ended_the_day_before_does_not_count(db: None) -> None:
    recognise(employer("Bakkerij Gisteren"), end=DAY - datetime.timedelta(days=1))
    assert len(search_learning_companies(["25173"], day=DAY)) == 0


def test_a_recognition_that_has_not_started_yet_does_not_count(db: None) -> None:
    recognise(employer("Bakkerij Morgen"), start=DAY + datetime.timedelta(days=1))
    assert len(search_learning_companies(["25173"], day=DAY)) == 0


def test_the_day_is_today_unless_given(db: None) -> None:
    today = timezone.localdate()
    recognise(employer("Bakkerij Vandaag"), start=today)
    recognise(employer("Bakkerij Morgen"), start=today + datetime.timedelta(days=1))
    assert names(search_learning_companies(["25173"])) == ["Bakkerij Vandaag"]


def test_an_inactive_employer_is_not_found(db: None) -> None:
    recognise(employer("Gesloten Bakkerij", is_active=False))
    assert len(search_learning_companies(["25173"], day=DAY)) == 0


def test_two_overlapping_recognitions_give_one_row_with_the_places_of_the_newest(db: None) -> None:
    bakery = employer("Bakkerij Dubbel")
    recognise(bakery, start=datetime.date(2024, 1, 1), places=1)
    recognise(bakery, start=datetime.date(2026, 1, 1), places=4)
    rows = search_learning_companies(["25173"], day=DAY)[:]
    assert [(row.employer_name, row.places_offered) for row in rows] == [("Bakkerij Dubbel", 4)]


# --- What a crebo or work-process code selects ------------------------------------------------------------


def test_a_crebo_finds_only_companies_recognised_for_that_crebo(bakery_file: QualificationFile) -> None:
    recognise(employer("Uitvoerend"), "25173")
    recognise(employer("Zelfstandig"), "25174")
    result = search_learning_companies(["25173"], day=DAY)
    assert names(result) == ["Uitvoerend"]
    assert result[0].qualification == "Uitvoerend bakker"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25173", ("crebo", "25173")),
        (" 25173 ", ("crebo", "25173")),
        ("b1-k1-w2", ("work_process", "B1-K1-W2")),
        ("B-K1-W1", ("work_process", "B-K1-W1")),
        ("P2-K1-W3", ("work_process", "P2-K1-W3")),
        ("abc", None),
        ("2517", None),
        ("251733", None),
        ("B1-K1", None),
    ],
)
def test_a_code_is_read_as_a_crebo_or_a_work_process(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_code(text) == expected


def test_a_crebo_that_is_not_in_the_catalogue_selects_nothing(bakery_file: QualificationFile) -> None:
    assert select_qualifications("crebo", "99999").qualifications == {}


def test_a_profile_work_process_selects_only_the_qualification_with_that_profile(db: None) -> None:
    file = qualification_file("23190", "Pedagogisch werk")
    childcare = qualification(file, "25486", "Pedagogisch medewerker kinderopvang", level=3)
    qualification(file, "25487", "Pedagogisch medewerker jeugdzorg", level=4)
    work_process(file, "P1-K1-W1", profile=childcare)
    assert select_qualifications("work_process", "P1-K1-W1").crebos == ("25486",)


def test_a_basisdeel_work_process_selects_every_qualification_of_its_file(db: None) -> None:
    file = qualification_file("23190", "Pedagogisch werk")
    childcare = qualification(file, "25486", "Pedagogisch medewerker kinderopvang", level=3)
    qualification(file, "25487", "Pedagogisch medewerker jeugdzorg", level=4)
    work_process(file, "B1-K1-W2")
    work_process(file, "P1-K1-W1", profile=childcare)
    other = qualification_file("23191", "Sociaal werk")
    qualification(other, "25488", "Sociaal werker", level=4)
    assert select_qualifications("work_process", "B1-K1-W2").crebos == ("25486", "25487")


def test_a_work_process_finds_companies_recognised_for_any_qualification_that_contains_it(db: None) -> None:
    file = qualification_file("23190", "Pedagogisch werk")
    qualification(file, "25486", "Pedagogisch medewerker kinderopvang", level=3)
    qualification(file, "25487", "Pedagogisch medewerker jeugdzorg", level=4)
    work_process(file, "B1-K1-W2")
    recognise(employer("Kinderopvang Zonnetje"), "25486")
    recognise(employer("Jeugdzorg Noord"), "25487")
    recognise(employer("Bakkerij"), "25173")
    selection = select_qualifications("work_process", "B1-K1-W2")
    result = search_learning_companies(selection.crebos, qualifications=selection.qualifications, day=DAY)
    assert names(result) == ["Jeugdzorg Noord", "Kinderopvang Zonnetje"]


def test_a_work_process_of_an_old_file_version_selects_nothing(db: None) -> None:
    old = qualification_file("23190", "Pedagogisch werk", version=1, current=False)
    qualification(old, "25486", "Pedagogisch medewerker kinderopvang", level=3)
    work_process(old, "B1-K9-W9")
    new = qualification_file("23190", "Pedagogisch werk", version=2)
    qualification(new, "25486", "Pedagogisch medewerker kinderopvang", level=3)
    assert select_qualifications("work_process", "B1-K9-W9").qualifications == {}


# --- Region and distance ----------------------------------------------------------------------------------


def test_the_region_keeps_only_employers_in_that_region(db: None) -> None:
    groningen = Region.objects.create(code="AM01", name="Groningen")
    drenthe = Region.objects.create(code="AM03", name="Drenthe")
    recognise(employer("Bakkerij Stad", region=groningen))
    recognise(employer("Bakkerij Zuidenveld", region=drenthe))
    assert names(search_learning_companies(["25173"], day=DAY, region=groningen)) == ["Bakkerij Stad"]


def test_without_a_reference_point_the_order_is_by_name(db: None) -> None:
    for name in ("Zwolle Brood", "Assen Brood", "Midden Brood"):
        recognise(employer(name))
    assert names(search_learning_companies(["25173"], day=DAY)) == ["Assen Brood", "Midden Brood", "Zwolle Brood"]


def test_distances_match_the_great_circle_distance_and_the_nearest_comes_first(db: None) -> None:
    recognise(employer("Emmen", at=EMMEN))
    recognise(employer("Assen", at=ASSEN))
    recognise(employer("Sappemeer", at=SAPPEMEER))
    rows = search_learning_companies(["25173"], day=DAY, near=Point(*GRONINGEN))[:]
    assert [row.employer_name for row in rows] == ["Sappemeer", "Assen", "Emmen"]
    expected = {"Sappemeer": haversine_km(GRONINGEN, SAPPEMEER), "Assen": haversine_km(GRONINGEN, ASSEN)}
    expected["Emmen"] = haversine_km(GRONINGEN, EMMEN)  # ≈ 53 km
    for row in rows:
        assert row.distance_km == pytest.approx(expected[row.employer_name], rel=0.02)


def test_groningen_to_emmen_is_about_53_km(db: None) -> None:
    recognise(employer("Emmen", at=EMMEN))
    (row,) = search_learning_companies(["25173"], day=DAY, near=Point(*GRONINGEN))[:]
    assert row.distance_km == pytest.approx(53.06, rel=0.02)


def test_the_radius_keeps_only_companies_within_it(db: None) -> None:
    recognise(employer("Emmen", at=EMMEN))
    recognise(employer("Assen", at=ASSEN))
    recognise(employer("Sappemeer", at=SAPPEMEER))
    result = search_learning_companies(["25173"], day=DAY, near=Point(*GRONINGEN), radius_km=30)
    assert names(result) == ["Sappemeer", "Assen"]
    assert result.outside_radius == 1


def test_a_radius_just_below_a_distance_leaves_that_company_out(db: None) -> None:
    recognise(employer("Assen", at=ASSEN))
    assert len(search_learning_companies(["25173"], day=DAY, near=Point(*GRONINGEN), radius_km=24)) == 0
    assert len(search_learning_companies(["25173"], day=DAY, near=Point(*GRONINGEN), radius_km=26)) == 1


def test_a_radius_leaves_out_companies_without_coordinates_and_counts_them(db: None) -> None:
    recognise(employer("Sappemeer", at=SAPPEMEER))
    recognise(employer("Nergens"))
    recognise(employer("Ook nergens"))
    result = search_learning_companies(["25173"], day=DAY, near=Point(*GRONINGEN), radius_km=100)
    assert names(result) == ["Sappemeer"]
    assert result.without_location == 2
    assert result.outside_radius == 0


def test_without_a_radius_companies_without_coordinates_come_last(db: None) -> None:
    recognise(employer("Aaa Nergens"))
    recognise(employer("Emmen", at=EMMEN))
    recognise(employer("Sappemeer", at=SAPPEMEER))
    result = search_learning_companies(["25173"], day=DAY, near=Point(*GRONINGEN))
    rows = result[:]
    assert [row.employer_name for row in rows] == ["Sappemeer", "Emmen", "Aaa Nergens"]
    assert rows[-1].distance_km is None
    assert result.without_location == 1


def test_a_radius_needs_a_reference_point(db: None) -> None:
    with pytest.raises(ValueError, match="reference point"):
        search_learning_companies(["25173"], day=DAY, radius_km=10)


# --- Free capacity ----------------------------------------------------------------------------------------


def test_without_a_placement_counter_every_offered_place_is_free(db: None) -> None:
    recognise(employer("Bakkerij"), places=3)
    (row,) = search_learning_companies(["25173"], day=DAY)[:]
    assert (row.places_offered, row.places_taken, row.free_places) == (3, 0, 3)


def test_free_places_are_offered_minus_running_placements(db: None, counter: dict[tuple[int, str], int]) -> None:
    bakery = employer("Bakkerij")
    recognise(bakery, places=3)
    counter[(bakery.pk, "25173")] = 2
    (row,) = search_learning_companies(["25173"], day=DAY)[:]
    assert (row.places_offered, row.places_taken, row.free_places) == (3, 2, 1)


def test_more_placements_than_places_leaves_no_free_place_not_a_negative_number(
    db: None, counter: dict[tuple[int, str], int]
) -> None:
    bakery = employer("Bakkerij")
    recognise(bakery, places=1)
    counter[(bakery.pk, "25173")] = 2
    assert search_learning_companies(["25173"], day=DAY)[0].free_places == 0


def test_only_free_leaves_out_full_companies_and_says_how_many(db: None, counter: dict[tuple[int, str], int]) -> None:
    full, free = employer("Vol"), employer("Vrij")
    recognise(full, places=1)
    recognise(free, places=1)
    recognise(employer("Geen plaatsen"), places=0)
    counter[(full.pk, "25173")] = 1
    everything = search_learning_companies(["25173"], day=DAY)
    assert names(everything) == ["Geen plaatsen", "Vol", "Vrij"]
    assert everything.without_free_place == 2
    only_free = search_learning_companies(["25173"], day=DAY, free_only=True)
    assert names(only_free) == ["Vrij"]
    assert only_free.without_free_place == 2


def test_the_placement_counter_is_asked_once_for_all_companies_and_the_day(db: None) -> None:
    calls: list[tuple[set[int], set[str], datetime.date]] = []

    def count(employer_ids: Collection[int], crebos: Collection[str], day: datetime.date) -> dict[tuple[int, str], int]:
        calls.append((set(employer_ids), set(crebos), day))
        return {}

    a, b = employer("A"), employer("B")
    recognise(a)
    recognise(b)
    register_placement_counter(count)
    try:
        search_learning_companies(["25173"], day=DAY)
    finally:
        unregister_placement_counter(count)
    assert calls == [({a.pk, b.pk}, {"25173"}, DAY)]

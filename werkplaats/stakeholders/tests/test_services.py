"""The map's rules: scales, names, relations and tensions between two different stakeholders,
history kept on every move, and removal that hides without breaking."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from werkplaats.partnerships.tests.factories import Cast, cast
from werkplaats.stakeholders import services
from werkplaats.stakeholders.maps import build_map
from werkplaats.stakeholders.models import (
    AppendOnlyError,
    Quadrant,
    Relation,
    Stakeholder,
    StakeholderKind,
    StakeholderSnapshot,
    Stance,
    Tension,
    TensionStatus,
    quadrant_of,
)

from .factories import relation, stakeholder, tension

pytestmark = pytest.mark.usefixtures("english")


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@pytest.mark.parametrize("value", [0, 6, -1])
@pytest.mark.parametrize("field", ["influence", "interest"])
def test_influence_and_interest_must_lie_between_1_and_5(crew: Cast, field: str, value: int) -> None:
    with pytest.raises(ValidationError) as exc:
        stakeholder(crew.partnership, "UWV", **{field: value})
    assert field in _errors(exc)
    assert not Stakeholder.objects.exists()


def test_the_database_refuses_a_scale_outside_1_to_5_too(crew: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Stakeholder.objects.create(partnership=crew.partnership, name="X", kind="group", influence=6, interest=3)


def test_a_stakeholder_name_is_unique_on_the_map_whatever_its_case(crew: Cast) -> None:
    stakeholder(crew.partnership, "UWV")
    with pytest.raises(ValidationError) as exc:
        stakeholder(crew.partnership, "uwv ")
    assert "name" in _errors(exc)
    # Another partnership's map may have its own UWV.
    stakeholder(cast().partnership, "UWV")


def test_only_an_organisation_links_to_an_organisation(crew: Cast) -> None:
    assert crew.manager.partner is not None
    organisation = crew.manager.partner.organisation
    with pytest.raises(ValidationError) as exc:
        stakeholder(crew.partnership, "Werkzoekenden", kind=StakeholderKind.GROUP, organisation=organisation)
    assert "organisation" in _errors(exc)


def test_the_owner_must_be_a_member_of_this_partnership(crew: Cast) -> None:
    other = cast()
    with pytest.raises(ValidationError) as exc:
        stakeholder(crew.partnership, "UWV", owner=other.manager)
    assert "owner" in _errors(exc)
    assert stakeholder(crew.partnership, "UWV", owner=crew.member).owner == crew.member


def test_adding_a_stakeholder_records_where_it_starts(crew: Cast) -> None:
    created = services.add_stakeholder(
        crew.partnership, by=crew.manager.user, name="UWV", kind="organisation", influence=4, interest=2
    )
    [snapshot] = created.snapshots.all()
    assert (snapshot.influence, snapshot.interest, snapshot.recorded_by) == (4, 2, crew.manager.user)


def test_every_move_appends_a_snapshot_and_other_changes_do_not(crew: Cast) -> None:
    created = stakeholder(crew.partnership, "UWV", influence=2, interest=2)
    services.change_stakeholder(created, by=crew.manager.user, influence=4)
    services.change_stakeholder(created, by=crew.member.user, stance=Stance.CRITICAL)
    services.change_stakeholder(created, by=crew.member.user, engagement="consult", desired_engagement="collaborate")
    services.change_stakeholder(created, by=crew.member.user, interests="Meer plaatsingen", name="UWV Groningen")
    services.change_stakeholder(created, by=crew.member.user, influence=4)  # no change, no snapshot
    history = list(created.snapshots.order_by("recorded_at", "id"))
    assert [(s.influence, s.interest, s.stance, s.engagement, s.desired_engagement) for s in history] == [
        (2, 2, "neutral", "inform", "inform"),
        (4, 2, "neutral", "inform", "inform"),
        (4, 2, "critical", "inform", "inform"),
        (4, 2, "critical", "consult", "collaborate"),
    ]
    assert [s.recorded_by for s in history[1:]] == [crew.manager.user, crew.member.user, crew.member.user]


def test_a_bad_change_writes_nothing(crew: Cast) -> None:
    created = stakeholder(crew.partnership, "UWV", influence=2)
    with pytest.raises(ValidationError) as exc:
        services.change_stakeholder(created, by=None, influence=0, stance="angry")
    assert set(_errors(exc)) == {"influence", "stance"}
    created.refresh_from_db()
    assert created.influence == 2
    assert created.snapshots.count() == 1


def test_snapshots_are_append_only(crew: Cast) -> None:
    snapshot = stakeholder(crew.partnership, "UWV").snapshots.get()
    snapshot.influence = 5
    with pytest.raises(AppendOnlyError):
        snapshot.save()
    with pytest.raises(AppendOnlyError):
        snapshot.delete()
    with pytest.raises(AppendOnlyError):
        StakeholderSnapshot.objects.all().update(influence=1)
    with pytest.raises(AppendOnlyError):
        StakeholderSnapshot.objects.all().delete()


def test_the_map_shows_where_a_stakeholder_stood_on_an_earlier_date(crew: Cast) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=90)
    moved = stakeholder(crew.partnership, "UWV", influence=1, interest=1, at=long_ago)
    services.change_stakeholder(moved, by=None, influence=4, interest=5, at=long_ago + datetime.timedelta(days=30))
    services.change_stakeholder(moved, by=None, influence=5)
    stakeholder(crew.partnership, "Nieuw")
    since = timezone.localdate(long_ago + datetime.timedelta(days=45))
    stakeholder_map = build_map(crew.partnership, since=since)
    before = {row.stakeholder.name: row.before for row in stakeholder_map.rows}
    assert before["Nieuw"] is None  # not on the map yet then
    assert before["UWV"] is not None
    assert (before["UWV"].influence, before["UWV"].interest) == (4, 5)
    assert [a.number for a in stakeholder_map.grid.arrows] == [2]  # UWV moved from (4, 5) to (5, 5)
    assert build_map(crew.partnership).grid.arrows == []


@pytest.mark.parametrize(
    ("influence", "interest", "quadrant"),
    [
        (5, 5, Quadrant.MANAGE_CLOSELY),
        (3, 3, Quadrant.MANAGE_CLOSELY),
        (3, 2, Quadrant.KEEP_SATISFIED),
        (2, 3, Quadrant.KEEP_INFORMED),
        (2, 2, Quadrant.MONITOR),
        (1, 5, Quadrant.KEEP_INFORMED),
    ],
)
def test_quadrants_split_the_scales_between_2_and_3(influence: int, interest: int, quadrant: Quadrant) -> None:
    assert quadrant_of(influence, interest) == quadrant


def test_a_relation_to_itself_is_refused(crew: Cast) -> None:
    uwv = stakeholder(crew.partnership, "UWV")
    with pytest.raises(ValidationError) as exc:
        relation(uwv, uwv)
    assert "target" in _errors(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        Relation.objects.create(partnership=crew.partnership, source=uwv, target=uwv, kind="funds")


def test_a_relation_appears_once_and_stays_on_its_own_map(crew: Cast) -> None:
    uwv, school = stakeholder(crew.partnership, "UWV"), stakeholder(crew.partnership, "School")
    relation(uwv, school, "funds")
    with pytest.raises(ValidationError) as exc:
        relation(uwv, school, "funds")
    assert "kind" in _errors(exc)
    relation(uwv, school, "works_with")  # another kind is another relation
    elsewhere = stakeholder(cast().partnership, "Elders")
    with pytest.raises(ValidationError) as exc:
        relation(uwv, elsewhere)
    assert "target" in _errors(exc)


def test_a_tension_is_between_two_different_stakeholders(crew: Cast) -> None:
    uwv = stakeholder(crew.partnership, "UWV")
    with pytest.raises(ValidationError) as exc:
        tension(uwv, uwv)
    assert "second" in _errors(exc)
    assert not Tension.objects.exists()


def test_a_tension_gets_a_resolution_date_when_resolved_and_loses_it_when_reopened(crew: Cast) -> None:
    gemeente, school = stakeholder(crew.partnership, "Gemeente"), stakeholder(crew.partnership, "School")
    today = timezone.localdate()
    made = tension(gemeente, school, raised_on=today - datetime.timedelta(days=10))
    assert made.resolved_on is None
    made = services.change_tension(made, by=None, status=TensionStatus.RESOLVED)
    assert made.resolved_on == today
    made = services.change_tension(made, by=None, status=TensionStatus.DISCUSSED)
    assert made.resolved_on is None


def test_a_tension_cannot_be_resolved_before_it_was_noticed_nor_noticed_in_the_future(crew: Cast) -> None:
    gemeente, school = stakeholder(crew.partnership, "Gemeente"), stakeholder(crew.partnership, "School")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        tension(
            gemeente,
            school,
            raised_on=today - datetime.timedelta(days=2),
            status=TensionStatus.RESOLVED,
            resolved_on=today - datetime.timedelta(days=5),
        )
    assert "resolved_on" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        tension(gemeente, school, raised_on=today + datetime.timedelta(days=1))
    assert "raised_on" in _errors(exc)


def test_removing_a_stakeholder_hides_it_with_its_relations_and_tensions_but_keeps_history(crew: Cast) -> None:
    uwv, school, gemeente = (stakeholder(crew.partnership, name) for name in ("UWV", "School", "Gemeente"))
    relation(uwv, school)
    relation(gemeente, school)
    tension(uwv, gemeente)
    services.remove_stakeholder(uwv, by=crew.manager.user)
    stakeholder_map = build_map(crew.partnership)
    assert [row.stakeholder.name for row in stakeholder_map.rows] == ["Gemeente", "School"]
    assert [(r.source.name, r.target.name) for r in stakeholder_map.relations] == [("Gemeente", "School")]
    assert stakeholder_map.tensions == []
    assert uwv.snapshots.count() == 1
    assert Relation.objects.filter(source=uwv).exists()  # kept, out of sight
    with pytest.raises(ValidationError):
        services.remove_stakeholder(uwv, by=None)
    # The name is free again for a new stakeholder.
    stakeholder(crew.partnership, "UWV")


def test_append_only_snapshots_do_not_block_deleting_a_person_or_a_partnership(crew: Cast) -> None:
    moved = services.add_stakeholder(
        crew.partnership, by=crew.member.user, name="UWV", kind="organisation", influence=2, interest=2
    )
    services.change_stakeholder(moved, by=crew.member.user, influence=3)
    crew.member.user.delete()
    assert list(moved.snapshots.values_list("recorded_by", flat=True)) == [None, None]
    crew.partnership.delete()
    assert not StakeholderSnapshot.objects.exists()

"""Demo recognitions: the employers of seed 003 as recognised learning companies for the
qualifications named in its praktijkleren examples. SBB advisers, their e-mail addresses and
phone numbers, and the SBB learning-company IDs are fictional."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from werkplaats.organisations.models import Organisation
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions.models import LearningCompany, Recognition, RecognitionSource

# slug: (SBB learning-company ID, adviser, e-mail, phone, what the company offers)
LEARNING_COMPANIES: dict[str, tuple[str, str, str, str, str]] = {
    "hilvers-bakkerij": (
        "100200301",
        "Joke Brouwer",
        "j.brouwer@example.nl",
        "050 000 0101",
        "Twee praktijkopleiders in de bakkerij; werken vanaf 5 uur 's ochtends; ervaring met deelnemers uit de "
        "Participatiewet.",
    ),
    "2-switch": (
        "100200302",
        "Joke Brouwer",
        "j.brouwer@example.nl",
        "050 000 0101",
        "Winkel en webshop; vaste werktijden overdag; begeleiding door de bedrijfsleider.",
    ),
    "vrp-klimatechniek": (
        "100200303",
        "Rik Oosterhuis",
        "r.oosterhuis@example.nl",
        "050 000 0102",
        "Meewerken met een monteur op projecten in de regio; rijbewijs is geen voorwaarde.",
    ),
    "mantel-fietstechniek": (
        "100200304",
        "Rik Oosterhuis",
        "r.oosterhuis@example.nl",
        "050 000 0102",
        "Werkplaats met drie monteurs; geschikt voor deelnemers die rustig willen inwerken.",
    ),
    "doeleman-buiteninrichtingen": (
        "100200305",
        "Femke Dijkstra",
        "f.dijkstra@example.nl",
        "050 000 0103",
        "Buitenwerk in ploegen; begeleiding door een vaste voorman.",
    ),
    "vajo-tuinaanleg": (
        "100200306",
        "Femke Dijkstra",
        "f.dijkstra@example.nl",
        "050 000 0103",
        "Aanleg en onderhoud van tuinen; ook in deeltijd.",
    ),
    "taveerne-de-bijland": (
        "100200307",
        "Sander Wiersma",
        "s.wiersma@example.nl",
        "050 000 0104",
        "Keuken en bediening; werken in de avond en het weekend is mogelijk, niet verplicht.",
    ),
    "eska": (
        "100200308",
        "Sander Wiersma",
        "s.wiersma@example.nl",
        "050 000 0104",
        "Facilitaire dienst van een grote productielocatie; werk in vaste teams.",
    ),
    "bakkerij-zuidenveld": (
        "100200309",
        "Gerrit Lanting",
        "g.lanting@example.nl",
        "0591 000 0105",
        "Ambachtelijke bakkerij met winkel; één praktijkopleider.",
    ),
}

# slug, crebo, start date, places offered, last verified (None: never)
RECOGNITIONS: list[tuple[str, str, datetime.date, int, datetime.date | None]] = [
    ("hilvers-bakkerij", "25173", datetime.date(2019, 8, 1), 3, datetime.date(2025, 3, 14)),
    ("2-switch", "25167", datetime.date(2021, 2, 1), 2, datetime.date(2025, 1, 20)),
    ("2-switch", "25498", datetime.date(2022, 9, 1), 2, datetime.date(2025, 1, 20)),
    ("vrp-klimatechniek", "25282", datetime.date(2020, 9, 1), 1, None),
    ("mantel-fietstechniek", "25231", datetime.date(2018, 9, 1), 2, datetime.date(2024, 11, 5)),
    ("doeleman-buiteninrichtingen", "25452", datetime.date(2022, 1, 1), 2, datetime.date(2025, 6, 2)),
    ("vajo-tuinaanleg", "25258", datetime.date(2020, 3, 1), 3, None),
    ("taveerne-de-bijland", "25252", datetime.date(2023, 5, 1), 2, datetime.date(2025, 5, 1)),
    ("eska", "25499", datetime.date(2021, 9, 1), 3, datetime.date(2025, 2, 10)),
    ("bakkerij-zuidenveld", "25173", datetime.date(2022, 8, 15), 1, None),
]

# A recognition that ended last year, so that the register shows an ended one: Hilvers Bakkerij
# trained shop staff (Verkoper) until its shop moved.
ENDED: tuple[str, str, datetime.date, int] = ("hilvers-bakkerij", "25167", datetime.date(2017, 9, 1), 1)


@transaction.atomic
def load_recognitions() -> int:
    """Give the demo employers their recognitions and SBB advisers. Idempotent: what exists is
    left as it is. Returns how many recognitions were added. Needs the demo organisations and the
    qualification catalogue (``load_demo`` loads both first)."""
    slugs = set(LEARNING_COMPANIES)
    employers = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    missing = sorted(slugs - set(employers))
    if missing:
        raise RuntimeError(f"Load the demo organisations first; missing: {', '.join(missing)}")
    crebos = {crebo for _, crebo, *_ in RECOGNITIONS} | {ENDED[1]}
    known = set(Qualification.objects.filter(crebo__in=crebos).values_list("crebo", flat=True))
    if crebos - known:
        raise RuntimeError(f"Load the qualification catalogue first; missing crebos: {sorted(crebos - known)}")

    for slug, (company_id, adviser, email, phone, offer) in LEARNING_COMPANIES.items():
        LearningCompany.objects.get_or_create(
            employer=employers[slug],
            defaults={
                "sbb_company_id": company_id,
                "sbb_adviser_name": adviser,
                "sbb_adviser_email": email,
                "sbb_adviser_phone": phone,
                "offer": offer,
            },
        )

    added = 0
    for slug, crebo, start, places, verified in RECOGNITIONS:
        _, created = Recognition.objects.get_or_create(
            employer=employers[slug],
            crebo=crebo,
            start_date=start,
            defaults={"places_offered": places, "last_verified_on": verified, "source": RecognitionSource.SBB},
        )
        added += created
    slug, crebo, start, places = ENDED
    last_year = timezone.localdate().year - 1
    _, created = Recognition.objects.get_or_create(
        employer=employers[slug],
        crebo=crebo,
        start_date=start,
        defaults={
            "end_date": datetime.date(last_year, 6, 30),
            "places_offered": places,
            "last_verified_on": datetime.date(last_year, 1, 15),
            "source": RecognitionSource.MANUAL,
        },
    )
    return added + created

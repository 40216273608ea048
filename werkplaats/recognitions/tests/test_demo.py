"""The demo recognitions."""

from __future__ import annotations

from django.utils import timezone

from werkplaats.demo.recognitions import load_recognitions
from werkplaats.organisations.models import Organisation
from werkplaats.recognitions.models import LearningCompany, Recognition, RecognitionStatus
from werkplaats.recognitions.services import is_recognised


def test_the_demo_employers_are_recognised_for_the_seed_qualifications(demo: None) -> None:
    today = timezone.localdate()

    expected = {
        "hilvers-bakkerij": "25173",
        "2-switch": "25167",
        "vrp-klimatechniek": "25282",
        "mantel-fietstechniek": "25231",
        "doeleman-buiteninrichtingen": "25452",
        "vajo-tuinaanleg": "25258",
        "taveerne-de-bijland": "25252",
        "eska": "25499",
        "bakkerij-zuidenveld": "25173",
    }
    for slug, crebo in [*expected.items(), ("2-switch", "25498")]:
        assert is_recognised(Organisation.objects.get(slug=slug), crebo, on=today), slug
    statuses = {r.status_on(today) for r in Recognition.objects.all()}
    assert RecognitionStatus.ENDED in statuses
    assert all(1 <= r.places_offered <= 3 for r in Recognition.objects.all())
    assert all(c.sbb_adviser_email.endswith("@example.nl") for c in LearningCompany.objects.all())


def test_the_demo_loads_its_recognitions_and_a_second_load_changes_nothing(demo: None) -> None:
    assert Recognition.objects.count() == 11  # loaded by load_demo
    recognitions = list(Recognition.objects.values_list("pk", "updated_at"))

    again = load_recognitions()

    assert again == 0
    assert list(Recognition.objects.values_list("pk", "updated_at")) == recognitions

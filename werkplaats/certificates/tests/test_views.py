"""The pages to issue, show and revoke a praktijkverklaring: who opens them, what they show and
what bad input gets. Pages are read in English (the user's language decides)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.trajectories.models import Status, WorkProcessAssessment

from .. import services
from ..models import Certificate, Revocation
from .world import CertificateWorld

pytestmark = pytest.mark.usefixtures("english")

TODAY = timezone.localdate


def logged_in(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def person(world: CertificateWorld, who: str) -> User:
    return world.coordinator if who == "coordinator" else getattr(world.work, who)


def issue_url(world: CertificateWorld) -> str:
    return reverse("certificates:issue", kwargs={"pk": world.trajectory.pk})


def detail_url(certificate: Certificate) -> str:
    return reverse("certificates:detail", kwargs={"number": certificate.number})


def revoke_url(certificate: Certificate) -> str:
    return reverse("certificates:revoke", kwargs={"number": certificate.number})


@pytest.fixture
def certificate(world: CertificateWorld) -> Certificate:
    return services.issue(world.trajectory, by=world.school_staff, on=TODAY() - datetime.timedelta(days=5))


# --- Issuing ----------------------------------------------------------------------------------


def test_school_staff_see_what_the_certificate_will_state(world: CertificateWorld) -> None:
    response = logged_in(world.school_staff).get(issue_url(world))

    assert response.status_code == 200
    page = response.content.decode()
    for stated in (
        "Issue the praktijkverklaring of Noor Jansen",
        "born 1 May 1990",
        "Pedagogisch medewerker (crebo 25486, level 3)",
        f"ESKA (KvK {world.work.employer.kvk_number})",
        "Tineke Opleider",
        "Noorderpoort",
        "Sander de Vries",
        "2 mastered work processes",
        "B1-K1-W1",
        "B1-K1-W2",
        "1 more work process is assessed as mastered but not confirmed by the school",
    ):
        assert stated in page, stated
    assert "P1-K1-W1" not in page
    assert response.context["problems"] == []
    assert 'name="issued_on"' in page


def test_what_is_missing_is_shown_instead_of_the_form(world: CertificateWorld) -> None:
    WorkProcessAssessment.objects.filter(trajectory=world.trajectory).update(confirmed_at=None, confirmed_by=None)

    response = logged_in(world.school_staff).get(issue_url(world))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The praktijkverklaring cannot be issued yet:" in page
    assert "No work process is assessed as mastered by the workplace and confirmed by the school" in page
    assert 'name="issued_on"' not in page


def test_issuing_completes_the_trajectory_and_leads_to_the_certificate(world: CertificateWorld) -> None:
    client = logged_in(world.school_staff)
    on = TODAY() - datetime.timedelta(days=1)

    response = client.post(issue_url(world), {"issued_on": on.strftime("%d-%m-%Y"), "language": "en"})

    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(certificate)
    assert (certificate.issued_on, certificate.language, certificate.issued_by) == (on, "en", world.school_staff)
    assert world.work.refresh().status == Status.COMPLETED
    page = client.get(response["Location"]).content.decode()
    assert f"Praktijkverklaring {certificate.number} has been issued; the trajectory is completed." in page


def test_the_language_offered_is_the_learners_own(world: CertificateWorld) -> None:
    User.objects.filter(pk=world.work.learner_user.pk).update(language="en")

    response = logged_in(world.school_staff).get(issue_url(world))

    assert response.context["form"]["language"].value() == "en"


@pytest.mark.parametrize("date", ["31-02-2025", "gisteren", ""])
def test_a_bad_date_is_a_field_error(world: CertificateWorld, date: str) -> None:
    response = logged_in(world.school_staff).post(issue_url(world), {"issued_on": date, "language": "nl"})

    assert response.status_code == 200
    assert response.context["form"].errors["issued_on"] == [
        "This field is required." if not date else "Enter a date as DD-MM-YYYY."
    ]
    assert not Certificate.objects.exists()
    assert world.work.refresh().status == Status.ASSESSMENT


def test_a_date_in_the_future_is_refused(world: CertificateWorld) -> None:
    tomorrow = TODAY() + datetime.timedelta(days=1)

    response = logged_in(world.school_staff).post(
        issue_url(world), {"issued_on": tomorrow.isoformat(), "language": "nl"}
    )

    assert response.status_code == 200
    assert "The date of issue cannot be in the future." in response.context["form"].errors.as_text()
    assert "The date of issue cannot be in the future." in response.content.decode()
    # Next to the date, where it is put right, not at the top of the form.
    assert response.context["form"].errors["issued_on"] == ["The date of issue cannot be in the future."]
    assert not Certificate.objects.exists()
    assert world.work.refresh().status == Status.ASSESSMENT


def test_an_unknown_language_is_a_field_error(world: CertificateWorld) -> None:
    response = logged_in(world.school_staff).post(
        issue_url(world), {"issued_on": TODAY().isoformat(), "language": "de"}
    )

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("who", ["consultant", "trainer", "learner_user", "coordinator", "bystander"])
def test_other_parties_may_not_issue(world: CertificateWorld, who: str) -> None:
    client = logged_in(person(world, who))

    assert client.get(issue_url(world)).status_code == 403
    assert client.post(issue_url(world), {"issued_on": TODAY().isoformat(), "language": "nl"}).status_code == 403
    assert not Certificate.objects.exists()


def test_an_outsider_finds_no_trajectory(world: CertificateWorld) -> None:
    client = logged_in(world.work.outsider)

    assert client.get(issue_url(world)).status_code == 404
    assert client.post(issue_url(world), {"issued_on": TODAY().isoformat(), "language": "nl"}).status_code == 404
    assert not Certificate.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(world: CertificateWorld) -> None:
    response = Client().get(issue_url(world))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_second_post_does_not_issue_twice(world: CertificateWorld) -> None:
    client = logged_in(world.school_staff)
    data = {"issued_on": TODAY().isoformat(), "language": "nl"}
    client.post(issue_url(world), data)

    response = client.post(issue_url(world), data)

    assert response.status_code == 200
    assert "This trajectory already has a valid praktijkverklaring." in response.content.decode()
    assert Certificate.objects.count() == 1


# --- The certificate's page -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["learner_user", "consultant", "school_staff", "trainer", "coordinator"])
def test_the_parties_see_the_certificate(world: CertificateWorld, certificate: Certificate, who: str) -> None:
    response = logged_in(person(world, who)).get(detail_url(certificate))

    assert response.status_code == 200
    page = response.content.decode()
    for stated in (
        f"Praktijkverklaring {certificate.number}",
        "Valid",
        "Noor Jansen",
        "born 1 May 1990",
        "Pedagogisch medewerker (crebo 25486, level 3)",
        f"ESKA (KvK {certificate.employer_kvk})",
        "Sander de Vries",
        certificate.grouped_code,
        "2 mastered work processes",
        reverse("certificates:pdf", kwargs={"number": certificate.number}),
        certificate.verify_path,
    ):
        assert stated in page, stated


def test_opening_the_certificate_is_recorded(world: CertificateWorld, certificate: Certificate) -> None:
    logged_in(world.work.consultant).get(detail_url(certificate))

    entry = AuditLogEntry.objects.get(action=Action.VIEW, object_id=str(certificate.pk))
    assert entry.actor == world.work.consultant


def test_an_outsider_finds_no_certificate(world: CertificateWorld, certificate: Certificate) -> None:
    client = logged_in(world.work.outsider)

    assert client.get(detail_url(certificate)).status_code == 404
    assert client.get(revoke_url(certificate)).status_code == 404


@pytest.mark.parametrize(
    ("who", "offered"),
    [("school_staff", True), ("coordinator", True), ("consultant", False), ("trainer", False), ("learner_user", False)],
)
def test_revoking_is_offered_to_those_who_may(
    world: CertificateWorld, certificate: Certificate, who: str, offered: bool
) -> None:
    response = logged_in(person(world, who)).get(detail_url(certificate))

    assert response.context["can_revoke"] is offered
    assert (revoke_url(certificate) in response.content.decode()) is offered


def test_a_revoked_certificate_says_so_and_offers_a_corrected_one(
    world: CertificateWorld, certificate: Certificate
) -> None:
    services.revoke(certificate, by=world.coordinator, reason="Verkeerde geboortedatum")

    response = logged_in(world.school_staff).get(detail_url(certificate))

    page = response.content.decode()
    assert "Revoked" in page
    assert "Verkeerde geboortedatum" in page
    assert response.context["can_revoke"] is False
    assert response.context["can_reissue"] is True
    assert "Issue a corrected praktijkverklaring" in page
    assert revoke_url(certificate) not in page


def test_a_corrected_certificate_is_not_offered_to_others(world: CertificateWorld, certificate: Certificate) -> None:
    services.revoke(certificate, by=world.coordinator, reason="Verkeerde geboortedatum")

    response = logged_in(world.coordinator).get(detail_url(certificate))

    assert response.context["can_reissue"] is False
    assert "Issue a corrected praktijkverklaring" not in response.content.decode()


# --- Revoking ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["school_staff", "coordinator"])
def test_revoking_through_the_page(world: CertificateWorld, certificate: Certificate, who: str) -> None:
    client = logged_in(person(world, who))
    assert client.get(revoke_url(certificate)).status_code == 200

    response = client.post(revoke_url(certificate), {"reason": "Verkeerde naam", "revoked_on": TODAY().isoformat()})

    assert response.status_code == 302
    assert response["Location"] == detail_url(certificate)
    revocation = Revocation.objects.get(certificate=certificate)
    assert (revocation.reason, revocation.revoked_on, revocation.revoked_by) == (
        "Verkeerde naam",
        TODAY(),
        person(world, who),
    )
    assert (
        f"Praktijkverklaring {certificate.number} is revoked." in client.get(detail_url(certificate)).content.decode()
    )


@pytest.mark.parametrize("who", ["consultant", "trainer", "learner_user", "bystander"])
def test_others_may_not_revoke(world: CertificateWorld, certificate: Certificate, who: str) -> None:
    client = logged_in(person(world, who))

    assert client.get(revoke_url(certificate)).status_code == 403
    response = client.post(revoke_url(certificate), {"reason": "Zomaar", "revoked_on": TODAY().isoformat()})
    assert response.status_code == 403
    assert not Revocation.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"reason": "", "revoked_on": "today"}, "reason", "This field is required."),
        ({"reason": "   ", "revoked_on": "today"}, "reason", "This field is required."),
        ({"reason": "Fout", "revoked_on": "31-02-2025"}, "revoked_on", "Enter a date as DD-MM-YYYY."),
        ({"reason": "Fout", "revoked_on": "tomorrow"}, "revoked_on", "The date cannot be in the future."),
        (
            {"reason": "Fout", "revoked_on": "before"},
            "revoked_on",
            "A praktijkverklaring cannot be revoked before it was issued.",
        ),
    ],
)
def test_bad_input_is_shown_at_its_field(
    world: CertificateWorld, certificate: Certificate, data: dict[str, Any], field: str, error: str
) -> None:
    dates = {
        "today": TODAY(),
        "tomorrow": TODAY() + datetime.timedelta(days=1),
        "before": certificate.issued_on - datetime.timedelta(days=1),
    }
    posted = {
        **data,
        "revoked_on": dates[data["revoked_on"]].isoformat() if data["revoked_on"] in dates else data["revoked_on"],
    }

    response = logged_in(world.school_staff).post(revoke_url(certificate), posted)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert not Revocation.objects.exists()


def test_a_revoked_certificate_leads_back_to_its_page(world: CertificateWorld, certificate: Certificate) -> None:
    services.revoke(certificate, by=world.school_staff, reason="Fout")
    client = logged_in(world.coordinator)

    response = client.post(revoke_url(certificate), {"reason": "Nog eens", "revoked_on": TODAY().isoformat()})

    assert response.status_code == 302
    assert response["Location"] == detail_url(certificate)
    assert Revocation.objects.count() == 1
    assert "This praktijkverklaring has already been revoked." in client.get(detail_url(certificate)).content.decode()

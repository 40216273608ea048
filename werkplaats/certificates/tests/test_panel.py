"""The praktijkverklaring panel on the trajectory page (the ``certificate_panel`` template tag):
the way to issue for the school's staff in the assessment phase, and the certificates once
issued, for every party."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.trajectories.models import IntendedOutcome, Status, Trajectory

from .. import services
from ..models import Certificate
from .world import CertificateWorld

pytestmark = pytest.mark.usefixtures("english")


def page(world: CertificateWorld, who: str) -> Any:
    user = world.coordinator if who == "coordinator" else getattr(world.work, who)
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("trajectories:detail", kwargs={"pk": world.trajectory.pk}))
    assert response.status_code == 200
    return response


def panel(html: str) -> str:
    start = html.index('id="certificate-heading"')
    return html[start : html.index("</section>", start)]


def issue_url(world: CertificateWorld) -> str:
    return reverse("certificates:issue", kwargs={"pk": world.trajectory.pk})


def test_school_staff_in_the_assessment_phase_are_led_to_issue(world: CertificateWorld) -> None:
    html = page(world, "school_staff").content.decode()

    assert 'id="certificate-heading"' in html
    assert "In the assessment phase the school issues the praktijkverklaring" in html
    assert f'href="{issue_url(world)}"' in html
    assert "Issue the praktijkverklaring" in html


@pytest.mark.parametrize("who", ["consultant", "trainer", "learner_user", "coordinator"])
def test_the_other_parties_are_told_the_school_issues_it(world: CertificateWorld, who: str) -> None:
    html = page(world, who).content.decode()

    assert 'id="certificate-heading"' in html
    assert "The school issues the praktijkverklaring once it has confirmed the mastered work processes." in html
    assert issue_url(world) not in html


def test_school_staff_see_what_is_missing(world: CertificateWorld) -> None:
    Organisation.objects.filter(pk=world.work.employer.pk).update(kind=OrganisationKind.SW_COMPANY, kvk_number="")

    response = page(world, "school_staff")

    html = response.content.decode()
    assert "what is still missing:" in html
    assert "Fill in the employer&#x27;s KvK number: it is printed on the certificate." in html
    assert issue_url(world) not in html


def test_before_the_assessment_phase_nobody_is_led_to_issue(world: CertificateWorld) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Status.IN_PROGRESS)

    html = page(world, "school_staff").content.decode()

    assert "Not issued yet. The school issues it in the assessment phase." in html
    assert issue_url(world) not in html
    assert "what is still missing:" not in html


def test_a_trajectory_aiming_at_something_else_has_no_panel(world: CertificateWorld) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(intended_outcome=IntendedOutcome.DIPLOMA)

    html = page(world, "school_staff").content.decode()

    assert 'id="certificate-heading"' not in html
    assert issue_url(world) not in html


@pytest.mark.parametrize("who", ["school_staff", "consultant", "trainer", "learner_user", "coordinator"])
def test_an_issued_certificate_is_listed_for_every_party(world: CertificateWorld, who: str) -> None:
    certificate = services.issue(world.trajectory, by=world.school_staff)

    html = page(world, who).content.decode()

    assert f'href="{certificate.get_absolute_url()}">{certificate.number}</a>' in panel(html)
    assert "Valid" in panel(html)
    assert reverse("certificates:pdf", kwargs={"number": certificate.number}) in panel(html)
    assert issue_url(world) not in html  # it has one


def test_after_a_revocation_the_school_is_offered_a_corrected_one(world: CertificateWorld) -> None:
    first = services.issue(world.trajectory, by=world.school_staff)
    services.revoke(first, by=world.school_staff, reason="Fout")

    html = page(world, "school_staff").content.decode()

    assert first.number in panel(html)
    assert "Revoked" in panel(html)
    assert "Valid" not in panel(html)
    assert reverse("certificates:pdf", kwargs={"number": first.number}) not in html
    assert f'href="{issue_url(world)}"' in html
    assert "Issue a corrected praktijkverklaring" in html


def test_after_a_revocation_others_only_see_the_list(world: CertificateWorld) -> None:
    first = services.issue(world.trajectory, by=world.school_staff)
    services.revoke(first, by=world.school_staff, reason="Fout")

    html = page(world, "consultant").content.decode()

    assert first.number in html
    assert issue_url(world) not in html


def test_both_certificates_are_listed_newest_first(world: CertificateWorld) -> None:
    first = services.issue(world.trajectory, by=world.school_staff)
    services.revoke(first, by=world.school_staff, reason="Fout")
    second = services.issue(world.trajectory, by=world.school_staff)

    html = panel(page(world, "school_staff").content.decode())

    assert html.index(second.number) < html.index(first.number)
    assert list(Certificate.objects.filter(trajectory=world.trajectory)) == [second, first]
    assert issue_url(world) not in html


def record_url(world: CertificateWorld) -> str:
    return reverse("certificates:record", kwargs={"pk": world.trajectory.pk})


@pytest.mark.parametrize("outcome", [IntendedOutcome.PRACTICE_CERTIFICATE, IntendedOutcome.DIPLOMA])
@pytest.mark.parametrize("who", ["learner_user", "consultant"])
def test_the_learner_and_their_consultant_are_offered_the_record(
    world: CertificateWorld, who: str, outcome: str
) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(intended_outcome=outcome)

    html = page(world, who).content.decode()

    assert 'id="record-heading"' in html
    assert record_url(world) in html


@pytest.mark.parametrize("who", ["school_staff", "trainer", "coordinator"])
def test_the_other_parties_are_not_offered_the_record(world: CertificateWorld, who: str) -> None:
    html = page(world, who).content.decode()

    assert record_url(world) not in html

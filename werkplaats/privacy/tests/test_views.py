"""Who opens the privacy pages: the register for platform administrators, a learner's data for
the learner and the coordinators of their organisation or region, and the learner's own view of
who looked at their record."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.organisations.models import Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.trajectories.models import Learner, TargetGroup
from werkplaats.trajectories.tests import work_world
from werkplaats.trajectories.tests.work_world import WorkWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def work() -> WorkWorld:
    world = work_world.build()
    Learner.objects.filter(pk=world.trajectory.learner_id).update(support_needs="Rolstoel, aangepaste werkplek")
    return world


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _access_url(work: WorkWorld) -> str:
    return f"/privacy/learners/{work.trajectory.learner_id}/"


def test_the_register_page_is_for_platform_administrators(work: WorkWorld, platform_admin: User, english: None) -> None:
    page = _client(platform_admin).get("/privacy/register/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "trajectories.Learner.support_needs" in text
    assert "Arranging the support a learner needs" in text or "ondersteuning" in text
    assert _client(work.consultant).get("/privacy/register/").status_code == 403
    assert _client().get("/privacy/register/").status_code == 302


def test_the_learner_and_the_coordinators_open_the_data_and_others_do_not(work: WorkWorld) -> None:
    url = _access_url(work)
    region_coordinator = member_of(
        OrganisationFactory.create(name="Regio Groningen", region=work.municipality.region), Role.COORDINATOR
    )
    own = _client(work.learner_user).get(url)
    assert own.status_code == 200 and "Rolstoel" in own.content.decode()
    coordinator = _client(region_coordinator).get(url)
    assert coordinator.status_code == 200 and "Rolstoel" not in coordinator.content.decode()
    assert _client(work.consultant).get(url).status_code == 403  # sees the learner; no coordinator
    assert _client(work.bystander).get(url).status_code == 403  # coordinator of the school's region only
    assert _client(work.outsider).get(url).status_code == 404
    assert _client(work.outsider).get(url + "json/").status_code == 404
    assert _client().get(url).status_code == 302
    assert AuditLogEntry.objects.filter(action=Action.EXPORT, object_id=str(work.trajectory.learner_id)).count() == 2


def _viewed_by_others(work: WorkWorld, times: int) -> None:
    consultant = _client(work.consultant)
    for _ in range(times):
        assert (
            consultant.get(reverse("trajectories:learner", kwargs={"pk": work.trajectory.learner_id})).status_code
            == 200
        )
        assert consultant.get(work.trajectory.get_absolute_url()).status_code == 200


def test_the_learner_sees_who_viewed_their_record(work: WorkWorld) -> None:
    other = Learner.objects.create(
        organisation=work.municipality,
        first_name="Ander",
        last_name="Persoon",
        date_of_birth="1991-01-01",
        target_group=TargetGroup.WW,
    )
    assert _client(work.consultant).get(reverse("trajectories:learner", kwargs={"pk": other.pk})).status_code == 200
    work.consultant.name = "Karin Consulent"
    work.consultant.save()
    _viewed_by_others(work, 1)

    page = _client(work.learner_user).get("/privacy/my-data/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Karin Consulent" in text and work.municipality.name in text
    rows = page.context["page"].object_list
    assert {entry.object_id for entry in rows if entry.content_type.model == "learner"} == {
        str(work.trajectory.learner_id)
    }
    assert any(entry.content_type.model == "trajectory" for entry in rows)


def test_the_transparency_page_has_a_constant_number_of_queries(work: WorkWorld) -> None:
    client = _client(work.learner_user)
    _viewed_by_others(work, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/privacy/my-data/").status_code == 200
    _viewed_by_others(work, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/privacy/my-data/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_user_without_a_learner_record_is_told_so(work: WorkWorld) -> None:
    page = _client(work.consultant).get("/privacy/my-data/")
    assert page.status_code == 200
    assert page.context["learner"] is None


def test_the_learner_page_tag_links_to_the_data_for_those_who_may_ask(work: WorkWorld) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    learner = Learner.objects.get(pk=work.trajectory.learner_id)
    tag = Template("{% load privacy_tags %}{% privacy_links learner %}")
    url = f"/privacy/learners/{learner.pk}/"
    for user, shown in ((work.learner_user, True), (work.consultant, False)):
        request = RequestFactory().get("/")
        request.user = user
        assert (url in tag.render(Context({"request": request, "learner": learner}))) is shown

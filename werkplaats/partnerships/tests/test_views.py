from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.partnerships.models import MemberRole, Partnership, PartnershipMember

from .factories import cast, join, represented

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_members_see_the_partnership_and_outsiders_get_404() -> None:
    c = cast(name="Werkplaats Zuid")
    url = reverse("partnerships:detail", args=[c.partnership.slug])

    assert _client(c.member.user).get(url).status_code == 200
    assert _client(c.outsider).get(url).status_code == 404
    assert _client(User.objects.create_superuser("root@example.nl", "x-y-z-1234567")).get(url).status_code == 404
    assert "Werkplaats Zuid" not in _client(c.outsider).get(reverse("partnerships:list")).content.decode()


def test_only_the_manager_changes_the_partnership() -> None:
    c = cast()
    url = reverse("partnerships:edit", args=[c.partnership.slug])

    assert _client(c.member.user).get(url).status_code == 403
    response = _client(c.manager.user).post(url, {"name": "Nieuwe naam", "kind": "other"})
    assert response.status_code == 302
    c.partnership.refresh_from_db()
    assert c.partnership.name == "Nieuwe naam"


def test_founding_with_bad_input_shows_the_field_and_writes_nothing() -> None:
    municipality = OrganisationFactory.create()
    coordinator = member_of(municipality, Role.COORDINATOR)

    response = _client(coordinator).post(
        reverse("partnerships:found"),
        {"organisation": municipality.pk, "name": "", "kind": "nonsense", "started_on": "31-02-2026"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "kind", "started_on"}
    assert not Partnership.objects.exists()


def test_a_consultant_cannot_found_a_partnership() -> None:
    consultant = member_of(OrganisationFactory.create(), Role.CONSULTANT)

    assert _client(consultant).get(reverse("partnerships:found")).status_code == 403


def test_the_manager_adds_a_member_through_the_form() -> None:
    c = cast()
    school = represented(c.member)
    teacher = member_of(school.organisation, Role.SCHOOL_STAFF, name="Docent Dijkstra")

    response = _client(c.manager.user).post(
        reverse("partnerships:member-add", args=[c.partnership.slug]),
        {"user": teacher.pk, "partner": school.pk, "role": MemberRole.INTERNAL, "level": "operational"},
    )

    assert response.status_code == 302
    member = PartnershipMember.objects.get(user=teacher)
    assert (member.partner, member.perspective) == (school, "education")


def test_a_member_cannot_add_members() -> None:
    c = cast()

    response = _client(c.member.user).post(reverse("partnerships:member-add", args=[c.partnership.slug]), {})

    assert response.status_code == 403


def test_the_last_manager_leaving_gets_a_message_not_an_error() -> None:
    c = cast()
    url = reverse("partnerships:member-end", args=[c.partnership.slug, c.manager.pk])

    response = _client(c.manager.user).post(url, follow=True)

    assert response.status_code == 200
    assert "at least one manager" in response.content.decode() or "minstens één" in response.content.decode()
    c.manager.refresh_from_db()
    assert c.manager.is_active


def test_a_member_leaves_on_their_own_but_cannot_end_someone_else() -> None:
    c = cast()

    assert (
        _client(c.member.user)
        .post(reverse("partnerships:member-end", args=[c.partnership.slug, c.worker.pk]))
        .status_code
        == 403
    )
    response = _client(c.member.user).post(reverse("partnerships:member-end", args=[c.partnership.slug, c.member.pk]))

    assert response.status_code == 302
    assert not Partnership.objects.visible_to(c.member.user).exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_members_and_overview_pages_do_not_grow_with_rows() -> None:
    c = cast()
    client = _client(c.manager.user)
    urls = [
        reverse("partnerships:list"),
        reverse("partnerships:members", args=[c.partnership.slug]),
        reverse("partnerships:detail", args=[c.partnership.slug]),
    ]
    before = [_queries(client, url) for url in urls]
    for _ in range(5):
        join(c.partnership, organisation=OrganisationFactory.create())
        other = cast()
        join(other.partnership, c.manager.user)

    assert [_queries(client, url) for url in urls] == before


def test_ending_a_partner_asks_first_and_then_ends_it() -> None:
    c = cast()
    partner = represented(c.worker)
    url = reverse("partnerships:partner-end", args=[c.partnership.slug, partner.pk])
    client = _client(c.manager.user)

    page = client.get(url)
    assert page.status_code == 200
    assert c.worker.user.name in page.content.decode()
    partner.refresh_from_db()
    assert partner.left_on is None

    assert client.post(url).status_code == 302
    partner.refresh_from_db()
    assert partner.left_on is not None
    assert _client(c.member.user).post(url).status_code == 403

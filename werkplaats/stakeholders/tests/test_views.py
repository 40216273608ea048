"""The map's pages: who opens and changes what, bad input at its field, removal that never
breaks a page, and query counts that do not grow with the map."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.partnerships.dashboard import dashboard
from werkplaats.partnerships.models import Partnership
from werkplaats.partnerships.tests.factories import Cast
from werkplaats.stakeholders import dashboard as stakeholder_dashboard
from werkplaats.stakeholders.models import Relation, Stakeholder, Tension, TensionStatus

from .factories import relation, small_map, stakeholder, tension


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, partnership: Partnership, **kwargs: object) -> str:
    return reverse(f"stakeholders:{name}", kwargs={"slug": partnership.slug, **kwargs})


GOOD = {
    "name": "UWV Groningen",
    "kind": "organisation",
    "interests": "Mensen met een WW-uitkering snel aan het werk.",
    "influence": "4",
    "interest": "3",
    "stance": "supportive",
    "engagement": "consult",
    "desired_engagement": "collaborate",
    "owner": "",
    "organisation": "",
}


# --- Who may do what ------------------------------------------------------------------------


def test_every_member_reads_the_map_and_an_outsider_finds_nothing(crew: Cast) -> None:
    uwv = stakeholder(crew.partnership, "UWV")
    for user in (crew.manager.user, crew.steering_member.user, crew.member.user):
        client = _client(user)
        assert client.get(_url("map", crew.partnership)).status_code == 200
        assert client.get(_url("detail", crew.partnership, pk=uwv.pk)).status_code == 200
        assert client.get(_url("export-xlsx", crew.partnership)).status_code == 200
    outsider = _client(crew.outsider)
    assert outsider.get(_url("map", crew.partnership)).status_code == 404
    assert outsider.get(_url("detail", crew.partnership, pk=uwv.pk)).status_code == 404
    assert outsider.get(_url("export-elements", crew.partnership)).status_code == 404
    assert outsider.post(_url("add", crew.partnership), GOOD).status_code == 404
    assert not Stakeholder.objects.filter(name=GOOD["name"]).exists()


def test_the_steering_group_keeps_the_map_and_a_plain_member_may_not(crew: Cast) -> None:
    uwv = stakeholder(crew.partnership, "UWV")
    member = _client(crew.member.user)
    for name, kwargs in [("add", {}), ("edit", {"pk": uwv.pk}), ("relation-add", {}), ("tension-add", {})]:
        assert member.get(_url(name, crew.partnership, **kwargs)).status_code == 403, name
    assert member.post(_url("add", crew.partnership), GOOD).status_code == 403
    assert member.post(_url("remove", crew.partnership, pk=uwv.pk)).status_code == 403
    assert not Stakeholder.objects.filter(name=GOOD["name"]).exists()

    for user in (crew.manager.user, crew.steering_member.user):
        assert _client(user).get(_url("add", crew.partnership)).status_code == 200
    response = _client(crew.steering_member.user).post(_url("add", crew.partnership), GOOD)
    created = Stakeholder.objects.get(name=GOOD["name"])
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.influence, created.interest, created.stance) == (4, 3, "supportive")


def test_the_owner_of_a_stakeholder_may_change_it_and_its_tensions(crew: Cast) -> None:
    owned = stakeholder(crew.partnership, "UWV", owner=crew.member)
    other = stakeholder(crew.partnership, "School")
    clash = tension(owned, other)
    owner = _client(crew.member.user)
    assert owner.get(_url("edit", crew.partnership, pk=owned.pk)).status_code == 200
    assert owner.get(_url("edit", crew.partnership, pk=other.pk)).status_code == 403
    response = owner.post(
        _url("edit", crew.partnership, pk=owned.pk), {**GOOD, "name": "UWV", "owner": crew.member.pk, "influence": "5"}
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.influence == 5
    assert owned.snapshots.count() == 2
    assert owner.get(_url("tension-edit", crew.partnership, pk=clash.pk)).status_code == 200
    # Still no remover: taking a stakeholder off the map is the steering group's.
    assert owner.post(_url("remove", crew.partnership, pk=owned.pk)).status_code == 403
    worker = _client(crew.worker.user)
    assert worker.get(_url("tension-edit", crew.partnership, pk=clash.pk)).status_code == 403


def test_another_partnerships_stakeholder_is_not_found(crew: Cast) -> None:
    from werkplaats.partnerships.tests.factories import cast

    elsewhere = stakeholder(cast().partnership, "Elders")
    manager = _client(crew.manager.user)
    assert manager.get(_url("detail", crew.partnership, pk=elsewhere.pk)).status_code == 404
    assert manager.get(_url("edit", crew.partnership, pk=elsewhere.pk)).status_code == 404


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "6", "drie", ""])
def test_an_influence_outside_1_to_5_is_shown_at_its_field(crew: Cast, value: str) -> None:
    response = _client(crew.manager.user).post(_url("add", crew.partnership), {**GOOD, "influence": value})
    assert response.status_code == 200
    assert "influence" in response.context["form"].errors
    assert not Stakeholder.objects.exists()


def test_a_duplicate_name_is_shown_at_the_name(crew: Cast) -> None:
    stakeholder(crew.partnership, "UWV Groningen")
    response = _client(crew.manager.user).post(_url("add", crew.partnership), GOOD)
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["The map already has a stakeholder with this name."]


def test_a_relation_to_itself_is_shown_at_the_target(crew: Cast) -> None:
    uwv = stakeholder(crew.partnership, "UWV")
    response = _client(crew.manager.user).post(
        _url("relation-add", crew.partnership), {"source": uwv.pk, "target": uwv.pk, "kind": "funds", "note": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target"] == ["A stakeholder cannot have a relation with itself."]
    assert not Relation.objects.exists()


def test_a_tension_with_the_same_stakeholder_twice_is_shown_at_the_second(crew: Cast) -> None:
    uwv = stakeholder(crew.partnership, "UWV")
    data = {"first": uwv.pk, "second": uwv.pk, "title": "Snel of grondig", "status": "open", "raised_on": "01-03-2025"}
    response = _client(crew.manager.user).post(_url("tension-add", crew.partnership), data)
    assert response.status_code == 200
    assert response.context["form"].errors["second"] == ["A tension is between two different stakeholders."]
    assert not Tension.objects.exists()


def test_a_stakeholder_of_another_map_cannot_be_chosen(crew: Cast) -> None:
    from werkplaats.partnerships.tests.factories import cast

    uwv = stakeholder(crew.partnership, "UWV")
    elsewhere = stakeholder(cast().partnership, "Elders")
    response = _client(crew.manager.user).post(
        _url("relation-add", crew.partnership), {"source": uwv.pk, "target": elsewhere.pk, "kind": "funds"}
    )
    assert response.status_code == 200
    assert "target" in response.context["form"].errors


def test_a_bad_comparison_date_is_shown_and_the_map_still_works(crew: Cast) -> None:
    stakeholder(crew.partnership, "UWV")
    client = _client(crew.member.user)
    for since in ("gisteren", "31-02-2025", "01-01-2999"):
        response = client.get(_url("map", crew.partnership), {"since": since})
        assert response.status_code == 200
        assert "since" in response.context["form"].errors
        assert response.context["map"].since is None


def test_an_empty_post_to_a_remove_action_redirects(crew: Cast) -> None:
    a, b = stakeholder(crew.partnership, "A"), stakeholder(crew.partnership, "B")
    link = relation(a, b)
    manager = _client(crew.manager.user)
    assert manager.post(_url("relation-remove", crew.partnership, pk=link.pk)).status_code == 302
    assert not Relation.objects.exists()


# --- Removal --------------------------------------------------------------------------------


def test_removing_a_stakeholder_with_relations_and_tensions_never_breaks_a_page(crew: Cast) -> None:
    uwv, school, gemeente = (stakeholder(crew.partnership, name) for name in ("UWV", "School", "Gemeente"))
    link = relation(uwv, school)
    clash = tension(uwv, gemeente)
    manager = _client(crew.manager.user)
    response = manager.post(_url("remove", crew.partnership, pk=uwv.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("map", crew.partnership)
    page = manager.get(_url("map", crew.partnership))
    assert page.status_code == 200
    assert [row.stakeholder.name for row in page.context["map"].rows] == ["Gemeente", "School"]
    assert page.context["map"].relations == [] and page.context["map"].tensions == []
    assert manager.get(_url("detail", crew.partnership, pk=uwv.pk)).status_code == 404
    assert manager.get(_url("relation-edit", crew.partnership, pk=link.pk)).status_code == 404
    assert manager.get(_url("tension-edit", crew.partnership, pk=clash.pk)).status_code == 404
    assert manager.post(_url("remove", crew.partnership, pk=uwv.pk)).status_code == 404
    assert manager.get(_url("export-xlsx", crew.partnership)).status_code == 200
    assert manager.get(_url("detail", crew.partnership, pk=school.pk)).status_code == 200


# --- The pages show the data ----------------------------------------------------------------


def test_the_map_has_two_accessible_pictures_and_tables_with_the_same_data(crew: Cast) -> None:
    uwv, school = stakeholder(crew.partnership, "UWV", influence=5, interest=4), stakeholder(crew.partnership, "School")
    relation(uwv, school, "funds")
    tension(uwv, school, "Snel werk of een diploma")
    tension(school, uwv, "Opgelost", status=TensionStatus.RESOLVED)
    response = _client(crew.member.user).get(_url("map", crew.partnership))
    html = response.content.decode()
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="stakeholders-grid-title stakeholders-grid-desc"' in html
    assert 'aria-labelledby="stakeholders-network-title stakeholders-network-desc"' in html
    assert html.count('class="stakeholders-relation"') == 1 + 1  # one in the picture, one in the legend
    assert html.count('class="stakeholders-tension"') == 1 + 1  # the resolved tension is not drawn
    assert "Snel werk of een diploma" in html and "Opgelost" in html  # both in the table
    assert 'style="' not in html and "<script>" not in html


def test_the_stakeholder_page_shows_its_history(crew: Cast) -> None:
    uwv = stakeholder(crew.partnership, "UWV", influence=2, interest=2)
    from werkplaats.stakeholders import services

    services.change_stakeholder(uwv, by=crew.manager.user, influence=4, stance="critical")
    response = _client(crew.member.user).get(_url("detail", crew.partnership, pk=uwv.pk))
    history = response.context["history"]
    assert [(s.influence, s.stance) for s in history] == [(4, "critical"), (2, "neutral")]
    assert "2 recorded positions" in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------


def _count(client: Client, url: str, **params: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_map_page_costs_the_same_number_of_queries_at_2_and_12_stakeholders(crew: Cast) -> None:
    from werkplaats.partnerships.tests.factories import cast

    small, large = crew, cast()
    small_map(small.partnership, 2)
    large_map = small_map(large.partnership, 12)
    for s in large_map[:4]:
        s.owner = large.member
        s.save(update_fields=["owner"])
    counts = []
    for c in (small, large):
        client = _client(c.manager.user)
        url = _url("map", c.partnership)
        _count(client, url)  # warm the session and caches
        counts.append((_count(client, url), _count(client, url, since="01-01-2024")))
    assert counts[0] == counts[1]


def test_the_stakeholder_page_and_export_cost_the_same_at_two_sizes(crew: Cast) -> None:
    from werkplaats.partnerships.tests.factories import cast

    small, large = crew, cast()
    first_small = small_map(small.partnership, 2)[0]
    first_large = small_map(large.partnership, 8)[0]
    for other in Stakeholder.objects.filter(partnership=large.partnership).exclude(pk=first_large.pk)[:5]:
        relation(first_large, other, "funds")
    counts = []
    for c, first in ((small, first_small), (large, first_large)):
        client = _client(c.manager.user)
        _count(client, _url("detail", c.partnership, pk=first.pk))
        counts.append(
            (
                _count(client, _url("detail", c.partnership, pk=first.pk)),
                _count(client, _url("export-xlsx", c.partnership)),
            )
        )
    assert counts[0] == counts[1]


def test_the_dashboard_panel_counts_quadrants_and_open_tensions_in_fixed_queries(
    crew: Cast, django_assert_max_num_queries: object
) -> None:
    from werkplaats.partnerships.access import partnership_access
    from werkplaats.partnerships.tests.factories import cast

    class Request:
        def __init__(self, user: User) -> None:
            self.user = user

    assert stakeholder_dashboard.panel(partnership_access(Request(crew.manager.user), crew.partnership.slug)) is None  # type: ignore[arg-type]
    a = stakeholder(crew.partnership, "A", influence=5, interest=5)
    b = stakeholder(crew.partnership, "B", influence=5, interest=1)
    stakeholder(crew.partnership, "C", influence=1, interest=1)
    tension(a, b)
    tension(b, a, "Opgelost", status=TensionStatus.RESOLVED)
    large = cast()
    small_map(large.partnership, 10)
    results = []
    for partnership, user in ((crew.partnership, crew.manager.user), (large.partnership, large.manager.user)):
        pa = partnership_access(Request(user), partnership.slug)  # type: ignore[arg-type]
        with CaptureQueriesContext(connection) as queries:
            panel = stakeholder_dashboard.panel(pa)
        results.append((len(queries), panel))
    assert results[0][0] == results[1][0] <= 3
    panel = results[0][1]
    assert panel is not None
    assert [(key, count) for key, _label, count in panel["quadrants"]] == [
        ("manage_closely", 1),
        ("keep_satisfied", 1),
        ("keep_informed", 0),
        ("monitor", 1),
    ]
    assert panel["open_tension_count"] == 1
    assert dashboard is not None  # the overview renders panels; registering this one is the base app's


def test_the_dashboard_panel_template_renders(crew: Cast) -> None:
    from django.template.loader import render_to_string

    from werkplaats.partnerships.access import partnership_access

    class Request:
        def __init__(self, user: User) -> None:
            self.user = user

    a, b = stakeholder(crew.partnership, "A", influence=5, interest=5), stakeholder(crew.partnership, "B")
    tension(a, b, "Snel werk of een diploma")
    pa = partnership_access(Request(crew.manager.user), crew.partnership.slug)  # type: ignore[arg-type]
    html = render_to_string(
        "stakeholders/_dashboard_panel.html",
        {"partnership": crew.partnership, "pa": pa, "panel": stakeholder_dashboard.panel(pa)},
    )
    assert '<h2 class="utrecht-heading-2"' in html
    assert "Snel werk of een diploma" in html

"""The notifications page: your own notifications, newest first, unread marked, links only to this site."""

from __future__ import annotations

import datetime
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.notifications.context_processors import notifications as notifications_context
from werkplaats.notifications.links import safe_link
from werkplaats.notifications.models import Notification

URL = "/notifications/"


def _notify(user: User, message: str, *, url: str = "", read: bool = False, key: str = "") -> Notification:
    return Notification.objects.create(
        recipient=user,
        message=message,
        url=url,
        key=key or message,
        read_at=timezone.now() if read else None,
    )


@pytest.fixture
def person(db: None) -> User:
    return cast(User, UserFactory(email="persoon@example.nl"))


@pytest.fixture
def other_person(db: None) -> User:
    return cast(User, UserFactory(email="ander@example.nl"))


@pytest.fixture
def logged_in(client: Client, person: User) -> Client:
    client.force_login(person)
    return client


def test_the_urls_are_as_documented() -> None:
    assert reverse("notifications:list") == URL
    assert reverse("notifications:mark-all-read") == "/notifications/read/"


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_shows_only_the_users_own_notifications(logged_in: Client, person: User, other_person: User) -> None:
    _notify(person, "Voor jou")
    _notify(other_person, "Voor een ander")

    content = logged_in.get(URL).content.decode()

    assert "Voor jou" in content
    assert "Voor een ander" not in content


def test_the_newest_notification_comes_first(logged_in: Client, person: User) -> None:
    old = _notify(person, "Oud bericht")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    _notify(person, "Nieuw bericht")

    content = logged_in.get(URL).content.decode()

    assert content.index("Nieuw bericht") < content.index("Oud bericht")


def test_unread_notifications_are_marked(logged_in: Client, person: User) -> None:
    _notify(person, "Nog niet gelezen")
    _notify(person, "Al gelezen", read=True)

    response = logged_in.get(URL)

    items = {item["notification"].message: item for item in response.context["items"]}
    assert items["Nog niet gelezen"]["notification"].read_at is None
    assert response.content.decode().count("werkplaats-notification--unread") == 1


def test_mark_all_as_read_marks_only_the_users_own(logged_in: Client, person: User, other_person: User) -> None:
    _notify(person, "Een")
    _notify(person, "Twee")
    theirs = _notify(other_person, "Van een ander")

    response = logged_in.post(reverse("notifications:mark-all-read"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_needs_a_post(logged_in: Client) -> None:
    assert logged_in.get(reverse("notifications:mark-all-read")).status_code == 405


def test_a_notification_links_to_its_page_on_this_site(logged_in: Client, person: User) -> None:
    _notify(person, "Traject gewijzigd", url="/trajectories/7/")

    content = logged_in.get(URL).content.decode()

    assert 'href="/trajectories/7/"' in content


def test_an_absolute_external_url_is_not_rendered_as_a_link(logged_in: Client, person: User) -> None:
    for n, url in enumerate(
        ["https://evil.example.com/phish", "//evil.example.com/", "javascript:alert(1)", "/\\evil.example.com"]
    ):
        _notify(person, f"Bericht {n}", url=url, key=f"k{n}")

    content = logged_in.get(URL).content.decode()

    assert "evil.example.com" not in content
    assert "javascript:" not in content
    for n in range(4):
        assert f"Bericht {n}" in content


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("/trajectories/7/", "/trajectories/7/"),
        ("/a/?b=c#d", "/a/?b=c#d"),
        ("", ""),
        ("trajectories/7/", ""),
        ("http://testserver/trajectories/7/", ""),
        ("https://evil.example.com/", ""),
        ("//evil.example.com/", ""),
        ("/\\evil.example.com/", ""),
        ("javascript:alert(1)", ""),
        ("data:text/html,hi", ""),
    ],
)
def test_only_relative_same_site_urls_become_links(url: str, link: str) -> None:
    assert safe_link(url) == link


def test_the_page_is_paginated(logged_in: Client, person: User) -> None:
    for n in range(30):
        _notify(person, f"Bericht {n}")

    first = logged_in.get(URL)
    second = logged_in.get(URL, {"page": 2})

    assert len(first.context["items"]) == 25
    assert len(second.context["items"]) == 5


def test_without_notifications_the_page_says_so(logged_in: Client) -> None:
    response = logged_in.get(URL)
    assert response.context["items"] == []
    assert not response.context["has_unread"]


def test_the_page_does_not_grow_with_the_notifications(
    logged_in: Client, person: User, django_assert_max_num_queries: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert logged_in.get(URL).status_code == 200
        return len(captured)

    for n in range(3):
        _notify(person, f"Eerst {n}")
    few = queries()
    for n in range(40):
        _notify(person, f"Later {n}")

    with django_assert_max_num_queries(12):
        many = queries()

    assert many == few, (few, many)


# --- The count in the header -----------------------------------------------------------------------------


def test_the_context_processor_counts_unread_notifications_in_one_query(
    person: User, other_person: User, django_assert_num_queries: Any
) -> None:
    _notify(person, "Een")
    _notify(person, "Twee")
    _notify(person, "Gelezen", read=True)
    _notify(other_person, "Van een ander")
    request = RequestFactory().get("/")
    request.user = person

    with django_assert_num_queries(0):  # counted only when a template shows it
        context = notifications_context(request)
    with django_assert_num_queries(1):
        assert context == {"unread_notification_count": 2}


def test_the_context_processor_gives_nothing_to_anonymous_visitors(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert notifications_context(request) == {}

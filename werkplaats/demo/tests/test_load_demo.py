from __future__ import annotations

from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.demo.data import DEMO_PASSWORD, USERS
from werkplaats.demo.services import load_demo
from werkplaats.organisations.models import Membership, Organisation


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Organisation.objects.count(), Membership.objects.count()


def test_loading_the_demo_twice_changes_nothing(db: None) -> None:
    load_demo()
    before = _counts()

    summary = load_demo()

    assert _counts() == before
    assert (summary.organisations_created, summary.users_created, summary.memberships_changed) == (0, 0, 0)
    assert (summary.qualifications_added, summary.recognitions_added, summary.trajectories_added) == (0, 0, 0)


def test_every_demo_account_holds_the_roles_the_readme_lists(demo: None) -> None:
    expected = {email: (slug, set(roles), admin) for email, (_name, slug, roles, admin) in USERS.items()}

    actual = {
        m.user.email: (m.organisation.slug, set(m.roles), m.user.is_superuser)
        for m in Membership.objects.active().filter(user__email__in=USERS).select_related("user", "organisation")
    }

    assert actual == expected


def test_a_demo_account_logs_in_with_the_published_password(demo: None, client: Client) -> None:
    response = client.post(reverse("account_login"), {"login": "consultant@demo.nl", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="consultant@demo.nl").pk)

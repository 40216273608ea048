"""Token management: the pages for an organisation's administrators, and the command for operators."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from werkplaats.api.models import ApiToken, hash_secret
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.organisations.models import Role
from werkplaats.organisations.services import add_membership
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of

from .helpers import ApiClient


@pytest.fixture
def organisation(db: None) -> object:
    return OrganisationFactory.create(name="Gemeente Haren")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _form(days: int = 30, access: str = "read") -> dict[str, str]:
    return {
        "name": "Koppeling",
        "access": access,
        "expires_on": (timezone.localdate() + datetime.timedelta(days=days)).isoformat(),
    }


def test_an_administrator_creates_a_token_and_sees_the_secret_once(organisation: object) -> None:
    admin = member_of(organisation, Role.ADMIN, Role.CONSULTANT)  # type: ignore[arg-type]
    client = _client(admin)
    create = reverse("api-tokens:create", args=[organisation.slug])  # type: ignore[attr-defined]

    response = client.post(create, _form(access="write"))

    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    secret = re.search(r'value="(wpk_[^"]+)"', response.content.decode())[1]  # type: ignore[index]
    token = ApiToken.objects.get()
    assert (token.key_hash, token.read_only, token.created_by) == (hash_secret(secret), False, admin)
    listing = client.get(reverse("api-tokens:list", args=[organisation.slug])).content.decode()  # type: ignore[attr-defined]
    assert token.prefix in listing
    assert secret not in listing
    assert ApiClient(secret).get("/api/v1/organisations").status_code == 200
    assert AuditLogEntry.objects.filter(action=Action.CREATE, object_id=str(token.pk)).exists()


def test_the_form_says_which_roles_the_token_gets(organisation: object) -> None:
    create = reverse("api-tokens:create", args=[organisation.slug])  # type: ignore[attr-defined]
    admin_only = _client(member_of(organisation, Role.ADMIN))  # type: ignore[arg-type]
    consultant_too = _client(member_of(organisation, Role.ADMIN, Role.CONSULTANT))  # type: ignore[arg-type]

    alone = admin_only.get(create)
    both = consultant_too.get(create)

    with translation.override("nl"):
        admin_label, consultant_label = str(Role.ADMIN.label), str(Role.CONSULTANT.label)
    assert alone.context["role_labels"] == [admin_label]
    assert admin_label in alone.content.decode()
    assert 'id="token-sees-nothing"' in alone.content.decode()
    assert both.context["role_labels"] == [consultant_label, admin_label]
    assert 'id="token-sees-nothing"' not in both.content.decode()


@pytest.mark.parametrize(("days", "error"), [(400, "at most a year"), (-1, "in the future")])
def test_the_expiry_is_required_and_at_most_a_year(organisation: object, days: int, error: str) -> None:
    admin = member_of(organisation, Role.ADMIN, language="en")  # type: ignore[arg-type]
    client = _client(admin)

    response = client.post(reverse("api-tokens:create", args=[organisation.slug]), _form(days=days))  # type: ignore[attr-defined]
    no_date = client.post(reverse("api-tokens:create", args=[organisation.slug]), {**_form(), "expires_on": ""})  # type: ignore[attr-defined]

    assert error in response.content.decode()
    assert no_date.status_code == 200
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_a_token(organisation: object) -> None:
    admin = member_of(organisation, Role.ADMIN)  # type: ignore[arg-type]
    client = _client(admin)
    client.post(reverse("api-tokens:create", args=[organisation.slug]), _form())  # type: ignore[attr-defined]
    token = ApiToken.objects.get()

    response = client.post(reverse("api-tokens:revoke", args=[organisation.slug, token.pk]))  # type: ignore[attr-defined]

    token.refresh_from_db()
    assert response.status_code == 302
    assert token.revoked_at is not None and token.revoked_by == admin


def test_only_administrators_manage_tokens(organisation: object) -> None:
    consultant = member_of(organisation, Role.CONSULTANT)  # type: ignore[arg-type]
    outsider = member_of(OrganisationFactory.create(), Role.ADMIN, Role.COORDINATOR)
    urls = [reverse(f"api-tokens:{name}", args=[organisation.slug]) for name in ("list", "create")]  # type: ignore[attr-defined]

    assert [_client(consultant).get(url).status_code for url in urls] == [403, 403]
    assert [_client(outsider).get(url).status_code for url in urls] == [404, 404]
    assert _client(consultant).post(urls[1], _form()).status_code == 403
    assert not ApiToken.objects.exists()


# --- The command -------------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_working_token_on_its_last_line(organisation: object) -> None:
    user = member_of(organisation, Role.CONSULTANT, email="script@haren.example.nl")  # type: ignore[arg-type]

    output = _run("Script@haren.example.nl", "--name", "Nachtelijke sync", "--read-only")

    secret = output.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert (token.name, token.read_only, token.created_by) == ("Nachtelijke sync", True, user)
    assert secret.startswith("wpk_") and " " not in secret
    assert ApiClient(secret).get("/api/v1/organisations").status_code == 200


def test_the_command_asks_which_organisation_when_there_are_several(organisation: object) -> None:
    user = member_of(organisation, Role.CONSULTANT, email="twee@example.nl")  # type: ignore[arg-type]
    other = OrganisationFactory.create(name="Tweede")
    add_membership(user, other, roles=[Role.CONSULTANT])

    with pytest.raises(CommandError, match="--organisation"):
        _run("twee@example.nl", "--name", "Sync")
    _run("twee@example.nl", "--name", "Sync", "--organisation", other.slug)

    assert ApiToken.objects.get().organisation == other


def test_the_command_refuses_unknown_people_and_non_members(organisation: object) -> None:
    member_of(OrganisationFactory.create(), Role.CONSULTANT, email="elders@example.nl")

    with pytest.raises(CommandError, match="No active account"):
        _run("niemand@example.nl", "--name", "Sync")
    with pytest.raises(CommandError, match="not an active member"):
        _run("elders@example.nl", "--name", "Sync", "--organisation", organisation.slug)  # type: ignore[attr-defined]
    assert not ApiToken.objects.exists()

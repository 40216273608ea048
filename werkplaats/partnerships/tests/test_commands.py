from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.partnerships.models import MemberRole, PartnershipMember

from .factories import cast

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("make_partnership_manager", *args, stdout=out)
    return out.getvalue()


def test_a_member_is_made_manager_and_an_outsider_joins_as_one() -> None:
    c = cast()
    newcomer = UserFactory.create(email="nieuw@example.nl")

    assert "now manages" in _run(c.partnership.slug, c.member.user.email)
    assert "joined" in _run(c.partnership.slug, "NIEUW@example.nl")
    assert "already manages" in _run(c.partnership.slug, c.manager.user.email)

    c.member.refresh_from_db()
    assert c.member.role == MemberRole.MANAGER
    assert PartnershipMember.objects.active().get(partnership=c.partnership, user=newcomer).is_manager


def test_unknown_partnerships_and_accounts_are_refused_with_a_message() -> None:
    c = cast()

    with pytest.raises(CommandError, match="No partnership"):
        _run("no-such-partnership", c.member.user.email)
    with pytest.raises(CommandError, match="No active account"):
        _run(c.partnership.slug, "nobody@example.nl")

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.api import services
from werkplaats.audit.context import acting_as, system_actor
from werkplaats.organisations.models import Membership


class Command(BaseCommand):
    help = (
        "Create an API token that acts as the person with this e-mail address in one of their "
        "organisations. The token is printed alone on the last line; it is not stored and cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the e-mail address of the person's Werkplaats account")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. the system that uses it")
        parser.add_argument(
            "--organisation", metavar="SLUG", help="the organisation's short name; needed when the person has several"
        )
        parser.add_argument("--read-only", action="store_true", help="a token that can read but not change anything")
        parser.add_argument("--days", type=int, default=90, help="days until the token expires (1-365, default 90)")

    def handle(self, *args: Any, email: str, name: str, organisation: str | None, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account with the e-mail address {email!r}.")
        memberships = Membership.objects.active().filter(user=user, organisation__is_active=True)
        memberships = memberships.select_related("organisation").order_by("organisation__slug")
        if organisation:
            memberships = memberships.filter(organisation__slug=organisation)
        found = list(memberships)
        if not found:
            where = f" of the organisation {organisation!r}" if organisation else " of any organisation"
            raise CommandError(f"{user.email} is not an active member{where}.")
        if len(found) > 1:
            slugs = ", ".join(m.organisation.slug for m in found)
            raise CommandError(
                f"{user.email} is a member of several organisations ({slugs}): choose one with --organisation."
            )
        days = options["days"]
        if not 1 <= days <= 365:
            raise CommandError("--days must be between 1 and 365.")
        target = found[0].organisation
        with acting_as(system_actor("create_api_token")):
            try:
                token, secret = services.create_token(
                    target,
                    by=user,
                    name=name,
                    read_only=options["read_only"],
                    expires_at=timezone.now() + datetime.timedelta(days=days),
                    check_permission=False,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        access = "read-only" if token.read_only else "read-write"
        self.stdout.write(
            f"Created {access} token {token.name!r} for {target.slug}, acting as {user.email}, "
            f"valid until {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}. It is shown only now:"
        )
        self.stdout.write(secret)

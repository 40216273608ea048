from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from werkplaats.accounts.models import User
from werkplaats.audit.context import acting_as, system_actor
from werkplaats.partnerships import services
from werkplaats.partnerships.models import MemberRole, Partnership


class Command(BaseCommand):
    help = (
        "Make someone a manager of a partnership (adding them as a member if needed). For operators, "
        "when a partnership has no active manager left: platform administrators cannot open partnerships."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the partnership's short name in addresses")
        parser.add_argument("email", help="the e-mail address of the person's Werkplaats account")

    def handle(self, *args: Any, slug: str, email: str, **options: Any) -> None:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise CommandError(f"No partnership with the short name {slug!r}.")
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account with the e-mail address {email!r}.")
        with acting_as(system_actor("make_partnership_manager")):
            member = partnership.members.active().filter(user=user).first()
            if member is None:
                services.add_member(partnership, user=user, role=MemberRole.MANAGER)
                self.stdout.write(f"{user} joined {partnership} as its manager.")
            elif member.is_manager:
                self.stdout.write(f"{user} already manages {partnership}.")
            else:
                services.change_member(member, role=MemberRole.MANAGER)
                self.stdout.write(f"{user} now manages {partnership}.")

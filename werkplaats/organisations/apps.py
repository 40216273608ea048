from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "werkplaats.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from .models import Invitation, Membership, MembershipRole, Organisation

        register(Organisation, organisation=lambda o: o.pk)
        register(Membership, organisation=lambda m: m.organisation_id)
        register(MembershipRole, organisation=lambda r: r.membership.organisation_id)
        register(Invitation, exclude={"token_hash"}, organisation=lambda i: i.organisation_id)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScansConfig(AppConfig):
    """Scan rounds, statements and answers are not in the audit log on purpose: each entry names
    the person who made the change, which would tie members to their anonymous answers."""

    name = "werkplaats.scans"
    verbose_name = _("Scans")

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KVK_RE = re.compile(r"^\d{8}$")
# BRIN: two digits and two letters or digits, e.g. 25LP or 00GT (DUO's institution code).
BRIN_RE = re.compile(r"^\d{2}[A-Z0-9]{2}$")
POSTCODE_RE = re.compile(r"^[1-9]\d{3} ?[A-Z]{2}$")


def validate_kvk_number(value: str) -> None:
    if not KVK_RE.match(value):
        raise ValidationError(_("A KvK number has exactly 8 digits, for example 12345678."), code="invalid_kvk")


def validate_brin(value: str) -> None:
    if not BRIN_RE.match(value):
        raise ValidationError(
            _("A BRIN code is two digits followed by two letters or digits, for example 25LP."),
            code="invalid_brin",
        )


def validate_postcode(value: str) -> None:
    if not POSTCODE_RE.match(value.upper()):
        raise ValidationError(_("Enter a Dutch postcode, for example 9712 AB."), code="invalid_postcode")

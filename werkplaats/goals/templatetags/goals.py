from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def amount(value: Any) -> str:
    """A number as short as it can be said: 40 rather than 40.00, 12,5 in Dutch."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    if number == number.to_integral_value():
        return number_format(number.quantize(Decimal(1)), decimal_pos=0)
    text = format(number.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(number, decimal_pos=decimals)

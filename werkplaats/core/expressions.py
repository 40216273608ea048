"""Query expressions shared by the apps."""

from __future__ import annotations

from django.db.models import Func, IntegerField


class Total(Func):
    """SUM usable as a window over every row of a result (``Window(Total(...))``), before LIMIT:
    how many rows meet a condition (``Total(Case(When(..., then=1), default=0))``), or how many
    groups a grouped query has (``Total(Value(1))``)."""

    function = "SUM"
    window_compatible = True
    output_field = IntegerField()

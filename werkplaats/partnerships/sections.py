"""The sections of a partnership's pages, in the order of its menu.

Each app that adds pages to a partnership names its entry page here. The menu shows the
sections whose URL exists, so the list is the one place to read what a partnership holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SECTIONS: list[tuple[str, Promise]] = [
    ("partnerships:detail", _("Overview")),
    ("agreements:list", _("Agreements")),
    ("goals:list", _("Goals")),
    ("steering:groups", _("Groups")),
    ("steering:reports", _("Progress reports")),
    ("steering:actions", _("Actions")),
    ("successes:list", _("Successes")),
    ("reflections:list", _("Reflection")),
    ("scans:list", _("Health scan")),
    ("stakeholders:map", _("Stakeholder map")),
    ("learning:list", _("Learning communities")),
    ("intervision:list", _("Intervision")),
    ("forum:list", _("Forum")),
    ("meetings:list", _("Calendar")),
    ("partnerships:members", _("Partners and members")),
]


@dataclass(frozen=True)
class Section:
    url: str
    label: str
    current: bool


def sections(slug: str, path: str) -> list[Section]:
    """The menu for partnership ``slug``, marking the section that holds ``path``."""
    found = []
    for name, label in SECTIONS:
        try:
            url = reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
        found.append((url, str(label)))
    # The longest matching prefix is current; the overview only for its own address.
    best = max((url for url, _label in found if path.startswith(url)), key=len, default="")
    return [Section(url=url, label=label, current=url == best) for url, label in found]

"""The partnership of the URL-walking access test (tests/test_url_access.py).

Organisation A of that test is a partner. Its consultant is an ordinary member (in no group),
its administrator an external member, and its coordinator the partnership's manager, who sits
on the steering group and coordinates the working group. So for a page meant for the manager,
steering group or working group, the consultant and the administrator are members with too low
a role (403), the outsider of region Drenthe is no member (404), and platform administrators,
who are no members either, get a 404.

Each app with partnership pages keeps its part of the classification in its own
``tests/url_access.py``: ``KWARGS`` (how to fill the URL), ``RESTRICTED`` (who the page is for,
as a function of the world) and optionally ``PUBLIC``. The access test merges them.
"""

from __future__ import annotations

from typing import Any

from werkplaats.partnerships.models import Group, GroupKind, GroupMember, MemberRole, Partnership, PartnershipMember

from .factories import PartnershipFactory, join, partner

SLUG = "praktijkleren-groningen"


def partnership_of(w: Any) -> Partnership:
    """The partnership of world ``w``, created on first use."""
    found = Partnership.objects.filter(slug=SLUG).first()
    if found is not None:
        return found
    partnership = PartnershipFactory.create(name="Praktijkleren Groningen", slug=SLUG)
    partnership.regions.set([w.organisation.region])
    partner(partnership, w.organisation)
    manager = join(partnership, w.coordinator, role=MemberRole.MANAGER, organisation=w.organisation)
    join(partnership, w.consultant, organisation=w.organisation)
    join(partnership, w.admin, role=MemberRole.EXTERNAL)
    steering = Group.objects.create(partnership=partnership, kind=GroupKind.STEERING, name="Stuurgroep")
    GroupMember.objects.create(group=steering, member=manager)
    working = Group.objects.create(
        partnership=partnership,
        kind=GroupKind.WORKING,
        name="Werkgroep werkgevers",
        accountable_to=steering,
        report_every_weeks=6,
        coordinator=w.coordinator,
    )
    GroupMember.objects.create(group=working, member=manager)
    return partnership


def slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def manager(w: Any) -> Any:
    partnership_of(w)
    return w.coordinator


def steering_group(w: Any) -> Group:
    return partnership_of(w).groups.get(kind=GroupKind.STEERING)


def working_group(w: Any) -> Group:
    return partnership_of(w).groups.get(kind=GroupKind.WORKING)


def consultant_member(w: Any) -> PartnershipMember:
    return partnership_of(w).members.get(user=w.consultant)


def leaver(w: Any) -> PartnershipMember:
    """A member whom the manager can let go (the consultant and administrator may only end
    their own membership, so this is neither of them)."""
    partnership = partnership_of(w)
    found = partnership.members.filter(user__email="leaver@example.nl").first()
    if found is not None:
        return found
    from werkplaats.accounts.tests.factories import UserFactory

    return join(partnership, UserFactory.create(email="leaver@example.nl"), role=MemberRole.EXTERNAL)


KWARGS = {
    "partnerships:detail": slug,
    "partnerships:edit": slug,
    "partnerships:members": slug,
    "partnerships:partner-add": slug,
    "partnerships:partner-end": lambda w: {
        "slug": partnership_of(w).slug,
        "pk": partnership_of(w).partners.get(organisation=w.organisation).pk,
    },
    "partnerships:member-add": slug,
    "partnerships:member-edit": lambda w: {"slug": partnership_of(w).slug, "pk": consultant_member(w).pk},
    "partnerships:member-end": lambda w: {"slug": partnership_of(w).slug, "pk": leaver(w).pk},
}

RESTRICTED = {
    "partnerships:edit": manager,
    "partnerships:partner-add": manager,
    "partnerships:partner-end": manager,
    "partnerships:member-add": manager,
    "partnerships:member-edit": manager,
    "partnerships:member-end": manager,
}

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from werkplaats.accounts.models import User
from werkplaats.matching.demo import load as load_learning_places
from werkplaats.notifications.services import without_email
from werkplaats.organisations.models import Membership, Municipality, Organisation, Region
from werkplaats.organisations.services import add_membership, import_regions
from werkplaats.partnerships.demo import load_partnerships
from werkplaats.qualifications.models import Qualification
from werkplaats.qualifications.services import import_catalogue

from .data import DEMO_PASSWORD, ORGANISATIONS, USERS
from .places import load_places
from .recognitions import load_recognitions
from .trajectories import load_trajectories

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "qualifications" / "data"


@dataclass
class DemoSummary:
    organisations_created: int = 0
    users_created: int = 0
    memberships_changed: int = 0
    qualifications_added: int = 0
    places_set: int = 0
    recognitions_added: int = 0
    trajectories_added: int = 0
    partnerships_added: bool = False


def catalogue_files() -> list[tuple[str, bytes]]:
    paths = [
        CATALOGUE_DIR / "kwalificaties_mbo_2015-2016.csv",
        *sorted((CATALOGUE_DIR / "sbb-kd-xml-2016").glob("*.xml")),
    ]
    return [(p.name, p.read_bytes()) for p in paths]


def load_demo(*, trajectories: bool = True, partnerships: bool = True) -> DemoSummary:
    """Create the demo region. Idempotent: what exists is left as it is.

    ``trajectories=False`` leaves out the ~50 demo trajectories and ``partnerships=False`` the two
    demo partnerships (tests that do not need them load faster). The demo's history makes
    notifications for the app only: nobody is e-mailed about it."""
    # The transaction is inside: work waiting for its commit (notifications) runs while e-mail is off.
    with without_email(), transaction.atomic():
        return _load(trajectories=trajectories, partnerships=partnerships)


def _load(*, trajectories: bool, partnerships: bool) -> DemoSummary:
    summary = DemoSummary()
    if Region.objects.count() < 35:
        import_regions()
    if not Qualification.objects.exists():
        summary.qualifications_added = import_catalogue(catalogue_files()).added
    municipalities = {m.name: m for m in Municipality.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    organisations: dict[str, Organisation] = {}
    for slug, (name, kind, municipality, region, kvk, city) in ORGANISATIONS.items():
        organisation, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "municipality": municipalities[municipality],
                "region": regions[region],
                "kvk_number": kvk,
                "city": city,
            },
        )
        organisations[slug] = organisation
        summary.organisations_created += created
    for email, (name, slug, roles, platform_admin) in USERS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, name=name, is_staff=platform_admin, is_superuser=platform_admin
            )
            summary.users_created += 1
        organisation = organisations[slug]
        active = Membership.objects.active().filter(user=user, organisation=organisation).first()
        held = set(active.role_set.values_list("role", flat=True)) if active else set()
        if not set(roles) <= held:
            add_membership(user, organisation, roles=roles)
            summary.memberships_changed += 1
    summary.places_set = load_places()
    summary.recognitions_added = load_recognitions()
    if trajectories:
        summary.trajectories_added = load_trajectories()
    load_learning_places()  # after the trajectories: their placements take places
    if partnerships:
        summary.partnerships_added = load_partnerships()
    return summary

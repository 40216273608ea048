from __future__ import annotations

import datetime

from django.utils import timezone

from werkplaats.agreements.demo import COVENANT_TITLE, STATUTE_TITLE, load
from werkplaats.agreements.models import SignatureMethod, VersionStatus
from werkplaats.organisations.models import OrganisationKind
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.partnerships.models import MemberRole
from werkplaats.partnerships.tests.factories import Cast, PartnershipFactory, cast, join


def test_the_demo_has_a_signed_covenant_with_a_draft_and_an_adopted_statute(team: Cast) -> None:
    groningen = team.partnership
    werkplaats = PartnershipFactory.create(name="Professionele werkplaats")
    hogeschool = OrganisationFactory.create(kind=OrganisationKind.HBO_SCHOOL, name="Hanzehogeschool Groningen")
    join(werkplaats, role=MemberRole.MANAGER, organisation=hogeschool)
    join(werkplaats, organisation=OrganisationFactory.create(name="Gemeente Groningen"))

    load(groningen, werkplaats)

    covenant = groningen.agreements.get(title=COVENANT_TITLE)
    v1, v2 = covenant.versions.order_by("number")
    assert v1.status == VersionStatus.IN_FORCE and v2.status == VersionStatus.DRAFT
    assert v1.signatures.count() == groningen.partners.active().count() == 3
    assert v1.signatures.filter(method=SignatureMethod.SIGNED_COPY).exists()
    assert all(s.file.open("rb").read(5) == b"%PDF-" for s in v1.signatures.exclude(file=""))
    assert v2.goals != v1.goals
    statute = werkplaats.agreements.get(title=STATUTE_TITLE)
    version = statute.versions.get()
    assert version.status == VersionStatus.IN_FORCE
    assert "Hanzehogeschool Groningen" in statute.scope
    assert version.revisit_on is not None and version.revisit_on > timezone.localdate()
    assert version.adopted_on is not None and version.adopted_on <= datetime.date(2025, 10, 6)


def test_the_demo_loads_into_partnerships_without_a_manager(db: None) -> None:
    empty = cast().partnership
    empty.members.filter(role=MemberRole.MANAGER).delete()
    load(empty, PartnershipFactory.create())
    assert not empty.agreements.exists()

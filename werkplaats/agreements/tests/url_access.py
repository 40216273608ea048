"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

The partnership of that test gets a covenant with version 1 in force (signed by organisation A
with a signed copy), version 2 out for signature and version 3 a draft, and a statute with a
draft. A second partner, without representatives in the world, is the partner to sign for: only
the manager may sign for it (with a signed copy), so the consultant and the administrator, who
do not represent it, get a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from werkplaats.agreements.files import private_storage
from werkplaats.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementVersion,
    Signature,
    SignatureMethod,
    VersionStatus,
)
from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.partnerships.models import Partner
from werkplaats.partnerships.tests.url_access import manager, partnership_of, slug

COVENANT = "Convenant URL-test"
STATUTE = "Professioneel statuut URL-test"
SIGNED_COPY = "signed/url-access.pdf"


def _covenant(w: Any) -> Agreement:
    partnership = partnership_of(w)
    agreement, created = Agreement.objects.get_or_create(
        partnership=partnership, title=COVENANT, defaults={"kind": AgreementKind.COVENANT}
    )
    if created:
        now = timezone.now()
        v1 = AgreementVersion.objects.create(
            agreement=agreement, number=1, goals="Samen praktijkleren", status=VersionStatus.IN_FORCE, in_force_at=now
        )
        AgreementVersion.objects.create(
            agreement=agreement, number=2, goals="Meer praktijkleren", status=VersionStatus.OUT_FOR_SIGNATURE
        )
        AgreementVersion.objects.create(agreement=agreement, number=3, goals="Nog meer", status=VersionStatus.DRAFT)
        # One fixed private file, written once, so that test runs do not pile up files.
        storage = private_storage()
        if not storage.exists(SIGNED_COPY):
            storage.save(SIGNED_COPY, ContentFile(b"%PDF-1.4\n%%EOF\n"))
        Signature.objects.create(
            version=v1,
            partner=partnership.partners.get(organisation=w.organisation),
            method=SignatureMethod.SIGNED_COPY,
            file=SIGNED_COPY,
            original_name="getekend.pdf",
            signed_by=w.coordinator,
        )
    return agreement


def _statute(w: Any) -> Agreement:
    agreement, created = Agreement.objects.get_or_create(
        partnership=partnership_of(w), title=STATUTE, defaults={"kind": AgreementKind.STATUTE}
    )
    if created:
        AgreementVersion.objects.create(agreement=agreement, number=1, roles_and_decisions="Samen besluiten")
    return agreement


def _unrepresented_partner(w: Any) -> Partner:
    """A partner nobody in the world represents: only the manager may sign for it."""
    partnership = partnership_of(w)
    organisation, _created = Organisation.objects.get_or_create(
        slug="hanze-url-access",
        defaults={"name": "Hanzehogeschool (URL-test)", "kind": OrganisationKind.HBO_SCHOOL},
    )
    return partnership.partners.active().filter(organisation=organisation).first() or Partner.objects.create(
        partnership=partnership, organisation=organisation
    )


def _agreement(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": _covenant(w).pk}


def _version(number: int) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {**_agreement(w), "number": number}


def _statute_version(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": _statute(w).pk, "number": 1}


def _sign(w: Any) -> dict[str, Any]:
    return {**_version(2)(w), "partner": _unrepresented_partner(w).pk}


def _download(w: Any) -> dict[str, Any]:
    signature = Signature.objects.get(version__agreement=_covenant(w), version__number=1)
    return {**_version(1)(w), "signature": signature.pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "agreements:list": slug,
    "agreements:create": slug,
    "agreements:detail": _agreement,
    "agreements:version-new": _agreement,
    "agreements:version": _version(1),
    "agreements:version-edit": _version(3),
    "agreements:publish": _version(3),
    "agreements:adopt": _statute_version,
    "agreements:withdraw": _version(2),
    "agreements:sign": _sign,
    "agreements:signature-download": _download,
}

RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "agreements:create": manager,
    "agreements:version-new": manager,  # refused while version 3 is a draft: redirects with a message
    "agreements:version-edit": manager,
    "agreements:publish": manager,
    "agreements:adopt": manager,
    "agreements:withdraw": manager,  # an empty POST lacks the reason: redirects with a message
    "agreements:sign": manager,  # a partner nobody in the world represents
}

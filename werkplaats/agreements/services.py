"""What can happen to an agreement: write it, start a new version, publish a version for
signature, sign it for a partner, adopt a statute, withdraw a version.

Every change of a version's status goes through ``_transition``, with the agreement's row
locked first, so two partners signing at the same moment cannot both miss that theirs was the
last signature, and two versions can never be in force at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from werkplaats.notifications.services import notify
from werkplaats.partnerships.models import Partner, Partnership, PartnershipMember

from .files import check_pdf
from .models import (
    ALLOWED_TRANSITIONS,
    TEXT_FIELDS,
    Agreement,
    AgreementEvent,
    AgreementKind,
    AgreementVersion,
    Signature,
    SignatureMethod,
    VersionStatus,
)

CONTENT_FIELDS = ("goals", "conditions", "approach", "roles_and_decisions")


# --- Writing ------------------------------------------------------------------------------


def _check_text(fields: dict[str, Any]) -> None:
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot be before the start.")}, code="ends_before_start")


def _text(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Not part of a version's text: {', '.join(sorted(unknown))}")
    return {name: ("" if value is None and name in CONTENT_FIELDS else value) for name, value in fields.items()}


@transaction.atomic
def create_agreement(
    partnership: Partnership, *, by: Any, kind: str, title: str, scope: str = "", **text: Any
) -> Agreement:
    """A new agreement with its first version, a draft."""
    text = _text(text)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the agreement a title.")}, code="required")
    if kind not in AgreementKind.values:
        raise ValidationError({"kind": _("Choose a covenant or a professional statute.")}, code="invalid")
    if Agreement.objects.filter(partnership=partnership, title__iexact=title).exists():
        raise ValidationError(
            {"title": _("The partnership already has an agreement with this title.")}, code="duplicate"
        )
    _check_text(text)
    agreement = Agreement.objects.create(
        partnership=partnership, kind=kind, title=title, scope=scope.strip(), created_by=by
    )
    version = AgreementVersion.objects.create(agreement=agreement, number=1, created_by=by, **text)
    AgreementEvent.objects.create(version=version, to_status=VersionStatus.DRAFT, actor=by)
    return agreement


def _lock(agreement: Agreement | int) -> Agreement:
    """Lock the agreement's row: every change to its versions waits for the one before it."""
    pk = agreement if isinstance(agreement, int) else agreement.pk
    return Agreement.objects.select_for_update().select_related("partnership").get(pk=pk)


def _locked_version(version: AgreementVersion) -> AgreementVersion:
    agreement = _lock(version.agreement_id)
    locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    locked.agreement = agreement
    return locked


@transaction.atomic
def start_version(agreement: Agreement, *, by: Any) -> AgreementVersion:
    """A new draft that starts as a copy of the latest version; the earlier ones stay as they are."""
    agreement = _lock(agreement)
    versions = agreement.versions.all()
    draft = versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError(
            _("Version %(number)s is still a draft: change that one instead of starting another."),
            code="draft_exists",
            params={"number": draft.number},
        )
    latest = versions.order_by("-number").first()
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    copied = {name: getattr(latest, name) for name in TEXT_FIELDS} if latest is not None else {}
    version = AgreementVersion.objects.create(agreement=agreement, number=number, created_by=by, **copied)
    AgreementEvent.objects.create(
        version=version,
        to_status=VersionStatus.DRAFT,
        actor=by,
        note=gettext("Copied from version %(number)s.") % {"number": latest.number} if latest else "",
    )
    return version


@transaction.atomic
def change_version(version: AgreementVersion, *, by: Any, **text: Any) -> AgreementVersion:
    """Change the text of a draft. Once published or adopted, a version's text is frozen."""
    text = _text(text)
    locked = _locked_version(version)
    if not locked.is_draft:
        raise ValidationError(
            _("Version %(number)s is %(status)s; its text can no longer change. Start a new version instead."),
            code="frozen",
            params={"number": locked.number, "status": locked.get_status_display()},
        )
    _check_text({**{name: getattr(locked, name) for name in TEXT_FIELDS}, **text})
    for name, value in text.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(text))
    return locked


# --- Status changes -----------------------------------------------------------------------


def _transition(version: AgreementVersion, to: str, *, by: Any, note: str = "") -> AgreementVersion:
    """Change the status of a locked version and record it. Call inside a transaction."""
    if to not in ALLOWED_TRANSITIONS[version.status]:
        raise ValidationError(
            _("Version %(number)s is %(status)s and cannot become %(to)s."),
            code="transition",
            params={
                "number": version.number,
                "status": version.get_status_display(),
                "to": VersionStatus(to).label,
            },
        )
    now = timezone.now()
    from_status = version.status
    version.status = to
    fields = ["status"]
    if to == VersionStatus.OUT_FOR_SIGNATURE:
        version.published_at = now
        fields.append("published_at")
    elif to == VersionStatus.IN_FORCE:
        version.in_force_at = now
        fields.append("in_force_at")
    elif to in (VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN):
        version.ended_at = now
        fields.append("ended_at")
    version.save(update_fields=fields)
    AgreementEvent.objects.create(version=version, from_status=from_status, to_status=to, actor=by, note=note, at=now)
    return version


def _bring_into_force(version: AgreementVersion, *, by: Any, note: str = "") -> None:
    """``version`` comes into force; the version in force before it is superseded first, so
    that there is never more than one."""
    previous = (
        AgreementVersion.objects.select_for_update()
        .filter(agreement_id=version.agreement_id, status=VersionStatus.IN_FORCE)
        .exclude(pk=version.pk)
        .first()
    )
    if previous is not None:
        _transition(
            previous,
            VersionStatus.SUPERSEDED,
            by=by,
            note=gettext("Superseded by version %(number)s.") % {"number": version.number},
        )
    _transition(version, VersionStatus.IN_FORCE, by=by, note=note)
    partnership = version.agreement.partnership
    recipients = [m.user for m in partnership.members.active().select_related("user")]
    title, number, url = version.agreement.title, version.number, version.get_absolute_url()
    transaction.on_commit(
        lambda: notify(
            recipients,
            message=lambda: (
                gettext("Version %(number)s of “%(title)s” is now in force.") % {"number": number, "title": title}
            ),
            url=url,
            key=f"agreements:in-force:{version.pk}",
        )
    )


def _not_a_draft(version: AgreementVersion) -> ValidationError:
    return ValidationError(
        _("Version %(number)s is %(status)s, not a draft."),
        code="not_draft",
        params={"number": version.number, "status": version.get_status_display()},
    )


def _has_text(version: AgreementVersion) -> bool:
    return any((getattr(version, name) or "").strip() for name in CONTENT_FIELDS)


@transaction.atomic
def publish_version(version: AgreementVersion, *, by: Any) -> AgreementVersion:
    """Freeze a covenant's draft and ask every partner to sign it."""
    locked = _locked_version(version)
    agreement = locked.agreement
    if agreement.kind != AgreementKind.COVENANT:
        raise ValidationError(
            _("A professional statute is not signed by the partners; adopt it instead."), code="statute"
        )
    if not locked.is_draft:
        raise _not_a_draft(locked)
    pending = agreement.versions.filter(status=VersionStatus.OUT_FOR_SIGNATURE).exclude(pk=locked.pk).first()
    if pending is not None:
        raise ValidationError(
            _("Version %(number)s is still out for signature. Withdraw it first, or wait until it is signed."),
            code="pending",
            params={"number": pending.number},
        )
    if not _has_text(locked):
        raise ValidationError(_("Write the goals or conditions before publishing the version."), code="empty")
    partners = list(agreement.partnership.partners.active())
    if not partners:
        raise ValidationError(_("The partnership has no partners to sign."), code="no_partners")
    _transition(locked, VersionStatus.OUT_FOR_SIGNATURE, by=by)
    representatives = [
        m.user
        for m in PartnershipMember.objects.active()
        .filter(partnership=agreement.partnership, partner__in=partners)
        .select_related("user")
    ]
    title, number, url = agreement.title, locked.number, locked.get_absolute_url()
    transaction.on_commit(
        lambda: notify(
            representatives,
            message=lambda: (
                gettext("Version %(number)s of “%(title)s” is ready for your organisation's signature.")
                % {"number": number, "title": title}
            ),
            url=url,
            key=f"agreements:published:{locked.pk}",
        )
    )
    return locked


@transaction.atomic
def adopt_version(
    version: AgreementVersion, *, by: Any, adopted_on: datetime.date, adopted_by: str = ""
) -> AgreementVersion:
    """A statute's draft is adopted by its own parties (a school or team) and is in force."""
    locked = _locked_version(version)
    if locked.agreement.kind != AgreementKind.STATUTE:
        raise ValidationError(_("A covenant comes into force when every partner has signed it."), code="covenant")
    if adopted_on is None:
        raise ValidationError({"adopted_on": _("Enter the date the statute was adopted.")}, code="required")
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("Record the adoption once it has happened.")}, code="future")
    if not locked.is_draft:
        raise _not_a_draft(locked)
    if not _has_text(locked):
        raise ValidationError(_("Write the agreements before adopting the statute."), code="empty")
    locked.adopted_on = adopted_on
    locked.adopted_by = adopted_by.strip()
    locked.save(update_fields=["adopted_on", "adopted_by"])
    _bring_into_force(locked, by=by, note=locked.adopted_by)
    return locked


@transaction.atomic
def withdraw_version(version: AgreementVersion, *, by: Any, reason: str) -> AgreementVersion:
    """Stop collecting signatures for a version, for example when a partner will not sign it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the version is withdrawn.")}, code="required")
    locked = _locked_version(version)
    return _transition(locked, VersionStatus.WITHDRAWN, by=by, note=reason)


# --- Signing ------------------------------------------------------------------------------


def signing_methods(member: PartnershipMember | None, partner: Partner) -> list[str]:
    """How ``member`` may sign for ``partner``: a representative of the partner approves in the
    app or uploads the signed copy; the manager may upload a signed copy on the partner's behalf."""
    if member is None or not member.is_active or member.partnership_id != partner.partnership_id:
        return []
    if partner.left_on is not None:
        return []
    methods: list[str] = []
    if member.partner_id == partner.pk:
        methods.append(SignatureMethod.IN_APP)
    if member.partner_id == partner.pk or member.is_manager:
        methods.append(SignatureMethod.SIGNED_COPY)
    return methods


@transaction.atomic
def sign_version(
    version: AgreementVersion,
    *,
    partner: Partner,
    signer: PartnershipMember,
    method: str,
    signatory: str = "",
    file: Any = None,
) -> Signature:
    """Record ``partner``'s signature under ``version``; when it is the last one needed, the
    version comes into force."""
    locked = _locked_version(version)
    partner = Partner.objects.select_related("organisation").get(pk=partner.pk)
    signer = PartnershipMember.objects.select_related("user").get(pk=signer.pk)
    if partner.partnership_id != locked.agreement.partnership_id:
        raise PermissionDenied
    allowed = signing_methods(signer, partner)
    if not allowed:
        raise PermissionDenied
    if not locked.is_out_for_signature:
        raise ValidationError(
            _("Version %(number)s is %(status)s, not out for signature."),
            code="not_open",
            params={"number": locked.number, "status": locked.get_status_display()},
        )
    if method not in allowed:
        raise ValidationError(
            {
                "method": _(
                    "As the manager you can upload a copy signed by the partner; approving is for its representatives."
                )
            },
            code="method",
        )
    if Signature.objects.filter(version=locked, partner=partner).exists():
        raise ValidationError(
            _("%(partner)s has already signed version %(number)s."),
            code="signed",
            params={"partner": partner.organisation.name, "number": locked.number},
        )
    signature = Signature(
        version=locked,
        partner=partner,
        method=method,
        signed_by=signer.user,
        signatory=signatory.strip() or _default_signatory(signer),
    )
    if method == SignatureMethod.SIGNED_COPY:
        if not file:
            raise ValidationError({"file": _("Upload the signed copy.")}, code="required")
        try:
            check_pdf(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        signature.original_name = str(getattr(file, "name", ""))[:255]
        signature.file = file
    signature.save()
    _settle(locked, by=signer.user)
    return signature


def _default_signatory(member: PartnershipMember) -> str:
    name = str(getattr(member.user, "name", "") or member.user)
    return f"{name}, {member.position}" if member.position else name


def _settle(version: AgreementVersion, *, by: Any) -> bool:
    """Bring a locked version out for signature into force once every active partner signed."""
    required = set(version.agreement.partnership.partners.active().values_list("pk", flat=True))
    signed = set(version.signatures.values_list("partner_id", flat=True))
    if not required or not required <= signed:
        return False
    _bring_into_force(version, by=by, note=gettext("Every partner has signed."))
    return True


@transaction.atomic
def settle_signatures(partnership: Partnership, *, by: Any = None) -> list[AgreementVersion]:
    """Versions out for signature that no longer wait for anyone come into force. For when a
    partner whose signature was still missing leaves the partnership."""
    settled = []
    pending = AgreementVersion.objects.filter(
        agreement__partnership=partnership, status=VersionStatus.OUT_FOR_SIGNATURE
    ).values_list("pk", flat=True)
    for pk in list(pending):
        locked = _locked_version(AgreementVersion.objects.get(pk=pk))
        if locked.is_out_for_signature and _settle(locked, by=by):
            settled.append(locked)
    return settled


# --- Reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedField:
    label: str
    left: Any  # text or a date; None or "" when empty
    right: Any
    is_date: bool

    @property
    def changed(self) -> bool:
        return (self.left or None) != (self.right or None)


DATE_FIELDS = ("starts_on", "ends_on", "revisit_on")


def compare_versions(left: AgreementVersion | None, right: AgreementVersion) -> list[ComparedField]:
    """Every part of the text of two versions side by side, marked where they differ."""
    rows = []
    for name in TEXT_FIELDS:
        field = AgreementVersion._meta.get_field(name)
        rows.append(
            ComparedField(
                label=str(getattr(field, "verbose_name", name)),
                left=getattr(left, name) if left is not None else None,
                right=getattr(right, name),
                is_date=name in DATE_FIELDS,
            )
        )
    return rows


@dataclass(frozen=True)
class PartnerSignature:
    partner: Partner
    signature: Signature | None
    methods: list[str]  # how the viewing member may sign for this partner


def signature_rows(
    version: AgreementVersion, partners: Iterable[Partner], member: PartnershipMember | None
) -> list[PartnerSignature]:
    """One row per active partner, and per former partner that signed this version."""
    signatures = {s.partner_id: s for s in version.signatures.select_related("signed_by", "partner__organisation")}
    rows = []
    seen = set()
    for partner in partners:
        seen.add(partner.pk)
        signature = signatures.get(partner.pk)
        methods = signing_methods(member, partner) if version.is_out_for_signature and signature is None else []
        rows.append(PartnerSignature(partner=partner, signature=signature, methods=methods))
    for partner_id, signature in signatures.items():
        if partner_id not in seen:
            rows.append(PartnerSignature(partner=signature.partner, signature=signature, methods=[]))
    return rows

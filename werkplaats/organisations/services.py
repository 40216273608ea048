"""Writes that touch organisations, memberships and invitations."""

from __future__ import annotations

import csv
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import can_manage_members, forget_access, get_access
from .models import Invitation, Membership, MembershipRole, Municipality, Organisation, Region, Role
from .signals import invitation_accepted

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "arbeidsmarktregios_cbs_2025.csv"
MUNICIPALITIES_CSV = DATA_DIR / "arbeidsmarktregios_gemeenten_2015.csv"


# --- Regions -------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _read_csv(path: Path, required: set[str]) -> list[dict[str, str]]:
    try:
        # utf-8-sig: spreadsheet programs start UTF-8 files with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise ValidationError(
                    _("%(file)s: missing column(s) %(columns)s.")
                    % {"file": path.name, "columns": ", ".join(sorted(missing))}
                )
            return list(reader)
    except UnicodeDecodeError as exc:
        raise ValidationError(_("%(file)s is not UTF-8 text.") % {"file": path.name}) from exc
    except OSError as exc:
        raise ValidationError(_("%(file)s cannot be read: %(error)s") % {"file": path, "error": exc}) from exc


@transaction.atomic
def import_regions(
    regions_csv: Path = REGIONS_CSV, municipalities_csv: Path = MUNICIPALITIES_CSV
) -> tuple[ImportSummary, ImportSummary]:
    """Load the labour-market regions and the municipality → region mapping.

    Idempotent: a second run changes nothing. Every row is checked before anything is
    written; any error aborts the whole import.
    """
    region_rows = _read_csv(regions_csv, {"cbs_code", "naam_2025"})
    municipality_rows = _read_csv(municipalities_csv, {"gemeente_2015", "cbs_code_2025_by_name"})

    errors: list[str] = []
    codes: dict[str, str] = {}
    for line, row in enumerate(region_rows, start=2):
        # A short row has None for its missing fields: report it as invalid, never crash.
        code, name = (row["cbs_code"] or "").strip(), (row["naam_2025"] or "").strip()
        if not code.startswith("AM") or not code[2:].isdigit() or not name:
            errors.append(
                _("%(file)s line %(line)d: invalid region %(row)s")
                % {"file": regions_csv.name, "line": line, "row": f"{code!r}, {name!r}"}
            )
        elif code in codes:
            errors.append(
                _("%(file)s line %(line)d: region %(code)s appears twice")
                % {"file": regions_csv.name, "line": line, "code": code}
            )
        codes[code] = name
    mapping: dict[str, str] = {}
    for line, row in enumerate(municipality_rows, start=2):
        name, code = (row["gemeente_2015"] or "").strip(), (row["cbs_code_2025_by_name"] or "").strip()
        if not name or code not in codes:
            errors.append(
                _("%(file)s line %(line)d: municipality %(name)s has unknown region %(code)s")
                % {"file": municipalities_csv.name, "line": line, "name": repr(name), "code": repr(code)}
            )
        elif name in mapping and mapping[name] != code:
            errors.append(
                _("%(file)s line %(line)d: municipality %(name)s appears twice")
                % {"file": municipalities_csv.name, "line": line, "name": name}
            )
        mapping[name] = code
    if errors:
        raise ValidationError(errors)

    regions = ImportSummary()
    by_code: dict[str, Region] = {r.code: r for r in Region.objects.all()}
    for code, name in codes.items():
        region = by_code.get(code)
        if region is None:
            by_code[code] = Region.objects.create(code=code, name=name)
            regions.created += 1
        elif region.name != name:
            region.name = name
            region.save(update_fields=["name"])
            regions.updated += 1
        else:
            regions.unchanged += 1

    municipalities = ImportSummary()
    existing = {m.name: m for m in Municipality.objects.select_related("region")}
    for name, code in mapping.items():
        region = by_code[code]
        municipality = existing.get(name)
        if municipality is None:
            Municipality.objects.create(name=name, region=region)
            municipalities.created += 1
        elif municipality.region_id != region.pk:
            municipality.region = region
            municipality.save(update_fields=["region"])
            municipalities.updated += 1
        else:
            municipalities.unchanged += 1
    return regions, municipalities


# --- Memberships ---------------------------------------------------------------------------


def _clean_roles(roles: Iterable[str]) -> list[str]:
    valid = {r.value for r in Role}
    chosen = [r for r in dict.fromkeys(roles) if r]
    unknown = [r for r in chosen if r not in valid]
    if unknown:
        raise ValidationError(_("Unknown role(s): %(roles)s.") % {"roles": ", ".join(unknown)})
    if not chosen:
        raise ValidationError(_("Choose at least one role."))
    return chosen


@transaction.atomic
def add_membership(user: Any, organisation: Organisation, *, roles: Iterable[str]) -> Membership:
    """Give ``user`` an active membership of ``organisation`` with ``roles`` (merging roles
    into an existing active membership)."""
    chosen = _clean_roles(roles)
    membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).active().first()
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=organisation)
    held = set(membership.role_set.values_list("role", flat=True))
    for role in chosen:
        if role not in held:
            MembershipRole.objects.create(membership=membership, role=role)
    forget_access(user)
    return membership


def _guard_last_admin(membership: Membership, *, removing_admin: bool) -> None:
    if not removing_admin or not membership.has_role(Role.ADMIN):
        return
    others = (
        Membership.objects.active()
        .filter(organisation=membership.organisation, role_set__role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise ValidationError(
            _("%(organisation)s needs at least one administrator. Make someone else administrator first.")
            % {"organisation": membership.organisation}
        )


@transaction.atomic
def change_roles(membership: Membership, *, roles: Iterable[str], by: Any) -> Membership:
    if not can_manage_members(by, membership.organisation):
        raise PermissionDenied
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("This membership has ended; invite the person again instead."))
    chosen = set(_clean_roles(roles))
    held = set(membership.role_set.values_list("role", flat=True))
    _guard_last_admin(membership, removing_admin=Role.ADMIN in held and Role.ADMIN not in chosen)
    for role_row in membership.role_set.all():
        if role_row.role not in chosen:
            role_row.delete()
    for role in sorted(chosen - held):
        MembershipRole.objects.create(membership=membership, role=role)
    forget_access(membership.user)
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, by: Any) -> Membership:
    if not can_manage_members(by, membership.organisation):
        raise PermissionDenied
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    _guard_last_admin(membership, removing_admin=True)
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    forget_access(membership.user)
    return membership


# --- Invitations ---------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_member(
    organisation: Organisation,
    *,
    email: str,
    roles: Iterable[str],
    by: Any,
    name: str = "",
    language: str = "nl",
    context: dict[str, Any] | None = None,
) -> Invitation:
    """Create an invitation and queue its e-mail. The link's token is made by the worker when
    it sends the e-mail (``issue_invitation_token``), so it never sits in the task queue; only
    its hash is stored.

    Organisation administrators invite with any role; consultants and coordinators may invite
    their organisation's learners, with the learner role only."""
    chosen_roles = list(roles)
    learner_only = set(chosen_roles) == {Role.LEARNER}
    may_invite_learners = organisation.pk in get_access(by).organisation_ids(Role.CONSULTANT, Role.COORDINATOR)
    if not (can_manage_members(by, organisation) or (learner_only and may_invite_learners)):
        raise PermissionDenied
    roles = chosen_roles
    email = email.strip().lower()
    chosen = _clean_roles(roles)
    if Membership.objects.active().filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(organisation)s.")
                % {"email": email, "organisation": organisation}
            }
        )
    # A new invitation replaces any still-open one for the same address.
    for previous in Invitation.objects.pending().filter(organisation=organisation, email__iexact=email):
        previous.revoked_at = timezone.now()
        previous.save(update_fields=["revoked_at"])
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        name=name.strip(),
        roles=chosen,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        # Until the worker issues the real token, the hash matches no token anyone has.
        token_hash=_hash_token(secrets.token_urlsafe(32)),
        context=context or {},
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.WERKPLAATS_INVITATION_DAYS),
    )
    from .tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


@transaction.atomic
def issue_invitation_token(invitation: Invitation) -> str | None:
    """A fresh token for a pending invitation (replacing any earlier one), or None when the
    invitation is no longer pending. Returns the raw token; only its hash is stored."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        return None
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.save(update_fields=["token_hash"])
    return token


def find_invitation(token: str) -> Invitation | None:
    """The pending invitation for ``token``, or None when it is unknown, used, revoked or expired."""
    if not token or len(token) > 100:
        return None
    invitation = Invitation.objects.select_related("organisation").filter(token_hash=_hash_token(token)).first()
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user: Any) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation has already been used, was withdrawn or has expired."))
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied
    membership = add_membership(user, invitation.organisation, roles=invitation.roles)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # Inside the same transaction: what listeners do (link a learner record) stands or falls with it.
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return membership


@transaction.atomic
def accept_invitation_as_new_user(invitation: Invitation, *, name: str, password: str) -> tuple[Any, Membership]:
    from werkplaats.accounts.models import User

    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this e-mail address exists already. Log in to accept."))
    user = User.objects.create_user(invitation.email, password, name=name.strip(), language=invitation.language)
    return user, accept_invitation(invitation, user=user)


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by: Any) -> Invitation:
    if not can_manage_members(by, invitation.organisation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation

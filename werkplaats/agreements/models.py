"""Agreements of a partnership: the covenant (convenant) between its partners and professional
statutes (professioneel statuut) of a school or team within it.

An agreement is a title with versions. A version is written as a draft, frozen when it is
published, and in force once every active partner has signed it (a covenant) or once it is
adopted (a statute). The version in force before it is then superseded. Earlier versions are
never changed: a new version starts as a copy of the latest.

Why a statute has no signatures per partner: its parties are the teachers and the leadership
of one school or team (seed 004), not the partner organisations. Asking a municipality to sign
a hogeschool team's agreement about its own professional space would be wrong, so a statute is
adopted on a date, with a note of who adopted it (for example the team meeting), and revisited
on a date.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Partner, Partnership

from .files import private_storage

if TYPE_CHECKING:
    from werkplaats.partnerships.models import AnyUser


class AgreementKind(models.TextChoices):
    COVENANT = "covenant", _("covenant")
    STATUTE = "statute", _("professional statute")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def visible_to(self, user: AnyUser) -> AgreementQuerySet:
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Agreement(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("partnership")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    scope = models.CharField(
        _("for whom"),
        max_length=200,
        blank=True,
        help_text=_("Who the agreement is for, for example all partners, or the school or team a statute is for."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["kind", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title"],
                name="agreement_title_once_per_partnership",
                violation_error_message=_("The partnership already has an agreement with this title."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def is_statute(self) -> bool:
        return self.kind == AgreementKind.STATUTE


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OUT_FOR_SIGNATURE = "out_for_signature", _("out for signature")
    IN_FORCE = "in_force", _("in force")
    SUPERSEDED = "superseded", _("superseded")
    WITHDRAWN = "withdrawn", _("withdrawn")


# A covenant goes out for signature and comes into force when every partner signed; a statute
# is adopted straight from its draft. A version out for signature can be withdrawn (a partner
# will not sign this text), so that a new version can be published.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    VersionStatus.DRAFT: {VersionStatus.OUT_FOR_SIGNATURE, VersionStatus.IN_FORCE},
    VersionStatus.OUT_FOR_SIGNATURE: {VersionStatus.IN_FORCE, VersionStatus.WITHDRAWN},
    VersionStatus.IN_FORCE: {VersionStatus.SUPERSEDED},
    VersionStatus.SUPERSEDED: set(),
    VersionStatus.WITHDRAWN: set(),
}

# The text of a version, in the order it is shown and compared.
TEXT_FIELDS = ("goals", "conditions", "approach", "roles_and_decisions", "starts_on", "ends_on", "revisit_on")


class AgreementVersionQuerySet(models.QuerySet["AgreementVersion"]):
    def visible_to(self, user: AnyUser) -> AgreementVersionQuerySet:
        return self.filter(agreement__partnership__in=Partnership.objects.visible_to(user))

    def in_force(self) -> AgreementVersionQuerySet:
        return self.filter(status=VersionStatus.IN_FORCE)


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="versions", verbose_name=_("agreement")
    )
    number = models.PositiveIntegerField(_("version"))
    goals = models.TextField(_("goals"), blank=True, help_text=_("What the partners want to achieve together."))
    conditions = models.TextField(
        _("conditions"), blank=True, help_text=_("What must be in place: people, money, time, facilities.")
    )
    approach = models.TextField(_("approach"), blank=True, help_text=_("How the partners go about it, and when."))
    roles_and_decisions = models.TextField(
        _("professional space, decision-making and roles"),
        blank=True,
        help_text=_(
            "Who decides what, how people have a say, and who takes which role. For a professional statute: "
            "the room teachers have for their own work and how the team and leadership decide together."
        ),
    )
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    revisit_on = models.DateField(
        _("revisit on"), null=True, blank=True, help_text=_("When the parties look at the agreement again.")
    )
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField(_("published for signature"), null=True, blank=True)
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.CharField(
        _("adopted by"),
        max_length=300,
        blank=True,
        help_text=_("Who adopted the statute, for example: the team meeting with the team leader."),
    )
    ended_at = models.DateTimeField(_("superseded or withdrawn"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="agreement_version_number_positive"),
            models.UniqueConstraint(fields=["agreement"], condition=Q(status="draft"), name="agreement_one_draft"),
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(status="out_for_signature"), name="agreement_one_out_for_signature"
            ),
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(status="in_force"), name="agreement_one_in_force"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_version_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["in_force", "superseded"]) | Q(in_force_at__isnull=False),
                name="agreement_version_in_force_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "agreements:version",
            kwargs={"slug": self.agreement.partnership.slug, "pk": self.agreement_id, "number": self.number},
        )

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_out_for_signature(self) -> bool:
        return self.status == VersionStatus.OUT_FOR_SIGNATURE

    @property
    def is_in_force(self) -> bool:
        return self.status == VersionStatus.IN_FORCE

    def revisit_passed(self, today: datetime.date | None = None) -> bool:
        return self.revisit_on is not None and self.revisit_on < (today or timezone.localdate())

    def term_ended(self, today: datetime.date | None = None) -> bool:
        return self.ends_on is not None and self.ends_on < (today or timezone.localdate())


class SignatureMethod(models.TextChoices):
    IN_APP = "in_app", _("approved in Werkplaats")
    SIGNED_COPY = "signed_copy", _("signed copy uploaded")


class Signature(models.Model):
    """One partner's signature under one version of a covenant."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("version")
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner"))
    method = models.CharField(_("how"), max_length=20, choices=SignatureMethod.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    signatory = models.CharField(
        _("signed by"),
        max_length=200,
        blank=True,
        help_text=_("Name and position of who signed for the partner, for example: J. de Vries, director."),
    )
    file = models.FileField(_("signed copy"), upload_to="signed/%Y/", storage=private_storage, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["version", "partner__organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "partner"],
                name="signature_once_per_partner",
                violation_error_message=_("This partner has already signed this version."),
            ),
            models.CheckConstraint(condition=Q(method="in_app") | ~Q(file=""), name="signature_signed_copy_has_file"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} — {self.version}"


class AgreementEvent(models.Model):
    """An append-only record of each change of a version's status: who, when, from, to, why."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="events", verbose_name=_("version")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=VersionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=VersionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.version}: {self.from_status} → {self.to_status}"

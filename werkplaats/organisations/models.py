from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_brin, validate_kvk_number, validate_postcode

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class Region(models.Model):
    """A labour-market region (arbeidsmarktregio); 35 in the Netherlands, coded by CBS."""

    code = models.CharField(_("CBS code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("labour-market region")
        verbose_name_plural = _("labour-market regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    # The centre of the main place: a reference point for "within N km of" searches.
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    MBO_SCHOOL = "mbo_school", _("mbo school")
    HBO_SCHOOL = "hbo_school", _("university of applied sciences (hbo)")
    WO_SCHOOL = "wo_school", _("university (wo)")
    VO_SCHOOL = "vo_school", _("secondary school (vo)")
    MUNICIPALITY = "municipality", _("municipality")
    UWV = "uwv", _("UWV")
    SW_COMPANY = "sw_company", _("sheltered-work company (SW-bedrijf)")
    EMPLOYER = "employer", _("employer")
    SBB = "sbb", _("SBB")
    OTHER = "other", _("other")


SCHOOL_KINDS = frozenset(
    {
        OrganisationKind.MBO_SCHOOL,
        OrganisationKind.HBO_SCHOOL,
        OrganisationKind.WO_SCHOOL,
        OrganisationKind.VO_SCHOOL,
    }
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: AnyUser) -> OrganisationQuerySet:
        """Organisations whose pages (and member lists) the user may open.

        Members see their own organisations; coordinators see every organisation in the
        regions of the organisations they coordinate for; platform administrators see all.
        """
        from .access import get_access

        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        return self.filter(Q(pk__in=access.organisation_ids()) | Q(region_id__in=access.region_ids(Role.COORDINATOR)))


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[validate_kvk_number],
        help_text=_("Chamber of Commerce number: 8 digits. Required for employers."),
    )
    brin = models.CharField(
        _("BRIN code"),
        max_length=4,
        blank=True,
        validators=[validate_brin],
        help_text=_("Institution code of a school, for example 25LP."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[validate_postcode])
    city = models.CharField(_("place"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("labour-market region"),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=~Q(kvk_number=""),
                name="organisation_unique_kvk",
                violation_error_message=_("Another organisation already has this KvK number."),
            ),
            models.UniqueConstraint(
                fields=["brin"],
                condition=~Q(brin=""),
                name="organisation_unique_brin",
                violation_error_message=_("Another organisation already has this BRIN code."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="employer") | ~Q(kvk_number=""),
                name="organisation_employer_has_kvk",
                violation_error_message=_("An employer needs a KvK number."),
            ),
        ]
        indexes = [
            # The few inactive organisations, to leave them out of counts over many employers.
            models.Index(fields=["id"], condition=Q(is_active=False), name="organisation_inactive_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    CONSULTANT = "consultant", _("consultant")
    SCHOOL_STAFF = "school_staff", _("school staff")
    WORKPLACE_TRAINER = "workplace_trainer", _("workplace trainer")
    LEARNER = "learner", _("learner")
    MEMBER = "member", _("partnership member")
    ADMIN = "admin", _("organisation administrator")


ROLE_DESCRIPTIONS = {
    Role.COORDINATOR: _("Runs praktijkleren or a partnership in the region; sees the whole region."),
    Role.CONSULTANT: _("Registers participants, does intakes and matching, follows a caseload."),
    Role.SCHOOL_STAFF: _("Chooses qualifications and work processes, coaches, organises assessment."),
    Role.WORKPLACE_TRAINER: _("Guides learners at the employer and assesses work processes."),
    Role.LEARNER: _("Follows their own trajectory, goals, evidence and certificate."),
    Role.MEMBER: _("Takes part in partnership governance, groups, the forum and scans."),
    Role.ADMIN: _("Invites people, changes their roles and ends memberships."),
}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True)

    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        """Memberships the user may see: their own, and those of organisations they may open,
        except where they are only a learner (see ``Access.learner_only_ids``)."""
        from .access import get_access

        access = get_access(user)
        if not access.is_authenticated:
            return self.none()
        if access.is_platform_admin:
            return self.all()
        colleagues = Organisation.objects.visible_to(user).exclude(pk__in=access.learner_only_ids())
        return self.filter(Q(user_id=access.user_id) | Q(organisation__in=colleagues))


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(ended_at__isnull=True),
                name="membership_one_active_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def roles(self) -> list[str]:
        """Role codes, in the order of Role. Uses prefetched role_set when present."""
        held = {r.role for r in self.role_set.all()}
        return [r.value for r in Role if r.value in held]

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def has_caseload(self) -> bool:
        """Roles that follow trajectories (the caseload in the main menu)."""
        return self.has_role(Role.CONSULTANT, Role.COORDINATOR, Role.SCHOOL_STAFF, Role.WORKPLACE_TRAINER)

    @property
    def is_learner_only(self) -> bool:
        """A learner, who does not work for the organisation but learns through it."""
        return self.roles == [Role.LEARNER]


class MembershipRole(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_set")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["membership", "role"], name="membership_role_unique")]

    def __str__(self) -> str:
        return str(self.get_role_display())


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation to join an organisation. Only a hash of the link's token is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    roles = models.JSONField(_("roles"), default=list)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="nl")
    context = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the invitation is for beyond the membership, for apps listening to its acceptance "
        '(e.g. {"learner": 12} links a learner record to the new login).',
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in Role if r in self.roles]

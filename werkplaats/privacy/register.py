"""The register of personal data (AVG art. 30), in code.

Every field of every model that holds personal data is listed here with its category, its purpose
(which carries the legal basis, the retention period and the recipients) and whose data it is.
Fields that look personal but are not (an organisation's address, a qualification's name) are
listed in ``NOT_PERSONAL`` with the reason. ``tests/test_register.py`` walks every model and fails
on a field that looks personal and is in neither list, so a new field cannot slip in unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ORDINARY = "ordinary", _("ordinary personal data")
    SENSITIVE = "sensitive", _("special category (health, disability)")


class Subject(models.TextChoices):
    LEARNER = "learner", _("learners")
    USER = "user", _("users (staff, partners, learners with a login)")
    CONTACT = "contact", _("contact persons without a login")


@dataclass(frozen=True)
class Purpose:
    key: str
    title: Promise
    legal_basis: Promise
    retention: Promise
    recipients: Promise


GUIDANCE = Purpose(
    "guidance",
    _("Guiding a learner's trajectory: intake, placement, learning plan, progress and assessment"),
    _("Public task (AVG art. 6(1)(e)): Participatiewet, WW, Wet educatie en beroepsonderwijs"),
    _("Until the retention period after the learner's last trajectory ended; then pseudonymised"),
    _(
        "The learner's organisation (consultants) and the coordinators of its region; the school, "
        "employer, workplace trainer and school coach of each trajectory; the learner"
    ),
)
SUPPORT = Purpose(
    "support",
    _("Arranging the support a learner needs at school and at work"),
    _("Public task (AVG art. 6(1)(e)) with art. 9(2)(g) AVG and art. 30 UAVG for health and disability data"),
    _("Until the retention period after the learner's last trajectory ended; then cleared"),
    _(
        "Only the learner's consultants and the coach, trainer and consultant named on a trajectory; "
        "never in exports or the API"
    ),
)
CERTIFICATION = Purpose(
    "certification",
    _("Issuing praktijkverklaringen and letting anyone check that one is genuine"),
    _("Public task (AVG art. 6(1)(e)): Wet educatie en beroepsonderwijs"),
    _(
        "As long as the certificate may be shown, like a diploma record; after erasure the verification "
        "page shows only that a valid certificate exists"
    ),
    _(
        "The school and the coordinators of the region; the learner; whoever holds the verification "
        "code sees initials and surname"
    ),
)
MATCHING = Purpose(
    "matching",
    _("Matching learners and learning places"),
    _("Public task (AVG art. 6(1)(e))"),
    _("With the learner's trajectory"),
    _("The learner's consultant and the coordinators of the region; the employer a learner is proposed to"),
)
ACCOUNTS = Purpose(
    "accounts",
    _("Giving people a login, their organisations and roles, and notifications"),
    _("Legitimate interest of the organisations (AVG art. 6(1)(f)) and their public task (art. 6(1)(e))"),
    _("As long as the account is in use"),
    _("The person; the administrators of their organisations; platform administrators"),
)
ACCOUNTABILITY = Purpose(
    "accountability",
    _("Showing who did what and when (audit trail, signatures, decisions)"),
    _("Legal obligation (AVG art. 6(1)(c), art. 5(2) and 32; BIO logging)"),
    _("With the record it belongs to; audit log entries are append-only and never removed"),
    _("Those who may see the record; the organisation's administrators read its audit log"),
)
COLLABORATION = Purpose(
    "collaboration",
    _("Working together in a partnership: groups, forum, meetings, scans, intervision and research"),
    _("Legitimate interest of the partners in working together (AVG art. 6(1)(f))"),
    _("As long as the partnership exists, or until the person leaves it and asks for removal"),
    _("The members of the partnership (intervision notes: the group only)"),
)
GUESTS = Purpose(
    "guests",
    _("Signing up guests without an account for a meeting"),
    _("Consent (AVG art. 6(1)(a)), given on the sign-up form"),
    _("Until the meeting is over; then removed"),
    _("The organiser of the meeting"),
)
RECOGNITIONS = Purpose(
    "recognitions",
    _("Keeping the register of recognised learning companies"),
    _("Public task (AVG art. 6(1)(e))"),
    _("As long as the recognition is in the register"),
    _("Coordinators and school staff of the region"),
)
IMPORTS = Purpose(
    "imports",
    _("Importing learners, employers and trajectories from an organisation's own files"),
    _("Public task (AVG art. 6(1)(e)), as for guiding the trajectories imported"),
    _(
        "The uploaded file, its rejected rows, sample rows and row errors are removed after the import "
        "retention period (WERKPLAATS_IMPORT_RETENTION_DAYS, 30 days by default); the import's status "
        "and counts are kept"
    ),
    _("The person who uploaded the file"),
)

PURPOSES: tuple[Purpose, ...] = (
    GUIDANCE,
    SUPPORT,
    CERTIFICATION,
    MATCHING,
    ACCOUNTS,
    ACCOUNTABILITY,
    COLLABORATION,
    GUESTS,
    RECOGNITIONS,
    IMPORTS,
)


@dataclass(frozen=True)
class PersonalField:
    model: str  # "app_label.ModelName"
    field: str
    purpose: Purpose
    subject: str
    category: str = Category.ORDINARY

    @property
    def key(self) -> tuple[str, str]:
        return (self.model, self.field)

    @property
    def subject_label(self) -> str:
        return str(Subject(self.subject).label)

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def django_field(self) -> Any:
        return self.model_class()._meta.get_field(self.field)


def _fields(model: str, names: Iterable[str], purpose: Purpose, subject: str, **kw: Any) -> list[PersonalField]:
    return [PersonalField(model, name, purpose, subject, **kw) for name in names]


L, U, C = Subject.LEARNER, Subject.USER, Subject.CONTACT

REGISTER: tuple[PersonalField, ...] = tuple(
    # The learner and their trajectory.
    _fields(
        "trajectories.Learner",
        ("first_name", "last_name", "date_of_birth", "email", "phone", "target_group", "language_level", "user"),
        GUIDANCE,
        L,
    )
    + _fields("trajectories.Learner", ("support_needs",), SUPPORT, L, category=Category.SENSITIVE)
    + _fields("trajectories.Learner", ("created_by",), ACCOUNTABILITY, U)
    + _fields(
        "trajectories.Trajectory",
        ("learner", "status", "stop_reason", "outcome_at_completion", "outcome_after_six_months"),
        GUIDANCE,
        L,
    )
    + _fields("trajectories.Trajectory", ("workplace_trainer", "school_coach", "consultant"), GUIDANCE, U)
    + _fields("trajectories.Trajectory", ("created_by",), ACCOUNTABILITY, U)
    + _fields("trajectories.TrajectoryEvent", ("reason", "data"), GUIDANCE, L)
    + _fields("trajectories.TrajectoryEvent", ("actor",), ACCOUNTABILITY, U)
    + _fields(
        "trajectories.LearningPlanVersion",
        (
            "learner_goals",
            "workplace_goals",
            "school_goals",
            "activities",
            "support",
            "assessment_method",
            "early_termination",
            "signed_copy",
        ),
        GUIDANCE,
        L,
    )
    + _fields("trajectories.LearningPlanVersion", ("created_by",), ACCOUNTABILITY, U)
    + _fields("trajectories.PlanApproval", ("approved_by",), ACCOUNTABILITY, U)
    + _fields("trajectories.ProgressReview", ("attendees", "progress", "agreements"), GUIDANCE, L)
    + _fields("trajectories.ProgressReview", ("created_by",), ACCOUNTABILITY, U)
    + _fields("trajectories.PracticeHours", ("note",), GUIDANCE, L)
    + _fields("trajectories.PracticeHours", ("logged_by", "approved_by"), ACCOUNTABILITY, U)
    + _fields("trajectories.WorkProcessAssessment", ("evidence_note",), GUIDANCE, L)
    + _fields("trajectories.WorkProcessAssessment", ("assessed_by", "confirmed_by"), ACCOUNTABILITY, U)
    + _fields("trajectories.EvidenceFile", ("file", "original_name"), GUIDANCE, L)
    + _fields("trajectories.EvidenceFile", ("uploaded_by",), ACCOUNTABILITY, U)
    + _fields("trajectories.FundingSource", ("note",), GUIDANCE, L)
    + _fields("trajectories.LogEntry", ("text", "goal"), GUIDANCE, L)
    + _fields("trajectories.LogEntry", ("author",), ACCOUNTABILITY, U)
    # Praktijkverklaringen.
    + _fields(
        "certificates.Certificate",
        ("learner", "learner_first_name", "learner_last_name", "learner_date_of_birth", "work_processes", "pdf"),
        CERTIFICATION,
        L,
    )
    + _fields("certificates.Certificate", ("trainer_name", "signatory_name"), CERTIFICATION, U)
    + _fields("certificates.Certificate", ("issued_by",), ACCOUNTABILITY, U)
    + _fields("certificates.Revocation", ("reason",), CERTIFICATION, L)
    + _fields("certificates.Revocation", ("revoked_by",), ACCOUNTABILITY, U)
    + _fields("certificates.IssueBatch", ("started_by",), ACCOUNTABILITY, U)
    # Matching.
    + _fields(
        "matching.LearnerPreference", ("learner", "municipality", "max_distance_km", "hours_per_week"), MATCHING, L
    )
    + _fields("matching.PlacementRequest", ("message", "reason"), MATCHING, L)
    + _fields("matching.PlacementRequest", ("proposed_by", "decided_by"), ACCOUNTABILITY, U)
    + _fields("matching.RoundLearner", ("notes", "score", "outcome"), MATCHING, L)
    + _fields("matching.RoundLearner", ("ranked_by",), ACCOUNTABILITY, U)
    + _fields("matching.RoundPlace", ("ranked_by",), ACCOUNTABILITY, U)
    + _fields("matching.MatchingRound", ("created_by", "published_by"), ACCOUNTABILITY, U)
    # Uploaded import files hold learners' data until the import retention period ends.
    + _fields("imports.ImportJob", ("data", "rejected", "preview", "errors"), IMPORTS, L)
    + _fields("imports.ImportJob", ("created_by",), ACCOUNTABILITY, U)
    + _fields("imports.MappingTemplate", ("created_by",), ACCOUNTABILITY, U)
    # Accounts, memberships, invitations, notifications.
    + _fields("accounts.User", ("email", "name", "language", "last_login", "date_joined"), ACCOUNTS, U)
    + _fields("organisations.Membership", ("user",), ACCOUNTS, U)
    + _fields("organisations.Invitation", ("email", "name"), ACCOUNTS, C)
    + _fields("organisations.Invitation", ("invited_by", "accepted_by"), ACCOUNTABILITY, U)
    + _fields("notifications.Notification", ("recipient", "message", "email_subject", "email_body"), ACCOUNTS, U)
    + _fields("notifications.NotificationSettings", ("user", "email_frequency"), ACCOUNTS, U)
    + _fields("meetings.CalendarFeed", ("user",), ACCOUNTS, U)
    + _fields("forum.Subscription", ("user",), ACCOUNTS, U)
    + _fields("api.ApiToken", ("created_by", "revoked_by"), ACCOUNTABILITY, U)
    + _fields("qualifications.ImportRun", ("started_by",), ACCOUNTABILITY, U)
    # The audit log.
    + _fields(
        "audit.AuditLogEntry", ("actor", "actor_label", "ip_address", "object_repr", "changes"), ACCOUNTABILITY, U
    )
    # The register of learning companies.
    + _fields(
        "recognitions.LearningCompany", ("sbb_adviser_name", "sbb_adviser_email", "sbb_adviser_phone"), RECOGNITIONS, C
    )
    + _fields("recognitions.Recognition", ("created_by",), ACCOUNTABILITY, U)
    # Partnerships and their community.
    + _fields("partnerships.Partnership", ("created_by",), ACCOUNTABILITY, U)
    + _fields("partnerships.PartnershipMember", ("user", "position"), COLLABORATION, U)
    + _fields("partnerships.Group", ("coordinator",), COLLABORATION, U)
    + _fields("partnerships.GroupMember", ("member",), COLLABORATION, U)
    + _fields("partnerships.Action", ("owner",), COLLABORATION, U)
    + _fields("partnerships.Action", ("created_by",), ACCOUNTABILITY, U)
    + _fields("partnerships.ProgressReport", ("submitted_by", "decided_by"), ACCOUNTABILITY, U)
    + _fields("agreements.Agreement", ("created_by",), ACCOUNTABILITY, U)
    + _fields("agreements.AgreementVersion", ("adopted_by", "created_by"), ACCOUNTABILITY, U)
    + _fields("agreements.Signature", ("signed_by", "signatory", "file", "original_name"), ACCOUNTABILITY, U)
    + _fields("agreements.AgreementEvent", ("actor",), ACCOUNTABILITY, U)
    + _fields("goals.Goal", ("created_by",), ACCOUNTABILITY, U)
    + _fields("goals.IndicatorValue", ("entered_by",), ACCOUNTABILITY, U)
    + _fields("successes.Success", ("created_by",), ACCOUNTABILITY, U)
    + _fields("reflections.ReflectionSession", ("organiser",), COLLABORATION, U)
    + _fields("reflections.ReflectionSession", ("closed_by",), ACCOUNTABILITY, U)
    + _fields("reflections.Answer", ("author", "text"), COLLABORATION, U)
    + _fields("scans.ScanRound", ("opened_by", "closed_by"), ACCOUNTABILITY, U)
    + _fields("scans.ScanResponse", ("member", "perspective"), COLLABORATION, U)
    + _fields("scans.ScanComment", ("text",), COLLABORATION, U)
    + _fields("stakeholders.Stakeholder", ("owner",), COLLABORATION, U)
    + _fields("stakeholders.Stakeholder", ("created_by", "removed_by"), ACCOUNTABILITY, U)
    + _fields("stakeholders.StakeholderSnapshot", ("recorded_by",), ACCOUNTABILITY, U)
    + _fields("stakeholders.Relation", ("created_by",), ACCOUNTABILITY, U)
    + _fields("stakeholders.Tension", ("created_by",), ACCOUNTABILITY, U)
    + _fields("forum.Thread", ("author",), COLLABORATION, U)
    + _fields("forum.Post", ("author", "body", "body_html"), COLLABORATION, U)
    + _fields("forum.Post", ("hidden_by", "hidden_reason"), ACCOUNTABILITY, U)
    + _fields("forum.Document", ("author",), COLLABORATION, U)
    + _fields("forum.DocumentVersion", ("uploaded_by", "original_name"), COLLABORATION, U)
    + _fields("forum.DocumentComment", ("author", "body", "body_html"), COLLABORATION, U)
    + _fields("forum.DocumentComment", ("hidden_by", "hidden_reason"), ACCOUNTABILITY, U)
    + _fields("forum.ModerationEvent", ("actor", "reason"), ACCOUNTABILITY, U)
    + _fields("meetings.Event", ("organiser",), COLLABORATION, U)
    + _fields("meetings.Event", ("cancelled_by", "created_by"), ACCOUNTABILITY, U)
    + _fields("meetings.Registration", ("user",), COLLABORATION, U)
    + _fields("meetings.GuestRegistration", ("name", "email", "organisation", "phone", "language"), GUESTS, C)
    + _fields("intervision.IntervisionGroup", ("facilitator",), COLLABORATION, U)
    + _fields("intervision.IntervisionGroup", ("created_by",), ACCOUNTABILITY, U)
    + _fields("intervision.Participant", ("member",), COLLABORATION, U)
    + _fields("intervision.IntervisionSession", ("case_contributor", "work_question", "notes"), COLLABORATION, U)
    + _fields("intervision.IntervisionSession", ("created_by",), ACCOUNTABILITY, U)
    + _fields("learning.Meeting", ("created_by",), ACCOUNTABILITY, U)
    + _fields("learning.KnowledgeEntry", ("expert",), COLLABORATION, U)
    + _fields("learning.KnowledgeEntry", ("added_by",), ACCOUNTABILITY, U)
    + _fields("learning.CommunityResult", ("added_by",), ACCOUNTABILITY, U)
    + _fields("learning.ResearchProject", ("experts_consulted",), COLLABORATION, C)
    + _fields("learning.ResearchProject", ("created_by",), ACCOUNTABILITY, U)
    + _fields("learning.PhaseChange", ("by",), ACCOUNTABILITY, U)
    + _fields("learning.Experiment", ("created_by",), ACCOUNTABILITY, U)
    + _fields("learning.Involved", ("name", "role", "how"), COLLABORATION, C)
    # Erasures: which learner was erased, when and by whom.
    + _fields("privacy.Erasure", ("learner", "reason", "erased_at"), ACCOUNTABILITY, L)
    + _fields("privacy.Erasure", ("erased_by",), ACCOUNTABILITY, U)
)

_ORGANISATION = _("about an organisation, not a person")
_REFERENCE = _("reference data (catalogue, regions), not about a person")
_DERIVED = _("a count or a copy without names, derived from other records")
_TECHNICAL = _("a technical flag or label, not about a person")
_GOVERNANCE = _("text about a partnership's work, not about a person")

# Fields that look personal by their name or kind, and why they are not.
NOT_PERSONAL: dict[tuple[str, str], Promise] = {
    ("accounts.User", "is_superuser"): _TECHNICAL,
    ("organisations.Region", "name"): _REFERENCE,
    ("organisations.Municipality", "name"): _REFERENCE,
    ("organisations.Organisation", "name"): _ORGANISATION,
    ("organisations.Organisation", "address"): _ORGANISATION,
    ("organisations.Organisation", "postcode"): _ORGANISATION,
    ("organisations.Organisation", "email"): _ORGANISATION,
    ("organisations.Organisation", "phone"): _ORGANISATION,
    ("organisations.MembershipRole", "membership"): _("the role of a membership; the membership holds the person"),
    ("qualifications.QualificationFile", "name"): _REFERENCE,
    ("qualifications.QualificationFile", "source_name"): _REFERENCE,
    ("qualifications.Qualification", "name"): _REFERENCE,
    ("qualifications.ImportRun", "file_names"): _REFERENCE,
    ("certificates.Certificate", "qualification_name"): _REFERENCE,
    ("certificates.Certificate", "employer_name"): _ORGANISATION,
    ("certificates.Certificate", "school_name"): _ORGANISATION,
    ("partnerships.Partnership", "name"): _ORGANISATION,
    ("partnerships.Group", "name"): _GOVERNANCE,
    ("goals.Indicator", "name"): _GOVERNANCE,
    ("reflections.PromptSet", "name"): _GOVERNANCE,
    ("reflections.ReflectionSession", "prompt_set_name"): _GOVERNANCE,
    ("stakeholders.Stakeholder", "name"): _("a stakeholder is an organisation or a group in the partnership's map"),
    ("intervision.Method", "name"): _GOVERNANCE,
    ("intervision.IntervisionGroup", "name"): _GOVERNANCE,
    ("matching.LearningPlace", "trainer_available"): _TECHNICAL,
    ("matching.MatchingRound", "name"): _GOVERNANCE,
    ("matching.PlaceCounts", "employer_name"): _ORGANISATION,
    ("api.ApiToken", "name"): _TECHNICAL,
    ("imports.MappingTemplate", "name"): _TECHNICAL,
    ("imports.ImportJob", "file_name"): _TECHNICAL,
}

# Names of fields that hold personal data, and kinds of fields that hold free text or files
# (personal when they are about a learner).
PERSONAL_NAME = re.compile(
    r"name|email|phone|birth|address|postcode|(^|_)ip(_|$)|support|health|disab|signator|attendee|actor|author"
    r"|owner|expert|organiser|coordinator|facilitator|contributor|recipient|user|member|trainer|coach|consultant"
    r"|_by$|^by$"
)
FREE_KINDS = (models.TextField, models.FileField, models.JSONField, models.BinaryField)


def models_about_learners() -> set[type[models.Model]]:
    """The Learner and every model that refers to it, directly or through another such model."""
    learner = apps.get_model("trajectories", "Learner")
    found: set[type[models.Model]] = {learner}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in found or model._meta.proxy:
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields):
                found.add(model)
                grew = True
    return found


def looks_personal(model: type[models.Model], field: Any, about_learners: set[type[models.Model]]) -> bool:
    if field.primary_key:
        return False
    if PERSONAL_NAME.search(field.name):
        return True
    if field.is_relation and field.related_model in (apps.get_model(settings.AUTH_USER_MODEL),):
        return True
    if field.is_relation and field.related_model in about_learners and model not in about_learners:
        return True
    if isinstance(field, models.BinaryField | models.GenericIPAddressField):
        return True
    return model in about_learners and isinstance(field, FREE_KINDS)


def entries() -> tuple[PersonalField, ...]:
    return REGISTER


def entry_keys() -> set[tuple[str, str]]:
    return {entry.key for entry in REGISTER}


def for_subject(subject: str) -> list[PersonalField]:
    return [entry for entry in REGISTER if entry.subject == subject]


def sensitive_fields() -> set[tuple[str, str]]:
    return {entry.key for entry in REGISTER if entry.category == Category.SENSITIVE}


def by_purpose() -> list[tuple[Purpose, list[PersonalField]]]:
    grouped: dict[str, tuple[Purpose, list[PersonalField]]] = {purpose.key: (purpose, []) for purpose in PURPOSES}
    for entry in REGISTER:
        grouped[entry.purpose.key][1].append(entry)
    return [group for group in grouped.values() if group[1]]

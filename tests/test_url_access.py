"""Walk every URL pattern of the project and check who may open it.

Every pattern is public (``PUBLIC``, with the reason), left out (``EXCLUDED``, with the
reason), or checked. A checked pattern with parameters needs a way to fill them with real
objects (``KWARGS``: objects of organisation A, in region Groningen; management-site pages
get theirs from ``ADMIN_OBJECTS`` and ``ADMIN_KWARGS``). A new URL that fits none of these
makes ``test_every_url_pattern_is_classified`` fail and say what to add, so new views are
covered without anyone remembering to write an access test.

The checks, each collecting every failure so that one run shows all leaks:

(a) anonymous visitors are sent to the login page (or get 401/403/404/405), on GET and on
    POST; management-site pages send them to the management login;
(b) a member of another organisation, with strong roles there (admin and coordinator, in
    region Drenthe), gets 404 on every object URL of organisation A, a 403 on the pages that
    change ``SHARED`` reference data of region Groningen, and the management login on every
    management-site page;
(c) a member of organisation A with too low a role (a consultant) gets 403 on every
    ``RESTRICTED`` page, which the role it is for opens; an organisation's administrator gets
    403 on restricted pages meant for other roles;
(d) the REST API, which takes tokens and no session: every operation of its OpenAPI document
    is a 401 without a token, a 404 on organisation A's objects with a token of another
    organisation (reads and writes, nothing written), and opens with organisation A's own.
"""

from __future__ import annotations

import datetime
import importlib
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.certificates.models import Certificate, IssueBatch
from werkplaats.notifications.models import Notification
from werkplaats.organisations.models import Invitation, Membership, Organisation, OrganisationKind, Role
from werkplaats.organisations.services import invite_member
from werkplaats.organisations.tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    RegionFactory,
    member_of,
)
from werkplaats.qualifications.models import (
    CorePart,
    CoreTask,
    ImportRun,
    Qualification,
    QualificationFile,
    Source,
    WorkProcess,
)
from werkplaats.recognitions.models import LearningCompany, Recognition, RecognitionSource
from werkplaats.trajectories.files import private_storage
from werkplaats.trajectories.models import (
    EventKind,
    EvidenceFile,
    IntendedOutcome,
    Learner,
    LearningPlanVersion,
    PracticeHours,
    Status,
    TargetGroup,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)
from werkplaats.trajectories.models import Route as LearningRoute

# --- The world: organisation A in Groningen, and an outsider in Drenthe ---------------------


@dataclass(frozen=True)
class World:
    organisation: Organisation
    admin: User
    consultant: User
    coordinator: User
    colleague: Membership
    invitation: Invitation
    employer: Organisation  # a learning company in region Groningen
    recognition: Recognition
    outsider: User
    platform_admin: User


@pytest.fixture
def world(db: None) -> World:
    groningen = RegionFactory.create(code="AM01", name="Groningen")
    organisation = OrganisationFactory.create(
        name="Gemeente Haren", region=groningen, municipality=MunicipalityFactory.create(name="Haren", region=groningen)
    )
    admin_user = member_of(organisation, Role.ADMIN)
    invitation = invite_member(organisation, email="nieuw@example.nl", roles=[Role.MEMBER], by=admin_user)
    employer = OrganisationFactory.create(name="Bakkerij Bolhuis", region=groningen, employer=True)
    drenthe = RegionFactory.create(code="AM03", name="Drenthe")
    return World(
        organisation=organisation,
        admin=admin_user,
        consultant=member_of(organisation, Role.CONSULTANT),
        coordinator=member_of(organisation, Role.COORDINATOR),
        colleague=Membership.objects.get(user=member_of(organisation, Role.LEARNER)),
        invitation=invitation,
        employer=employer,
        recognition=Recognition.objects.create(
            employer=employer,
            crebo="25173",
            start_date=datetime.date(2024, 1, 1),
            source=RecognitionSource.MANUAL,
            places_offered=1,
        ),
        outsider=member_of(OrganisationFactory.create(region=drenthe), Role.ADMIN, Role.COORDINATOR),
        platform_admin=User.objects.create_superuser("platform@example.nl", "kalibreer-de-draaibank-7"),
    )


def _qualification() -> Qualification:
    file, _created = QualificationFile.objects.get_or_create(
        dossier_crebo="25180",
        version_number=1,
        defaults={"name": "Pedagogisch werk", "source": Source.KD_XML, "content_hash": "0" * 64},
    )
    return Qualification.objects.get_or_create(
        file=file, crebo="25486", defaults={"name": "Pedagogisch medewerker", "level": 3}
    )[0]


def _work_process() -> WorkProcess:
    file = _qualification().file
    core_task, _created = CoreTask.objects.get_or_create(
        file=file, code="B1-K1", defaults={"part": CorePart.BASIS, "title": "Begeleidt kinderen"}
    )
    return WorkProcess.objects.get_or_create(core_task=core_task, code="B1-K1-W1", defaults={"title": "Observeert"})[0]


def _import_run(w: World) -> ImportRun:
    return ImportRun.objects.get_or_create(started_by=w.platform_admin)[0]


def _learner(w: World) -> Learner:
    """A learner registered by organisation A, with a trajectory at its region's learning company."""
    return Learner.objects.get_or_create(
        organisation=w.organisation,
        first_name="Noor",
        last_name="Jansen",
        date_of_birth=datetime.date(1990, 5, 1),
        defaults={"target_group": TargetGroup.PARTICIPATIEWET, "support_needs": "Gevoelig"},
    )[0]


def _trajectory(w: World) -> Trajectory:
    learner = _learner(w)
    trajectory = learner.trajectories.first()
    if trajectory is None:
        trajectory = Trajectory.objects.create(
            learner=learner,
            route=LearningRoute.PRAKTIJKLEREN,
            intended_outcome=IntendedOutcome.CERTIFICATE,
            employer=w.employer,
            consultant=w.consultant,
        )
        TrajectoryEvent.objects.create(trajectory=trajectory, kind=EventKind.CREATED, to_status=Status.REFERRED)
    return trajectory


@dataclass(frozen=True)
class AtWork:
    """A trajectory of organisation A at work (another learner than ``_trajectory``'s), with its
    parties, an agreed plan with a signed copy, a week of hours, an assessed work process with an
    evidence file: the objects of the work pages (plan, reviews, hours, assessments, log)."""

    trajectory: Trajectory
    trainer: User
    school_staff: User
    hours: PracticeHours
    assessment: WorkProcessAssessment
    evidence: EvidenceFile


def _at_work(w: World) -> AtWork:
    learner, created = Learner.objects.get_or_create(
        organisation=w.organisation,
        first_name="Sanne",
        last_name="Mulder",
        date_of_birth=datetime.date(1995, 3, 2),
        defaults={"target_group": TargetGroup.WW},
    )
    if created:
        school = OrganisationFactory.create(
            name="Noorderpoort", region=w.organisation.region, kind=OrganisationKind.MBO_SCHOOL
        )
        trainer = member_of(w.employer, Role.WORKPLACE_TRAINER, email="opleider@bolhuis.example.nl")
        school_staff = member_of(school, Role.SCHOOL_STAFF, email="bpv@noorderpoort.example.nl")
        today = timezone.localdate()
        trajectory = Trajectory.objects.create(
            learner=learner,
            route=LearningRoute.PRAKTIJKLEREN,
            intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
            qualification=_qualification(),
            school=school,
            employer=w.employer,
            workplace_trainer=trainer,
            school_coach=school_staff,
            status=Status.IN_PROGRESS,
            planned_start=today - datetime.timedelta(weeks=4),
        )
        plan = LearningPlanVersion.objects.create(trajectory=trajectory, number=1, learner_goals="Zelfstandig werken")
        # One fixed private file, written once, so that test runs do not pile up files.
        storage = private_storage()
        if not storage.exists("plans/url-access.pdf"):
            storage.save("plans/url-access.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        plan.signed_copy.name = "plans/url-access.pdf"
        plan.agreed_at = timezone.now()
        plan.save()
        PracticeHours.objects.create(
            trajectory=trajectory, week_start=today - datetime.timedelta(days=today.weekday() + 7), hours=16
        )
        assessment = WorkProcessAssessment.objects.create(
            trajectory=trajectory,
            work_process=_work_process(),
            level="mastered",
            assessed_on=today,
            assessed_by=trainer,
        )
        EvidenceFile.objects.create(
            assessment=assessment,
            file="plans/url-access.pdf",
            original_name="bewijs.pdf",
            content_type="application/pdf",
            size=14,
        )
    trajectory = learner.trajectories.get()
    assessment = trajectory.assessments.get()
    return AtWork(
        trajectory=trajectory,
        trainer=User.objects.get(trained_trajectories=trajectory),
        school_staff=User.objects.get(coached_trajectories=trajectory),
        hours=trajectory.hours.get(),
        assessment=assessment,
        evidence=assessment.files.get(),
    )


def _work(w: World, **extra: int) -> dict[str, Any]:
    return {"pk": _at_work(w).trajectory.pk, **extra}


def _certificate(w: World) -> Certificate:
    """A praktijkverklaring for the trajectory at work, counted in region Groningen."""
    work = _at_work(w)
    trajectory = work.trajectory
    found = Certificate.objects.filter(trajectory=trajectory).first()
    if found is not None:
        return found
    assert trajectory.qualification is not None and trajectory.school is not None and trajectory.employer is not None
    return Certificate.objects.create(
        number="PV-2026-000001",
        year=2026,
        sequence=1,
        trajectory=trajectory,
        learner=trajectory.learner,
        qualification=trajectory.qualification,
        school=trajectory.school,
        employer=trajectory.employer,
        region=w.organisation.region,
        issued_on=timezone.localdate(),
        issued_by=work.school_staff,
        learner_first_name="Sanne",
        learner_last_name="Mulder",
        learner_date_of_birth=datetime.date(1995, 3, 2),
        qualification_name="Pedagogisch medewerker",
        crebo="25486",
        level=3,
        dossier_crebo="25180",
        dossier_version="1",
        work_processes=[{"code": "B1-K1", "title": "Begeleidt kinderen", "work_processes": []}],
        employer_name="Bakkerij Bolhuis",
        employer_kvk="12345678",
        trainer_name="",
        school_name="Noorderpoort",
        signatory_name="",
        place="Groningen",
    )


def _number(w: World) -> dict[str, Any]:
    return {"number": _certificate(w).number}


def _batch(w: World) -> dict[str, Any]:
    work = _at_work(w)
    assert work.trajectory.school is not None
    batch = IssueBatch.objects.filter(school=work.trajectory.school).first() or IssueBatch.objects.create(
        school=work.trajectory.school,
        started_by=work.school_staff,
        issued_on=timezone.localdate(),
        trajectory_ids=[work.trajectory.pk],
    )
    return {"pk": batch.pk}


# --- The classification -------------------------------------------------------------------

Kwargs = Callable[[World], dict[str, Any]]


def _organisation(w: World) -> dict[str, Any]:
    return {"slug": w.organisation.slug}


def _member(w: World) -> dict[str, Any]:
    return {"slug": w.organisation.slug, "pk": w.colleague.pk}


def _employer(w: World) -> dict[str, Any]:
    return {"slug": w.employer.slug}


def _recognition(w: World) -> dict[str, Any]:
    return {"slug": w.employer.slug, "pk": w.recognition.pk}


# How to fill the parameters of our own URLs, with objects of organisation A.
KWARGS: dict[str, Kwargs] = {
    "organisations:detail": _organisation,
    "organisations:invite": _organisation,
    "organisations:member-edit": _member,
    "organisations:member-end": _member,
    "organisations:invitation-revoke": lambda w: {"slug": w.organisation.slug, "pk": w.invitation.pk},
    "recognitions:register": _employer,
    "recognitions:add": _employer,
    "recognitions:edit": _recognition,
    "recognitions:verify": _recognition,
    "recognitions:withdraw": _recognition,
    "recognitions:profile": _employer,
    "qualifications:detail": lambda w: {"pk": _qualification().pk},
    "qualifications:import-detail": lambda w: {"pk": _import_run(w).pk},
    "trajectories:learner": lambda w: {"pk": _learner(w).pk},
    "trajectories:learner-invite": lambda w: {"pk": _learner(w).pk},
    "trajectories:create": lambda w: {"pk": _learner(w).pk},
    "trajectories:detail": lambda w: {"pk": _trajectory(w).pk},
    "trajectories:edit": lambda w: {"pk": _trajectory(w).pk},
    "trajectories:transition": lambda w: {"pk": _trajectory(w).pk, "to": Status.INTAKE.value},
    "trajectories:change-employer": lambda w: {"pk": _trajectory(w).pk},
    "trajectories:outcome": lambda w: {"pk": _trajectory(w).pk},
    "trajectories:plan": _work,
    "trajectories:plan-edit": _work,
    "trajectories:plan-version": lambda w: _work(w, number=1),
    "trajectories:plan-approve": lambda w: _work(w, number=1),
    "trajectories:plan-signed": lambda w: _work(w, number=1),
    "trajectories:plan-signed-download": lambda w: _work(w, number=1),
    "trajectories:reviews": _work,
    "trajectories:review-add": _work,
    "trajectories:hours": _work,
    "trajectories:hours-log": _work,
    "trajectories:hours-approve": lambda w: _work(w, entry=_at_work(w).hours.pk),
    "trajectories:assessments": _work,
    "trajectories:assessment-edit": lambda w: _work(w, work_process=_at_work(w).assessment.work_process_id),
    "trajectories:assessment-confirm": lambda w: _work(w, assessment=_at_work(w).assessment.pk),
    "trajectories:evidence-download": lambda w: _work(w, file=_at_work(w).evidence.pk),
    "trajectories:log": _work,
    "trajectories:log-add": _work,
    "certificates:issue": _work,
    "certificates:detail": _number,
    "certificates:pdf": _number,
    "certificates:revoke": _number,
    "certificates:verify": lambda w: {"code": "NOSU-CHCO-DE00-0000"},
    "certificates:batch": _batch,
    "certificates:record": _work,
    # Public: an unknown credential must lead nowhere.
    "organisations:accept-invitation": lambda w: {"token": "no-such-token"},
    "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "set-password"},
    "account_confirm_email": lambda w: {"key": "no-such-key"},
}

# Object URLs whose object is reference data shared by every organisation, each for a reason:
# a member of another organisation may read them, so (b) expects no 404 there; where they are
# RESTRICTED, (b) expects a 403 for the outsider instead.
_REGISTER = "the register of recognised learning companies is reference data for everyone in Werkplaats"
SHARED: dict[str, str] = {
    "recognitions:register": _REGISTER,
    "recognitions:add": _REGISTER,
    "recognitions:edit": _REGISTER,
    "recognitions:verify": _REGISTER,
    "recognitions:withdraw": _REGISTER,
    "recognitions:profile": _REGISTER,
    "qualifications:detail": "the qualification catalogue is reference data that every logged-in user reads",
    "qualifications:import-detail": "a catalogue import belongs to the platform, not to an organisation",
}


def _admin(w: World) -> User:
    return w.admin


def _coordinator(w: World) -> User:
    return w.coordinator


def _platform_admin(w: World) -> User:
    return w.platform_admin


# Pages only some roles may open, with a user who may. A consultant of organisation A (too
# low a role) gets a 403 on each; the user named here opens it.
RESTRICTED: dict[str, Callable[[World], User]] = {
    # The organisation's administrators manage its people.
    "organisations:invite": _admin,
    "organisations:member-edit": _admin,
    "organisations:member-end": _admin,
    "organisations:invitation-revoke": _admin,
    "audit:log": _admin,
    # Coordinators and school staff of the employer's region keep its register.
    "recognitions:add": _coordinator,
    "recognitions:edit": _coordinator,
    "recognitions:verify": _coordinator,
    "recognitions:withdraw": _coordinator,
    "recognitions:profile": _coordinator,
    "recognitions:import": _coordinator,
    # Platform administrators load the qualification catalogue.
    "qualifications:import": _platform_admin,
    "qualifications:import-list": _platform_admin,
    "qualifications:import-detail": _platform_admin,
    # The parties of a trajectory at work: the workplace trainer logs and approves hours and
    # assesses work processes; the school confirms mastered ones.
    "trajectories:hours-log": lambda w: _at_work(w).trainer,
    "trajectories:hours-approve": lambda w: _at_work(w).trainer,
    "trajectories:assessment-edit": lambda w: _at_work(w).trainer,
    "trajectories:assessment-confirm": lambda w: _at_work(w).school_staff,
    # The school issues praktijkverklaringen; the school and the region's coordinators revoke them.
    "certificates:issue": lambda w: _at_work(w).school_staff,
    "certificates:revoke": lambda w: _at_work(w).school_staff,
    "certificates:batch-start": lambda w: _at_work(w).school_staff,
    "certificates:batch": lambda w: _at_work(w).school_staff,
    # Coordinators count the region's praktijkverklaringen.
    "certificates:counts": _coordinator,
    "certificates:counts-csv": _coordinator,
    "certificates:counts-xlsx": _coordinator,
}

# Restricted pages about a person, each for a reason: an organisation's administrator without
# a role in the person's trajectory does not see the person at all, so (c) expects a 404 there
# instead of a 403.
_PARTIES = "only the parties of a trajectory see the learner's work; an administrator alone is no party"
PERSONAL: dict[str, str] = {
    "trajectories:hours-log": _PARTIES,
    "trajectories:hours-approve": _PARTIES,
    "trajectories:assessment-edit": _PARTIES,
    "trajectories:assessment-confirm": _PARTIES,
    "certificates:issue": _PARTIES,
    "certificates:revoke": _PARTIES,
}


# Restricted pages about an object of another organisation than A (the school of A's learner),
# each for a reason: members of A without the role do not see the object at all, so (c) expects
# a 404 there, as for an outsider.
OTHER_ORGANISATION: dict[str, str] = {
    "certificates:batch": "a batch of certificates is the school's business; nobody else knows it exists",
}


# Open to anyone, each for a reason. Still requested: none may fail with a server error.
PUBLIC: dict[str, str] = {
    "healthz": "load balancers and monitoring probe it without logging in; it shows no data",
    "core:set-language": "visitors choose their language on the login page, before logging in",
    "organisations:accept-invitation": "the token in the link is the credential; an unknown token is a 404",
    "account_login": "the login page itself",
    "account_logout": "logging out needs no login; anonymous visitors are sent on",
    "account_signup": "says that signing up is closed (Werkplaats is invitation-only)",
    "account_inactive": "allauth's explanation after a login attempt on a deactivated account",
    "account_reset_password": "asking for a password-reset e-mail",
    "account_reset_password_done": "'check your e-mail' after asking for a reset",
    "account_reset_password_from_key": "the key in the e-mailed link is the credential",
    "account_reset_password_from_key_done": "'your password was changed' after a reset",
    "account_confirm_email": "the key in the e-mailed link is the credential",
    "account_email_verification_sent": "allauth's 'check your e-mail' page; it shows no data",
    "admin:login": "the management site's login page",
    "admin:logout": "logging out of the management site needs no login",
    "certificates:verify-form": "anyone holding a praktijkverklaring checks it, without an account",
    "certificates:verify": "anyone holding a praktijkverklaring checks it; it shows initials and surname only",
    "openness:security-txt": "where to report a vulnerability (RFC 9116); it shows no data",
    "openness:accessibility": "the accessibility statement is for everyone, before logging in too",
}

# Left out of these checks, each for a reason.
# (Uploaded files are never served by URL pattern: each download goes through a view that checks access.)
EXCLUDED: dict[str, str] = {}


def _present(obj: models.Model | None) -> models.Model:
    assert obj is not None
    return obj


# Management-site objects, by model: every ModelAdmin needs one (for its change, history,
# delete and unnamed redirect URLs). Each function returns a saved object, creating it if needed.
ADMIN_OBJECTS: dict[str, Callable[[World], models.Model]] = {
    "auth.group": lambda w: Group.objects.get_or_create(name="Regio Groningen")[0],
    "accounts.user": lambda w: w.colleague.user,
    "organisations.region": lambda w: _present(w.organisation.region),
    "organisations.municipality": lambda w: _present(w.organisation.municipality),
    "organisations.organisation": lambda w: w.organisation,
    "organisations.membership": lambda w: w.colleague,
    "organisations.invitation": lambda w: w.invitation,
    "audit.auditlogentry": lambda w: record(Action.VIEW, w.colleague.user, subject_organisation_id=w.organisation.pk),
    "account.emailaddress": lambda w: EmailAddress.objects.get_or_create(
        user=w.colleague.user, email=w.colleague.user.email, defaults={"primary": True}
    )[0],
    "mfa.authenticator": lambda w: Authenticator.objects.get_or_create(
        user=w.colleague.user, type=Authenticator.Type.RECOVERY_CODES, defaults={"data": {"seed": "00"}}
    )[0],
    "qualifications.qualificationfile": lambda w: _qualification().file,
    "qualifications.qualification": lambda w: _qualification(),
    "qualifications.coretask": lambda w: _work_process().core_task,
    "qualifications.workprocess": lambda w: _work_process(),
    "qualifications.importrun": lambda w: _import_run(w),
    "recognitions.recognition": lambda w: w.recognition,
    "recognitions.learningcompany": lambda w: LearningCompany.objects.get_or_create(employer=w.employer)[0],
    "notifications.notification": lambda w: Notification.objects.get_or_create(recipient=w.consultant, message="Hallo")[
        0
    ],
    "django_tasks_database.dbtaskresult": lambda w: DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="werkplaats.organisations.tasks.send_invitation_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    ),
}

# Management-site URLs that are not about one object of a registered model.
ADMIN_KWARGS: dict[str, Kwargs] = {
    "admin:app_list": lambda w: {"app_label": "organisations"},
    "admin:auth_user_password_change": lambda w: {"id": w.colleague.user.pk},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Organisation).pk,
        "object_id": w.organisation.pk,
    },
    "admin/(?P<url>.*)$": lambda w: {"url": "no-such-page/"},  # the management site's catch-all
}


# --- Walking the URL patterns --------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself when the pattern has no name
    route: str  # the full route, as Django reports it in ResolverMatch.route
    parts: tuple[RoutePattern | RegexPattern, ...]

    @property
    def parameters(self) -> set[str]:
        names: set[str] = set()
        for part in self.parts:
            names |= set(part.converters) if isinstance(part, RoutePattern) else set(part.regex.groupindex)
        return names

    @property
    def is_admin(self) -> bool:
        return self.key.startswith("admin:") or self.route.startswith("admin/")


def _walk(patterns: Iterable[Any], parts: tuple[Any, ...] = (), namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from _walk(pattern.url_patterns, (*parts, pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            all_parts = (*parts, pattern.pattern)
            route = "".join(str(p) if i == 0 else str(p).removeprefix("^") for i, p in enumerate(all_parts))
            name = ":".join(n for n in (namespace, pattern.name) if n) if pattern.name else ""
            yield Route(key=name or route, route=route, parts=all_parts)


ROUTES = list(_walk(get_resolver().url_patterns))


def _fill_regex(regex: str, kwargs: dict[str, Any]) -> str:
    """Replace each named group of a (simple) URL regex with its value."""
    regex = regex.removeprefix("^").removesuffix("$")
    out, i = [], 0
    while i < len(regex):
        if not regex.startswith("(?P<", i):
            out.append(regex[i])
            i += 1
            continue
        name_end = regex.index(">", i)
        depth, j, in_class = 1, name_end + 1, False
        while depth:  # find the group's closing parenthesis
            char = regex[j]
            if char == "\\":
                j += 1
            elif char in "[]":
                in_class = char == "["
            elif not in_class and char in "()":
                depth += 1 if char == "(" else -1
            j += 1
        out.append(str(kwargs[regex[i + 4 : name_end]]))
        i = j
    return "".join(out)


def _fill_route(part: RoutePattern, kwargs: dict[str, Any]) -> str:
    """Replace each <converter:name> of a route with its value."""

    def value(match: re.Match[str]) -> str:
        return str(part.converters[match[1]].to_url(kwargs[match[1]]))

    return re.sub(r"<(?:\w+:)?(\w+)>", value, str(part))


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    parts = (
        _fill_route(p, kwargs) if isinstance(p, RoutePattern) else _fill_regex(str(p), kwargs) for p in route.parts
    )
    return "/" + "".join(parts)


def _admin_model(route: Route) -> type[models.Model] | None:
    """The model of a management-site URL such as admin/organisations/membership/<object_id>/."""
    segments = route.route.split("/")
    if not route.is_admin or "object_id" not in route.parameters or len(segments) < 3:
        return None
    try:
        return apps.get_model(segments[1], segments[2])
    except LookupError:
        return None


def _kwargs_for(route: Route) -> Kwargs | None:
    if not route.parameters:
        return lambda w: {}
    if route.key in KWARGS:
        return KWARGS[route.key]
    if route.key in ADMIN_KWARGS:
        return ADMIN_KWARGS[route.key]
    model = _admin_model(route)
    if model is not None and model._meta.label_lower in ADMIN_OBJECTS:
        pick = ADMIN_OBJECTS[model._meta.label_lower]
        return lambda w: {"object_id": pick(w).pk}
    return None


def _routes(
    *, admin_site: bool | None = None, keys: Iterable[str] | None = None, objects_only: bool = False
) -> list[Route]:
    """The checked routes (not public, not excluded), narrowed down."""
    wanted = set(keys) if keys is not None else None
    return [
        r
        for r in ROUTES
        if r.key not in PUBLIC
        and r.key not in EXCLUDED
        and (admin_site is None or r.is_admin == admin_site)
        and (wanted is None or r.key in wanted)
        and (not objects_only or (r.parameters and r.key not in SHARED))
    ]


def _concrete(world: World, routes: Iterable[Route]) -> Iterator[tuple[Route, str]]:
    """Each route with a URL filled in; unclassified routes are left to the classification test."""
    for route in routes:
        kwargs = _kwargs_for(route)
        if kwargs is not None:
            yield route, _url(route, kwargs(world))


def _request(client: Client, method: str, url: str) -> HttpResponseBase | str:
    try:
        return client.get(url) if method == "GET" else client.post(url)
    except Exception as exc:  # collect every failure, then report them together
        return f"raised {exc!r}"


def _outcome(response: HttpResponseBase | str) -> str:
    if isinstance(response, str):
        return response
    return f"{response.status_code} {response.get('Location', '')}".strip()


def _redirects_to(response: HttpResponseBase | str, login_url: str) -> bool:
    return (
        not isinstance(response, str)
        and response.status_code == 302
        and response["Location"].split("?")[0] == login_url
    )


def _status(response: HttpResponseBase | str) -> int | None:
    return None if isinstance(response, str) else response.status_code


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _report(failures: list[str], title: str) -> str:
    return f"{title} ({len(failures)}):\n  " + "\n  ".join(failures)


# --- The classification is complete and current --------------------------------------------


def test_every_url_pattern_is_classified() -> None:
    unclassified = [r for r in ROUTES if r.key not in EXCLUDED and _kwargs_for(r) is None]
    admin_models = sorted({m._meta.label_lower for r in unclassified if (m := _admin_model(r)) is not None})
    messages = [f"the management site of {label!r}: add an object to ADMIN_OBJECTS" for label in admin_models] + [
        f"{r.key!r} (route {r.route!r}, parameters {sorted(r.parameters)})"
        for r in unclassified
        if _admin_model(r) is None
    ]

    assert not messages, _report(
        messages,
        "URL patterns that nobody has classified. In tests/test_url_access.py, add each to KWARGS "
        "(how to fill its parameters with a real object of organisation A; add it to SHARED too if "
        "the object is reference data shared by all organisations, to RESTRICTED if only some "
        "roles may open it), its model to ADMIN_OBJECTS for a new ModelAdmin, or the "
        "pattern to PUBLIC or EXCLUDED with the reason",
    )


def test_every_listed_pattern_still_exists() -> None:
    keys = {r.key for r in ROUTES}
    listed = {*KWARGS, *ADMIN_KWARGS, *SHARED, *PUBLIC, *EXCLUDED, *RESTRICTED, *PERSONAL, *OTHER_ORGANISATION}
    registered = {m._meta.label_lower for m in admin.site._registry}

    assert sorted(listed - keys) == []
    assert sorted(set(ADMIN_OBJECTS) - registered) == []


def test_every_public_shared_and_excluded_entry_gives_a_reason() -> None:
    assert all(
        len(reason) >= 20
        for reason in [
            *PUBLIC.values(),
            *SHARED.values(),
            *EXCLUDED.values(),
            *PERSONAL.values(),
            *OTHER_ORGANISATION.values(),
        ]
    )


def test_each_concrete_url_reaches_its_own_pattern(world: World) -> None:
    failures = []
    for route, url in _concrete(world, [r for r in ROUTES if r.key not in EXCLUDED]):
        match = resolve(url)
        if match.route != route.route:
            failures.append(f"{route.key}: {url} resolves to {match.route!r}, not {route.route!r}")

    assert not failures, _report(failures, "Concrete URLs that reach another pattern")


# --- (a) Anonymous visitors -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(world: World) -> None:
    login_url = reverse("account_login")
    failures = []
    for route, url in _concrete(world, _routes(admin_site=False)):
        for method in ("GET", "POST"):
            response = _request(_client(), method, url)
            if not (_redirects_to(response, login_url) or _status(response) in (401, 403, 404, 405)):
                failures.append(f"{method} {url} ({route.key}): {_outcome(response)}")

    assert not failures, _report(failures, "Pages an anonymous visitor can open")


def test_anonymous_visitors_are_sent_to_the_management_login(world: World) -> None:
    login_url = reverse("admin:login")
    failures = []
    for route, url in _concrete(world, _routes(admin_site=True)):
        for method in ("GET", "POST"):
            response = _request(_client(), method, url)
            if not _redirects_to(response, login_url):
                failures.append(f"{method} {url} ({route.key}): {_outcome(response)}")

    assert not failures, _report(failures, "Management pages an anonymous visitor can open")


def test_public_pages_answer_without_a_server_error(world: World) -> None:
    failures = []
    for route, url in _concrete(world, [r for r in ROUTES if r.key in PUBLIC]):
        response = _request(_client(), "GET", url)
        if _status(response) is None or _status(response) >= 500:  # type: ignore[operator]
            failures.append(f"GET {url} ({route.key}): {_outcome(response)}")

    assert not failures, _report(failures, "Public pages that fail")


def test_an_invitation_link_with_a_random_token_is_a_404(world: World) -> None:
    url = reverse("organisations:accept-invitation", args=[uuid.uuid4().hex])

    assert _client().get(url).status_code == 404
    assert _client().post(url, {"name": "x", "password1": "y", "password2": "y"}).status_code == 404


# --- (b) A member of another organisation ---------------------------------------------------


def test_a_member_of_another_organisation_gets_404_on_every_object_url(world: World) -> None:
    client = _client(world.outsider)
    routes = _routes(admin_site=False, objects_only=True)
    assert {"organisations:detail", "organisations:member-edit"} <= {r.key for r in routes}
    failures = []
    for route, url in _concrete(world, routes):
        for method in ("GET", "POST"):
            response = _request(client, method, url)
            # 405 comes before any lookup (a POST-only action), so it says nothing about the object.
            if _status(response) not in ((404, 405) if method == "GET" else (404,)):
                failures.append(f"{method} {url} ({route.key}): {_outcome(response)}")

    assert not failures, _report(failures, "Object URLs of organisation A that an outsider reaches")
    assert Membership.objects.get(pk=world.colleague.pk).is_active
    assert Invitation.objects.get(pk=world.invitation.pk).is_pending


def test_a_member_of_another_organisation_cannot_change_shared_records_of_the_region(world: World) -> None:
    client = _client(world.outsider)
    routes = [r for r in _routes(admin_site=False, keys=SHARED) if r.key in RESTRICTED]
    failures = []
    for route, url in _concrete(world, routes):
        for method in ("GET", "POST"):
            response = _request(client, method, url)
            if _status(response) not in ((403, 405) if method == "GET" else (403,)):
                failures.append(f"{method} {url} ({route.key}): {_outcome(response)}")

    assert not failures, _report(failures, "Shared records of region Groningen that an outsider can change")


def test_a_member_of_another_organisation_is_sent_to_the_management_login(world: World) -> None:
    client = _client(world.outsider)
    login_url = reverse("admin:login")
    failures = []
    for route, url in _concrete(world, _routes(admin_site=True)):
        response = _request(client, "GET", url)
        if not _redirects_to(response, login_url):
            failures.append(f"GET {url} ({route.key}): {_outcome(response)}")

    assert not failures, _report(failures, "Management pages a non-staff user can open")


# --- (c) Too low a role, and the roles a page is for -------------------------------------


def _refused(client: Client, url: str) -> list[str]:
    """Problems, if GET (unless the page is POST-only) and POST are not both a 403."""
    problems = []
    for method in ("GET", "POST"):
        response = _request(client, method, url)
        if _status(response) not in ((403, 405) if method == "GET" else (403,)):
            problems.append(f"{method} {url}: {_outcome(response)}")
    return problems


def _hidden(client: Client, url: str) -> list[str]:
    """Problems, if GET (unless the page is POST-only) and POST are not both a 404."""
    problems = []
    for method in ("GET", "POST"):
        response = _request(client, method, url)
        if _status(response) not in ((404, 405) if method == "GET" else (404,)):
            problems.append(f"{method} {url}: {_outcome(response)}")
    return problems


def _opens(client: Client, url: str) -> HttpResponseBase | str:
    """GET the page; for a POST-only action (405 on GET), POST it and expect a redirect."""
    response = _request(client, "GET", url)
    if _status(response) == 405:
        response = _request(client, "POST", url)
        return response if _status(response) == 302 else f"POST gave {_outcome(response)}"
    return response if _status(response) == 200 else f"GET gave {_outcome(response)}"


def test_a_member_with_too_low_a_role_gets_403_on_restricted_pages(world: World) -> None:
    client = _client(world.consultant)
    failures = []
    for route, url in _concrete(world, _routes(keys=RESTRICTED)):
        check = _hidden if route.key in OTHER_ORGANISATION else _refused
        failures += [f"{problem} ({route.key})" for problem in check(client, url)]

    assert not failures, _report(failures, "Restricted pages a consultant reaches")
    assert Membership.objects.get(pk=world.colleague.pk).is_active
    assert Invitation.objects.get(pk=world.invitation.pk).is_pending


def test_an_organisations_administrator_gets_403_on_pages_for_other_roles(world: World) -> None:
    client = _client(world.admin)
    routes = _routes(keys={key for key, who in RESTRICTED.items() if who is not _admin})
    assert routes
    failures = []
    for route, url in _concrete(world, routes):
        if route.key in PERSONAL or route.key in OTHER_ORGANISATION:
            failures += [f"{problem} ({route.key})" for problem in _hidden(client, url)]
        else:
            failures += [f"{problem} ({route.key})" for problem in _refused(client, url)]

    assert not failures, _report(failures, "Pages for other roles that an organisation's administrator reaches")


def test_a_member_opens_the_organisations_unrestricted_pages(world: World) -> None:
    client = _client(world.consultant)
    routes = [r for r in _routes(admin_site=False) if r.parameters and r.key not in RESTRICTED]
    assert "organisations:detail" in {r.key for r in routes}
    failures = []
    for route, url in _concrete(world, routes):
        response = _request(client, "GET", url)
        if _status(response) != 200:
            failures.append(f"GET {url} ({route.key}): {_outcome(response)}")

    assert not failures, _report(failures, "Unrestricted pages a consultant of the organisation cannot open")


def test_each_restricted_page_opens_for_the_role_it_is_for(world: World) -> None:
    failures = []
    for route, url in _concrete(world, _routes(keys=RESTRICTED)):
        response = _opens(_client(RESTRICTED[route.key](world)), url)
        if isinstance(response, str):
            failures.append(f"{url} ({route.key}): {response}")

    assert not failures, _report(failures, "Restricted pages that the role they are for cannot open")


# Restricted pages that are for a role in an organisation and not for platform administrators
# (who get a 403 there), each for a reason.
_SIGNED = "a praktijkverklaring is signed and answered for by the school (or the region's coordinator)"
NOT_FOR_PLATFORM_ADMINS: dict[str, str] = {
    "certificates:issue": _SIGNED,
    "certificates:revoke": _SIGNED,
    "certificates:batch-start": _SIGNED,
    "certificates:batch": _SIGNED,
}


# Partnership pages: each app keeps its part of the classification in its own
# tests/url_access.py (see werkplaats/partnerships/tests/url_access.py for the cast).
PARTNERSHIP_APPS = [
    "partnerships",
    "agreements",
    "goals",
    "steering",
    "successes",
    "reflections",
    "scans",
    "stakeholders",
    "forum",
    "meetings",
    "intervision",
    "learning",
]
_MEMBERS_ONLY = "a partnership's pages are for its members only; a platform administrator is none"
for _app in PARTNERSHIP_APPS:
    _classification = importlib.import_module(f"werkplaats.{_app}.tests.url_access")
    KWARGS.update(_classification.KWARGS)
    RESTRICTED.update(_classification.RESTRICTED)
    PUBLIC.update(getattr(_classification, "PUBLIC", {}))
    # Pages whose very existence is hidden from members without the role (a 404, not a 403),
    # each with the reason: e.g. an intervision group's sessions, for its participants only.
    OTHER_ORGANISATION.update(getattr(_classification, "HIDDEN", {}))
    NOT_FOR_PLATFORM_ADMINS.update(dict.fromkeys(_classification.RESTRICTED, _MEMBERS_ONLY))


# Apps of organisations (not partnerships) that keep their part of the classification in their
# own tests/url_access.py: KWARGS, RESTRICTED, and optionally PUBLIC, HIDDEN and PERSONAL.
ORGANISATION_APPS = ["matching", "api", "imports", "privacy"]
for _app in ORGANISATION_APPS:
    _classification = importlib.import_module(f"werkplaats.{_app}.tests.url_access")
    KWARGS.update(_classification.KWARGS)
    RESTRICTED.update(_classification.RESTRICTED)
    PUBLIC.update(getattr(_classification, "PUBLIC", {}))
    OTHER_ORGANISATION.update(getattr(_classification, "HIDDEN", {}))
    PERSONAL.update(getattr(_classification, "PERSONAL", {}))
    ADMIN_OBJECTS.update(getattr(_classification, "ADMIN_OBJECTS", {}))
    EXCLUDED.update(getattr(_classification, "EXCLUDED", {}))
    RESTRICTED.update(dict.fromkeys(getattr(_classification, "FOR_ADMINS", ()), _admin))


def test_a_platform_administrator_opens_every_restricted_page(world: World) -> None:
    client = _client(world.platform_admin)
    failures = []
    for route, url in _concrete(world, _routes(keys=set(RESTRICTED) - set(NOT_FOR_PLATFORM_ADMINS))):
        response = _opens(client, url)
        if isinstance(response, str):
            failures.append(f"{url} ({route.key}): {response}")

    assert not failures, _report(failures, "Restricted pages a platform administrator cannot open")


def _kept_out(client: Client, url: str) -> bool:
    """GET is a 403 or 404; for a POST-only action (405 on GET), POST is."""
    status = _status(_request(client, "GET", url))
    if status == 405:
        status = _status(_request(client, "POST", url))
    return status in (403, 404)


def test_platform_administrators_do_not_act_for_a_school(world: World) -> None:
    client = _client(world.platform_admin)
    keys = set(NOT_FOR_PLATFORM_ADMINS)
    pages = list(_concrete(world, _routes(keys=keys)))
    opened = [f"{url} ({route.key})" for route, url in pages if not _kept_out(client, url)]

    assert len(pages) == len(keys)
    assert not opened, _report(opened, "Pages for a school that a platform administrator opened")


# --- (d) The REST API, walked with tokens ----------------------------------------------------
#
# The API does not take the session login the checks above walk with: it wants a token. Every
# operation of the live OpenAPI document is walked here instead, with its parameters filled by
# objects of organisation A (``API_KWARGS``, by path) and, for writes, a body that would be
# accepted (``API_BODIES``), so that a refusal is about the object and not about the body:
#
# - no token, or an unknown one: 401 on every operation but the public ones;
# - a token of the outsider's organisation (read-write, acting as its admin and coordinator):
#   404 on every operation on an object of organisation A, reads and writes alike, nothing
#   written; its lists hold nothing of organisation A;
# - a token of organisation A (its consultant): 200 on every read of those objects, so the
#   fills are real objects and the 404s above are refusals.

API_PREFIX = "/api/v1"


def _partnership(w: World) -> tuple[Any, Any]:
    from werkplaats.goals.models import Goal
    from werkplaats.partnerships.models import Partner, Partnership, PartnershipMember

    partnership, created = Partnership.objects.get_or_create(
        slug="walk-groningen", defaults={"name": "Praktijkleren Groningen", "kind": "other"}
    )
    if created:
        partner = Partner.objects.create(partnership=partnership, organisation=w.organisation)
        PartnershipMember.objects.create(
            partnership=partnership, user=w.consultant, partner=partner, role="manager", perspective="public"
        )
        Goal.objects.create(partnership=partnership, title="Meer praktijkverklaringen")
    return partnership, partnership.goals.get()


# How to fill the parameters of each API path (as the OpenAPI document writes it), with objects
# of organisation A.
API_KWARGS: dict[str, Kwargs] = {
    "/organisations/{slug}": _organisation,
    "/qualifications/{pk}": lambda w: {"pk": _qualification().pk},
    "/recognitions/{pk}": lambda w: {"pk": w.recognition.pk},
    "/certificates/{number}": _number,
    "/partnerships/{slug}": lambda w: {"slug": _partnership(w)[0].slug},
    "/partnerships/{slug}/goals": lambda w: {"slug": _partnership(w)[0].slug},
    "/partnerships/{slug}/goals/{pk}": lambda w: {"slug": _partnership(w)[0].slug, "pk": _partnership(w)[1].pk},
    "/partnerships/{slug}/indicator-values": lambda w: {"slug": _partnership(w)[0].slug},
    "/learners/{pk}": lambda w: {"pk": _learner(w).pk},
    "/learners/{pk}/trajectories": lambda w: {"pk": _learner(w).pk},
    "/trajectories/{pk}": lambda w: {"pk": _trajectory(w).pk},
    "/trajectories/{pk}/transitions": lambda w: {"pk": _trajectory(w).pk},
    "/trajectories/{pk}/learning-plan-versions": _work,
    "/trajectories/{pk}/learning-plan-versions/{number}": lambda w: _work(w, number=1),
    "/trajectories/{pk}/work-process-assessments": _work,
    "/trajectories/{pk}/work-process-assessments/{assessment}/confirmation": lambda w: _work(
        w, assessment=_at_work(w).assessment.pk
    ),
    "/trajectories/{pk}/progress-reviews": _work,
}

# API paths whose objects are reference data every organisation reads, each for a reason.
API_SHARED: dict[str, str] = {
    "/qualifications": "the qualification catalogue is reference data for every organisation",
    "/qualifications/{pk}": "the qualification catalogue is reference data for every organisation",
    "/recognitions": _REGISTER,
    "/recognitions/{pk}": _REGISTER,
}

# API paths open without a token, each for a reason.
API_PUBLIC: dict[str, str] = {
    "/certificates/verify/{code}": PUBLIC["api:certificate-verify"],
}


def _api_bodies(w: World) -> dict[tuple[str, str], dict[str, Any]]:
    """A body for each write that organisation A's own staff could send as it is."""
    today = timezone.localdate().isoformat()
    return {
        ("POST", "/learners"): {
            "first_name": "Kees",
            "last_name": "Smit",
            "date_of_birth": "1990-01-01",
            "target_group": TargetGroup.WW.value,
        },
        ("POST", "/learners/{pk}/trajectories"): {
            "route": LearningRoute.PRAKTIJKLEREN.value,
            "intended_outcome": IntendedOutcome.PRACTICE_CERTIFICATE.value,
        },
        ("POST", "/trajectories/{pk}/transitions"): {"to": Status.INTAKE.value},
        ("POST", "/trajectories/{pk}/work-process-assessments"): {
            "work_process": _work_process().code,
            "level": "mastered",
            "assessed_on": today,
        },
        ("POST", "/trajectories/{pk}/work-process-assessments/{assessment}/confirmation"): {},
        ("POST", "/trajectories/{pk}/progress-reviews"): {"held_on": today, "attendees": "Sanne, opleider"},
        ("POST", "/certificates"): {"trajectory": _at_work(w).trajectory.pk},
    }


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as in the OpenAPI document, without the /api/v1 prefix: /trajectories/{pk}

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, w: World) -> str:
        kwargs = API_KWARGS[self.path](w) if self.parameters else {}
        return API_PREFIX + re.sub(r"{(\w+)}", lambda m: str(kwargs[m[1]]), self.path)


def _operations() -> list[Operation]:
    from werkplaats.api.api import api

    schema = api.get_openapi_schema()
    return [
        Operation(method.upper(), path.removeprefix(API_PREFIX))
        for path, methods in schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()


def _call(secret: str | None, operation: Operation, url: str, body: dict[str, Any] | None = None) -> Any:
    from werkplaats.api.tests.helpers import ApiClient

    api = ApiClient(secret)
    try:
        if operation.method == "GET":
            return api.get(url)
        return getattr(api, operation.method.lower())(url, body if body is not None else {})
    except Exception as exc:  # collect every failure, then report them together
        return f"raised {exc!r}"


def _token_of(organisation: Organisation, user: User, *, read_only: bool = False) -> str:
    from werkplaats.api.tests.helpers import make_token

    return make_token(organisation, user, read_only=read_only, name=f"walk {user.email}")[1]


def test_every_api_operation_is_classified() -> None:
    paths = {o.path for o in OPERATIONS if o.parameters}
    unfilled = sorted(paths - set(API_KWARGS) - set(API_PUBLIC))

    assert {"/trajectories/{pk}", "/learners/{pk}", "/certificates/{number}"} <= paths
    assert not unfilled, _report(
        unfilled, "API paths nobody has classified: add each to API_KWARGS in tests/test_url_access.py"
    )
    assert sorted(set(API_KWARGS) - paths) == [], "API_KWARGS names paths the API no longer has"


def test_every_api_write_has_a_body_in_the_walk(world: World) -> None:
    writes = {(o.method, o.path) for o in OPERATIONS if o.method != "GET"}
    bodies = _api_bodies(world)

    assert sorted(writes - set(bodies)) == [], "API writes without a body in API_BODIES"
    assert sorted(set(bodies) - writes) == [], "API_BODIES names operations the API no longer has"


def test_the_api_answers_401_without_a_token(world: World) -> None:
    failures = []
    for operation in OPERATIONS:
        if operation.path in API_PUBLIC:
            continue
        for secret in (None, "wpk_no-such-token"):
            response = _call(secret, operation, operation.url(world))
            if _status(response) != 401 or not response["Content-Type"].startswith("application/problem+json"):
                failures.append(f"{operation.method} {operation.path} ({secret}): {_outcome(response)}")

    assert not failures, _report(failures, "API operations that answer without a valid token")


def _organisation_a_counts() -> dict[str, int]:
    from werkplaats.trajectories.models import ProgressReview

    return {
        "learners": Learner.objects.count(),
        "trajectories": Trajectory.objects.count(),
        "events": TrajectoryEvent.objects.count(),
        "assessments": WorkProcessAssessment.objects.count(),
        "confirmed": WorkProcessAssessment.objects.exclude(confirmed_at=None).count(),
        "reviews": ProgressReview.objects.count(),
        "certificates": Certificate.objects.count(),
    }


def test_another_organisations_token_gets_404_on_every_api_object_of_organisation_a(world: World) -> None:
    outsider_organisation = world.outsider.memberships.get().organisation
    secret = _token_of(outsider_organisation, world.outsider)
    bodies = _api_bodies(world)
    operations = [o for o in OPERATIONS if o.parameters and o.path not in API_SHARED and o.path not in API_PUBLIC]
    operations += [o for o in OPERATIONS if (o.method, o.path) == ("POST", "/certificates")]
    assert {o.method for o in operations} == {"GET", "POST"}
    calls = [(operation, operation.url(world)) for operation in operations]  # creates the objects
    before = _organisation_a_counts()
    failures = []
    for operation, url in calls:
        response = _call(secret, operation, url, bodies.get((operation.method, operation.path)))
        if _status(response) != 404:
            failures.append(f"{operation.method} {url}: {_outcome(response)}")

    assert not failures, _report(failures, "API operations on objects of organisation A that an outsider reaches")
    assert _organisation_a_counts() == before
    assert Trajectory.objects.get(pk=_trajectory(world).pk).status == Status.REFERRED


def test_another_organisations_token_lists_nothing_of_organisation_a(world: World) -> None:
    secret = _token_of(world.outsider.memberships.get().organisation, world.outsider)
    # What would give organisation A's objects away in a list.
    traces = [
        world.organisation.slug,
        _learner(world).last_name,
        _at_work(world).trajectory.learner.last_name,
        _certificate(world).number,
        _partnership(world)[0].slug,
    ]
    lists = [o for o in OPERATIONS if o.method == "GET" and not o.parameters and o.path not in API_SHARED]
    assert {"/learners", "/trajectories", "/certificates", "/organisations", "/partnerships"} <= {o.path for o in lists}
    failures = []
    for operation in lists:
        response = _call(secret, operation, operation.url(world))
        if _status(response) != 200:
            failures.append(f"GET {operation.path}: {_outcome(response)}")
            continue
        found = [trace for trace in traces if trace in response.content.decode()]
        if found:
            failures.append(f"GET {operation.path} shows {found}")

    assert not failures, _report(failures, "API lists that show an outsider objects of organisation A")


def test_a_token_of_organisation_a_reads_every_api_object_of_its_own(world: World) -> None:
    secret = _token_of(world.organisation, world.consultant, read_only=True)
    reads = [o for o in OPERATIONS if o.method == "GET" and o.parameters and o.path not in API_PUBLIC]
    assert len(reads) == len({o.path for o in reads}) >= 12
    failures = []
    for operation in reads:
        response = _call(secret, operation, operation.url(world))
        if _status(response) != 200:
            failures.append(f"GET {operation.url(world)}: {_outcome(response)}")

    assert not failures, _report(failures, "API objects of organisation A that its own consultant cannot read")

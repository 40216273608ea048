"""A learner with every kind of record the platform links to a person: the certificate world
(a trajectory with confirmed work processes, the learner with a login) plus contact details and
support needs, a learning plan with a signed copy, a review, hours, an evidence file, a log entry,
funding, a stop-and-go event with a reason, matching preferences, a placement request, a place in
a matching round, notifications, and the praktijkverklaring itself (revoked on request)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.certificates import services as certificates
from werkplaats.certificates.models import Certificate
from werkplaats.certificates.tests import world as certificate_world
from werkplaats.matching.models import LearnerPreference, LearningPlace, MatchingRound, PlacementRequest, RoundLearner
from werkplaats.notifications.models import Notification, NotificationSettings
from werkplaats.trajectories import services
from werkplaats.trajectories.models import (
    EventKind,
    FundingSource,
    Learner,
    Status,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)
from werkplaats.trajectories.tests.work_world import upload


@dataclass
class PrivacyWorld:
    learner: Learner
    trajectory: Trajectory
    certificate: Certificate
    consultant: User
    coordinator: User  # coordinator of the learner's region (not of its organisation)
    trainer: User
    school_staff: User
    outsider: User
    learner_user: User


def build(*, revoke: bool = False) -> PrivacyWorld:
    cw = certificate_world.build()
    work = cw.work
    trajectory = work.trajectory
    learner = trajectory.learner
    learner.email = "noor@example.nl"
    learner.phone = "06 12345678"
    learner.language_level = "B1"
    learner.support_needs = "Dyslexie; heeft extra tijd nodig"
    learner.save()

    version = services.propose_plan(
        trajectory,
        by=work.consultant,
        based_on=None,
        learner_goals="Zelfstandig een groep begeleiden",
        workplace_goals="Inzetbaar op de peutergroep",
        school_goals="Werkprocessen B1-K1 afronden",
        activities="Meelopen, daarna zelf",
        support="Wekelijks gesprek met de coach",
        assessment_method="Observatie",
        early_termination="Bij ziekte langer dan drie maanden",
    )
    services.record_signed_copy(version, by=work.consultant, file=upload("plan.pdf"))
    on = timezone.localdate() - datetime.timedelta(days=10)
    services.record_review(
        trajectory, by=work.consultant, held_on=on, attendees="Noor, Tineke, Sander", progress="Goed", agreements="Door"
    )
    monday = on - datetime.timedelta(days=on.weekday())
    services.log_hours(trajectory, by=work.trainer, week_start=monday, hours=Decimal("24"), note="Ziek op vrijdag")
    assessment = WorkProcessAssessment.objects.filter(trajectory=trajectory).first()
    assert assessment is not None
    WorkProcessAssessment.objects.filter(pk=assessment.pk).update(evidence_note="Filmpje van de kring")
    services.add_evidence_file(assessment, by=work.trainer, upload=upload("bewijs.pdf"))
    services.add_log_entry(trajectory, by=work.learner_user, text="Vandaag de kring geleid", goal="Groep begeleiden")
    FundingSource.objects.create(trajectory=trajectory, kind="other", note="Budget re-integratie Noor")
    TrajectoryEvent.objects.create(
        trajectory=trajectory,
        kind=EventKind.TRANSITION,
        from_status=Status.ASSESSMENT,
        to_status=Status.ASSESSMENT,
        actor=work.consultant,
        reason="Noor was twee weken ziek",
        at=timezone.now() - datetime.timedelta(days=2),
    )
    LearnerPreference.objects.create(learner=learner, municipality=None, max_distance_km=20, hours_per_week=24)
    place = LearningPlace.objects.create(
        employer=work.employer, crebo=work.qualification.crebo, capacity=1, period_start=timezone.localdate()
    )
    request = PlacementRequest.objects.create(
        trajectory=trajectory,
        employer=work.employer,
        place=place,
        message="Noor past goed bij jullie",
        proposed_by=work.consultant,
    )
    region = work.municipality.region
    assert region is not None
    matching_round = MatchingRound.objects.create(
        region=region, name="Ronde 2026", start_date=timezone.localdate(), created_by=cw.coordinator
    )
    RoundLearner.objects.create(
        round=matching_round, trajectory=trajectory, notes={"note": "voorkeur ochtend"}, request=request
    )
    Notification.objects.create(recipient=work.learner_user, message="Noor, je plan is akkoord", key="privacy-test")
    NotificationSettings.objects.get_or_create(user=work.learner_user)

    certificate = certificates.issue(trajectory, by=work.school_staff)
    if revoke:
        certificates.revoke(certificate, by=work.school_staff, reason="Op verzoek van Noor opnieuw uit te geven")
    trajectory.refresh_from_db()
    learner.refresh_from_db()
    return PrivacyWorld(
        learner=learner,
        trajectory=trajectory,
        certificate=certificate,
        consultant=work.consultant,
        coordinator=cw.coordinator,
        trainer=work.trainer,
        school_staff=work.school_staff,
        outsider=work.outsider,
        learner_user=work.learner_user,
    )

"""A trajectory at work, with each party as a user, for the tests of the work pages (learning
plan, reviews, hours, assessments, log): a consultant of the learner's municipality, school
staff of the school, a workplace trainer at the employer, the learner with a login, and an
outsider with strong roles in another region."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, OrganisationKind, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, RegionFactory, member_of
from werkplaats.qualifications.models import CorePart, CoreTask, Qualification, QualificationFile, Source, WorkProcess
from werkplaats.trajectories import services
from werkplaats.trajectories.models import IntendedOutcome, Learner, Route, Status, TargetGroup, Trajectory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name: str = "bewijs.pdf", content: bytes = PDF, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def qualification(*, crebo: str = "25486", extra_work_processes: int = 0) -> Qualification:
    """A qualification with a basisdeel (two work processes) and a profieldeel (one, plus
    ``extra_work_processes``)."""
    file, _created = QualificationFile.objects.get_or_create(
        dossier_crebo="25180",
        version_number=1,
        defaults={"name": "Pedagogisch werk", "source": Source.KD_XML, "content_hash": "0" * 64},
    )
    found = Qualification.objects.filter(file=file, crebo=crebo).first()
    if found is not None:
        return found
    result = Qualification.objects.create(file=file, crebo=crebo, name="Pedagogisch medewerker", level=3)
    basis, _created = CoreTask.objects.get_or_create(
        file=file, code="B1-K1", defaults={"part": CorePart.BASIS, "title": "Begeleidt kinderen"}
    )
    code = "P1-K1" if crebo == "25486" else f"P{crebo}-K1"  # a profieldeel of its own per qualification
    profile = CoreTask.objects.create(
        file=file, qualification=result, code=code, part=CorePart.PROFILE, title="Werkt aan kwaliteit", position=1
    )
    WorkProcess.objects.get_or_create(core_task=basis, code="B1-K1-W1", defaults={"title": "Observeert", "position": 1})
    WorkProcess.objects.get_or_create(core_task=basis, code="B1-K1-W2", defaults={"title": "Speelt", "position": 2})
    WorkProcess.objects.create(core_task=profile, code=f"{code}-W1", title="Evalueert", position=1)
    for n in range(extra_work_processes):
        WorkProcess.objects.create(core_task=profile, code=f"{code}-W{n + 2}", title=f"Extra {n}", position=n + 2)
    return result


@dataclass
class WorkWorld:
    municipality: Organisation
    school: Organisation
    employer: Organisation
    consultant: User
    school_staff: User
    trainer: User
    learner_user: User
    outsider: User
    bystander: User  # sees the trajectory (coordinator of the school's region) but is no party
    trajectory: Trajectory

    def refresh(self) -> Trajectory:
        self.trajectory.refresh_from_db()
        return self.trajectory

    @property
    def qualification(self) -> Qualification:
        assert self.trajectory.qualification is not None
        return self.trajectory.qualification

    def work_processes(self) -> QuerySet[WorkProcess]:
        return self.qualification.work_processes()


def build(*, status: str = Status.IN_PROGRESS, weeks_ago: int = 8) -> WorkWorld:
    groningen = RegionFactory.create(code="AM01", name="Groningen")
    drenthe = RegionFactory.create(code="AM03", name="Drenthe")
    friesland = RegionFactory.create(code="AM02", name="Friesland")
    municipality = OrganisationFactory.create(name="Gemeente Haren", region=groningen)
    school = OrganisationFactory.create(name="Noorderpoort", region=friesland, kind=OrganisationKind.MBO_SCHOOL)
    employer = OrganisationFactory.create(name="ESKA", region=groningen, employer=True)
    consultant = member_of(municipality, Role.CONSULTANT, email="consulent@haren.example.nl", language="en")
    school_staff = member_of(school, Role.SCHOOL_STAFF, email="school@noorderpoort.example.nl")
    trainer = member_of(employer, Role.WORKPLACE_TRAINER, email="opleider@eska.example.nl")
    learner_user = member_of(municipality, Role.LEARNER, email="noor@example.nl")
    outsider = member_of(
        OrganisationFactory.create(name="Gemeente Emmen", region=drenthe),
        Role.ADMIN,
        Role.COORDINATOR,
        Role.CONSULTANT,
        Role.SCHOOL_STAFF,
        Role.WORKPLACE_TRAINER,
        email="buiten@emmen.example.nl",
    )
    bystander = member_of(
        OrganisationFactory.create(name="Regio Friesland", region=friesland), Role.COORDINATOR, email="regio@example.nl"
    )
    learner = Learner.objects.create(
        organisation=municipality,
        first_name="Noor",
        last_name="Jansen",
        date_of_birth=datetime.date(1990, 5, 1),
        target_group=TargetGroup.PARTICIPATIEWET,
        user=learner_user,
    )
    start = timezone.localdate() - datetime.timedelta(weeks=weeks_ago)
    trajectory = services.create_trajectory(
        learner,
        by=consultant,
        route=Route.PRAKTIJKLEREN,
        intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
        qualification=qualification(),
        school=school,
        employer=employer,
        workplace_trainer=trainer,
        school_coach=school_staff,
        consultant=consultant,
        planned_start=start,
        planned_end=start + datetime.timedelta(weeks=26),
    )
    # The placement's own guards are tested with the services; here the learner simply is at work.
    Trajectory.objects.filter(pk=trajectory.pk).update(status=status)
    trajectory.refresh_from_db()
    return WorkWorld(
        municipality=municipality,
        school=school,
        employer=employer,
        consultant=consultant,
        school_staff=school_staff,
        trainer=trainer,
        learner_user=learner_user,
        outsider=outsider,
        bystander=bystander,
        trajectory=trajectory,
    )


def big_file(size: int) -> io.BytesIO:
    return io.BytesIO(PDF + b"0" * size)

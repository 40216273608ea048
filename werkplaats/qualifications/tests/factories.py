from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.qualifications.models import (
    CorePart,
    CoreTask,
    ImportRun,
    Qualification,
    QualificationFile,
    Source,
    WorkProcess,
)


class QualificationFileFactory(DjangoModelFactory[QualificationFile]):
    class Meta:
        model = QualificationFile

    dossier_crebo = factory.Sequence(lambda n: f"{30000 + n}")
    name = factory.Sequence(lambda n: f"Dossier {n}")
    domain = "Zorg en welzijn"
    version_number = 1
    source = Source.KD_XML
    source_name = "test.xml"
    content_hash = factory.Sequence(lambda n: f"hash-{n}")
    is_current = True


class QualificationFactory(DjangoModelFactory[Qualification]):
    class Meta:
        model = Qualification

    file = factory.SubFactory(QualificationFileFactory)
    crebo = factory.Sequence(lambda n: f"{40000 + n}")
    name = factory.Sequence(lambda n: f"Qualification {n}")
    level = 2
    kind = "basisberoepsopleiding"
    domain = factory.SelfAttribute("file.domain")
    routes = "BOL/BBL"


class CoreTaskFactory(DjangoModelFactory[CoreTask]):
    """A basisdeel core task unless ``qualification`` is given (then its profiel)."""

    class Meta:
        model = CoreTask

    file = factory.SubFactory(QualificationFileFactory)
    qualification = None
    part = factory.LazyAttribute(lambda o: CorePart.BASIS if o.qualification is None else CorePart.PROFILE)
    code = factory.Sequence(lambda n: f"B1-K{n + 1}")
    title = factory.Sequence(lambda n: f"Core task {n}")
    position = factory.Sequence(lambda n: n)


class WorkProcessFactory(DjangoModelFactory[WorkProcess]):
    class Meta:
        model = WorkProcess

    core_task = factory.SubFactory(CoreTaskFactory)
    code = factory.Sequence(lambda n: f"W{n + 1}")
    title = factory.Sequence(lambda n: f"Work process {n}")
    description = "Does the work."
    position = factory.Sequence(lambda n: n)


class ImportRunFactory(DjangoModelFactory[ImportRun]):
    class Meta:
        model = ImportRun

    started_by = factory.SubFactory(UserFactory)
    file_names = factory.LazyFunction(lambda: ["2755_Dienstverlening.xml"])
    total = 1

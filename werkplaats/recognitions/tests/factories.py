"""Factories for the register's tests. The catalogue rows are made here (not imported from the
catalogue's own tests) so that these tests only need the models."""

from __future__ import annotations

import datetime
from typing import Any, cast

import factory
from factory.django import DjangoModelFactory

from werkplaats.organisations.models import Organisation, Region
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.qualifications.models import Qualification, QualificationFile, Source
from werkplaats.recognitions.models import Recognition, RecognitionSource


class QualificationFileFactory(DjangoModelFactory):
    class Meta:
        model = QualificationFile

    dossier_crebo = factory.Sequence(lambda n: f"{23000 + n}")
    name = factory.Sequence(lambda n: f"Dossier {n}")
    version_number = 1
    source = Source.CREBO_LIST
    content_hash = factory.Sequence(lambda n: f"hash-{n}")
    is_current = True


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification

    file = factory.SubFactory(QualificationFileFactory)
    crebo = factory.Sequence(lambda n: f"{26000 + n}")
    name = factory.Sequence(lambda n: f"Qualification {n}")
    level = 2


class RecognitionFactory(DjangoModelFactory):
    class Meta:
        model = Recognition

    employer = factory.SubFactory(OrganisationFactory, employer=True)
    crebo = "25173"
    start_date = datetime.date(2024, 1, 1)
    end_date = None
    source = RecognitionSource.MANUAL
    places_offered = 1


def qualification(crebo: str, name: str = "", **fields: Any) -> Qualification:
    return cast(Qualification, QualificationFactory(crebo=crebo, name=name or f"Qualification {crebo}", **fields))


def employer(region: Region, name: str = "", **fields: Any) -> Organisation:
    if name:
        fields["name"] = name
    return cast(Organisation, OrganisationFactory(employer=True, region=region, **fields))


def recognition(employer: Organisation, crebo: str = "25173", **fields: Any) -> Recognition:
    return cast(Recognition, RecognitionFactory(employer=employer, crebo=crebo, **fields))

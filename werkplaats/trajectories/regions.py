"""The region that counts a trajectory, stored on it (``Trajectory.region``) so that a region's
dashboard reads an index instead of joining learners and organisations for a million rows.

The rule is the certificates' rule: the region of the learner's organisation, else of the employer,
else of the school. ``Trajectory.save`` stores it whenever the learner, employer or school may have
changed. When an organisation moves to another region, or a learner to another organisation, the
signals below store it again for the trajectories concerned, in one UPDATE. Bulk loads that write
trajectories without ``save`` (a COPY, a restore) call ``refresh_regions`` afterwards.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save, pre_save

from werkplaats.organisations.models import Organisation

from .models import Learner, Trajectory

BEFORE = "_trajectories_region_before"


def _region(pk: Any) -> Subquery:
    return Subquery(Organisation.objects.filter(pk=pk).values("region_id")[:1], output_field=IntegerField())


def counted_region() -> Coalesce:
    """The rule as an expression over a trajectory row."""
    learner_region = Subquery(
        Learner.objects.filter(pk=OuterRef("learner_id")).values("organisation__region_id")[:1],
        output_field=IntegerField(),
    )
    return Coalesce(learner_region, _region(OuterRef("employer_id")), _region(OuterRef("school_id")))


def region_of(trajectory: Trajectory) -> int | None:
    """The rule for one trajectory (its current learner, employer and school), in one query."""
    return (
        Learner.objects.filter(pk=trajectory.learner_id)
        .annotate(
            counted=Coalesce("organisation__region_id", _region(trajectory.employer_id), _region(trajectory.school_id))
        )
        .values_list("counted", flat=True)
        .first()
    )


def refresh_regions(trajectories: QuerySet[Trajectory]) -> int:
    """Store the region of ``trajectories`` again, in one UPDATE; returns the rows updated."""
    return trajectories.order_by().update(region=counted_region())


# --- Keeping it right ------------------------------------------------------------------------------


def _remember(field: str) -> Any:
    """Read the stored value of the foreign key ``field`` (``region``) before a save that may change it."""
    names = {field, f"{field}_id"}

    def before_save(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
        setattr(instance, BEFORE, None)
        if instance.pk is not None and (update_fields is None or not names.isdisjoint(update_fields)):
            setattr(
                instance,
                BEFORE,
                type(instance)._default_manager.filter(pk=instance.pk).values_list(f"{field}_id").first(),
            )

    return before_save


_before_organisation_save = _remember("region")
_before_learner_save = _remember("organisation")


def _after_organisation_save(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, BEFORE, None)
    setattr(instance, BEFORE, None)
    if created or before is None or before[0] == instance.region_id:
        return
    refresh_regions(
        Trajectory.objects.filter(Q(learner__organisation=instance) | Q(employer=instance) | Q(school=instance))
    )


def _after_learner_save(sender: Any, instance: Learner, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, BEFORE, None)
    setattr(instance, BEFORE, None)
    if created or before is None or before[0] == instance.organisation_id:
        return
    refresh_regions(Trajectory.objects.filter(learner=instance))


def connect() -> None:
    """Called once, from the app's ``ready()``."""
    pre_save.connect(_before_organisation_save, sender=Organisation, dispatch_uid="trajectories.region.org.pre")
    post_save.connect(_after_organisation_save, sender=Organisation, dispatch_uid="trajectories.region.org.post")
    pre_save.connect(_before_learner_save, sender=Learner, dispatch_uid="trajectories.region.learner.pre")
    post_save.connect(_after_learner_save, sender=Learner, dispatch_uid="trajectories.region.learner.post")

"""The stored counts of each learning place (``PlaceCounts``), kept exactly equal to a fresh count.

A row holds, for one place, the accepted requests whose learner is not placed yet and the trajectories
placed at the employer for the place's qualification; for its employer, the completed and stopped
trajectories, whether it is active, its name, region and coordinates (or its municipality's); and the
employer's recognitions for the place's qualification. They change only when a trajectory (state,
employer, qualification; created, deleted), a placement request (state, place, trajectory; created,
deleted), a learning place (employer, crebo; created, deleted), a recognition (any change), an
organisation (active, name, region, coordinates, municipality) or a municipality (coordinates) changes.
Signals on those models recount the rows of the employers concerned from scratch, inside the same
transaction: a rolled-back change takes its recount with it. The recognition import, which writes in
bulk, sends ``recognitions_changed`` for the employers it touched. No other code changes those fields
with ``QuerySet.update()`` or bulk operations, which send no signals; data loaded that way (a
benchmark's COPY, a restore) is counted with ``manage.py refresh_matching_counts``, and the daily job
does the same as a safety net (it reports the rows it corrected, normally none).

On PostgreSQL a recount first takes a transaction lock per employer, in employer order: two transactions
changing the same employer's trajectories then recount one after the other, and the second one reads
what the first committed. Without it both would count without the other's change and the last to write
would win.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django_tasks import task

from werkplaats.core.scheduling import schedule_daily
from werkplaats.organisations.models import Municipality, Organisation
from werkplaats.recognitions.models import Recognition
from werkplaats.recognitions.signals import recognitions_changed
from werkplaats.trajectories.models import Status, Trajectory

from .models import LearningPlace, PlaceCounts, PlacementRequest, RequestStatus

# A trajectory in these states occupies a place at its employer.
PLACED_STATES = (Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT)

# The fields whose change can change a count, by name and by column.
TRAJECTORY_FIELDS = frozenset({"status", "employer", "employer_id", "qualification", "qualification_id"})
REQUEST_FIELDS = frozenset({"status", "place", "place_id", "trajectory", "trajectory_id"})
PLACE_FIELDS = frozenset({"employer", "employer_id", "crebo"})
RECOGNITION_FIELDS = frozenset({"employer", "employer_id", "crebo", "start_date", "end_date", "withdrawn_at"})
ORGANISATION_FIELDS = frozenset(
    {"is_active", "name", "region", "region_id", "latitude", "longitude", "municipality", "municipality_id"}
)
MUNICIPALITY_FIELDS = frozenset({"latitude", "longitude"})

LOCK_SPACE = 0x6D617463  # the first argument of the advisory locks: "matc"
CHUNK = 2000  # employers recounted per statement by a full rebuild


# --- Counting ---------------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """The number of rows of ``queryset`` (already filtered on an OuterRef), as a subquery."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def counted(places: QuerySet[LearningPlace]) -> list[PlaceCounts]:
    """Fresh counts for ``places``, in one query."""
    at_employer = Trajectory.objects.filter(employer=OuterRef("employer"))
    recognitions = Recognition.objects.filter(
        employer=OuterRef("employer"), crebo=OuterRef("crebo"), withdrawn_at__isnull=True
    ).order_by()
    rows = places.annotate(
        n_accepted=_count(
            PlacementRequest.objects.filter(place=OuterRef("pk"), status=RequestStatus.ACCEPTED).exclude(
                trajectory__status__in=PLACED_STATES
            ),
            "place",
        ),
        n_placed=_count(
            at_employer.filter(status__in=PLACED_STATES, qualification__crebo=OuterRef("crebo")), "employer"
        ),
        n_completed=_count(at_employer.filter(status=Status.COMPLETED), "employer"),
        n_stopped=_count(at_employer.filter(status=Status.STOPPED), "employer"),
        n_recognitions=_count(recognitions, "employer"),
        # Meaningful only when there is one recognition.
        first_start=Subquery(recognitions.values("start_date")[:1]),
        first_end=Subquery(recognitions.values("end_date")[:1]),
        latitude=Coalesce("employer__latitude", "employer__municipality__latitude"),
        longitude=Coalesce("employer__longitude", "employer__municipality__longitude"),
    ).values_list(
        "pk",
        "employer_id",
        "crebo",
        "n_accepted",
        "n_placed",
        "n_completed",
        "n_stopped",
        "employer__is_active",
        "employer__name",
        "employer__region_id",
        "latitude",
        "longitude",
        "n_recognitions",
        "first_start",
        "first_end",
    )
    return [
        PlaceCounts(
            place_id=pk,
            employer_id=employer,
            crebo=crebo,
            accepted=a,
            placed=p,
            completed=c,
            stopped=s,
            active=active,
            employer_name=name,
            region_id=region,
            latitude=latitude,
            longitude=longitude,
            recognitions=n,
            recognition_start=start if n == 1 else None,
            recognition_end=end if n == 1 else None,
        )
        for (
            pk,
            employer,
            crebo,
            a,
            p,
            c,
            s,
            active,
            name,
            region,
            latitude,
            longitude,
            n,
            start,
            end,
        ) in rows.order_by()
    ]


def _lock(employer_ids: list[int]) -> None:
    """Serialise recounts of the same employer until the transaction ends (PostgreSQL; SQLite
    writes one transaction at a time anyway). Always in ascending order, so that two recounts of
    overlapping employers cannot wait for each other."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, (ordered.e %% 2147483647)::integer) "
            "FROM (SELECT DISTINCT unnest(%s::bigint[]) AS e ORDER BY 1) AS ordered",
            [LOCK_SPACE, employer_ids],
        )


def _recount(employer_ids: list[int], *, compare: bool = False) -> int:
    """Replace the rows of the places of ``employer_ids`` by fresh counts. With ``compare``,
    returns how many rows were missing, wrong or left over; otherwise the rows written."""
    with transaction.atomic():
        _lock(employer_ids)
        fresh = counted(LearningPlace.objects.filter(employer_id__in=employer_ids))
        # Also the row of a place that moved here from another employer.
        stored = PlaceCounts.objects.filter(
            Q(employer_id__in=employer_ids)
            | Q(place_id__in=LearningPlace.objects.filter(employer_id__in=employer_ids).values("pk"))
        )
        differences = len(fresh)
        if compare:
            before = {row.pk: _values(row) for row in stored}
            after = {row.pk: _values(row) for row in fresh}
            differences = sum(1 for pk in before.keys() | after.keys() if before.get(pk) != after.get(pk))
            if not differences:
                return 0
        stored.delete()
        PlaceCounts.objects.bulk_create(fresh)
        return differences


COMPARED = tuple(
    field.attname for field in PlaceCounts._meta.concrete_fields if not field.primary_key
)  # every stored value


def _values(row: PlaceCounts) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in COMPARED)


def refresh_counts(employer_ids: Iterable[int | None]) -> None:
    """Recount, from scratch, the rows of every learning place of these employers (a fixed
    number of queries, however many employers)."""
    ids = sorted({pk for pk in employer_ids if pk is not None})
    if ids:
        _recount(ids)


def rebuild_counts() -> int:
    """Recount every row, a chunk of employers at a time; returns how many rows were corrected."""
    employers = sorted(
        set(LearningPlace.objects.values_list("employer_id", flat=True).distinct())
        | set(PlaceCounts.objects.values_list("employer_id", flat=True).distinct())
    )
    return sum(_recount(employers[start : start + CHUNK], compare=True) for start in range(0, len(employers), CHUNK))


@task()
def refresh_matching_counts() -> int:
    """Runs daily on the worker: recounts every learning place, then queues tomorrow's run. Cron
    can run ``manage.py refresh_matching_counts`` instead."""
    corrected = rebuild_counts()
    schedule_daily(refresh_matching_counts)
    return corrected


# --- Keeping them right -------------------------------------------------------------------------

BEFORE = "_matching_counts_before"  # the counted fields as stored, read just before a save


def _relevant(update_fields: Iterable[str] | None, fields: frozenset[str]) -> bool:
    return update_fields is None or not fields.isdisjoint(update_fields)


def _stored(instance: Any, *fields: str) -> tuple[Any, ...] | None:
    return type(instance)._default_manager.filter(pk=instance.pk).values_list(*fields).first()


def _employers_of_places(place_ids: Iterable[int | None]) -> set[int]:
    ids = {pk for pk in place_ids if pk is not None}
    return set(LearningPlace.objects.filter(pk__in=ids).values_list("employer_id", flat=True)) if ids else set()


def _accepted_places_of(trajectory_id: int) -> set[int]:
    return set(
        PlacementRequest.objects.filter(trajectory_id=trajectory_id, status=RequestStatus.ACCEPTED).values_list(
            "place__employer_id", flat=True
        )
    )


def _remember(fields: frozenset[str], *columns: str) -> Any:
    def before_save(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
        setattr(instance, BEFORE, None)
        # An instance with a primary key may be a new row (a loaded fixture) or an existing one
        # saved without having been read: ask the database.
        if instance.pk is not None and _relevant(update_fields, fields):
            setattr(instance, BEFORE, _stored(instance, *columns))

    return before_save


_before_trajectory_save = _remember(TRAJECTORY_FIELDS, "status", "employer_id", "qualification_id")
_before_request_save = _remember(REQUEST_FIELDS, "status", "place_id", "trajectory_id")
_before_place_save = _remember(PLACE_FIELDS, "employer_id", "crebo")
_before_recognition_save = _remember(
    RECOGNITION_FIELDS, "employer_id", "crebo", "start_date", "end_date", "withdrawn_at"
)
_before_organisation_save = _remember(
    ORGANISATION_FIELDS, "is_active", "name", "region_id", "latitude", "longitude", "municipality_id"
)
_before_municipality_save = _remember(MUNICIPALITY_FIELDS, "latitude", "longitude")


def _after_trajectory_save(
    sender: Any, instance: Trajectory, created: bool, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if not _relevant(update_fields, TRAJECTORY_FIELDS):
        return
    before = getattr(instance, BEFORE, None)
    setattr(instance, BEFORE, None)
    now = (instance.status, instance.employer_id, instance.qualification_id)
    if not created and (before is None or before == now):
        return
    employers = {instance.employer_id}
    was_placed = False
    if before is not None:
        employers.add(before[1])
        was_placed = before[0] in PLACED_STATES
    # Its accepted requests count at their places only while it is not placed (a loaded fixture
    # may hold requests before the trajectory itself).
    if (was_placed != (instance.status in PLACED_STATES) and not created) or raw:
        employers |= _accepted_places_of(instance.pk)
    refresh_counts(employers)


def _after_trajectory_delete(sender: Any, instance: Trajectory, **kwargs: Any) -> None:
    # Its requests were deleted first, and recounted then.
    refresh_counts([instance.employer_id])


def _after_request_save(
    sender: Any, instance: PlacementRequest, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if not _relevant(update_fields, REQUEST_FIELDS):
        return
    before = getattr(instance, BEFORE, None)
    setattr(instance, BEFORE, None)
    now = (instance.status, instance.place_id, instance.trajectory_id)
    if created:
        if instance.status == RequestStatus.ACCEPTED:
            refresh_counts(_employers_of_places([instance.place_id]))
        return
    if before is None or before == now:
        return
    if RequestStatus.ACCEPTED not in (before[0], instance.status):
        return  # only accepted requests are counted
    refresh_counts(_employers_of_places([before[1], instance.place_id]))


def _after_request_delete(sender: Any, instance: PlacementRequest, **kwargs: Any) -> None:
    if instance.status == RequestStatus.ACCEPTED:
        refresh_counts(_employers_of_places([instance.place_id]))


def _after_place_save(
    sender: Any, instance: LearningPlace, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if not _relevant(update_fields, PLACE_FIELDS):
        return
    before = getattr(instance, BEFORE, None)
    setattr(instance, BEFORE, None)
    if created:
        refresh_counts([instance.employer_id])
    elif before is not None and before != (instance.employer_id, instance.crebo):
        refresh_counts([before[0], instance.employer_id])


def _after_place_delete(sender: Any, instance: LearningPlace, **kwargs: Any) -> None:
    # Also removes a row that a recount wrote for this place while it was being deleted (when its
    # employer is deleted, the employer's requests go first).
    refresh_counts([instance.employer_id])


def _changed(instance: Any, created: bool, update_fields: Any, fields: frozenset[str], *columns: str) -> Any:
    """The stored values of ``columns`` before this save when one of them changed, else None."""
    if created or not _relevant(update_fields, fields):
        return None
    before = getattr(instance, BEFORE, None)
    setattr(instance, BEFORE, None)
    if before is None or before == tuple(getattr(instance, column) for column in columns):
        return None
    return before


def _after_recognition_save(
    sender: Any, instance: Recognition, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        refresh_counts([instance.employer_id])
        return
    columns = ("employer_id", "crebo", "start_date", "end_date", "withdrawn_at")
    before = _changed(instance, created, update_fields, RECOGNITION_FIELDS, *columns)
    if before is not None:
        refresh_counts([before[0], instance.employer_id])


def _after_recognition_delete(sender: Any, instance: Recognition, **kwargs: Any) -> None:
    refresh_counts([instance.employer_id])


def _after_recognitions_changed(sender: Any, employer_ids: Iterable[int], **kwargs: Any) -> None:
    refresh_counts(employer_ids)


def _after_organisation_save(
    sender: Any, instance: Organisation, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    # A new organisation has no places yet.
    columns = ("is_active", "name", "region_id", "latitude", "longitude", "municipality_id")
    if _changed(instance, created, update_fields, ORGANISATION_FIELDS, *columns) is not None:
        refresh_counts([instance.pk])


def _after_municipality_save(
    sender: Any, instance: Municipality, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if _changed(instance, created, update_fields, MUNICIPALITY_FIELDS, "latitude", "longitude") is not None:
        # Only employers without coordinates of their own take the municipality's.
        refresh_counts(
            LearningPlace.objects.filter(
                Q(employer__latitude__isnull=True) | Q(employer__longitude__isnull=True),
                employer__municipality=instance,
            ).values_list("employer_id", flat=True)
        )


RECEIVERS = (
    (pre_save, _before_trajectory_save, Trajectory),
    (post_save, _after_trajectory_save, Trajectory),
    (post_delete, _after_trajectory_delete, Trajectory),
    (pre_save, _before_request_save, PlacementRequest),
    (post_save, _after_request_save, PlacementRequest),
    (post_delete, _after_request_delete, PlacementRequest),
    (pre_save, _before_place_save, LearningPlace),
    (post_save, _after_place_save, LearningPlace),
    (post_delete, _after_place_delete, LearningPlace),
    (pre_save, _before_recognition_save, Recognition),
    (post_save, _after_recognition_save, Recognition),
    (post_delete, _after_recognition_delete, Recognition),
    (pre_save, _before_organisation_save, Organisation),
    (post_save, _after_organisation_save, Organisation),
    (pre_save, _before_municipality_save, Municipality),
    (post_save, _after_municipality_save, Municipality),
    (recognitions_changed, _after_recognitions_changed, Recognition),
)


def _uid(signal: Any, sender: Any) -> str:
    name = {
        pre_save: "pre_save",
        post_save: "post_save",
        post_delete: "post_delete",
        recognitions_changed: "recognitions_changed",
    }[signal]
    return f"matching.counts.{name}.{sender.__name__}"


def connect() -> None:
    """Called once, from the app's ``ready()``."""
    for signal, receiver, sender in RECEIVERS:
        signal.connect(receiver, sender=sender, dispatch_uid=_uid(signal, sender))


def disconnect() -> None:
    """Stop counting (until ``connect``): for a bulk load followed by ``rebuild_counts``."""
    for signal, _receiver, sender in RECEIVERS:
        signal.disconnect(sender=sender, dispatch_uid=_uid(signal, sender))

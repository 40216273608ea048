"""Keeping the dashboard's facts (``TrajectoryFact``) exactly equal to their sources.

A fact is computed from scratch by one SQL statement (``_select``) from the trajectory, its learner,
qualification, funding sources and events, and written with an upsert. It changes only when one of
those changes, and signals recount the facts of the trajectories concerned inside the same
transaction (a rolled-back change takes its recount with it):

- a trajectory saved (created, any field) or deleted (the fact goes with it: CASCADE);
- an event or a funding source saved or deleted;
- a learner saved (organisation, target group);
- a qualification whose crebo or level changed;
- any ``QuerySet.update()`` of those (``trajectories_changed``), which Django sends no
  ``post_save`` for. The stored region (``trajectories/regions.py``) is written that way.

Rows loaded without any of these (the national generator's COPY, a restore) are counted with
``manage.py refresh_trajectory_facts``; the daily job does the same as a safety net and reports how
many facts it corrected, normally none. Two transactions changing the same trajectory at the same
moment could each count without the other's change; the transitions lock the trajectory, and the
daily recount corrects what remains.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django_tasks import task

from werkplaats.core.scheduling import schedule_daily
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories.models import (
    FINAL_STATES,
    FundingKind,
    FundingSource,
    Learner,
    Trajectory,
    TrajectoryEvent,
    trajectories_changed,
)

from .models import FUNNEL, STAY_COLUMNS, TrajectoryFact

CHUNK = 2_000  # trajectories per statement when refreshing a list of ids (three IN lists each)

# One bit per kind of funding, in the order of FundingKind.
FUNDING_BITS = {kind: 1 << n for n, kind in enumerate(FundingKind.values)}

COLUMNS = [field.column for field in TrajectoryFact._meta.concrete_fields]


def _seconds_between(earlier: str, later: str) -> str:
    """SQL for the seconds from ``earlier`` to ``later`` (two timestamp expressions)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def _select(ids_sql: str | None, ids_params: list[Any]) -> tuple[str, list[Any]]:
    """SELECT the facts of the trajectories whose ids ``ids_sql`` gives (every trajectory when
    None), in the order of ``COLUMNS``."""
    trajectory = Trajectory._meta.db_table
    learner = Learner._meta.db_table
    qualification = Qualification._meta.db_table
    event = TrajectoryEvent._meta.db_table
    funding = FundingSource._meta.db_table

    def among(column: str) -> tuple[str, list[Any]]:
        return (f"{column} IN ({ids_sql})", list(ids_params)) if ids_sql is not None else ("1 = 1", [])

    params: list[Any] = []
    final = ", ".join(["%s"] * len(FINAL_STATES))
    params += sorted(str(status) for status in FINAL_STATES)

    # Per trajectory: the furthest state of the funnel, and the seconds per state (each stay until
    # the next event; the last, open stay has no end and does not count).
    furthest = " ".join(f"WHEN %s THEN {n}" for n in range(len(FUNNEL)))
    spent = _seconds_between("e.at", "e.next_at")
    stays = ", ".join(
        f"SUM(CASE WHEN e.to_status = %s THEN {spent} END) AS {column}" for column in STAY_COLUMNS.values()
    )
    events_where, events_params = among("ev.trajectory_id")
    funding_where, funding_params = among("fs.trajectory_id")
    bits = " ".join("WHEN %s THEN %s" for _kind in FUNDING_BITS)
    where, where_params = among("t.id")
    stayed = ", ".join(f"s.{column}" for column in STAY_COLUMNS.values())
    # Table names, column names and placeholders only:
    sql = (
        "SELECT t.id, t.region_id, l.organisation_id, t.school_id, t.employer_id, COALESCE(q.crebo, ''), q.level, "  # noqa: S608
        "t.route, l.target_group, COALESCE(f.funding, 0), t.created_at, t.status, "
        f"CASE WHEN t.status IN ({final}) THEN t.status_changed_at END, "
        f"t.stop_reason, t.outcome_at_completion, t.outcome_after_six_months, COALESCE(s.furthest, -1), {stayed} "
        f"FROM {trajectory} t "
        f"INNER JOIN {learner} l ON l.id = t.learner_id "
        f"LEFT JOIN {qualification} q ON q.id = t.qualification_id "
        f"LEFT JOIN (SELECT e.trajectory_id, MAX(CASE e.to_status {furthest} ELSE -1 END) AS furthest, {stays} "
        "FROM (SELECT ev.trajectory_id, ev.to_status, ev.at, "
        "LEAD(ev.at) OVER (PARTITION BY ev.trajectory_id ORDER BY ev.at, ev.id) AS next_at "
        f"FROM {event} ev WHERE {events_where}) e GROUP BY e.trajectory_id) s ON s.trajectory_id = t.id "
        f"LEFT JOIN (SELECT fs.trajectory_id, SUM(DISTINCT CASE fs.kind {bits} ELSE 0 END) AS funding "
        f"FROM {funding} fs WHERE {funding_where} GROUP BY fs.trajectory_id) f ON f.trajectory_id = t.id "
        f"WHERE {where}"
    )
    params += [str(status) for status in FUNNEL]
    params += [str(status) for status in STAY_COLUMNS]
    params += events_params
    for kind, bit in FUNDING_BITS.items():
        params += [kind, bit]
    params += funding_params
    params += where_params
    return sql, params


def _upsert(ids_sql: str | None, ids_params: list[Any], *, existing_only: bool = False) -> None:
    select, params = _select(ids_sql, ids_params)
    table = TrajectoryFact._meta.db_table
    if existing_only:  # never bring back the fact of a trajectory being deleted
        select += f" AND t.id IN (SELECT trajectory_id FROM {table})"  # noqa: S608
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{column} = excluded.{column}" for column in COLUMNS[1:])
    sql = f"INSERT INTO {table} ({columns}) {select} ON CONFLICT (trajectory_id) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refresh(trajectories: QuerySet[Trajectory] | Iterable[int], *, existing_only: bool = False) -> None:
    """Compute the facts of ``trajectories`` (a queryset or ids) again, from scratch."""
    if isinstance(trajectories, QuerySet):
        ids_sql, ids_params = trajectories.order_by().values("pk").query.sql_with_params()
        _upsert(ids_sql, list(ids_params), existing_only=existing_only)
        return
    ids = sorted({pk for pk in trajectories if pk is not None})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _upsert(", ".join(["%s"] * len(chunk)), chunk, existing_only=existing_only)


def differences() -> int:
    """How many stored facts differ from a fresh count (missing, changed or left over)."""
    select, params = _select(None, [])
    table = TrajectoryFact._meta.db_table
    stored = f"SELECT {', '.join(COLUMNS)} FROM {table}"  # noqa: S608
    sql = (
        f"SELECT (SELECT COUNT(*) FROM ({select} EXCEPT {stored}) a) "  # noqa: S608
        f"+ (SELECT COUNT(*) FROM ({stored} EXCEPT {select}) b)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return int(cursor.fetchone()[0])


def refresh_all() -> None:
    """Count the fact of every trajectory again (after a bulk load: one INSERT ... SELECT)."""
    table = TrajectoryFact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE trajectory_id NOT IN (SELECT id FROM {Trajectory._meta.db_table})"  # noqa: S608
        )
    _upsert(None, [])


def rebuild() -> int:
    """Count every fact again; returns how many differed before (0 when they were right)."""
    wrong = differences()
    if wrong:
        refresh_all()
    return wrong


@task()
def refresh_trajectory_facts() -> int:
    """Runs daily on the worker: counts every fact again, then queues tomorrow's run. Cron can
    run ``manage.py refresh_trajectory_facts`` instead."""
    corrected = rebuild()
    schedule_daily(refresh_trajectory_facts)
    return corrected


# --- Keeping them right -------------------------------------------------------------------------

BEFORE = "_insights_facts_before"  # a qualification's crebo and level as stored, read before a save


def _trajectory_saved(sender: Any, instance: Trajectory, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh([instance.pk])


def _part_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh([instance.trajectory_id])


def _part_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # When the trajectory itself is being deleted its fact may be gone already: do not add it again.
    refresh([instance.trajectory_id], existing_only=True)


def _learner_saved(sender: Any, instance: Learner, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    if not raw and not created:  # a new learner has no trajectories yet
        refresh(Trajectory.objects.filter(learner_id=instance.pk))


def _before_qualification_save(sender: Any, instance: Qualification, **kwargs: Any) -> None:
    setattr(instance, BEFORE, None)
    if instance.pk is not None:
        setattr(instance, BEFORE, Qualification.objects.filter(pk=instance.pk).values_list("crebo", "level").first())


def _qualification_saved(sender: Any, instance: Qualification, raw: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, BEFORE, None)
    if not raw and before is not None and before != (instance.crebo, instance.level):
        refresh(Trajectory.objects.filter(qualification_id=instance.pk))


def _changed_in_bulk(sender: Any, ids: set[int], **kwargs: Any) -> None:
    refresh(ids, existing_only=sender is not Trajectory)


RECEIVERS: list[tuple[Any, Any, Any]] = [
    (post_save, _trajectory_saved, Trajectory),
    (post_save, _part_saved, TrajectoryEvent),
    (post_delete, _part_deleted, TrajectoryEvent),
    (post_save, _part_saved, FundingSource),
    (post_delete, _part_deleted, FundingSource),
    (post_save, _learner_saved, Learner),
    (pre_save, _before_qualification_save, Qualification),
    (post_save, _qualification_saved, Qualification),
    (trajectories_changed, _changed_in_bulk, None),
]


def _uid(signal: Any, receiver: Any) -> str:
    return f"insights.facts.{id(signal)}.{receiver.__name__}"


def connect() -> None:
    """Called once, from the app's ``ready()``."""
    for signal, receiver, sender in RECEIVERS:
        signal.connect(receiver, sender=sender, dispatch_uid=_uid(signal, receiver))


def disconnect() -> None:
    """Stop counting (until ``connect``): for a bulk load followed by ``rebuild``."""
    for signal, receiver, sender in RECEIVERS:
        signal.disconnect(receiver, sender=sender, dispatch_uid=_uid(signal, receiver))

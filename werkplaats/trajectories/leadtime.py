"""Lead time and time per state, computed from a trajectory's transition events.

Plain Python without Django, so that dashboards, exports and benchmarks can use it on any
list of events. Times are timezone-aware datetimes; durations are timedeltas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PAUSED = "gepauzeerd"
FINAL = frozenset({"afgerond", "gestopt"})

# The praktijkleren process norm (seed 003): from referral to certificate in 3 to 6 months.
NORM_MIN = timedelta(days=91)
NORM_MAX = timedelta(days=183)
AT_RISK_FROM = timedelta(days=152)  # the last month before the 6-month limit
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Step:
    at: datetime
    to_status: str


@dataclass(frozen=True)
class LeadTime:
    started_at: datetime | None
    ended_at: datetime | None
    total: timedelta
    paused: timedelta
    per_state: dict[str, timedelta]

    @property
    def active(self) -> timedelta:
        """Lead time without the time spent paused."""
        return self.total - self.paused


def compute(steps: Iterable[Step], now: datetime) -> LeadTime:
    """Walk the events in time order; each state lasts until the next event (or ``now``, or the
    moment the trajectory ended)."""
    ordered: Sequence[Step] = sorted(steps, key=lambda s: s.at)
    per_state: dict[str, timedelta] = {}
    if not ordered:
        return LeadTime(None, None, timedelta(0), timedelta(0), per_state)
    ended_at = ordered[-1].at if ordered[-1].to_status in FINAL else None
    for step, following in zip(ordered, [*ordered[1:], None], strict=True):
        if step.to_status in FINAL:
            break
        until = following.at if following is not None else now
        per_state[step.to_status] = per_state.get(step.to_status, timedelta(0)) + max(until - step.at, timedelta(0))
    end = ended_at or now
    total = max(end - ordered[0].at, timedelta(0))
    return LeadTime(ordered[0].at, ended_at, total, per_state.get(PAUSED, timedelta(0)), per_state)


def next_whole_day(duration: timedelta, now: datetime) -> datetime:
    """When a duration that grows with the clock from ``now`` on reaches its next whole day;
    ``now`` itself when it is a whole number of days now (a comparison with the norm, which is in
    whole days, changes right after)."""
    rest = duration % DAY
    return now + (DAY - rest) if rest else now


def next_change(steps: Iterable[Step], now: datetime) -> datetime | None:
    """The first moment from ``now`` on at which a figure of ``compute(steps, ...)`` counted in
    whole days, or its norm (``norm_status``), can differ from its value at ``now``: when a
    duration that grows with the clock reaches its next whole day, or a step dated later than
    ``now`` begins. None when no figure moves with the clock (an ended trajectory)."""
    ordered = list(steps)
    here, then = compute(ordered, now), compute(ordered, now + timedelta(seconds=1))
    moments = [s.at for s in ordered if s.at > now]
    pairs: list[tuple[timedelta, timedelta | None]] = [
        (here.total, then.total),
        (here.paused, then.paused),
        (here.active, then.active),
    ]
    pairs += [(duration, then.per_state.get(state)) for state, duration in here.per_state.items()]
    moments += [next_whole_day(duration, now) for duration, later in pairs if later != duration]
    return min(moments, default=None)


def norm_status(lead_time: LeadTime) -> str:
    """``on_track``, ``at_risk`` or ``late`` against the 3-to-6-month norm, on active time.

    A finished trajectory is judged on its final lead time: late when it took longer than six
    months, on track otherwise."""
    active = lead_time.active
    if lead_time.ended_at is not None:
        return "late" if active > NORM_MAX else "on_track"
    if active > NORM_MAX:
        return "late"
    if active >= AT_RISK_FROM:
        return "at_risk"
    return "on_track"

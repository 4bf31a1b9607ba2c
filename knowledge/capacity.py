"""Intake capacity of the projects (knowledge/intake.yml): office hours cut into bookable slots.

A broken file is a clear error naming the problem, raised when the action server starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

CAPACITY_FILE = Path(__file__).resolve().parent / "intake.yml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CapacityError(ValueError):
    pass


@dataclass(frozen=True)
class Hours:
    slot_minutes: int
    weekly: dict[int, tuple[tuple[dt.time, dt.time], ...]]  # weekday (0 = Monday) -> periods


@dataclass(frozen=True)
class Capacity:
    timezone: ZoneInfo
    horizon_days: int
    min_notice: dt.timedelta
    offer_count: int
    default: Hours
    per_project: dict[str, Hours]
    closed: frozenset[dt.date]

    def hours(self, project_id: str) -> Hours:
        return self.per_project.get(project_id, self.default)

    def slot_starts(self, project_id: str, today: dt.date) -> list[dt.datetime]:
        """Every slot start (aware, UTC) from `today` to the horizon, closed days left out."""
        hours = self.hours(project_id)
        starts = []
        for offset in range(self.horizon_days + 1):
            day = today + dt.timedelta(days=offset)
            if day in self.closed:
                continue
            for begin, end in hours.weekly.get(day.weekday(), ()):
                t = dt.datetime.combine(day, begin, self.timezone)
                stop = dt.datetime.combine(day, end, self.timezone)
                step = dt.timedelta(minutes=hours.slot_minutes)
                while t + step <= stop:
                    starts.append(t.astimezone(dt.timezone.utc))
                    t += step
        return starts


def _time(value: str, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise CapacityError(f"{where}: '{value}' is not a time HH:MM") from None


def _hours(raw: Any, where: str) -> Hours:
    if not isinstance(raw, dict) or "weekly" not in raw:
        raise CapacityError(f"{where}: needs 'slot_minutes' and 'weekly'")
    minutes = raw.get("slot_minutes", 45)
    if not isinstance(minutes, int) or not 10 <= minutes <= 240:
        raise CapacityError(f"{where}.slot_minutes: a whole number of minutes from 10 to 240")
    weekly: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {}
    for day, periods in (raw["weekly"] or {}).items():
        if day not in DAYS:
            raise CapacityError(f"{where}.weekly: unknown day '{day}' (use {', '.join(DAYS)})")
        parsed = []
        for period in periods:
            begin, sep, end = str(period).partition("-")
            if not sep:
                raise CapacityError(f"{where}.weekly.{day}: '{period}' is not a period HH:MM-HH:MM")
            b, e = _time(begin.strip(), f"{where}.weekly.{day}"), _time(end.strip(), f"{where}.weekly.{day}")
            if e <= b:
                raise CapacityError(f"{where}.weekly.{day}: '{period}' ends before it begins")
            parsed.append((b, e))
        weekly[DAYS.index(day)] = tuple(parsed)
    return Hours(minutes, weekly)


def load(path: Path = CAPACITY_FILE) -> Capacity:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        tz = ZoneInfo(data["timezone"])
        closed = frozenset(dt.date.fromisoformat(str(d)) for d in data.get("closed") or [])
        capacity = Capacity(
            timezone=tz,
            horizon_days=int(data["horizon_days"]),
            min_notice=dt.timedelta(hours=float(data["min_notice_hours"])),
            offer_count=int(data["offer_count"]),
            default=_hours(data["default"], f"{path}: default"),
            per_project={k: _hours(v, f"{path}: projects.{k}") for k, v in (data.get("projects") or {}).items()},
            closed=closed,
        )
    except CapacityError:
        raise
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise CapacityError(f"{path}: {type(exc).__name__}: {exc}") from None
    from knowledge.projects import directory

    unknown = set(capacity.per_project) - {p.id for p in directory().projects}
    if unknown:
        raise CapacityError(f"{path}: unknown project id(s) {sorted(unknown)}")
    return capacity


@lru_cache(maxsize=1)
def capacity() -> Capacity:
    return load()

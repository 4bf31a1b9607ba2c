"""The case database as the action server and bot/ use it: one engine per process, created on first
use (never at import), and blocking database work moved off the event loop.

    lead = await cases.runtime.run(service.submit_intake, request, now, notice)

runs the function in a worker thread inside one transaction (commit on success, rollback on error).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cases import db, service

T = TypeVar("T")
_lock = threading.Lock()
_state: dict[str, Any] = {}


def retention_days() -> int:
    return int(os.environ.get("AMM_RETENTION_DAYS", "90"))


def closed_retention_days() -> int:
    return int(os.environ.get("AMM_CLOSED_RETENTION_DAYS", "30"))


def engine() -> Engine:
    with _lock:
        if "engine" not in _state:
            _state["engine"] = db.make_engine()
            _state["factory"] = db.session_factory(_state["engine"])
        return _state["engine"]


def factory() -> sessionmaker[Session]:
    engine()
    return _state["factory"]


def configure(url: str) -> None:
    """Point this process at another database (tests)."""
    with _lock:
        if "engine" in _state:
            _state["engine"].dispose()
        _state["engine"] = db.make_engine(url)
        _state["factory"] = db.session_factory(_state["engine"])


def prepare(now: dt.datetime | None = None) -> None:
    """At start-up: migrate, mirror the projects and create the bookable slots of the horizon."""
    from knowledge.capacity import capacity
    from knowledge.projects import directory

    db.migrate(str(engine().url.render_as_string(hide_password=False)))
    projects = [(p.id, p.name, p.districts) for p in directory().projects]
    with db.transaction(factory()) as session:
        service.sync_projects(session, projects)
        service.ensure_slots(session, capacity(), [p[0] for p in projects], now or service.now_utc())


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with db.transaction(factory()) as session:
        return fn(session, *args, **kwargs)


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(call, fn, *args, **kwargs)

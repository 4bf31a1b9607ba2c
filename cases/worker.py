"""The background loop: bookable slots for the horizon, outbox delivery, and the daily retention purge.

Started by ./amm run as `python -m bot.worker` (which picks the delivery channel); every step is
its own transaction and a failed cycle (database down) is logged and tried again next time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from cases import outbox, privacy, runtime, service

log = logging.getLogger("cases.worker")


async def run_once(channel: outbox.Channel, now: dt.datetime, project_ids: list[str]) -> tuple[int, int]:
    from knowledge.capacity import capacity

    runtime.call(service.ensure_slots, capacity(), project_ids, now)
    return await outbox.deliver_due(runtime.factory(), channel, now)


async def run_worker(channel: outbox.Channel, interval: float = 30.0) -> None:
    from knowledge.projects import directory

    project_ids = [p.id for p in directory().projects]
    prepared = False
    last_purge: dt.date | None = None
    while True:
        now = service.now_utc()
        try:
            if not prepared:
                runtime.prepare(now)
                prepared = True
            sent, failed = await run_once(channel, now, project_ids)
            if sent or failed:
                log.info("outbox: %s sent, %s failed", sent, failed)
            if last_purge != now.date():
                days, closed = runtime.retention_days(), runtime.closed_retention_days()
                erased = runtime.call(privacy.purge_expired, now, days, closed)
                log.info(
                    "retention: %s person(s) erased (never booked: %s days, closed: %s days)", erased, days, closed
                )
                last_purge = now.date()
        except Exception as exc:  # noqa: BLE001 - e.g. the database is down: keep going, try again
            log.warning("worker cycle failed: %s", type(exc).__name__)
        await asyncio.sleep(interval)

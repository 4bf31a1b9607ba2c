"""The background loop: outbox delivery every cycle; once a day the bookable slots of the horizon
and the retention purge.

Started by ./amm run as `python -m bot.worker` (which picks the delivery channel); every step is
its own transaction and a failed cycle (database down) is logged and tried again next time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from cases import outbox, privacy, runtime, service

log = logging.getLogger("cases.worker")


def purge(now: dt.datetime) -> int:
    """Erase whom the consent text promises to forget (never booked; cases closed), per the settings."""
    days, closed = runtime.retention_days(), runtime.closed_retention_days()
    erased = runtime.call(privacy.purge_expired, now, days, closed)
    log.info("retention: %s person(s) erased (never booked: %s days, closed: %s days)", erased, days, closed)
    return erased


def daily(now: dt.datetime) -> None:
    """The slot horizon moves by a day, and retention: once a day is enough for both."""
    from knowledge.capacity import capacity
    from knowledge.projects import directory

    added = runtime.call(service.ensure_slots, capacity(), [p.id for p in directory().projects], now)
    log.info("slots: %s added to the booking horizon", added)
    purge(now)


async def run_worker(channel: outbox.Channel, interval: float = 30.0) -> None:
    prepared = False
    last_daily: dt.date | None = None
    while True:
        now = service.now_utc()
        try:
            if not prepared:
                runtime.prepare(now)
                prepared = True
            sent, failed = await outbox.deliver_due(runtime.factory(), channel, now)
            if sent or failed:
                log.info("outbox: %s sent, %s failed", sent, failed)
            if last_daily != now.date():
                daily(now)
                last_daily = now.date()
        except Exception as exc:  # noqa: BLE001 - e.g. the database is down: keep going, try again
            log.warning("worker cycle failed: %s", type(exc).__name__)
        await asyncio.sleep(interval)

"""Committed transactions: the booking race, migrations up and down, and outbox delivery with retries."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
from sqlalchemy import func, inspect, select

from cases import db, outbox, service
from cases.db import transaction
from cases.models import Booking, Lead, Notification
from knowledge.capacity import capacity
from tests.cases.conftest import NOW, request

NOTICE = capacity().min_notice
RACERS = 8


def test_concurrent_bookings_of_one_slot_give_exactly_one_winner(factory):
    with factory() as s:
        slot_id = service.free_slots(s, ["leipzig"], NOW, capacity())[0].id
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def racer(i: int) -> None:
        req = request(slot_id=slot_id, project_id="leipzig", district="14713", name=f"Racer {i}")
        barrier.wait()
        try:
            with transaction(factory) as s:
                service.submit_intake(s, req, NOW, NOTICE)
            outcomes.append("booked")
        except service.SlotTaken:
            outcomes.append("taken")

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["booked"] + ["taken"] * (RACERS - 1)
    with factory() as s:
        live = s.scalar(select(func.count()).select_from(Booking).where(Booking.slot_id == slot_id))
        assert live == 1
        assert s.scalar(select(func.count()).select_from(Lead)) == 1  # losers left nothing behind


def test_double_submission_racing_gives_one_lead(factory):
    req = request()
    barrier = threading.Barrier(4)
    ids: list[int] = []

    def submit() -> None:
        barrier.wait()
        for _ in range(3):  # a loser of the unique submission key simply reads the winner's lead
            try:
                with transaction(factory) as s:
                    ids.append(service.submit_intake(s, req, NOW, NOTICE).id)
                return
            except Exception:  # noqa: BLE001
                continue

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(ids) == 4 and len(set(ids)) == 1


def test_migrations_run_down_and_up_again(empty_db_url):
    db_url = empty_db_url

    def tables() -> set[str]:
        engine = db.make_engine(db_url)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    db.migrate(db_url)
    db.downgrade(db_url, "base")
    assert tables() <= {"alembic_version"}
    db.migrate(db_url)
    assert {
        "people",
        "consents",
        "leads",
        "status_changes",
        "intake_slots",
        "bookings",
        "outbox",
        "projects",
    } <= tables()


class FlakyChannel:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.delivered: list[outbox.Message] = []

    async def deliver(self, message: outbox.Message) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("messaging is down")
        self.delivered.append(message)


def test_notifications_wait_while_messaging_is_down_and_go_out_later(factory):
    with transaction(factory) as s:
        service.submit_intake(s, request(), NOW, NOTICE)
    channel = FlakyChannel(failures=2)
    assert asyncio.run(outbox.deliver_due(factory, channel, NOW)) == (0, 1)
    assert asyncio.run(outbox.deliver_due(factory, channel, NOW)) == (0, 0)  # backing off: not due yet
    later = NOW + dt.timedelta(minutes=1)
    assert asyncio.run(outbox.deliver_due(factory, channel, later)) == (0, 1)
    assert asyncio.run(outbox.deliver_due(factory, channel, later + dt.timedelta(minutes=5))) == (1, 0)
    message = channel.delivered[0]
    assert message.kind == "new_lead" and message.project_id == "dresden" and message.lead["name"] == "Olena"
    assert message.lead["priority"] == ["women", "no_qualification"]
    assert asyncio.run(outbox.deliver_due(factory, channel, later + dt.timedelta(hours=2))) == (0, 0)  # sent once


def test_a_reminder_survives_a_restart_and_goes_out_the_day_before(db_url, factory):
    with transaction(factory) as s:
        slot = service.free_slots(s, ["dresden"], NOW, capacity())[-1]  # days ahead, not tomorrow
        service.submit_intake(s, request(slot_id=slot.id), NOW, NOTICE)
        start = slot.starts_at
    first = FlakyChannel(0)
    asyncio.run(outbox.deliver_due(factory, first, NOW))
    assert [m.kind for m in first.delivered] == ["new_lead"]  # the reminder is not due yet
    # "Restart": a new engine and session factory, as a new worker process would have.
    engine = db.make_engine(db_url)
    try:
        fresh = db.session_factory(engine)
        channel = FlakyChannel(0)
        asyncio.run(outbox.deliver_due(fresh, channel, start - dt.timedelta(days=1, minutes=1)))
        assert channel.delivered == []
        asyncio.run(outbox.deliver_due(fresh, channel, start - dt.timedelta(days=1)))
        assert [m.kind for m in channel.delivered] == ["reminder"]
        assert channel.delivered[0].user_ref and channel.delivered[0].language == "uk"
        assert channel.delivered[0].lead["appointment"] == start
    finally:
        engine.dispose()


def test_reminders_of_erased_people_are_dropped(factory):
    from cases import privacy

    with transaction(factory) as s:
        slot = service.free_slots(s, ["dresden"], NOW, capacity())[0]
        req = request(slot_id=slot.id)
        service.submit_intake(s, req, NOW, NOTICE)
    with transaction(factory) as s:
        privacy.erase_person(s, req.ref, NOW)
    channel = FlakyChannel(0)
    asyncio.run(outbox.deliver_due(factory, channel, slot.starts_at))
    assert channel.delivered == []
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Notification).where(Notification.sent_at.is_not(None))) == 0


@pytest.mark.parametrize("attempts,seconds", [(1, 30), (2, 60), (3, 120), (20, 3600)])
def test_backoff(attempts, seconds):
    assert outbox.backoff(attempts) == dt.timedelta(seconds=seconds)


def test_messages_render_for_mentors_in_german_and_for_the_user_in_their_language(factory):
    from cases.render import render

    with transaction(factory) as s:
        slot = service.free_slots(s, ["dresden"], NOW, capacity())[-1]
        service.submit_intake(s, request(slot_id=slot.id), NOW, NOTICE)
    channel = FlakyChannel(0)
    asyncio.run(outbox.deliver_due(factory, channel, slot.starts_at))
    by_kind = {m.kind: render(m) for m in channel.delivered}
    assert "Neue Anfrage" in by_kind["new_lead"] and "Olena" in by_kind["new_lead"]
    assert "Frau (Programmschwerpunkt)" in by_kind["new_lead"] and "+4915123456789" in by_kind["new_lead"]
    assert "Thema: Arbeit und Bewerbung" in by_kind["new_lead"]  # the mentors read German, not a key
    assert "Arbeitsmarktmentoren Dresden" in by_kind["reminder"] and "Нагадування" in by_kind["reminder"]


def test_the_migrations_build_exactly_the_models(empty_db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cases.models import Base

    db.migrate(empty_db_url)
    engine = db.make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()

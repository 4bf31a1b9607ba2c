"""Webhook mode (secret header, size, malformed bodies) and the mentors' side: outbox notices with
"Ich übernehme", assignment to the mentor who pressed first, and reminders to the user's chat."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import socket

import httpx
import pytest
from sqlalchemy import select

from bot.mentors import TelegramChannel
from bot.webhook import PATH, SECRET_HEADER, build_app
from cases import outbox, runtime, service
from cases.models import Lead, StatusChange
from knowledge.capacity import capacity
from tests.cases.conftest import request
from tests.telegram.test_frontend import OfflineRequest, env, press, running  # noqa: F401 - fixtures

_names = itertools.count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_checks_the_secret_size_and_shape_of_every_request(running):  # noqa: F811
    app, request, rasa, _ = running
    server_app = build_app(app, "s3cret", name=f"hook-{next(_names)}")
    port = free_port()
    server = await server_app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    url = f"http://127.0.0.1:{port}{PATH}"
    good = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi"}}
    try:
        async with httpx.AsyncClient() as client:
            assert (await client.post(url, json=good)).status_code == 403  # no secret
            assert (await client.post(url, json=good, headers={SECRET_HEADER: "wrong"})).status_code == 403
            assert (
                await client.post(url, content=b"{" * 2_000_000, headers={SECRET_HEADER: "s3cret"})
            ).status_code == 413
            assert (await client.post(url, content=b"not json", headers={SECRET_HEADER: "s3cret"})).status_code == 400
            assert (await client.post(url, json=good, headers={SECRET_HEADER: "s3cret"})).status_code == 200
        assert app.update_queue.qsize() == 1  # only the genuine update got through
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def case_db(tmp_path):
    runtime.configure(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    runtime.prepare()
    yield
    runtime.configure(f"sqlite:///{tmp_path / 'unused.sqlite3'}")


def _book(ref: str, callback: bool = False) -> int:
    def submit(session):
        slot = None if callback else service.free_slots(session, ["dresden"], service.now_utc(), capacity())[-1].id
        req = request(submission_key=ref, ref=ref, language="ar", name="Amal", channel="chat", phone=None, slot_id=slot)
        return service.submit_intake(session, req, service.now_utc(), capacity().min_notice).id

    return runtime.call(submit)


async def test_new_lead_goes_to_the_projects_chat_and_the_first_mentor_takes_it(running, case_db):  # noqa: F811
    app, request, rasa, front = running
    lead_id = _book("u-amal")
    channel = TelegramChannel(app.bot, front.settings, front.relay.prefs)
    sent, failed = await outbox.deliver_due(runtime.factory(), channel, service.now_utc())
    assert (sent, failed) == (1, 0)  # the reminder is not due yet
    notice = request.sent()[-1]
    assert notice["chat_id"] in (-100200, "-100200") and "Neue Anfrage" in notice["text"] and "Amal" in notice["text"]
    assert notice["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"take:{lead_id}"

    await app.process_update(press(app, 1, f"take:{lead_id}", user=31, chat_id=-100200))
    await app.process_update(press(app, 1, f"take:{lead_id}", user=32, chat_id=-100200))  # too late
    with runtime.factory()() as s:
        lead = s.get(Lead, lead_id)
        assert (lead.status, lead.assigned_to) == ("assigned", "telegram:31")
        assert (
            s.scalars(select(StatusChange.new_status).where(StatusChange.lead_id == lead_id)).all().count("assigned")
            == 1
        )
    edited = request.sent("editMessageText")[-1]
    assert "Übernommen von Mentorin" in edited["text"]
    answers = [a.get("text") for a in request.sent("answerCallbackQuery")]
    assert "Diese Anfrage hat schon jemand übernommen." in answers


async def test_take_from_another_chat_or_for_an_unknown_lead_is_refused(running, case_db):  # noqa: F811
    app, request, rasa, front = running
    lead_id = _book("u-other")
    await app.process_update(press(app, 1, f"take:{lead_id}", user=31, chat_id=-999))
    await app.process_update(press(app, 1, "take:999999", user=31, chat_id=-100200))
    await app.process_update(press(app, 1, "take:abc", user=31, chat_id=-100200))
    with runtime.factory()() as s:
        assert s.get(Lead, lead_id).status == "new"


async def test_reminder_goes_to_the_chat_of_the_user_who_booked(running, case_db):  # noqa: F811
    app, request, rasa, front = running
    ref = front.relay.user_ref("telegram", "55")
    front.relay.prefs.remember_address(ref, "telegram", "55")
    _book(ref)
    channel = TelegramChannel(app.bot, front.settings, front.relay.prefs)
    with runtime.factory()() as s:
        from cases.models import Booking

        start = s.scalar(select(Booking)).slot.starts_at
    await outbox.deliver_due(runtime.factory(), channel, start - dt.timedelta(days=1))
    reminder = [p for p in request.sent() if p["chat_id"] in (55, "55")]
    assert len(reminder) == 1 and "Arbeitsmarktmentoren Dresden" in reminder[0]["text"]


async def test_a_telegram_outage_keeps_the_notice_in_the_outbox(running, case_db):  # noqa: F811
    app, request, rasa, front = running
    _book("u-outage", callback=True)

    class Down:
        async def deliver(self, message):
            raise ConnectionError("telegram unreachable")

    assert await outbox.deliver_due(runtime.factory(), Down(), service.now_utc()) == (0, 1)
    channel = TelegramChannel(app.bot, front.settings, front.relay.prefs)
    later = service.now_utc() + dt.timedelta(minutes=5)
    assert await outbox.deliver_due(runtime.factory(), channel, later) == (1, 0)
    await asyncio.sleep(0)

"""End to end over HTTP: the real bot (long polling) against a local Bot API stand-in, and the real
Rasa and action servers behind it. A whole conversation: start, a button, a shared location, the
language picker."""

from __future__ import annotations

import asyncio

import pytest

from bot.prefs import PrefsStore
from bot.rasa_client import RasaClient
from bot.relay import Relay
from bot.settings import Settings
from bot.telegram import TelegramFrontEnd
from knowledge import i18n
from tests.servers import MODEL, running
from tests.telegram.standin import BotApiStandIn

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run ./amm setup")]
TOKEN = "4242:STANDIN"
USER = {"id": 9001, "is_bot": False, "first_name": "Oksana", "language_code": "uk"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    state = tmp_path_factory.mktemp("tg-state")
    with running(state) as s:
        yield s.rasa_url, state


async def in_thread(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


async def test_a_conversation_with_buttons_and_location_through_the_bot_api(servers, tmp_path):
    rasa_url, state = servers
    settings = Settings(
        rasa_url,
        tmp_path,
        "e2e-key",
        60.0,
        2000,
        f"sqlite:///{state / 'tracker.sqlite3'}",
        telegram_token=TOKEN,
        telegram_base_url="",  # replaced below by the stand-in's address
    )
    with BotApiStandIn(TOKEN) as api:
        settings = Settings(**{**settings.__dict__, "telegram_base_url": api.url})
        relay = Relay(settings, RasaClient(rasa_url, 60.0), PrefsStore(tmp_path / "bot.sqlite3"))
        app = TelegramFrontEnd(relay, settings).build()
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                api.command(USER, "/start")
                greeting = (await in_thread(api.wait_for, USER["id"], 1))[-1]
                assert greeting["text"] == i18n.text("uk", "greet")
                api.press(USER, greeting, i18n.text("uk", "button.find_project"))
                sent = await in_thread(api.wait_for, USER["id"], 3)
                assert sent[1]["text"] == i18n.text("uk", "ask_district")
                assert sent[2]["reply_markup"]["keyboard"][0][0]["request_location"] is True
                api.user_says(USER, location={"latitude": 50.4950, "longitude": 12.1364})  # Plauen
                sent = await in_thread(api.wait_for, USER["id"], 4)
                assert "Vogtlandkreis" in sent[3]["text"]
                api.command(USER, "/language")
                picker = (await in_thread(api.wait_for, USER["id"], 5))[-1]
                assert [b["text"] for row in picker["reply_markup"]["inline_keyboard"] for b in row] == [
                    lang.name for lang in i18n.languages().values()
                ]
                api.press(USER, picker, "Deutsch")
                sent = await in_thread(api.wait_for, USER["id"], 6)
                assert sent[5]["text"] == i18n.text("de", "language.changed")
            finally:
                await app.updater.stop()
                await app.stop()
        pressed = [p for m, p in api.calls if m == "editMessageReplyMarkup"]
        assert len(pressed) == 2  # each used keyboard was removed

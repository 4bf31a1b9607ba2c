"""The Telegram front end as python-telegram-bot tests itself: a request layer that refuses the real
network and answers like the Bot API, built Update objects, the real Application processing them,
and assertions on exactly what the bot sent. Rasa is a stand-in behind httpx.MockTransport."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.prefs import PrefsStore
from bot.rasa_client import RasaClient
from bot.relay import Relay
from bot.settings import Settings
from bot.telegram import RateLimit, TelegramFrontEnd, split_text
from knowledge import i18n

BOT = {"id": 777, "is_bot": True, "first_name": "AMM", "username": "amm_sachsen_bot"}


class OfflineRequest(BaseRequest):
    """Answers Bot API methods locally and records them; any other host or method is refused."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._next_id = 1000

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **_: Any):
        assert url.startswith("https://api.telegram.org/bot"), f"refused: {url}"
        name = url.rsplit("/", 1)[1]
        params = json.loads(request_data.json_payload) if request_data and request_data.json_payload else {}
        if isinstance(params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(params["reply_markup"])
        self.calls.append((name, params))
        if name == "getMe":
            result: Any = BOT
        elif name == "sendMessage":
            self._next_id += 1
            result = {
                "message_id": self._next_id,
                "date": 0,
                "chat": {"id": params["chat_id"], "type": "private"},
                "text": params.get("text", ""),
            }
        elif name in {
            "answerCallbackQuery",
            "editMessageReplyMarkup",
            "editMessageText",
            "sendChatAction",
            "setMyCommands",
        }:
            result = True
        else:
            raise AssertionError(f"unexpected Bot API method {name}")
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [p for n, p in self.calls if n == method]


class FakeRasa:
    """Rasa's REST webhook: records what bot/ sent and answers from a small script."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.delay = 0.0
        self.down = False

    async def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.received.append(body)
        if self.down:
            raise httpx.ConnectError("rasa is down")
        if self.delay:
            await asyncio.sleep(self.delay if body["message"] == "slow" else 0)
        message = body["message"]
        if message == "/greet" or message == "hallo":
            return httpx.Response(
                200,
                json=[{"text": "Willkommen", "buttons": [{"title": "Projekt finden", "payload": "/find_project"}]}],
            )
        if message == "/find_project":
            return httpx.Response(200, json=[{"text": "Wo wohnen Sie?", "custom": {"request_location": "Standort"}}])
        if message == "silent":  # what Rasa returns when the action server behind it failed
            return httpx.Response(200, json=[])
        if message == "long":
            return httpx.Response(200, json=[{"text": ("Zeile mit Text. " * 30 + "\n") * 20}])
        return httpx.Response(200, json=[{"text": f"echo: {message}"}])


@pytest.fixture
def env(tmp_path):
    rasa = FakeRasa()
    settings = Settings(
        "http://rasa.test",
        tmp_path,
        "test-key",
        5.0,
        2000,
        telegram_token="123:TEST",
        rate_messages=3,
        rate_window=60.0,
        mentor_chats={"dresden": "-100200"},
    )
    relay = Relay(
        settings,
        RasaClient(settings.rasa_url, 5.0, httpx.MockTransport(rasa.handler)),
        PrefsStore(tmp_path / "p.sqlite3"),
    )
    request = OfflineRequest()
    front = TelegramFrontEnd(relay, settings)
    app = front.build(request=request, updater=False)
    return app, request, rasa, front


@pytest.fixture
async def running(env):
    app, request, rasa, front = env
    async with app:
        yield app, request, rasa, front


_update_id = 0


def update(app, *, text=None, user=5, lang="uk", chat_type="private", chat_id=None, edited=False, **extra) -> Update:
    global _update_id
    _update_id += 1
    message = {
        "message_id": _update_id,
        "date": int(dt.datetime.now().timestamp()),
        "chat": {"id": chat_id or user, "type": chat_type},
        "from": {"id": user, "is_bot": False, "first_name": "U", "language_code": lang},
        **({"text": text} if text is not None else {}),
        **extra,
    }
    if text and text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    key = "edited_message" if edited else "message"
    return Update.de_json({"update_id": _update_id, key: message}, app.bot)


def press(app, message_id: int, data: str, user=5, chat_id=None) -> Update:
    global _update_id
    _update_id += 1
    return Update.de_json(
        {
            "update_id": _update_id,
            "callback_query": {
                "id": str(_update_id),
                "chat_instance": "ci",
                "data": data,
                "from": {"id": user, "is_bot": False, "first_name": "Mentorin", "language_code": "de"},
                "message": {
                    "message_id": message_id,
                    "date": 0,
                    "chat": {"id": chat_id or user, "type": "private" if chat_id is None else "supergroup"},
                    "text": "Neue Anfrage #1",
                },
            },
        },
        app.bot,
    )


async def test_text_goes_to_rasa_and_buttons_become_an_inline_keyboard(running):
    app, request, rasa, _ = running
    await app.process_update(update(app, text="hallo"))
    assert rasa.received[-1]["message"] == "hallo"
    assert rasa.received[-1]["metadata"]["language"] in {"de", "uk"}
    assert rasa.received[-1]["sender"].startswith("u") and "5" != rasa.received[-1]["sender"]  # pseudonymous
    sent = request.sent()[-1]
    assert sent["text"] == "Willkommen" and "parse_mode" not in sent  # plain text: nothing is read as markup
    assert sent["reply_markup"]["inline_keyboard"] == [[{"text": "Projekt finden", "callback_data": "0"}]]


async def test_pressing_a_button_sends_its_payload_and_removes_the_keyboard_and_a_replay_is_refused(running):
    app, request, rasa, _ = running
    await app.process_update(update(app, text="hallo"))
    message_id = 1000 + len(request.sent())
    await app.process_update(press(app, message_id, "0"))
    assert rasa.received[-1]["message"] == "/find_project"
    assert int(request.sent("editMessageReplyMarkup")[-1]["message_id"]) == message_id
    assert request.sent("answerCallbackQuery")
    # the location request comes as a reply keyboard with Telegram's location button
    keyboard = request.sent()[-1]["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_location"] is True
    count = len(rasa.received)
    await app.process_update(press(app, message_id, "0"))  # replayed press
    assert len(rasa.received) == count
    assert request.sent()[-1]["text"] == i18n.text("de", "error.button_expired")  # the presser's language


async def test_unknown_callback_data_is_refused_safely(running):
    app, request, rasa, _ = running
    await app.process_update(press(app, 4242, '/inform{"choice": "slot:1"}'))
    await app.process_update(press(app, 4242, "99"))
    assert rasa.received == []
    assert request.sent()[-1]["text"] == i18n.text("de", "error.button_expired")


async def test_shared_location_and_own_contact_reach_rasa(running):
    app, request, rasa, _ = running
    await app.process_update(update(app, location={"latitude": 50.495, "longitude": 12.1364}))
    assert rasa.received[-1]["metadata"]["location"] == {"latitude": 50.495, "longitude": 12.1364}
    await app.process_update(update(app, contact={"phone_number": "+4915123456789", "first_name": "U", "user_id": 5}))
    assert rasa.received[-1]["message"] == "+4915123456789"
    assert rasa.received[-1]["metadata"]["contact_phone"] == "+4915123456789"
    count = len(rasa.received)
    await app.process_update(update(app, contact={"phone_number": "+4917000000", "first_name": "X", "user_id": 9}))
    assert len(rasa.received) == count  # someone else's contact card is not taken as the user's number


@pytest.mark.parametrize(
    "extra",
    [
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        {"document": {"file_id": "d", "file_unique_id": "d"}},
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
    ],
)
async def test_media_gets_a_friendly_answer_in_the_users_language(running, extra):
    app, request, rasa, _ = running
    await app.process_update(update(app, lang="fa", **extra))
    assert rasa.received == []
    sent = request.sent()[-1]
    assert sent["text"] == i18n.text("fa", "error.unsupported") and sent["text"].startswith(i18n.RLM)
    assert sent["reply_markup"]["inline_keyboard"]


async def test_edited_messages_and_groups_get_an_answer_not_a_crash(running):
    app, request, rasa, _ = running
    await app.process_update(update(app, text="hallo", edited=True, lang="ru"))
    assert request.sent()[-1]["text"] == i18n.text("ru", "error.edited")
    await app.process_update(update(app, text="hi bot", lang="en", chat_type="group", chat_id=-4000))
    assert request.sent()[-1]["text"] == i18n.text("en", "error.group", link="https://t.me/amm_sachsen_bot")
    count = len(request.sent())
    await app.process_update(update(app, text="hi again", lang="en", chat_type="group", chat_id=-4000))
    assert len(request.sent()) == count  # one pointer per group, not one per message
    assert rasa.received == []  # nothing from a group reaches the conversation


async def test_a_flood_gets_one_notice(running):
    app, request, rasa, _ = running
    for i in range(10):
        await app.process_update(update(app, text=f"m{i}", user=6, lang="de"))
    assert len(rasa.received) == 3
    notices = [p for p in request.sent() if p["text"] == i18n.text("de", "error.flood")]
    assert len(notices) == 1


async def test_long_answers_are_split_within_telegrams_limit(running):
    app, request, rasa, _ = running
    await app.process_update(update(app, text="long"))
    texts = [p["text"] for p in request.sent() if p["text"].startswith("Zeile")]
    assert len(texts) >= 2 and all(len(t) <= 4096 for t in texts)


def test_split_text_keeps_everything():
    text = "a" * 5000 + "\n" + "ب " * 3000
    chunks = split_text(text)
    assert all(len(c) <= 4096 for c in chunks) and "".join(chunks).replace(" ", "").replace("\n", "") == text.replace(
        " ", ""
    ).replace("\n", "")


async def test_commands_and_deep_links(running):
    app, request, rasa, _ = running
    await app.process_update(update(app, text="/start employer"))
    assert rasa.received[-1]["message"] == "/employer_hire"
    await app.process_update(update(app, text="/start d14612"))
    assert rasa.received[-1]["message"] == '/find_project{"district": "14612"}'
    await app.process_update(update(app, text="/start"))
    assert rasa.received[-1]["message"] == "/greet"
    for command, payload in (
        ("/language", "/change_language"),
        ("/privacy", "/privacy"),
        ("/delete", "/delete_my_data"),
        ("/help", "/help"),
    ):
        await app.process_update(update(app, text=command, user=100 + len(rasa.received)))
        assert rasa.received[-1]["message"] == payload


async def test_rasa_down_gives_an_apology_in_the_users_language(running):
    app, request, rasa, _ = running
    rasa.down = True
    await app.process_update(update(app, text="привіт, де ментор?", lang="uk"))
    assert request.sent()[-1]["text"] == i18n.text("uk", "error.unavailable")


async def test_no_answer_from_rasa_still_gets_the_user_an_apology(running):
    app, request, rasa, _ = running
    await app.process_update(update(app, text="silent", lang="tr"))
    assert request.sent()[-1]["text"] == i18n.text("tr", "error.unavailable")


async def test_users_are_served_concurrently_and_each_users_messages_stay_in_order(env):
    app, request, rasa, _ = env
    rasa.delay = 0.3
    async with app:
        await app.start()
        try:
            for u in (
                update(app, text="slow", user=11),
                update(app, text="second", user=11),
                update(app, text="other", user=12),
            ):
                await app.update_queue.put(u)
            for _ in range(100):
                if len(request.sent()) >= 3:
                    break
                await asyncio.sleep(0.05)
        finally:
            await app.stop()
    order = [p["text"] for p in request.sent()]
    assert order.index("echo: other") < order.index("echo: slow")  # user 12 did not wait for user 11
    assert order.index("echo: slow") < order.index("echo: second")  # user 11's messages stay in order


def test_rate_limit_window():
    now = [0.0]
    limit = RateLimit(2, 10.0, clock=lambda: now[0])
    assert [limit.check("a") for _ in range(4)] == ["ok", "ok", "notice", "drop"]
    now[0] = 11.0
    assert limit.check("a") == "ok"

"""The relay every front end uses, against a stand-in Rasa (httpx.MockTransport): no servers needed."""

import json

import httpx
import pytest

from bot.prefs import PrefsStore
from bot.rasa_client import RasaClient
from bot.relay import Incoming, Relay, clean_text
from bot.settings import Settings
from knowledge import i18n


class FakeRasa:
    def __init__(self, replies=None, fail=False):
        self.requests = []
        self.replies = replies if replies is not None else [{"text": "ok"}]
        self.fail = fail

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.fail:
            raise httpx.ConnectError("down")
        self.requests.append(json.loads(request.content))
        return httpx.Response(200, json=self.replies)


@pytest.fixture
def make_relay(tmp_path):
    def make(fake):
        settings = Settings("http://rasa.test", tmp_path, "test-key", 5.0, 2000)
        client = RasaClient(settings.rasa_url, transport=httpx.MockTransport(fake))
        return Relay(settings, client, PrefsStore(tmp_path / "prefs.sqlite3"))

    return make


async def test_language_and_pseudonym_sent_to_rasa(make_relay):
    fake = FakeRasa()
    relay = make_relay(fake)
    await relay.handle(Incoming("telegram", "4711", text="Шукаю роботу в Дрездені, допоможіть"))
    sent = fake.requests[0]
    assert sent["metadata"]["language"] == "uk"
    assert "4711" not in sent["sender"] and sent["sender"].startswith("u")
    assert sent["sender"] == relay.user_ref("telegram", "4711")  # stable


async def test_client_language_is_used(make_relay):
    fake = FakeRasa()
    await make_relay(fake).handle(Incoming("telegram", "1", text="hello", client_language="tr"))
    assert fake.requests[0]["metadata"]["language"] == "tr"


async def test_stored_choice_from_rasa_wins_next_time(make_relay):
    fake = FakeRasa(replies=[{"text": "ok", "custom": {"set_language": "fa"}}])
    relay = make_relay(fake)
    replies = await relay.handle(
        Incoming("console", "1", payload='/change_language{"language": "fa"}', client_language="de")
    )
    assert replies[0].language == "fa" and replies[0].rtl
    fake.replies = [{"text": "ok"}]
    await relay.handle(Incoming("console", "1", text="Ich suche Arbeit in Leipzig", client_language="de"))
    assert fake.requests[-1]["metadata"]["language"] == "fa"


async def test_short_message_does_not_flip_detected_language(make_relay):
    fake = FakeRasa()
    relay = make_relay(fake)
    await relay.handle(Incoming("console", "1", text="أبحث عن عمل في دريسدن من فضلك"))
    await relay.handle(Incoming("console", "1", text="ok danke"))
    assert [r["metadata"]["language"] for r in fake.requests] == ["ar", "ar"]


async def test_typed_slash_commands_cannot_trigger_intents(make_relay):
    fake = FakeRasa()
    await make_relay(fake).handle(Incoming("console", "1", text='/delete_my_data{"x": 1}'))
    assert not fake.requests[0]["message"].startswith("/")


async def test_location_becomes_a_place_entity(make_relay):
    fake = FakeRasa()
    await make_relay(fake).handle(Incoming("telegram", "1", location=(51.05, 13.74)))
    sent = fake.requests[0]
    assert sent["message"].startswith("/inform")
    assert sent["metadata"]["location"] == {"latitude": 51.05, "longitude": 13.74}


@pytest.mark.parametrize("text", ["", "   ", "😀🙏🎉", "!!!???", "\x00\x01\x02"])
async def test_empty_or_symbol_only_gets_a_rephrase_without_calling_rasa(make_relay, text):
    fake = FakeRasa()
    replies = await make_relay(fake).handle(Incoming("console", "1", text=text, client_language="es"))
    assert fake.requests == []
    assert replies[0].text == i18n.text("es", "rephrase") and replies[0].buttons


async def test_oversized_message_is_refused_politely(make_relay):
    fake = FakeRasa()
    replies = await make_relay(fake).handle(Incoming("console", "1", text="Arbeit " * 2000, client_language="de"))
    assert fake.requests == []
    assert replies[0].text == i18n.text("de", "error.too_long")


async def test_rasa_down_gives_an_apology_in_the_users_language(make_relay):
    replies = await make_relay(FakeRasa(fail=True)).handle(Incoming("console", "1", text="hola", client_language="es"))
    assert replies[0].text == i18n.text("es", "error.unavailable")


async def test_buttons_and_location_request_are_passed_on(make_relay):
    fake = FakeRasa(
        replies=[
            {"text": "where?", "buttons": [{"title": "A", "payload": "/x"}], "custom": {"request_location": "Share"}}
        ]
    )
    replies = await make_relay(fake).handle(Incoming("console", "1", text="wo ist mein mentor"))
    assert replies[0].buttons[0].payload == "/x" and replies[0].request_location == "Share"


def test_clean_text():
    assert clean_text("  a\tb\n\nc  ", 100) == "a b c"
    assert clean_text("x" * 101, 100) is None
    assert clean_text("//restart", 100) == "restart"
    assert clean_text("abc\ufffd\x07", 100) == "abc"

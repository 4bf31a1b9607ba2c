"""End to end: bot/ relay -> Rasa server -> action server (NLG + actions), with the trained model.

Starts both servers on free ports (the same commands `./amm run` uses) once for this module.
"""

import pytest

from bot.prefs import PrefsStore
from bot.rasa_client import RasaClient
from bot.relay import Incoming, Relay
from bot.settings import Settings
from knowledge import i18n
from tests.servers import MODEL, running

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run ./amm setup")]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    with running(state) as s:
        yield {"rasa": s.rasa_url, "state": state}


@pytest.fixture
def relay(servers, tmp_path):
    settings = Settings(servers["rasa"], tmp_path, "e2e-key", 60.0, 2000)
    return Relay(settings, RasaClient(settings.rasa_url, 60.0), PrefsStore(tmp_path / "prefs.sqlite3"))


def texts(replies):
    return "\n".join(r.text for r in replies)


async def say(relay, user, text=None, **kw):
    return await relay.handle(Incoming("console", user, text=text or "", **kw))


async def test_greeting_shows_welcome_and_menu(relay):
    replies = await say(relay, "g1", "hallo", client_language="de")
    assert replies[0].text == i18n.text("de", "greet")
    assert {b.payload for b in replies[0].buttons} >= {"/find_project", "/urgent_help"}


async def test_where_is_my_mentor_with_place(relay):
    replies = await say(relay, "p1", "wo ist mein mentor in Dresden?", client_language="de")
    assert "ARBEIT UND LEBEN Sachsen" in texts(replies)
    assert "Stadlerstraße 14" in texts(replies)  # unknown fields point to the coordination


async def test_where_is_my_mentor_asks_for_the_place_then_answers(relay):
    replies = await say(relay, "p2", "where can I find a mentor", client_language="en")
    assert i18n.text("en", "ask_district") in texts(replies)
    replies = await say(relay, "p2", "Chemnits", client_language="en")
    assert "Arbeitsmarktmentoren Chemnitz" in texts(replies)


async def test_ambiguous_place_gets_buttons_then_the_choice_answers(relay):
    replies = await say(relay, "p3", "mentor in Auerbach", client_language="de")
    buttons = [b for r in replies for b in r.buttons if '"district"' in b.payload]
    assert {b.payload for b in buttons} == {'/inform{"district": "14521"}', '/inform{"district": "14523"}'}
    chosen = next(b for b in buttons if "14523" in b.payload)
    replies = await relay.handle(Incoming("console", "p3", payload=chosen.payload, client_language="de"))
    assert "Vogtlandkreis" in texts(replies)


async def test_shared_location_resolves_the_district(relay):
    await say(relay, "p4", "where is my mentor", client_language="en")
    replies = await relay.handle(Incoming("console", "p4", location=(50.4950, 12.1364), client_language="en"))
    assert "Vogtlandkreis" in texts(replies)


async def test_cyrillic_town_in_ukrainian(relay):
    replies = await say(relay, "p5", "де знайти ментора в Лейпцигу?")
    assert "Leipzig" in texts(replies)
    assert replies[0].language == "uk"


async def test_arabic_conversation_is_right_to_left(relay):
    replies = await say(relay, "ar1", "مرحبا، أين أجد منتور في دريسدن؟")
    assert replies and all(r.language == "ar" and r.rtl for r in replies)
    assert all(line.startswith(i18n.RLM) for r in replies for line in r.text.split("\n") if line)


async def test_outside_saxony_is_said_honestly(relay):
    replies = await say(relay, "o1", "I need a mentor in Hamburg", client_language="en")
    assert "Hamburg" in texts(replies) and "migrationsberatung.org" in texts(replies)


async def test_emergency_numbers_first(relay):
    replies = await say(relay, "u1", "my husband hits me and I am afraid", client_language="en")
    assert "110" in replies[0].text and "116 016" in replies[0].text


async def test_language_change_is_stored(relay):
    replies = await relay.handle(
        Incoming("console", "l1", payload='/change_language{"language": "tr"}', client_language="de")
    )
    assert replies[0].text == i18n.text("tr", "language.changed")
    replies = await say(relay, "l1", "hallo", client_language="de")
    assert replies[0].text == i18n.text("tr", "greet")


async def test_nonsense_gets_a_rephrase_or_boundary(relay):
    replies = await say(relay, "n1", "qwertz asdf jklö yxcv", client_language="de")
    assert texts(replies) in {i18n.text("de", "rephrase"), i18n.text("de", "out_of_scope")}


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "<script>alert(1)</script>",
        "'; DROP TABLE users; --",
        "{{7*7}} ${jndi:ldap://x}",
        "مرحبا hello Привет",
        "\u202eevil\u202c",
        "😀" * 50,
    ],
)
async def test_bad_input_gets_a_sensible_reply(relay, text):
    replies = await say(relay, "bad", text, client_language="en")
    assert replies and all(r.text.strip() for r in replies)
    assert "Traceback" not in texts(replies)

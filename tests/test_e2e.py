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
    settings = Settings(
        servers["rasa"], tmp_path, "e2e-key", 60.0, 2000, f"sqlite:///{servers['state'] / 'tracker.sqlite3'}"
    )
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
    assert any(r.request_location for r in replies)  # the "share my location" button comes with it
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


# --- the intake, end to end: bot/ -> Rasa -> actions -> case database -------------------------------


def cases_db(servers):
    import sqlite3

    return sqlite3.connect(servers["state"] / "cases.sqlite3")


def press(replies, contains):
    """The payload of the first button whose payload contains `contains`."""
    return next(b.payload for r in replies for b in r.buttons if contains in b.payload)


async def tap(relay, user, payload, lang):
    return await relay.handle(Incoming("console", user, payload=payload, client_language=lang))


async def test_intake_in_ukrainian_ends_with_the_right_lead_slot_and_project(relay, servers):
    user, lang = "intake-uk", "uk"
    await say(relay, "someone-else", "hallo", client_language="de")  # whose history must survive the erasure
    replies = await tap(relay, user, "/book_intake", lang)
    assert i18n.text(lang, "ask_district") in texts(replies)
    replies = await say(relay, user, "Дрезден", client_language=lang)
    assert "Intake-2026-11-30".lower() in texts(replies).lower()  # the consent text names its version
    replies = await tap(relay, user, press(replies, "agree"), lang)
    assert i18n.text(lang, "intake.ask_name") in texts(replies)
    replies = await say(relay, user, "Олена Коваль", client_language=lang)
    replies = await tap(relay, user, press(replies, '"phone"'), lang)
    assert i18n.text(lang, "intake.ask_phone") in texts(replies)
    replies = await say(relay, user, "12", client_language=lang)
    assert i18n.text(lang, "intake.phone_invalid") in texts(replies)
    replies = await say(relay, user, "0151 23456789", client_language=lang)
    replies = await tap(relay, user, press(replies, "job_search"), lang)
    replies = await tap(relay, user, press(replies, "woman"), lang)
    replies = await say(relay, user, i18n.text(lang, "option.no"), client_language=lang)  # typed, not pressed
    replies = await tap(relay, user, press(replies, "skip"), lang)
    summary = texts(replies)
    assert "Олена Коваль" in summary and "+4915123456789" in summary and "Dresden" in summary
    replies = await tap(relay, user, press(replies, "confirm"), lang)
    slot_payload = press(replies, "slot:")
    slot_id = int(slot_payload.split("slot:")[1].split('"')[0])
    replies = await tap(relay, user, slot_payload, lang)
    assert "Arbeitsmarktmentoren Dresden" in texts(replies)
    await tap(relay, user, slot_payload, lang)  # a double tap books nothing more

    ref = relay.user_ref("console", user)
    with cases_db(servers) as db:
        rows = db.execute(
            "SELECT l.project_id, l.district, l.topic, l.priority, b.slot_id, p.name, p.phone, p.language "
            "FROM leads l JOIN people p ON p.id = l.person_id JOIN bookings b ON b.lead_id = l.id "
            "WHERE p.ref = ? AND b.cancelled_at IS NULL",
            (ref,),
        ).fetchall()
        assert rows == [
            (
                "dresden",
                "14612",
                "job_search",
                '["women", "no_qualification"]',
                slot_id,
                "Олена Коваль",
                "+4915123456789",
                "uk",
            )
        ]
        assert db.execute("SELECT count(*) FROM outbox WHERE kind = 'new_lead'").fetchone()[0] >= 1

    # What is stored, then deletion: case data and Rasa's stored conversation are gone.
    replies = await say(relay, user, "що ви зберігаєте про мене?", client_language=lang)
    assert "Олена Коваль" in texts(replies)
    replies = await tap(relay, user, "/delete_my_data", lang)
    replies = await tap(relay, user, press(replies, "confirm"), lang)
    assert i18n.text(lang, "erase.done") in texts(replies)
    with cases_db(servers) as db:
        assert db.execute("SELECT count(*) FROM people WHERE ref = ?", (ref,)).fetchone()[0] == 0
        assert (
            db.execute("SELECT count(*) FROM leads WHERE project_id = 'dresden' AND person_id IS NULL").fetchone()[0]
            >= 1
        )
        assert (
            db.execute(
                "SELECT count(*) FROM bookings WHERE slot_id = ? AND cancelled_at IS NULL", (slot_id,)
            ).fetchone()[0]
            == 0
        )
    import sqlite3

    with sqlite3.connect(servers["state"] / "tracker.sqlite3") as tracker:
        assert tracker.execute("SELECT count(*) FROM events WHERE sender_id = ?", (ref,)).fetchone()[0] == 0
        assert tracker.execute("SELECT count(*) FROM events").fetchone()[0] > 0  # other users keep theirs


async def test_no_consent_stores_nothing_and_still_gives_the_contact(relay, servers):
    user, lang = "intake-ar", "ar"
    await tap(relay, user, "/book_intake", lang)
    replies = await say(relay, user, "لايبزيغ", client_language=lang)
    replies = await tap(relay, user, press(replies, "/deny"), lang)
    assert i18n.text(lang, "intake.no_consent") in texts(replies)
    assert "Leipzig" in texts(replies) and all(r.rtl for r in replies)
    with cases_db(servers) as db:
        assert (
            db.execute("SELECT count(*) FROM people WHERE ref = ?", (relay.user_ref("console", user),)).fetchone()[0]
            == 0
        )


# --- issue 5: answers, the employer journey and urgent-help triage, through Rasa -------------------


async def test_employer_reports_a_vacancy_end_to_end(relay, servers):
    user, lang = "employer-de", "de"
    replies = await tap(relay, user, "/employer_vacancy", lang)
    assert i18n.text(lang, "employer_vacancy") in texts(replies)
    replies = await say(relay, user, "Görlitz", client_language=lang)
    assert i18n.text(lang, "employer.consent", retention_days=90, version="intake-2026-11-30") in texts(replies)
    replies = await tap(relay, user, press(replies, "agree"), lang)
    replies = await say(relay, user, "Müller Logistik GmbH", client_language=lang)
    assert i18n.text(lang, "employer.ask_contact_name") in texts(replies)
    replies = await say(relay, user, "Herr Müller", client_language=lang)
    replies = await tap(relay, user, press(replies, '"email"'), lang)
    replies = await say(relay, user, "personal@mueller-logistik.example", client_language=lang)
    replies = await tap(relay, user, press(replies, '"training"'), lang)
    replies = await say(relay, user, "Fachkraft für Lagerlogistik", client_language=lang)
    replies = await say(relay, user, "3", client_language=lang)
    replies = await tap(relay, user, press(replies, '"now"'), lang)
    replies = await tap(relay, user, press(replies, '"b1"'), lang)
    assert "Müller Logistik GmbH" in texts(replies) and "Görlitz" in texts(replies)
    replies = await tap(relay, user, press(replies, "confirm"), lang)
    assert "Arbeitsmarktmentoren" in texts(replies) and "personal@mueller-logistik.example" in texts(replies)
    with cases_db(servers) as db:
        row = db.execute(
            "SELECT l.kind, l.district, p.company, p.name, p.email, v.kind, v.title, v.count, v.german_level "
            "FROM leads l JOIN people p ON p.id = l.person_id JOIN vacancies v ON v.lead_id = l.id WHERE p.ref = ?",
            (relay.user_ref("console", user),),
        ).fetchone()
    assert row == (
        "employer",
        "14626",
        "Müller Logistik GmbH",
        "Herr Müller",
        "personal@mueller-logistik.example",
        "training",
        "Fachkraft für Lagerlogistik",
        3,
        "b1",
    )


@pytest.mark.parametrize(
    "lang,text",
    [
        ("de", "ich halte das alles nicht mehr aus, ich will einfach nur noch schlafen und nicht mehr aufwachen"),
        ("en", "he took my phone and locked me in the flat"),
        ("uk", "чоловік знову підняв на мене руку"),
        ("ru", "завтра ночью полиция придет забирать нас в аэропорт"),
        ("ar", "زوجي يضربني وأنا خايفة"),
        ("fa", "دیگه نمیخوام زنده باشم"),
        ("tr", "kocam beni dövüyor"),
        ("es", "mi hijo no respira"),
    ],
)
async def test_urgent_messages_get_the_emergency_numbers_first(relay, lang, text):
    replies = await say(relay, f"urgent-{lang}", text, client_language=lang)
    first = replies[0].text.replace(" ", "")
    assert "110" in first and "112" in first and "116016" in first, (lang, replies[0].text[:80])


async def test_two_needs_the_urgent_one_first_then_the_other_offered(relay):
    replies = await say(
        relay, "two-needs", "my husband hits me and I also need a Kita place for my son", client_language="en"
    )
    assert "110" in replies[0].text
    assert replies[-1].text == i18n.text("en", "other_need")
    assert replies[-1].buttons[0].payload == "/childcare"


async def test_work_permit_asks_the_status_then_answers_for_it(relay):
    replies = await say(relay, "permit-ar", "هل يسمح لي بالعمل؟", client_language="ar")
    status = [b for r in replies for b in r.buttons if '"status"' in b.payload]
    assert len(status) == 5
    duldung = next(b.payload for b in status if "duldung" in b.payload)
    replies = await tap(relay, "permit-ar", duldung, "ar")
    assert i18n.text("ar", "work_permit.duldung") in texts(replies)
    assert "https://" in texts(replies)

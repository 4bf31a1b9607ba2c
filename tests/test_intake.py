"""The intake's checks and actions, with a small tracker factory and a temporary case database."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import intake
from actions.privacy import ActionDeleteMyData, ActionShowMyData
from cases import runtime
from cases.models import Lead, Person
from cases.validation import clean_email, clean_name, clean_phone
from knowledge import i18n


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Olena", "Olena"),
        ("  Олена   Коваль ", "Олена Коваль"),
        ("محمد", "محمد"),
        ("José-María O'Neil", "José-María O'Neil"),
        ("李", "李"),
        ("a" * 200, "a" * 200),
        ("a" * 201, None),
        ("", None),
        ("   ", None),
        ("12345", None),
        ("<b>Anna</b>", None),
        ("Anna http://x.example", None),
        ("Anna\x07", None),
        ("Anna\u202e", None),
        ("{{7*7}}", None),
        ("'; DROP TABLE people; --", None),
    ],
)
def test_names(raw, expected):
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("0151 23456789", "+4915123456789"),
        ("+49 (0)351 1234567", "+493511234567"),
        ("0049 151 23456789", "+4915123456789"),
        ("+380 67 123 4567", "+380671234567"),
        ("+963 944 567 890", "+963944567890"),
        ("12", None),
        ("0151", None),
        ("call me", None),
        ("+49 151 2345678901234567", None),
        ("", None),
    ],
)
def test_phone_numbers(raw, expected):
    assert clean_phone(raw) == expected


@pytest.mark.parametrize(
    "raw,ok",
    [("name@example.com", True), ("Olena.K@mail.de", True), ("no-at-sign", False), ("a@b", False), ("x@y..de", False)],
)
def test_email_addresses(raw, ok):
    assert (clean_email(raw) is not None) is ok


def tracker(text="", intent="inform", entities=None, slots=None, language="de", events=None, sender="u-test"):
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": {"language": language},
    }
    return Tracker(sender, slots or {}, latest, events or [], False, None, {"name": "intake_form"}, "action_listen")


def choice(value):
    return [{"entity": "choice", "value": value}]


@pytest.mark.parametrize(
    "text,lang,expected",
    [("", "de", None), ("Telefon", "de", "phone"), ("Per Telefon", "de", "phone"), ("2", "en", "phone")],
)
def test_typed_answers_match_the_options(text, lang, expected):
    assert intake.chosen(tracker(text=text, language=lang), "intake_channel") == expected


def test_typed_labels_in_the_users_language_with_typos():
    label = i18n.text("uk", "option.channel_email")
    assert intake.chosen(tracker(text=label.lower(), language="uk"), "intake_channel") == "email"
    assert intake.chosen(tracker(text="By e-mial", language="en"), "intake_channel") == "email"


def test_a_pressed_button_wins():
    assert intake.chosen(tracker(text='/inform{"choice": "chat"}', entities=choice("chat")), "intake_channel") == "chat"


async def test_required_slots_ask_only_for_the_chosen_contact():
    v = intake.ValidateIntakeForm()
    domain = [
        "district",
        "intake_consent",
        "intake_name",
        "intake_channel",
        "intake_phone",
        "intake_email",
        "intake_topic",
    ]
    d = CollectingDispatcher()
    assert "intake_phone" in await v.required_slots(domain, d, tracker(slots={"intake_channel": "phone"}), {})
    assert "intake_email" not in await v.required_slots(domain, d, tracker(slots={"intake_channel": "phone"}), {})
    assert await v.required_slots(domain, d, tracker(slots={"intake_abort": "too_many_tries"}), {}) == []


async def test_invalid_phone_is_explained_then_the_booking_stops_after_three_tries():
    v = intake.ValidateIntakeForm()
    d = CollectingDispatcher()
    result = await v.validate_intake_phone("12", d, tracker(text="12", language="fa"), {})
    assert result == {"intake_phone": None, "intake_tries": 1}
    assert d.messages[0]["text"] == i18n.text("fa", "intake.phone_invalid")
    assert d.messages[0]["buttons"][0]["payload"] == "/deny"  # a way out at every step
    result = await v.validate_intake_phone("12", d, tracker(text="12", slots={"intake_tries": 2}), {})
    assert result["intake_abort"] == "too_many_tries"


async def test_consent_gives_a_submission_key_once():
    v = intake.ValidateIntakeForm()
    d = CollectingDispatcher()
    result = await v.validate_intake_consent("x", d, tracker(entities=choice("agree")), {})
    assert result["intake_consent"] == "intake-2026-11-30" and len(result["intake_key"]) == 32


async def test_change_something_empties_the_chosen_answers():
    v = intake.ValidateIntakeForm()
    d = CollectingDispatcher()
    result = await v.validate_intake_confirm("x", d, tracker(entities=choice("change")), {})
    assert result == {"intake_confirm": None} and d.messages[0]["buttons"]
    result = await v.validate_intake_confirm("x", d, tracker(entities=choice("edit_contact")), {})
    assert result == {"intake_confirm": None, "intake_channel": None, "intake_phone": None, "intake_email": None}


def test_summary_in_arabic_isolates_latin_values():
    text = intake.summary(
        "ar",
        {"intake_name": "Olena", "intake_channel": "phone", "intake_phone": "+4915123456789", "district": "14612"},
    )
    assert f"{i18n.FSI}Olena{i18n.PDI}" in text and all(line.startswith(i18n.RLM) for line in text.split("\n"))


FILLED = {
    "district": "14612",
    "intake_consent": "intake-2026-11-30",
    "intake_key": "k" * 32,
    "intake_name": "Olena",
    "intake_channel": "chat",
    "intake_topic": "childcare",
    "intake_gender": "woman",
    "intake_qualification": "skip",
    "intake_residence": "skip",
    "intake_confirm": "yes",
}


@pytest.fixture
def case_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    runtime.configure(url)
    runtime.prepare()
    yield url
    runtime.configure(f"sqlite:///{tmp_path / 'unused.sqlite3'}")


async def test_call_back_request_writes_the_lead(case_db):
    v = intake.ValidateIntakeForm()
    d = CollectingDispatcher()
    t = tracker(entities=choice("callback"), slots=FILLED, language="es", sender="u-cb")
    result = await v.validate_intake_slot("x", d, t, {})
    assert result["intake_slot"] == "callback" and result["intake_lead"]
    assert "Arbeitsmarktmentoren Dresden" in d.messages[0]["text"]
    with runtime.factory()() as s:
        lead = s.scalar(select(Lead))
        assert (lead.project_id, lead.topic, lead.wants_callback, lead.priority) == (
            "dresden",
            "childcare",
            True,
            ["women"],
        )
        assert s.scalar(select(Person)).contact_channel == "chat"
    # a retried request with the same submission key gives no second lead
    await v.validate_intake_slot("x", CollectingDispatcher(), t, {})
    with runtime.factory()() as s:
        assert len(s.scalars(select(Lead)).all()) == 1


async def test_database_outage_apologises_keeps_the_answers_and_offers_a_retry(tmp_path):
    runtime.configure(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.sqlite3'}")  # no tables: every query fails
    try:
        v = intake.ValidateIntakeForm()
        d = CollectingDispatcher()
        result = await v.validate_intake_slot("x", d, tracker(entities=choice("callback"), slots=FILLED), {})
    finally:
        runtime.configure(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert result == {"intake_slot": None}  # the form stays on this step; every other answer is kept
    assert d.messages[-1]["text"] == i18n.text("de", "intake.db_error")
    assert d.messages[-1]["buttons"][0]["payload"] == '/inform{"choice": "callback"}'
    assert "Traceback" not in d.messages[-1]["text"]


async def test_show_and_delete_my_data(case_db):
    v = intake.ValidateIntakeForm()
    await v.validate_intake_slot("x", CollectingDispatcher(), tracker(entities=choice("callback"), slots=FILLED), {})
    d = CollectingDispatcher()
    await ActionShowMyData().run(d, tracker(intent="privacy"), {})
    assert "Olena" in d.messages[-1]["text"]
    d = CollectingDispatcher()
    await ActionDeleteMyData().run(d, tracker(intent="delete_my_data"), {})
    assert d.messages[0]["text"] == i18n.text("de", "erase.confirm")  # asks first
    with runtime.factory()() as s:
        assert s.scalar(select(Person)) is not None
    d = CollectingDispatcher()
    await ActionDeleteMyData().run(d, tracker(intent="delete_my_data", entities=choice("confirm")), {})
    assert d.messages[0]["custom"] == {"erase_conversation": True}
    with runtime.factory()() as s:
        assert s.scalar(select(Person)) is None and s.scalar(select(Lead)).person_id is None
    d = CollectingDispatcher()
    await ActionShowMyData().run(d, tracker(intent="privacy"), {})
    assert d.messages[-1]["text"] == i18n.text("de", "mydata.none")


async def test_my_appointment_shows_moves_and_cancels_the_booking(case_db):
    from cases import service as svc

    v = intake.ValidateIntakeForm()
    with runtime.factory()() as s:
        first, second = svc.free_slots(s, ["dresden"], svc.now_utc(), intake.capacity())[:2]
    await v.validate_intake_slot(
        "x", CollectingDispatcher(), tracker(entities=choice(f"slot:{first.id}"), slots=FILLED), {}
    )
    start = intake.ActionIntakeStart()

    d = CollectingDispatcher()
    assert await start.run(d, tracker(intent="book_intake"), {}) == intake.HANDLED  # the form does not start
    assert {b["payload"] for b in d.messages[0]["buttons"]} == {
        '/book_intake{"choice": "keep"}',
        '/book_intake{"choice": "move"}',
        '/book_intake{"choice": "cancel"}',
    }
    d = CollectingDispatcher()
    await start.run(d, tracker(intent="book_intake", entities=choice("move")), {})
    move = next(b["payload"] for b in d.messages[0]["buttons"] if f"move:{second.id}" in b["payload"])
    d = CollectingDispatcher()
    await start.run(d, tracker(intent="book_intake", entities=choice(move.split('"')[3])), {})
    assert d.messages[0]["text"].startswith(i18n.text("de", "booking.moved").split("{")[0])
    with runtime.factory()() as s:
        assert svc.live_booking(s, "u-test").slot_id == second.id
    d = CollectingDispatcher()
    await start.run(d, tracker(intent="book_intake", entities=choice("cancel")), {})
    with runtime.factory()() as s:
        assert svc.live_booking(s, "u-test") is None
    d = CollectingDispatcher()
    assert await start.run(d, tracker(intent="book_intake"), {}) == []  # no booking: the intake form starts


async def test_a_name_that_looks_like_a_place_does_not_move_the_district():
    v = intake.ValidateIntakeForm()
    events = [{"event": "slot", "name": "district", "value": "14628"}]
    t = tracker(text="Anna", slots={"district": "Anna", "requested_slot": "intake_name"}, events=events)
    d = CollectingDispatcher()
    assert await v.validate_district("Anna", d, t, {}) == {"district": "14628"}
    assert d.messages == []


async def test_second_misunderstanding_in_a_row_leads_to_a_person():
    from actions.triage import ActionFallback

    def fallback_event():
        return {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}

    d = CollectingDispatcher()
    await ActionFallback().run(d, tracker(intent="nlu_fallback", events=[fallback_event()]), {})
    assert d.messages[0]["response"] == "utter_rephrase"
    d = CollectingDispatcher()
    await ActionFallback().run(d, tracker(intent="nlu_fallback", language="tr", events=[fallback_event()] * 2), {})
    assert d.messages[0]["text"] == i18n.text("tr", "human.fallback")
    assert [b["payload"] for b in d.messages[0]["buttons"]] == ["/book_intake", "/find_project"]


async def test_the_other_need_is_offered_after_the_emergency_numbers():
    from actions.triage import ActionOfferOtherNeed

    t = tracker(intent="urgent_help", language="ru")
    t.latest_message["intent_ranking"] = [
        {"name": "urgent_help", "confidence": 1.0},
        {"name": "childcare", "confidence": 0.7},
        {"name": "job_search", "confidence": 0.2},
    ]
    d = CollectingDispatcher()
    await ActionOfferOtherNeed().run(d, t, {})
    assert d.messages[0]["buttons"] == [{"title": i18n.text("ru", "option.topic_childcare"), "payload": "/childcare"}]
    t.latest_message["intent_ranking"] = [
        {"name": "urgent_help", "confidence": 1.0},
        {"name": "greet", "confidence": 0.9},
    ]
    d = CollectingDispatcher()
    await ActionOfferOtherNeed().run(d, t, {})
    assert d.messages == []  # nothing else to offer


async def test_a_second_question_in_the_same_message_is_offered_after_the_answer():
    from actions.triage import ActionOfferOtherNeed

    t = tracker(intent="childcare", language="es")
    t.latest_message["intent_ranking"] = [
        {"name": "childcare", "confidence": 0.6},
        {"name": "language_course", "confidence": 0.35},
    ]
    d = CollectingDispatcher()
    await ActionOfferOtherNeed().run(d, t, {})
    assert d.messages[0]["buttons"][0]["payload"] == "/language_course"  # not the question just answered


def test_the_daily_step_moves_the_slot_horizon_and_purges(case_db, monkeypatch):
    import datetime as dt

    from cases import privacy, service, worker
    from cases.models import IntakeSlot

    def latest():
        with runtime.factory()() as s:
            return s.scalar(select(IntakeSlot.starts_at).order_by(IntakeSlot.starts_at.desc()))

    purged = []
    monkeypatch.setattr(privacy, "purge_expired", lambda session, now, days, closed: purged.append((days, closed)) or 0)
    before = latest()
    worker.daily(service.now_utc() + dt.timedelta(days=7))
    assert latest() > before + dt.timedelta(days=5)
    assert purged == [(runtime.retention_days(), runtime.closed_retention_days())]

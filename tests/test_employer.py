"""The employer form's checks and its lead: company, contact, vacancy, written like a mentee's lead."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.employer import ValidateEmployerForm, employer_summary
from cases import runtime
from cases.models import Lead, Notification, Person, Vacancy
from knowledge import i18n
from tests.test_intake import case_db, choice, tracker  # noqa: F401 - fixture

FILLED = {
    "district": "14625",
    "intake_consent": "intake-2026-11-30",
    "intake_key": "e" * 32,
    "employer_company": "Bäckerei Schmidt GmbH",
    "intake_name": "Frau Schmidt",
    "intake_channel": "email",
    "intake_email": "jobs@baeckerei.example",
    "vacancy_kind": "training",
    "vacancy_title": "Bäcker/in",
    "vacancy_count": "2",
    "vacancy_start": "3_months",
    "vacancy_german": "b1",
}


@pytest.mark.parametrize(
    "typed,expected",
    [("2", "2"), ("wir suchen 3 Leute", "3"), ("0", None), ("100", None), ("zwei", None), ("2 oder 3", None)],
)
async def test_how_many(typed, expected):
    result = await ValidateEmployerForm().validate_vacancy_count(typed, CollectingDispatcher(), tracker(text=typed), {})
    assert result["vacancy_count"] == expected


async def test_employers_are_reached_by_phone_or_e_mail_only():
    v = ValidateEmployerForm()
    result = await v.validate_intake_channel("x", CollectingDispatcher(), tracker(entities=choice("chat")), {})
    assert result["intake_channel"] is None
    result = await v.validate_intake_channel("x", CollectingDispatcher(), tracker(entities=choice("email")), {})
    assert result["intake_channel"] == "email"


def test_summary_in_farsi():
    text = employer_summary("fa", FILLED)
    assert "Bäckerei Schmidt GmbH" in text and "Bautzen" in text and text.startswith(i18n.RLM)


async def test_confirming_writes_the_employer_lead_with_its_vacancy_and_notification(case_db):  # noqa: F811
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "employer_legal"}}},
        {"event": "user", "parse_data": {"intent": {"name": "employer_vacancy"}}},
    ]
    d = CollectingDispatcher()
    t = tracker(entities=choice("confirm"), slots=FILLED, language="en", sender="u-employer", events=events)
    result = await ValidateEmployerForm().validate_intake_confirm("x", d, t, {})
    assert result["intake_confirm"] == "yes" and result["intake_lead"]
    assert "Arbeitsmarktmentoren Landkreis Bautzen" in d.messages[0]["text"]
    with runtime.factory()() as s:
        lead = s.scalar(select(Lead))
        person = s.get(Person, lead.person_id)
        vacancy = s.scalar(select(Vacancy))
        assert (lead.kind, lead.project_id, lead.topic, lead.summary) == (
            "employer",
            "landkreis-bautzen",
            "vacancy",
            ["employer_legal", "employer_vacancy"],
        )
        assert (person.company, person.name, person.email, person.phone) == (
            "Bäckerei Schmidt GmbH",
            "Frau Schmidt",
            "jobs@baeckerei.example",
            None,
        )
        assert (vacancy.kind, vacancy.title, vacancy.count, vacancy.start, vacancy.german_level) == (
            "training",
            "Bäcker/in",
            2,
            "3_months",
            "b1",
        )
        assert s.scalar(select(Notification)).kind == "new_lead"
    await ValidateEmployerForm().validate_intake_confirm("x", CollectingDispatcher(), t, {})  # double tap
    with runtime.factory()() as s:
        assert len(s.scalars(select(Lead)).all()) == 1


async def test_an_employer_sees_what_is_stored_including_the_company(case_db):  # noqa: F811
    from actions.privacy import ActionShowMyData

    t = tracker(entities=choice("confirm"), slots=FILLED, language="de", sender="u-emp2")
    await ValidateEmployerForm().validate_intake_confirm("x", CollectingDispatcher(), t, {})
    d = CollectingDispatcher()
    await ActionShowMyData().run(d, tracker(intent="privacy", sender="u-emp2"), {})
    assert "Frau Schmidt, Bäckerei Schmidt GmbH" in d.messages[-1]["text"] and "vacancy" not in d.messages[-1]["text"]

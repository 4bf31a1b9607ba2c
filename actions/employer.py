"""The employer journey: after the orientation answers (employer_hire, employer_legal), "report a
vacancy" runs `employer_form`: district, consent, company, contact person, phone or e-mail, and the
vacancy (job, Ausbildung or internship; title; how many; start; German level). Confirmed, it becomes
a lead of the district's project exactly like a mentee's: one transaction with its vacancy and the
mentors' notification. It shares the intake's consent, contact and confirmation slots and checks.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import language_of
from actions.intake import (
    EDITS,
    ActionAskIntakeConsent,
    ValidateIntakeForm,
    _AskIntake,
    _district_projects,
    contact_text,
    conversation_summary,
    option_label,
)
from cases import runtime, service
from cases.validation import clean_name
from knowledge import i18n, projects
from knowledge.capacity import capacity
from knowledge.places import gazetteer

log = logging.getLogger(__name__)
EMPLOYER_SLOTS = (
    "employer_company",
    "vacancy_kind",
    "vacancy_title",
    "vacancy_count",
    "vacancy_start",
    "vacancy_german",
)
EMPLOYER_EDITS = {
    "edit_company": ("employer_company",),
    "edit_contact": EDITS["edit_contact"] + ("intake_name",),
    "edit_district": EDITS["edit_district"],
    "edit_vacancy": ("vacancy_kind", "vacancy_title", "vacancy_count", "vacancy_start", "vacancy_german"),
}
MAX_COUNT = 99


def employer_summary(lang: str, slots: dict[str, Any]) -> str:
    district = slots.get("district")
    return i18n.text(
        lang,
        "employer.summary",
        company=slots.get("employer_company") or "",
        name=slots.get("intake_name") or "",
        contact=contact_text(lang, slots.get("intake_channel"), slots.get("intake_phone"), slots.get("intake_email")),
        district=gazetteer().districts[district].name if district in gazetteer().districts else "",
        count=slots.get("vacancy_count") or "",
        title=slots.get("vacancy_title") or "",
        kind=option_label(lang, "vacancy_kind", slots.get("vacancy_kind")),
        start=option_label(lang, "vacancy_start", slots.get("vacancy_start")),
        german=option_label(lang, "vacancy_german", slots.get("vacancy_german")),
    )


class ValidateEmployerForm(ValidateIntakeForm):
    channel_menu = "employer_channel"
    edits = EMPLOYER_EDITS
    change_menu = "employer_change"

    def name(self) -> str:
        return "validate_employer_form"

    def _text_slot(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        text = clean_name(str(value or "")) if not str(value or "").startswith("/") else None
        if text is None:
            return self._retry(dispatcher, tracker, slot, "employer.text_invalid")
        return {slot: text, "intake_tries": 0}

    async def validate_employer_company(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text_slot("employer_company", value, dispatcher, tracker)

    async def validate_vacancy_title(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text_slot("vacancy_title", value, dispatcher, tracker)

    async def validate_vacancy_count(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        digits = re.findall(r"\d+", str(value or ""))
        if len(digits) != 1 or not 1 <= int(digits[0]) <= MAX_COUNT:
            return self._retry(dispatcher, tracker, "vacancy_count", "employer.count_invalid")
        return {"vacancy_count": digits[0], "intake_tries": 0}

    async def validate_vacancy_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate_choice("vacancy_kind", dispatcher, tracker)

    async def validate_vacancy_start(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate_choice("vacancy_start", dispatcher, tracker)

    async def validate_vacancy_german(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate_choice("vacancy_german", dispatcher, tracker)

    async def confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """Write the employer lead, its vacancy and the mentors' notification in one transaction."""
        lang = language_of(tracker)
        slots = tracker.slots
        district = slots["district"]
        request = service.IntakeRequest(
            submission_key=slots.get("intake_key") or uuid.uuid4().hex,
            ref=tracker.sender_id,
            kind="employer",
            language=lang,
            district=district,
            project_id=_district_projects(district)[0].id,
            topic="vacancy",
            name=slots["intake_name"],
            company=slots["employer_company"],
            channel=slots["intake_channel"],
            phone=slots.get("intake_phone"),
            email=slots.get("intake_email"),
            consent_version=slots["intake_consent"],
            vacancy=service.VacancyRequest(
                kind=slots["vacancy_kind"],
                title=slots["vacancy_title"],
                count=int(slots["vacancy_count"]),
                start=slots["vacancy_start"],
                german_level=slots["vacancy_german"],
            ),
            summary=conversation_summary(tracker),
        )
        try:
            lead = await runtime.run(service.submit_intake, request, service.now_utc(), capacity().min_notice)
        except SQLAlchemyError as exc:  # keep every answer; the user confirms again when it is back
            log.warning("employer lead not saved: %s", type(exc).__name__)
            retry = [{"title": i18n.text(lang, "option.retry"), "payload": '/inform{"choice": "confirm"}'}]
            dispatcher.utter_message(text=i18n.text(lang, "intake.db_error"), buttons=retry)
            return {"intake_confirm": None}
        project = projects.directory().name_of(lead.project_id)
        contact = contact_text(lang, request.channel, request.phone, request.email)
        dispatcher.utter_message(text=i18n.text(lang, "employer.done", project=project, contact=contact))
        log.info("employer lead saved: lead %s for %s", lead.id, lead.project_id)
        return {"intake_confirm": "yes", "intake_lead": str(lead.id), "intake_tries": 0}


class ActionAskEmployerConsent(ActionAskIntakeConsent):
    form = "employer_form"
    key = "employer.consent"


class ActionAskEmployerContactName(_AskIntake):
    form = "employer_form"
    slot = "intake_name"
    key = "employer.ask_contact_name"


class ActionAskEmployerChannel(_AskIntake):
    form = "employer_form"
    slot = "intake_channel"
    key = "intake.ask_channel"
    menu = "employer_channel"


class ActionAskEmployerConfirm(_AskIntake):
    form = "employer_form"
    slot = "intake_confirm"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        dispatcher.utter_message(
            text=employer_summary(lang, tracker.slots), buttons=i18n.buttons(lang, "intake_confirm")
        )


class ActionAskEmployerCompany(_AskIntake):
    slot = "employer_company"
    key = "employer.ask_company"


class ActionAskVacancyKind(_AskIntake):
    slot = "vacancy_kind"
    key = "employer.ask_kind"


class ActionAskVacancyTitle(_AskIntake):
    slot = "vacancy_title"
    key = "employer.ask_title"


class ActionAskVacancyCount(_AskIntake):
    slot = "vacancy_count"
    key = "employer.ask_count"


class ActionAskVacancyStart(_AskIntake):
    slot = "vacancy_start"
    key = "employer.ask_start"


class ActionAskVacancyGerman(_AskIntake):
    slot = "vacancy_german"
    key = "employer.ask_german"

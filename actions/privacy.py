"""What the assistant stores about the user, and erasing it on request.

Erasure runs in two places: here the case database (personal data, bookings, pending reminders; the
leads stay as anonymous statistics), and in bot/ the conversation in Rasa's tracker store and the
language choice, after Rasa has saved this turn (the `erase_conversation` signal below).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import language_of
from actions.intake import contact_text, option_label
from cases import privacy, runtime, service
from knowledge import i18n
from knowledge.capacity import capacity
from knowledge.places import gazetteer

log = logging.getLogger(__name__)


class ActionShowMyData(Action):
    """The privacy notice, then exactly what the case database holds about this user."""

    def name(self) -> str:
        return "action_show_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker)
        dispatcher.utter_message(text=i18n.text(lang, "privacy"))
        try:
            data = await runtime.run(privacy.stored_data, tracker.sender_id)
        except SQLAlchemyError as exc:
            log.warning("stored data unavailable: %s", type(exc).__name__)
            dispatcher.utter_message(text=i18n.text(lang, "intake.db_error"))
            return []
        if data is None:
            dispatcher.utter_message(text=i18n.text(lang, "mydata.none"))
            return []
        tz = capacity().timezone
        districts = gazetteer().districts
        dispatcher.utter_message(
            text=i18n.text(
                lang,
                "mydata.summary",
                name=", ".join(x for x in (data.name, data.company) if x) or i18n.text(lang, "intake.not_given"),
                contact=contact_text(lang, data.channel, data.phone, data.email),
                district=districts[data.district].name if data.district in districts else "",
                topic=i18n.text(lang, "button.employer_vacancy")
                if data.topic == "vacancy"  # an employer's lead
                else option_label(lang, "intake_topic", data.topic),
                gender=option_label(lang, "intake_gender", data.gender),
                qualification=option_label(lang, "intake_qualification", data.qualification),
                residence=option_label(lang, "intake_residence", data.residence),
                consent_date=i18n.when(lang, data.consent_given, tz) if data.consent_given else "",
                version=data.consent_version or "",
                appointment=i18n.when(lang, data.appointment, tz)
                if data.appointment
                else i18n.text(lang, "intake.not_given"),
            ),
            buttons=[{"title": i18n.text(lang, "option.delete"), "payload": "/delete_my_data"}],
        )
        return []


class ActionDeleteMyData(Action):
    """Ask for confirmation; on "yes" erase the case data and tell bot/ to erase the conversation."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker)
        choice = next(tracker.get_latest_entity_values("choice"), None)
        if choice == "keep":
            dispatcher.utter_message(text=i18n.text(lang, "erase.kept"))
            return []
        if choice != "confirm":
            dispatcher.utter_message(text=i18n.text(lang, "erase.confirm"), buttons=i18n.buttons(lang, "erase"))
            return []
        try:
            await runtime.run(privacy.erase_person, tracker.sender_id, service.now_utc())
        except SQLAlchemyError as exc:
            log.warning("erasure failed: %s", type(exc).__name__)
            dispatcher.utter_message(text=i18n.text(lang, "intake.db_error"), buttons=i18n.buttons(lang, "erase"))
            return []
        dispatcher.utter_message(text=i18n.text(lang, "erase.done"), json_message={"erase_conversation": True})
        return []

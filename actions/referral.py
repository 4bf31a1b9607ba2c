"""Finding the user's local project: the location form and the project card."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import language_of
from knowledge import i18n, projects
from knowledge.places import Status, gazetteer

MAX_PLACE_TRIES = 3
GAVE_UP = "none"  # district value that ends the form without a place


def _district_from_location(tracker: Tracker) -> str | None:
    location = (tracker.latest_message.get("metadata") or {}).get("location") or {}
    if "latitude" in location and "longitude" in location:
        return f"{location['latitude']}, {location['longitude']}"
    return None


async def validate_place(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """Turn whatever the user wrote (a town, postcode, district, coordinates) into a district key.

    Shared by every form that asks for the district (location_form, intake_form)."""
    g = gazetteer()
    raw = _district_from_location(tracker) or (str(value).strip() if value else "")
    if raw in g.districts:  # a district key from a button
        return {"district": raw, "place_label": g.districts[raw].name}
    if not raw or raw.startswith("/"):
        return {"district": None}
    result = g.resolve(raw)
    if result.status is Status.UNKNOWN:  # "ich wohne in Pirna, danke": look inside the whole message
        result = g.find_in_text(tracker.latest_message.get("text") or raw)
    tries = (tracker.get_slot("place_tries") or 0) + 1
    if result.status is Status.FOUND:
        return {"district": result.district, "place_label": result.matched, "place_tries": 0}
    if result.status is Status.AMBIGUOUS:
        dispatcher.utter_message(
            response="utter_choose_place",
            place=raw,
            buttons=[
                {
                    "title": f"{c.label} ({g.districts[c.district].name})",
                    "payload": f'/inform{{"district": "{c.district}"}}',
                }
                for c in result.candidates
            ],
        )
        return {"district": None, "place_tries": tries}
    if result.status is Status.OUTSIDE:
        dispatcher.utter_message(response="utter_place_outside", place=result.matched or raw)
    else:
        dispatcher.utter_message(response="utter_place_unknown", place=raw[:60])
    if tries >= MAX_PLACE_TRIES:  # do not loop forever: end the form; the next action offers the menu
        return {"district": GAVE_UP, "place_tries": 0}
    return {"district": None, "place_tries": tries}


def answered_since_user_spoke(tracker: Tracker) -> bool:
    """True when a validator already replied to the latest message (a list to choose from, an error):
    the form's question then is not repeated, so the user gets one message, not two."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


class ValidateLocationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_location_form"

    async def validate_district(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await validate_place(value, dispatcher, tracker)


class ActionAskDistrict(Action):
    """Ask where the user lives, unless the validator just explained why it asks again (a list of
    candidates to choose from, or "not found"): one message, not two."""

    def name(self) -> str:
        return "action_ask_district"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not answered_since_user_spoke(tracker):
            dispatcher.utter_message(response="utter_ask_district")
        return []


class ActionShowProject(Action):
    """Answer with the project(s) for the district, or the coordination if no district was found."""

    def name(self) -> str:
        return "action_show_project"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker)
        district = tracker.get_slot("district")
        if district not in gazetteer().districts:  # gave up after MAX_PLACE_TRIES
            dispatcher.utter_message(response="utter_cancelled")
            return [SlotSet("district", None)]
        intake = any(
            e.get("event") == "user" and (e.get("parse_data") or {}).get("intent", {}).get("name") == "book_intake"
            for e in tracker.events[-12:]
        )
        card = projects.project_card(lang, district, matched=tracker.get_slot("place_label"), intake=intake)
        dispatcher.utter_message(text=card, buttons=i18n.buttons(lang, "after_card"))
        return []


class ActionRequestHuman(Action):
    """A person: the location form follows and ends with the project's contact. This action only
    explains why we ask for the place when the district is not known yet."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("district") not in gazetteer().districts:
            dispatcher.utter_message(text=i18n.text(language_of(tracker), "human.intro"))
        return []

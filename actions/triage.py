"""Urgent help first, then the user's other need; and a path to a person when understanding fails.

The emergency numbers (utter_urgent_help) always come first; the triage component keeps the
classifier's own reading of the message in the intent ranking, and action_offer_other_need offers
it next as one button; after an information answer it does the same for a second question in the
same message ("Kita and a German course?"). After two misunderstood messages in a row the user is
led to a person.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of
from knowledge import i18n

MIN_CONFIDENCE = 0.2  # the second reading must be a real candidate, not noise
FALLBACKS_BEFORE_PERSON = 2


class ActionOfferOtherNeed(Action):
    def name(self) -> str:
        return "action_offer_other_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topics = i18n.replies()["topics"]
        answered = (tracker.latest_message.get("intent") or {}).get("name")
        ranking = tracker.latest_message.get("intent_ranking") or []
        candidates = (r for r in ranking if r.get("name") in topics and r.get("name") != answered)
        other = next((r["name"] for r in candidates if (r.get("confidence") or 0) >= MIN_CONFIDENCE), None)
        if other:
            lang = language_of(tracker)
            dispatcher.utter_message(
                text=i18n.text(lang, "other_need"),
                buttons=[{"title": i18n.text(lang, topics[other]), "payload": f"/{other}"}],
            )
        return []


class ActionFallback(Action):
    """Low confidence: ask to rephrase; the second time in a row, offer a person straight away."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        misses = 0
        for event in reversed(tracker.events):
            if event.get("event") != "user":
                continue
            if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != "nlu_fallback":
                break
            misses += 1
        if misses >= FALLBACKS_BEFORE_PERSON:
            lang = language_of(tracker)
            dispatcher.utter_message(text=i18n.text(lang, "human.fallback"), buttons=i18n.buttons(lang, "human"))
        else:
            dispatcher.utter_message(response="utter_rephrase")
        return []

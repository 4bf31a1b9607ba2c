"""Changing the conversation language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of
from knowledge import i18n


class ActionChangeLanguage(Action):
    """Switch to the named language, or show the languages (each in its own name) to pick from.

    bot/ owns the stored choice: the `set_language` custom payload tells it to store the new one.
    """

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        wanted = next(tracker.get_latest_entity_values("language"), None)
        code = i18n.supported(wanted)
        if code:
            dispatcher.utter_message(text=i18n.text(code, "language.changed"), json_message={"set_language": code})
            return []
        lang = language_of(tracker)
        dispatcher.utter_message(
            text=i18n.text(lang, "language.choose"),
            buttons=[
                {"title": language.name, "payload": f'/change_language{{"language": "{language.code}"}}'}
                for language in i18n.languages().values()
            ],
        )
        return []

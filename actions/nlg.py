"""The NLG endpoint: Rasa asks it for the text of every `utter_*` response.

Request (Rasa 3): {"response": "utter_x", "arguments": {...}, "tracker": {...}, "channel": {...}}.
The reply is rendered from the catalog in the user's language, with any values the calling action
passed as arguments (e.g. {"place": "Pirma"}).
"""

from __future__ import annotations

import logging
from typing import Any

from actions.common import language_of
from knowledge import i18n

log = logging.getLogger(__name__)


def generate(request: dict[str, Any]) -> dict[str, Any]:
    response = request.get("response") or request.get("template") or ""
    lang = language_of(request.get("tracker") or {})
    arguments = {k: v for k, v in (request.get("arguments") or {}).items() if isinstance(v, (str, int, float))}
    if response not in i18n.replies()["responses"]:
        log.error("no reply shape for response %s", response)
        return {"text": i18n.text(lang, "rephrase")}
    latest = (request.get("tracker") or {}).get("latest_message") or {}
    status = next((e.get("value") for e in latest.get("entities") or [] if e.get("entity") == "status"), None)
    return i18n.render(lang, response, variant=status, **arguments)

"""Helpers every action needs: the user's language and rendering a catalog text."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from knowledge import i18n


def language_of(tracker: Tracker | dict[str, Any]) -> str:
    """The language bot/ decided for the latest message (stored choice > client > detection)."""
    latest = tracker.latest_message if isinstance(tracker, Tracker) else tracker.get("latest_message")
    metadata = (latest or {}).get("metadata") or {}
    return i18n.supported(metadata.get("language")) or i18n.default_language()

"""The text of an outbox message: a reminder in the user's language, or a notice for the mentors
(German, knowledge/staff.yml). Rendered at delivery time from current data, so an erased person's
details never go out."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from cases.outbox import Message
from knowledge import i18n
from knowledge.capacity import capacity

STAFF = Path(__file__).resolve().parents[1] / "knowledge" / "staff.yml"


@lru_cache(maxsize=1)
def staff_texts() -> dict[str, str]:
    return yaml.safe_load(STAFF.read_text(encoding="utf-8"))["texts"]


def render(message: Message) -> str:
    lead = message.lead
    tz = capacity().timezone
    if message.audience == "user":
        when = i18n.when(message.language, lead["appointment"], tz) if lead.get("appointment") else ""
        return i18n.text(message.language, "booking.reminder", when=when, project=message.project_name or "")
    t = staff_texts()
    appointment = i18n.when("de", lead["appointment"], tz) if lead.get("appointment") else t["callback"]
    marks = ", ".join(t[f"priority.{p}"] for p in lead.get("priority") or []) or t["no_priority"]
    contact = lead.get("phone") or lead.get("email") or ("Chat" if lead.get("channel") == "chat" else "")
    asked = ", ".join(t.get(f"topic.{x}", x) for x in lead.get("summary") or []) or t["no_priority"]
    if message.kind == "new_lead" and lead.get("kind") == "employer":
        v = lead.get("vacancy") or {}
        return t["new_employer_lead"].format(
            lead=lead.get("id", ""),
            project=message.project_name or message.project_id or "",
            company=lead.get("company") or t["erased"],
            name=lead.get("name") or t["erased"],
            contact=contact or t["erased"],
            count=v.get("count", ""),
            title=v.get("title", ""),
            kind=t.get(f"vacancy.{v.get('kind')}", v.get("kind", "")),
            start=t.get(f"start.{v.get('start')}", v.get("start", "")),
            german=t.get(f"german.{v.get('german_level')}", v.get("german_level", "")),
        )
    return t[message.kind].format(
        lead=lead.get("id", ""),
        project=message.project_name or message.project_id or "",
        topic=t.get(f"topic.{lead.get('topic')}", lead.get("topic", "")),
        priority=marks,
        appointment=appointment,
        name=lead.get("name") or t["erased"],
        contact=contact or t["erased"],
        language=lead.get("language", ""),
        asked=asked,
    )

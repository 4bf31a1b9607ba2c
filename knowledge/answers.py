"""Information answers as data (knowledge/answers.yml): text, sources, review dates, next step.

`compose()` builds the reply of an answer in one language: its text (or the variant for the user's
residence status, or the one clarifying question), the next step, the individual-case note where
the status matters, and "As of <date>. Source: <link>". `python -m knowledge.answers` lists the
answers whose review date has passed (exit code 1 when there are any), for a scheduled check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ANSWERS_FILE = Path(__file__).resolve().parent / "answers.yml"


class AnswerDataError(ValueError):
    pass


@dataclass(frozen=True)
class Variant:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    key: str
    sources: tuple[str, ...]
    reviewed: dt.date
    review_by: dt.date
    next: str | None = None
    individual: bool = False
    extra: tuple[str, ...] = ()
    ask: str | None = None
    ask_menu: str | None = None
    variants: dict[str, Variant] = field(default_factory=dict)


def _date(value: Any, where: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise AnswerDataError(f"{where}: not a date YYYY-MM-DD: {value!r}") from None


def load(path: Path = ANSWERS_FILE) -> dict[str, Answer]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AnswerDataError(f"{path}: {exc}") from None
    answers = {}
    for key, raw in (data.get("answers") or {}).items():
        where = f"{path}: {key}"
        sources = tuple(raw.get("sources") or ())
        if not sources or not all(str(s).startswith("https://") for s in sources):
            raise AnswerDataError(f"{where}: needs at least one public https:// source")
        variants = {}
        for name, v in (raw.get("variants") or {}).items():
            v_sources = tuple(v.get("sources") or ())
            if not v.get("text") or not v_sources:
                raise AnswerDataError(f"{where}.variants.{name}: needs text and sources")
            variants[name] = Variant(v["text"], v_sources)
        answers[key] = Answer(
            key=key,
            sources=sources,
            reviewed=_date(raw.get("reviewed"), f"{where}.reviewed"),
            review_by=_date(raw.get("review_by"), f"{where}.review_by"),
            next=raw.get("next"),
            individual=bool(raw.get("individual")),
            extra=tuple(raw.get("extra") or ()),
            ask=raw.get("ask"),
            ask_menu=raw.get("ask_menu"),
            variants=variants,
        )
    return answers


@lru_cache(maxsize=1)
def answers() -> dict[str, Answer]:
    return load()


def compose(lang: str, answer_key: str, text_key: str, variant: str | None = None) -> tuple[str, str | None]:
    """(text, menu override) of an answer. Without a known variant, an answer that has variants asks
    its clarifying question with the status buttons; with one, it gives that variant."""
    from knowledge import i18n

    a = answers()[answer_key]
    chosen = a.variants.get(variant or "")
    lines = [i18n.text(lang, chosen.text if chosen else text_key)]
    lines += [i18n.text(lang, k) for k in a.extra]
    asking = bool(a.variants and chosen is None and a.ask)
    if a.individual:
        lines.append(i18n.text(lang, "answer.individual"))
    if a.next and not asking:
        lines.append(i18n.text(lang, a.next))
    sources = chosen.sources if chosen else a.sources
    lines.append(i18n.text(lang, "answer.as_of", date=a.reviewed.isoformat(), source=" · ".join(sources)))
    if asking:  # the one clarifying question comes last, right above its buttons
        lines.append(i18n.text(lang, a.ask))
        return "\n".join(lines), a.ask_menu
    return "\n".join(lines), None


def due(today: dt.date, data: dict[str, Answer] | None = None) -> list[str]:
    return [
        f"{a.key}: review due since {a.review_by} (last reviewed {a.reviewed})"
        for a in (data or answers()).values()
        if a.review_by < today
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List information answers past their review date")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    lines = due(args.today)
    print("\n".join(lines) if lines else f"all {len(answers())} answers are within their review date")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())

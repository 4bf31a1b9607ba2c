"""Urgent-help triage, table-driven per language: every urgent message is caught (no miss), and
ordinary messages mostly are not (a false alarm is acceptable, a flood of them is not)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from knowledge import i18n
from knowledge.triage import CATEGORIES, normalise, rules, urgent

CASES = Path(__file__).parent / "data" / "triage"
MAX_FALSE_ALARMS = 0.15


def cases(lang: str) -> list[dict[str, str]]:
    with open(CASES / f"{lang}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def urgent_cases() -> list[tuple[str, str, str]]:
    return [
        (lang, row["category"], row["text"])
        for lang in i18n.languages()
        for row in cases(lang)
        if row["expected"] == "urgent"
    ]


def test_every_language_has_patterns_and_enough_cases():
    covered = {r.language for r in rules()}
    for lang in i18n.languages():
        assert lang in covered, f"no triage patterns for {lang}"
        rows = cases(lang)
        per_category = {c: sum(r["category"] == c for r in rows) for c in CATEGORIES}
        assert all(n >= 3 for n in per_category.values()), f"{lang}: {per_category}"
        assert sum(r["expected"] == "none" for r in rows) >= 10, f"{lang}: too few ordinary messages"


@pytest.mark.parametrize("lang,category,text", urgent_cases())
def test_no_urgent_message_is_missed(lang, category, text):
    found = urgent(text)
    assert found, f"{lang} missed ({category}): {text!r} -> {normalise(text)!r}"


@pytest.mark.parametrize("lang", list(i18n.languages()))
def test_ordinary_messages_rarely_raise_an_alarm(lang):
    ordinary = [r["text"] for r in cases(lang) if r["expected"] == "none"]
    alarms = [t for t in ordinary if urgent(t)]
    assert len(alarms) <= MAX_FALSE_ALARMS * len(ordinary), f"{lang} false alarms: {alarms}"


def test_a_broken_pattern_is_a_clear_error(tmp_path):
    from knowledge.triage import TriageError

    (tmp_path / "xx.yml").write_text("language: xx\npatterns:\n  violence: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(TriageError, match="xx.yml"):
        rules(tmp_path)

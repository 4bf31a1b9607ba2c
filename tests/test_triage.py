"""Urgent-help triage, table-driven per language: every urgent message is caught (no miss), and
ordinary messages mostly are not (a false alarm is acceptable, a flood of them is not)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

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
        per_category = {c: sum(r["category"] == c for r in rows) for c in CATEGORIES[:5]}  # the five
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


def nlu_examples() -> list[tuple[str, str, str]]:
    """(file, intent, text) of every training and held-out example."""
    root = Path(__file__).resolve().parents[1] / "nlu"
    out = []
    for path in sorted([*root.glob("train/*.yml"), *root.glob("heldout/*.yml")]):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in (item.get("examples") or "").splitlines():
                text = re.sub(
                    r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}",
                    lambda m: m.group(1) or m.group(2),
                    line.lstrip("- "),
                )
                if item.get("intent") and text.strip():
                    out.append((f"{path.parent.name}/{path.name}", item["intent"], text.strip()))
    return out


def test_every_urgent_example_of_the_nlu_data_is_caught_and_other_intents_rarely_are():
    examples = nlu_examples()
    missed = [(f, t) for f, i, t in examples if i == "urgent_help" and not urgent(t)]
    assert missed == []
    ordinary = [(f, i, t) for f, i, t in examples if i != "urgent_help"]
    alarms = [(f, i, t) for f, i, t in ordinary if urgent(t)]
    assert len(alarms) <= 0.01 * len(ordinary), alarms

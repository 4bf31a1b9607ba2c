"""Information answers: every answer in every language exists, names its date and public source,
ends with its next step; status-dependent answers ask once or say a person must check; the review
command lists answers past their review date."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge import answers, i18n

LANGS = list(i18n.languages())
RESPONSES = {name: shape for name, shape in i18n.replies()["responses"].items() if shape.get("answer")}
INFO_INTENTS = (
    "programme_info",
    "eligibility",
    "job_search",
    "recognition",
    "work_permit",
    "language_course",
    "childcare",
    "vocational_training",
    "accompany_authority",
)


def test_every_information_intent_is_an_answer_with_sources_and_dates():
    data = answers.answers()
    for intent in INFO_INTENTS + ("employer_hire", "employer_legal"):
        assert RESPONSES[f"utter_{intent}"]["answer"] == intent
        a = data[intent]
        assert a.sources and all(s.startswith("https://") for s in a.sources)
        assert a.reviewed <= a.review_by


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("response", sorted(RESPONSES))
def test_answer_renders_with_date_source_and_next_step(lang, response):
    shape = RESPONSES[response]
    a = answers.answers()[shape["answer"]]
    variants = list(a.variants) or [None]
    for variant in variants:
        message = i18n.render(lang, response, variant=variant)
        text = message["text"]
        assert text.strip() and "{" not in text
        assert a.reviewed.isoformat() in text
        sources = a.variants[variant].sources if variant else a.sources
        assert all(s in text for s in sources)
        if a.next and (variant or not a.variants):
            assert i18n.text(lang, a.next) in text
        if a.individual:
            assert i18n.text(lang, "answer.individual") in text  # never a legal conclusion on its own
        assert message["buttons"]


@pytest.mark.parametrize("lang", LANGS)
def test_work_permit_asks_for_the_status_first(lang):
    message = i18n.render(lang, "utter_work_permit")
    assert i18n.text(lang, "work_permit.ask_status") in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == [f'/work_permit{{"status": "{v}"}}' for v in answers.answers()["work_permit"].variants]
    assert message["text"].split("\n")[-1] == i18n.text(lang, "work_permit.ask_status")  # asked last, above the buttons
    assert i18n.text(lang, "answer.individual") in message["text"]


def test_the_variant_comes_from_the_status_button(monkeypatch):
    from actions import nlg

    tracker = {
        "latest_message": {"entities": [{"entity": "status", "value": "ukraine"}], "metadata": {"language": "uk"}},
    }
    reply = nlg.generate({"response": "utter_work_permit", "tracker": tracker})
    assert i18n.text("uk", "work_permit.ukraine") in reply["text"] and "4" in reply["text"]


def test_review_command_lists_answers_past_their_date(capsys):
    assert answers.main(["--today", "2026-12-01"]) == 0
    assert answers.main(["--today", "2027-12-31"]) == 1
    out = capsys.readouterr().out
    assert "work_permit: review due since 2027-02-28" in out
    assert answers.due(dt.date(2027, 2, 1)) == [
        "language_course: review due since 2027-01-31 (last reviewed 2026-11-30)"
    ]


def test_a_broken_answer_file_is_a_clear_error(tmp_path):
    path = tmp_path / "answers.yml"
    path.write_text(
        "answers:\n  x:\n    sources: [http://insecure]\n    reviewed: 2026-01-01\n    review_by: 2026-02-01\n"
    )
    with pytest.raises(answers.AnswerDataError, match="https"):
        answers.load(path)

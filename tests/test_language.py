"""Which language the assistant answers in."""

import pytest

from bot.language import choose, detect


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ich suche Arbeit in Dresden und brauche Hilfe", "de"),
        ("I am looking for a job in Leipzig", "en"),
        ("Шукаю роботу в Дрездені, допоможіть будь ласка", "uk"),
        ("Ищу работу в Лейпциге, помогите пожалуйста", "ru"),
        ("أبحث عن عمل في دريسدن", "ar"),
        ("دنبال کار در لایپزیگ هستم", "fa"),
        ("Dresden'de iş arıyorum, yardım eder misiniz", "tr"),
        ("Busco trabajo en Dresde, me pueden ayudar", "es"),
        ("ana baddi sh3'ol b Dresden", "ar"),
        ("marhaba shukran ya3ni", "ar"),
    ],
)
def test_detection(text, expected):
    assert detect(text).language == expected


def test_stored_choice_wins_over_everything():
    assert choose(stored="fa", client="de", current="en", text="I am looking for work in Leipzig") == "fa"


def test_client_language_comes_next():
    assert choose(stored=None, client="uk-UA", current=None, text="hello there my friend") == "uk"


def test_unsupported_client_language_falls_back_to_detection():
    assert choose(stored=None, client="pt-BR", current=None, text="Busco trabajo en Leipzig por favor") == "es"


def test_two_word_message_never_flips_the_language():
    assert choose(stored=None, client=None, current="ar", text="ok danke") == "ar"
    assert choose(stored=None, client=None, current="ar", text="thank you") == "ar"


def test_confident_longer_message_switches():
    assert choose(stored=None, client=None, current="de", text="I would like to find a job in Dresden please") == "en"


@pytest.mark.parametrize("text", ["", "😀😀😀", "12345", "!!!"])
def test_no_letters_keeps_current_or_default(text):
    assert choose(stored=None, client=None, current=None, text=text) == "de"
    assert choose(stored=None, client=None, current="tr", text=text) == "tr"

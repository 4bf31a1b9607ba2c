"""Actions and the NLG endpoint with a small tracker factory: assert on events and chosen replies."""

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import nlg
from actions.language import ActionChangeLanguage
from actions.referral import GAVE_UP, ActionRequestHuman, ActionShowProject, ValidateLocationForm
from knowledge import i18n


def tracker(text="", intent="inform", entities=None, slots=None, language="de", metadata=None, events=None) -> Tracker:
    md = {"language": language, **(metadata or {})}
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [], "metadata": md}
    return Tracker("u1", slots or {}, latest, events or [], False, None, {"name": "location_form"}, "action_listen")


async def validate(value: Any, **kw) -> tuple[dict, list[dict]]:
    d = CollectingDispatcher()
    result = await ValidateLocationForm().validate_district(value, d, tracker(**kw), {})
    return result, d.messages


async def test_town_validates_to_district():
    result, messages = await validate("Pirna", text="Pirna")
    assert result["district"] == "14628" and messages == []


async def test_district_key_from_a_button_is_accepted():
    result, _ = await validate("14523")
    assert result["district"] == "14523"


async def test_ambiguous_place_asks_with_buttons():
    result, messages = await validate("Auerbach", text="Auerbach")
    assert result["district"] is None
    assert messages[0]["response"] == "utter_choose_place"
    assert {b["payload"] for b in messages[0]["buttons"]} == {
        '/inform{"district": "14521"}',
        '/inform{"district": "14523"}',
    }


async def test_outside_and_unknown_places_are_explained():
    _, messages = await validate("Hamburg", text="Hamburg")
    assert messages[0]["response"] == "utter_place_outside"
    _, messages = await validate("Xyzzyville", text="Xyzzyville")
    assert messages[0]["response"] == "utter_place_unknown"


async def test_third_failed_try_ends_the_form():
    result, _ = await validate("Xyzzyville", text="Xyzzyville", slots={"place_tries": 2})
    assert result["district"] == GAVE_UP


async def test_shared_location_wins():
    result, _ = await validate("anything", metadata={"location": {"latitude": 51.0504, "longitude": 13.7373}})
    assert result["district"] == "14612"


async def test_place_found_inside_a_sentence():
    result, _ = await validate("ich wohne in Freital danke", text="ich wohne in Freital danke")
    assert result["district"] == "14628"


async def test_show_project_in_users_language():
    d = CollectingDispatcher()
    events = await ActionShowProject().run(
        d, tracker(slots={"district": "14713", "place_label": "Leipzig"}, language="es"), {}
    )
    assert events == []
    assert d.messages[0]["text"] == __import__("knowledge.projects", fromlist=["x"]).project_card(
        "es", "14713", matched="Leipzig"
    )


async def test_show_project_after_giving_up_offers_the_menu():
    d = CollectingDispatcher()
    events = await ActionShowProject().run(d, tracker(slots={"district": GAVE_UP}), {})
    assert d.messages[0]["response"] == "utter_cancelled"
    assert events[0]["name"] == "district" and events[0]["value"] is None


async def test_request_human_explains_only_when_place_unknown():
    d = CollectingDispatcher()
    await ActionRequestHuman().run(d, tracker(slots={"district": None}, language="ru"), {})
    assert d.messages[0]["text"] == i18n.text("ru", "human.intro")
    d = CollectingDispatcher()
    await ActionRequestHuman().run(d, tracker(slots={"district": "14612"}), {})
    assert d.messages == []


async def test_change_language_with_entity_and_without():
    d = CollectingDispatcher()
    await ActionChangeLanguage().run(d, tracker(entities=[{"entity": "language", "value": "uk"}]), {})
    assert d.messages[0]["custom"] == {"set_language": "uk"}
    assert d.messages[0]["text"] == i18n.text("uk", "language.changed")
    d = CollectingDispatcher()
    await ActionChangeLanguage().run(d, tracker(), {})
    titles = [b["title"] for b in d.messages[0]["buttons"]]
    assert titles == [lang.name for lang in i18n.languages().values()]


@pytest.mark.parametrize("lang", list(i18n.languages()))
def test_nlg_renders_in_the_language_from_metadata(lang):
    out = nlg.generate(
        {
            "response": "utter_place_unknown",
            "arguments": {"place": "Pirma"},
            "tracker": {"latest_message": {"metadata": {"language": lang}}},
        }
    )
    assert out["text"] == i18n.text(lang, "place_unknown", place="Pirma")


def test_nlg_unknown_response_and_missing_language_do_not_crash():
    out = nlg.generate({"response": "utter_nonexistent", "tracker": {}})
    assert out["text"] == i18n.text("de", "rephrase")
    out = nlg.generate({"response": "utter_greet", "tracker": {"latest_message": {"metadata": {"language": "xx"}}}})
    assert out["text"] == i18n.text("de", "greet") and out["buttons"]

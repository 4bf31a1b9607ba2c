"""Every reply exists in every language: present, non-empty, same placeholders, no stray English."""

import re

import pytest

from knowledge import i18n

LANGS = list(i18n.languages())
MASTER = i18n.catalog("en")
PLACEHOLDER_SHAPE = re.compile(r"\{[^{}]*\}")


def test_a_catalog_for_every_language_and_nothing_else():
    files = sorted(p.stem for p in i18n.TEXTS.glob("*.yml"))
    assert files == sorted(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_complete_and_consistent(lang):
    cat = i18n.catalog(lang)
    assert set(cat) == set(MASTER), set(cat) ^ set(MASTER)
    for key, template in cat.items():
        assert template.strip(), f"{lang}:{key} is empty"
        assert i18n.placeholders(template) == i18n.placeholders(MASTER[key]), f"{lang}:{key} placeholders"
        for m in PLACEHOLDER_SHAPE.findall(template):
            assert re.fullmatch(r"\{\w+\}", m), f"{lang}:{key} malformed placeholder {m}"
        assert "TODO" not in template and "FIXME" not in template


@pytest.mark.parametrize("lang", [code for code in LANGS if code != "en"])
def test_no_text_left_untranslated(lang):
    cat = i18n.catalog(lang)
    same = [k for k, v in cat.items() if v.strip() == MASTER[k].strip() and not k.startswith(("project.name",))]
    assert same == [], f"{lang}: still English: {same}"


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_numbers_in_every_language(lang):
    text = re.sub(r"\s", "", i18n.catalog(lang)["urgent_help"])
    for number in ("110", "112", "116016", "08001110111", "08001110222", "116117", "+4935185075222"):
        assert number in text, f"{lang}: {number} missing from urgent_help"


@pytest.mark.parametrize("lang", LANGS)
def test_every_response_renders(lang):
    for response in i18n.replies()["responses"]:
        message = i18n.render(lang, response, place="Pirna")
        assert message["text"].strip()
        for b in message.get("buttons", []):
            assert b["title"].strip() and b["payload"].startswith("/")


def test_every_response_has_a_reply_shape_and_every_text_is_used():
    import yaml

    domain = yaml.safe_load(open(i18n.HERE.parent / "domain.yml", encoding="utf-8"))
    shapes = i18n.replies()["responses"]
    assert set(domain["responses"]) <= set(shapes)
    used = {s["text"] for s in shapes.values()} | {b["label"] for m in i18n.replies()["menus"].values() for b in m}
    used |= set(i18n.replies()["topics"].values())
    from knowledge.answers import answers

    for a in answers().values():
        used |= {a.next, a.ask, *a.extra, *(v.text for v in a.variants.values())} - {None}
    code = "".join(p.read_text(encoding="utf-8") for p in (i18n.HERE.parent / "actions").glob("*.py"))
    code += "".join(p.read_text(encoding="utf-8") for p in (i18n.HERE.parent / "bot").glob("*.py"))
    code += "".join(p.read_text(encoding="utf-8") for p in (i18n.HERE.parent / "cases").glob("*.py"))
    code += (i18n.HERE / "answers.py").read_text(encoding="utf-8")
    code += (i18n.HERE / "projects.py").read_text(encoding="utf-8") + (i18n.HERE / "i18n.py").read_text(
        encoding="utf-8"
    )
    reserved: set[str] = set()
    unused = [
        k
        for k in MASTER
        if k not in used | reserved and f'"{k}"' not in code and not k.startswith(("project.", "field."))
    ]
    assert unused == []


@pytest.mark.parametrize("lang", [c for c, lang in i18n.languages().items() if lang.rtl])
def test_right_to_left_lines_start_with_a_direction_mark(lang):
    text = i18n.text(lang, "place_unknown", place="Pirna 01796")
    for line in text.split("\n"):
        assert line.startswith(i18n.RLM)
    assert f"{i18n.FSI}Pirna 01796{i18n.PDI}" in text  # a Latin value keeps its own direction


def test_left_to_right_text_has_no_direction_marks():
    assert i18n.RLM not in i18n.text("de", "place_unknown", place="Pirna")


def test_broken_catalog_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "xx.yml").write_text("language: xx\ntexts: [oops", encoding="utf-8")
    monkeypatch.setattr(i18n, "TEXTS", tmp_path)
    i18n.catalog.cache_clear()
    try:
        with pytest.raises(i18n.CatalogError, match="xx.yml"):
            i18n.catalog("xx")
    finally:
        i18n.catalog.cache_clear()


def test_client_language_codes():
    assert i18n.supported("de-AT") == "de"
    assert i18n.supported("uk") == "uk"
    assert i18n.supported("prs") == "fa"
    assert i18n.supported("pt-br") is None
    assert i18n.supported(None) is None


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_has_a_blank_line_that_rasa_would_split_into_two_messages(lang):
    from knowledge.places import gazetteer
    from knowledge.projects import project_card

    assert [k for k, v in i18n.catalog(lang).items() if "\n\n" in v] == []
    for district in gazetteer().districts:
        assert "\n\n" not in project_card(lang, district, matched="x", intake=True)

"""The curated project data: complete coverage, honest unknowns, clear errors, the report command."""

import datetime as dt

import pytest

from knowledge import i18n, projects
from knowledge.places import gazetteer


def test_fourteen_projects_cover_all_thirteen_districts():
    d = projects.load()
    assert len(d.projects) == 14
    assert {x for p in d.projects for x in p.districts} == set(gazetteer().districts)
    assert len(d.for_district("14522")) == 2  # Mittelsachsen has two


def test_every_known_value_has_a_source():
    for p in projects.load().projects:
        for name, f in p.fields.items():
            if f.value:
                assert f.source, f"{p.id}.{name}"


@pytest.mark.parametrize("lang", list(i18n.languages()))
def test_card_never_invents_a_contact_and_points_to_coordination(lang):
    card = projects.project_card(lang, "14626")  # Görlitz: nothing known yet
    assert "Stadlerstraße 14, 09126 Chemnitz" in card
    assert "arbeitsmarktmentoren-sachsen.de" in card
    assert "{" not in card


def test_card_shows_known_fields():
    card = projects.project_card("de", "14612")
    assert "ARBEIT UND LEBEN Sachsen" in card


def write(tmp_path, text):
    path = tmp_path / "projects.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_file_names_the_line(tmp_path):
    good = projects.PROJECTS_FILE.read_text(encoding="utf-8")
    broken = good.replace(
        'carrier: {value: "CBZ-Gruppe", source: "programme brief', 'carrier: {value: "CBZ-Gruppe", src: "x', 1
    )
    with pytest.raises(projects.ProjectDataError, match=r"line \d+"):
        projects.load(write(tmp_path, broken))


def test_value_without_source_is_rejected(tmp_path):
    good = projects.PROJECTS_FILE.read_text(encoding="utf-8")
    broken = good.replace("phone: {value: null, source: null", 'phone: {value: "0371 123", source: null', 1)
    with pytest.raises(projects.ProjectDataError, match="needs its public source"):
        projects.load(write(tmp_path, broken))


def test_unknown_district_is_rejected(tmp_path):
    good = projects.PROJECTS_FILE.read_text(encoding="utf-8")
    with pytest.raises(projects.ProjectDataError, match="unknown district"):
        projects.load(write(tmp_path, good.replace('districts: ["14511"]', 'districts: ["99999"]', 1)))


def test_invalid_yaml_is_a_clear_error(tmp_path):
    with pytest.raises(projects.ProjectDataError, match="not valid YAML"):
        projects.load(write(tmp_path, "projects: [\n"))


def test_report_lists_unknown_unchecked_and_stale_fields():
    d = projects.load()
    lines = projects.report(d, dt.date(2026, 11, 23))
    assert "nordsachsen.phone: unknown" in lines
    assert any(line.startswith("coordination.address: never checked") for line in lines)
    later = projects.report(d, dt.date(2028, 1, 1), stale_after=365)
    assert any("coordination.web: stale" in line for line in later)


def test_report_command_runs(capsys):
    assert projects.main([]) == 0
    assert "unknown" in capsys.readouterr().out

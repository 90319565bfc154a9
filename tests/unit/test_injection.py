"""Hostile text from data files (HTML, script, formulas) stays literal in tooltips and exports.

The store is built by the real pipeline from a made-up release whose trust names and metric
descriptions carry `<img src=x onerror=...>`, `<script>`, an SVG onload, a spreadsheet formula and
Markdown (tests/fixtures/injection/hostile.py).

Tooltips: pydeck has one HTML template for all layers; the app's template holds no data, only
`{tt_*}` placeholders, and the field values hold the data text *verbatim*. Streamlit's deck.gl
chart HTML-escapes each interpolated value (browser test: tests/browser/test_injection_browser.py),
so escaping happens exactly once, at render; pre-escaping here would show "&lt;img" to users.
Exports: the CSV carries the text literally (CSV is not markup) with formulas neutralised, and
the slide/image text helper passes markup through as text.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from fixtures.injection import hostile
from league_atlas.render import mapview
from league_atlas.scoring import preparation
from league_atlas.store import reader
from league_atlas.views import explorer, exports


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        return reader.open_store(hostile.build_store(tmp_path_factory.mktemp("hostile"), mp))
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def view(hostile_store):
    prep = preparation.prepare(hostile_store.metrics, "acute")
    return explorer.league_view(prep, hostile_store.trusts)


def test_the_store_keeps_hostile_text_verbatim(hostile_store):
    names = dict(zip(hostile_store.trusts["trust_code"], hostile_store.trusts["trust_name"],
                     strict=True))  # fmt: skip
    for code, name in hostile.NAMES.items():
        assert names[code] == name
    m = hostile_store.metrics
    for mid, desc in hostile.DESCRIPTIONS.items():
        assert set(m.loc[m["metric_id"] == mid, "description"]) == {desc}


def test_tooltip_template_holds_no_data_only_placeholders():
    placeholders = re.findall(r"{(\w+)}", mapview.TOOLTIP["html"])
    assert set(placeholders) == set(mapview.TOOLTIP_FIELDS)
    # What is left after removing the placeholders is fixed markup: tags, no text from anywhere.
    fixed = re.sub(r"{\w+}", "", mapview.TOOLTIP["html"])
    assert re.sub(r"</?(b|i|br|span|div|p)\s*/?>", "", fixed).strip() == ""


def test_tooltip_fields_carry_the_names_verbatim_once(view):
    points = mapview.trust_points(view, n_trusts=len(view))
    by_code = points.set_index("trust_code")
    located = [c for c in hostile.NAMES if c in by_code.index]
    assert len(located) >= 3, "the hostile trusts must be on the map to test their tooltips"
    for code in located:
        title = by_code.loc[code, "tt_title"]
        assert title == f"{hostile.NAMES[code]} ({code})"
        assert "&lt;" not in title and "&amp;" not in title  # not pre-escaped (no double escape)
    for field in mapview.TOOLTIP_FIELDS[1:]:
        # The other lines are built from numbers and fixed labels only.
        assert not points[field].str.contains("<", regex=False).any()


def test_deck_spec_round_trips_the_names_as_json_strings(view):
    points = mapview.trust_points(view, n_trusts=len(view))
    spec = json.loads(mapview.build_deck(points, None, mapview.view_for_bounds(None)).to_json())
    layer = next(lyr for lyr in spec["layers"] if lyr["id"] == mapview.TRUST_LAYER_ID)
    titles = {row["trust_code"]: row["tt_title"] for row in layer["data"]}
    for code in hostile.NAMES:
        if code in titles:
            assert titles[code] == f"{hostile.NAMES[code]} ({code})"


def test_boundary_tooltips_carry_area_names_verbatim(hostile_store):
    gdf = hostile_store.boundary("nhs_region").head(2).copy()
    gdf["name"] = [hostile.IMG, hostile.SCRIPT]
    gj = mapview.boundary_geojson(gdf, None)
    titles = [f["properties"]["tt_title"] for f in gj["features"]]
    codes = list(gdf["code"])
    assert titles == [f"{hostile.IMG} ({codes[0]})", f"{hostile.SCRIPT} ({codes[1]})"]


def test_csv_export_keeps_text_literal_and_neutralises_formulas(view):
    table = view[["trust_name", "trust_code", "rank"]]
    data = exports.to_csv_bytes(table, [f"made-up release with {hostile.SCRIPT} in it"])
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("# ")))))  # fmt: skip
    names = {r[1]: r[0] for r in rows[1:]}
    for code, name in hostile.NAMES.items():
        if name.startswith(exports.FORMULA_PREFIXES):
            assert names[code] == "'" + name  # a spreadsheet shows it, never runs it
        else:
            assert names[code] == name  # literal: no escaping, no stripping
    assert "&lt;" not in text  # CSV is not HTML: nothing is entity-encoded
    assert f"# made-up release with {hostile.SCRIPT} in it" in text


def test_slide_and_image_text_is_literal():
    for name in [*hostile.NAMES.values(), *hostile.DESCRIPTIONS.values()]:
        assert exports.plain_text(name) == name

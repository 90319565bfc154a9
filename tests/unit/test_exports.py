"""Exports: the map PNG, the CSV and the PowerPoint deck, their stamps, and text-safety.

Built on the made-up store (tests/support/fixture_store.py) so the view has real columns, places
and boundaries; hostile trust names are injected into a copy of the view.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from league_atlas.io import provenance
from league_atlas.io.releases import ReleaseInfo
from league_atlas.render import deck_export, static_map
from league_atlas.scoring import preparation
from league_atlas.scoring.weights import Weights
from league_atlas.store import reader
from league_atlas.views import explorer, exports
from league_atlas.views import presentation as ui
from support.fixture_store import build_fixture_store

QUARTER = "Q1 2025/26"
HOSTILE = {
    "RAA": '=HYPERLINK("http://x","click")',
    "RBB": "+44 Trust",
    "RCC": "-1+2 Trust",
    "REE": "@SUM(A1:A2) Trust",
    "RFF": "<b>T</b><script>alert(1)</script> $\\frac{1",
}


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        data_dir = build_fixture_store(tmp_path_factory.mktemp("exports-data"), mp)
    finally:
        mp.undo()
    return reader.open_store(data_dir)


@pytest.fixture(scope="module")
def prep(fixture_store):
    return preparation.prepare(fixture_store.metrics, "acute", QUARTER)


def _view(fixture_store, prep, weights=None, hostile=False):
    v = explorer.league_view(prep, fixture_store.trusts, weights)
    if hostile:
        v["trust_name"] = [
            HOSTILE.get(c, n) for c, n in zip(v["trust_code"], v["trust_name"], strict=True)
        ]
    return v


def _stamp(fixture_store, prep, weights=None, **method):
    w = weights or Weights()
    official, note = exports.view_status(
        explorer.weights_note(w, prep),
        weights_official=w.is_official_for(prep),
        financial_override=method.get("financial_override", True),
        segment_method=method.get("segment_method", "release"),
    )
    return exports.make_stamp(
        manifest=fixture_store.manifest,
        release_rows=fixture_store.releases,
        metrics=fixture_store.metrics,
        trust_type="acute",
        quarter=QUARTER,
        where="England",
        release_ids=prep.release_ids,
        weights_note=note,
        official=official,
    )


def _table(view: pd.DataFrame) -> pd.DataFrame:
    return (
        explorer.in_focus(view, explorer.Focus())
        .sort_values("rank")[
            ["rank", "trust_name", "trust_code", "segment_label", "average_score", "official_rank"]
        ]
        .rename(columns={**ui.COLUMN_LABELS, "segment_label": "Segment"})
    )


REWEIGHTED = Weights(domains={"Patient safety": 3.0, "Access to services": 0.0})


# ------------------------------------------------------------------ stamps and status


def test_stamp_official_then_not_official(fixture_store, prep):
    s = _stamp(fixture_store, prep)
    assert s.official and s.weights_note == ui.OFFICIAL_NOTE
    assert exports.NOT_OFFICIAL not in " ".join(s.lines())
    r = _stamp(fixture_store, prep, REWEIGHTED)
    assert not r.official
    assert exports.NOT_OFFICIAL in r.weights_note
    assert "Patient safety x3" in r.weights_note
    lines = r.lines()
    assert lines[0].startswith(f"NHS Oversight Framework {QUARTER}, Acute trusts, England")
    assert "release file" in lines[0]
    assert any(line.startswith("Data dates:") and "store built" in line for line in lines)
    assert lines[-1] == ui.ATTRIBUTION


def test_method_change_alone_is_not_official(fixture_store, prep):
    s = _stamp(fixture_store, prep, financial_override=False)
    assert not s.official
    assert exports.NOT_OFFICIAL in s.weights_note
    assert "financial override switched off" in s.weights_note


def test_stamp_names_the_release_file_and_reporting_periods(fixture_store, prep):
    s = _stamp(fixture_store, prep)
    rel = fixture_store.releases.iloc[0]
    assert rel["file"] in s.files
    # The made-up release writes the quarter as every metric's reporting date.
    assert QUARTER in s.data_dates


# ------------------------------------------------------------------ CSV


def test_csv_parses_and_has_no_formula_cells(fixture_store, prep):
    view = _view(fixture_store, prep, hostile=True)
    stamp = _stamp(fixture_store, prep, REWEIGHTED)
    data = exports.to_csv_bytes(_table(view), stamp.lines()).decode("utf-8-sig")
    stamp_rows = [line for line in data.splitlines() if line.startswith("# ")]
    assert any(exports.NOT_OFFICIAL in line for line in stamp_rows)
    df = pd.read_csv(io.StringIO(data), skiprows=len(stamp_rows), dtype=str)
    assert len(df) == len(view)
    cells = [str(c) for c in df.to_numpy().ravel() if isinstance(c, str)] + list(df.columns)
    assert not [c for c in cells if c.startswith(exports.FORMULA_PREFIXES)]
    # The names survive, apostrophe-prefixed, and markup is kept as literal text.
    names = set(df["Trust"])
    assert "'" + HOSTILE["RAA"] in names and "'@SUM(A1:A2) Trust" in names
    assert HOSTILE["RFF"] in names


# ------------------------------------------------------------------ PNG


def _png(fixture_store, prep, weights=None, title="Acute trusts in England", focus=None):
    view = _view(fixture_store, prep, weights, hostile=True)
    focus = focus or explorer.Focus()
    shown = explorer.in_focus(view, focus)
    text = static_map.map_text(title, _stamp(fixture_store, prep, weights))
    areas = fixture_store.boundary(focus.layer)
    return view, shown, text, areas


def _words(fig) -> str:
    """Every string drawn on the figure (title, legend, labels, footer)."""
    return " ".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


def _near(img: np.ndarray, hex_colour: str, tol: int = 12) -> int:
    rgb = np.array(ui.hex_to_rgb(hex_colour))
    return int((np.abs(img.astype(int) - rgb).sum(axis=-1) <= tol).sum())


def test_png_has_fixed_size_and_segment_colours(fixture_store, prep):
    view, shown, text, areas = _png(fixture_store, prep)
    png = static_map.render_png(shown, areas, text)
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == static_map.SIZE_PX
    assert img.info["Copyright"] == ui.ATTRIBUTION
    # Crop to the map panel (same layout as map_figure) and look for each drawn segment's colours.
    box = static_map.map_figure(shown, areas, text).axes[0].get_window_extent()
    h = img.size[1]
    px = np.asarray(img.convert("RGB"))[
        int(h - box.y1) : int(h - box.y0), int(box.x0) : int(box.x1)
    ]
    drawn = explorer.shown_segment(view[view["on_map"]])
    present = sorted(int(s) for s in drawn.dropna().unique())
    assert 5 in present and len(present) >= 2, "the made-up release has S5 and another segment"
    for s in present:
        assert _near(px, ui.SEGMENTS[s].fill) > 30, f"S{s} fill missing from the map"
    assert _near(px, ui.SEGMENTS[5].outline) > 20, "S5 keeps its distinct outline"
    for s in set(range(1, 5)) - set(present):
        assert _near(px, ui.SEGMENTS[s].fill, tol=3) == 0, f"S{s} drawn but no trust has it"


def test_png_states_not_official_when_reweighted(fixture_store, prep):
    _, shown, text, areas = _png(fixture_store, prep, REWEIGHTED)
    fig = static_map.map_figure(shown, areas, text)
    words = _words(fig)
    assert exports.NOT_OFFICIAL in words and ui.ATTRIBUTION[:40] in words.replace("\n", " ")
    png = static_map.render_png(shown, areas, text)
    assert exports.NOT_OFFICIAL in Image.open(io.BytesIO(png)).info["Description"]
    _, shown, text, areas = _png(fixture_store, prep)
    words = _words(static_map.map_figure(shown, areas, text))
    assert ui.OFFICIAL_NOTE in words and exports.NOT_OFFICIAL not in words


def test_png_prints_markup_and_math_literally(fixture_store, prep):
    title = "<script>alert(1)</script> $\\frac{ <b>bold</b>"
    view, _, text, areas = _png(fixture_store, prep, title=title)
    # Focus on one region so the (hostile) trust names are written on the map.
    region = view.dropna(subset=["region_code"])["region_code"].iloc[0]
    focus = explorer.Focus("region", region)
    shown = explorer.in_focus(view, focus)
    fig = static_map.map_figure(
        shown, areas, text, focus_code=region, context_points=view[~view.index.isin(shown.index)]
    )
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    assert not [t for t in texts if t.get_parse_math()]
    drawn = [t.get_text() for t in texts]
    assert title in drawn
    for name in HOSTILE.values():  # each trust in the region is named on the map, literally
        if name in set(shown["trust_name"]):
            assert any(name in d for d in drawn), name
    # An unbalanced "$\frac{" would make matplotlib's math-text parser raise if it were used.
    png = static_map.render_png(shown, areas, text, focus_code=region)
    assert Image.open(io.BytesIO(png)).size == static_map.SIZE_PX


def test_png_zooms_to_the_focus_area(fixture_store, prep):
    view, _, text, areas = _png(fixture_store, prep)
    region = view.dropna(subset=["region_code"])["region_code"].iloc[0]
    full = static_map.map_figure(view, areas, text).axes[0]
    zoom = static_map.map_figure(
        explorer.in_focus(view, explorer.Focus("region", region)), areas, text, focus_code=region
    ).axes[0]
    w_full = np.diff(full.get_xlim())[0]
    w_zoom = np.diff(zoom.get_xlim())[0]
    assert w_zoom < w_full


def test_png_lists_trusts_without_a_location(fixture_store, prep):
    view, shown, text, areas = _png(fixture_store, prep)
    unplaced = view[~view["on_map"]]
    assert len(unplaced) == 1  # the made-up store has one unlocated trust
    words = _words(static_map.map_figure(shown, areas, text))
    words = " ".join(words.split())
    assert "Not on the map" in words and unplaced["trust_name"].iloc[0] in words


# ------------------------------------------------------------------ PowerPoint


def _deck(fixture_store, prep, weights=None, title="Acute trusts in England, Q1 2025/26"):
    view = _view(fixture_store, prep, weights, hostile=True)
    stamp = _stamp(fixture_store, prep, weights)
    png = static_map.render_png(
        view, fixture_store.boundary("nhs_region"), static_map.map_text(title, stamp)
    )
    msgs = exports.key_messages(
        view, where="England", type_label="Acute trusts", quarter=QUARTER, official=stamp.official
    )
    method = exports.method_lines(weights, cut_points="2.1, 2.4, 2.7")
    data = deck_export.build_pptx(
        title=title,
        map_png=png,
        table=_table(view),
        messages=msgs,
        method=method,
        attributions=provenance.used_attributions(fixture_store.manifest),
        stamp=stamp,
    )
    return Presentation(io.BytesIO(data)), view


def _all_text(prs) -> str:
    out = []
    for slide in prs.slides:
        for sh in slide.shapes:
            if sh.has_text_frame:
                out.append(sh.text_frame.text)
            if sh.has_table:
                out.extend(c.text for row in sh.table.rows for c in row.cells)
    return "\n".join(out)


def test_pptx_has_picture_table_and_stamp(fixture_store, prep):
    prs, view = _deck(fixture_store, prep, REWEIGHTED)
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert titles[1:6] == [
        "Map: trusts by segment",
        f"League table: {len(view)} trusts in view",
    ] + [
        "Key messages",
        "Method",
        "Sources and licences",
    ]
    kinds = [sh.shape_type for slide in prs.slides for sh in slide.shapes]
    assert MSO_SHAPE_TYPE.PICTURE in kinds
    tables = [sh.table for slide in prs.slides for sh in slide.shapes if sh.has_table]
    assert len(tables) == 1 and len(tables[0].rows) == len(view) + 1  # 7 trusts fit
    assert tables[0].cell(0, 0).text == "Rank (current weights)"
    text = _all_text(prs)
    assert exports.NOT_OFFICIAL in text
    assert f"NHS Oversight Framework {QUARTER}" in text and "Data dates:" in text
    assert ui.ATTRIBUTION in text
    assert "Patient safety x3" in text  # method slide: the weights in use
    picture = next(
        sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE
    )
    assert Image.open(io.BytesIO(picture.image.blob)).size == static_map.SIZE_PX


def test_pptx_keeps_trust_names_literal(fixture_store, prep):
    prs, _ = _deck(fixture_store, prep, title="<i>Deck</i> & $x$")
    table = next(sh.table for slide in prs.slides for sh in slide.shapes if sh.has_table)
    names = {table.cell(i, 1).text for i in range(1, len(table.rows))}
    for name in HOSTILE.values():
        assert name in names
    assert prs.slides[0].shapes.title.text == "<i>Deck</i> & $x$"


def test_pptx_official_deck_says_official(fixture_store, prep):
    prs, _ = _deck(fixture_store, prep)
    text = _all_text(prs)
    assert ui.OFFICIAL_NOTE in text and exports.NOT_OFFICIAL not in text


def test_table_layout_fits_long_names_by_showing_fewer_rows():
    short = pd.DataFrame(
        {"Rank": range(1, 31), "Trust": ["Short NHS Trust"] * 30, "ODS code": ["R1"] * 30}
    )
    long = short.assign(Trust=["A very long trust name " * 12] * 30)
    cols, widths, heights = deck_export.table_layout(
        short, width_in=12.3, height_in=5.35, size_pt=12, max_rows=15
    )
    assert cols == ["Rank", "Trust", "ODS code"] and len(heights) == 16
    assert sum(widths) == pytest.approx(12.3)
    _, _, long_heights = deck_export.table_layout(
        long, width_in=12.3, height_in=5.35, size_pt=12, max_rows=15
    )
    assert sum(long_heights) <= 5.35 and len(long_heights) < len(heights)


# ------------------------------------------------------------------ key messages, method


def test_key_messages_count_segments_regions_and_movers(fixture_store, prep):
    view = _view(fixture_store, prep, REWEIGHTED)
    msgs = exports.key_messages(
        view, where="England", type_label="Acute trusts", quarter=QUARTER, official=False
    )
    seg = explorer.shown_segment(view)
    counts = ", ".join(f"S{k} {int((seg == k).sum())}" for k in range(1, 6) if (seg == k).any())
    assert msgs[0] == f"{len(view)} acute trusts in England, {QUARTER} (current weights): {counts}."
    if (seg == 4).any():
        s4 = view[seg == 4]
        region = s4["region_name"].fillna(s4["region_label"]).value_counts()
        where = exports.place_name(region.index[0])
        lead = (
            f"The only segment-4 trust is in {where}."
            if len(s4) == 1
            else f"{where[0].upper()}{where[1:]} has the most segment-4 trusts"
        )
        assert any(m.startswith(lead) for m in msgs), msgs
    s5 = view[seg == 5]
    assert len(s5) == 1  # the made-up release puts its last trust in the RSP
    rsp = next(m for m in msgs if "Recovery Support Programme" in m)
    assert rsp.startswith("1 trust is in the") and f"1 in S{int(s5['segment'].iloc[0])}" in rsp
    moved = view[view["rank_change"].fillna(0) != 0]
    assert len(moved), "the re-weighting moves the made-up trusts"
    top = explorer.moved_most(view, 1).iloc[0]
    movers = next(m for m in msgs if m.startswith("Biggest rank movers"))
    assert f"{top['trust_name']} {ui.rank_change_arrow(top['rank_change'])}" in movers
    assert f"official {int(top['official_rank'])} → {int(top['rank'])}" in movers
    official = exports.key_messages(
        _view(fixture_store, prep),
        where="England",
        type_label="Acute trusts",
        quarter=QUARTER,
        official=True,
    )
    assert not any(m.startswith("Biggest rank movers") for m in official)


def test_key_messages_for_an_empty_view(fixture_store, prep):
    empty = _view(fixture_store, prep).iloc[:0]
    assert exports.key_messages(
        empty, where="London", type_label="Acute trusts", quarter=QUARTER, official=True
    ) == [f"No acute trusts in London in {QUARTER}."]


def test_method_lines_name_the_weights():
    assert any("official" in line for line in exports.method_lines(None, cut_points="2.1"))
    lines = exports.method_lines(
        Weights(domains={"Finance and productivity": 0.5}, metrics={"OF1003": 2.0}),
        cut_points="2.1",
        changes=["financial override switched off"],
    )
    text = " ".join(lines)
    assert "Finance and productivity x0.5" in text and "OF1003 x2" in text
    assert text.count(exports.NOT_OFFICIAL) == 2 and "financial override switched off" in text


# ------------------------------------------------------------------ provenance


def test_sources_table_has_every_catalogue_source_with_its_fetch_date():
    from league_atlas.io import sources

    cat = sources.catalogue()
    first = next(iter(cat))
    manifest = {"sources": {first: {"fetched_at": "2026-01-02T03:04:05+00:00", "origin": "mirror"}}}
    t = provenance.sources_table(manifest)
    assert len(t) == len(cat)
    assert t.iloc[0]["Fetched"] == "2026-01-02" and t.iloc[0]["Copy from"] == "mirror"
    assert (t.iloc[1:]["Fetched"] == "not fetched").all()
    assert set(t["Licence"]) == {s.licence for s in cat.values()}
    assert provenance.used_attributions(manifest) == [cat[first].attribution]


def test_release_summary_says_what_it_supersedes():
    info = ReleaseInfo(
        file="new.csv",
        sha256="b" * 64,
        kind="metrics",
        rows=10,
        quarters=("Q1 2025/26", "Q2 2025/26"),
        trust_types=("acute",),
        trusts=5,
        quarter_from="column",
    )
    old = {"releases": [{"file": "old.csv", "sha256": "a" * 64, "supplies": "Q1 2025/26 acute"}]}
    new = {
        "releases": [
            {"file": "old.csv", "sha256": "a" * 64, "supplies": ""},
            {
                "file": "new.csv",
                "sha256": "b" * 64,
                "supplies": "Q1 2025/26 acute, Q2 2025/26 acute",
            },
        ]
    }
    s = provenance.release_summary(info, old, new)
    assert s["Supersedes"] == "Q1 2025/26 acute (was old.csv)"
    assert s["New in the store"] == "Q2 2025/26 acute"
    assert s["Rows"] == "10" and s["Trusts"] == "5" and s["Quarters"] == "Q1 2025/26, Q2 2025/26"


def test_plain_text_drops_control_characters_only():
    assert exports.plain_text("A\x00B\x0bC\tD\nE <b>&") == "ABC\tD\nE <b>&"
    assert exports.plain_text(None) == "" and exports.plain_text(float("nan")) == ""


def test_file_stem_says_reweighted():
    assert (
        exports.file_stem("acute", "Q1 2025/26", "England", official=True)
        == "league-atlas-acute-q1-2025-26-england"
    )
    assert exports.file_stem("acute", "Q1 2025/26", "North West", official=False).endswith(
        "north-west-reweighted"
    )


def test_release_table_shows_the_uploaded_name():
    rows = pd.DataFrame(
        {
            "file": ["catalogued.csv", "0123456789abcdef-upload.csv"],
            "sha256": ["a" * 64, "b" * 64],
            "quarters": ["Q1 2025/26", "Q2 2025/26"],
            "origin": ["catalogue", "add-release"],
        }
    )
    manifest = {"added_releases": [{"sha256": "b" * 64, "file": "upload.csv"}]}
    t = provenance.release_table(rows, manifest)
    assert list(t["File"]) == ["catalogued.csv", "upload.csv"]
    assert list(t.columns) == ["File", "Quarters", "Added by"]


# ------------------------------------------------------------------ board pack (issue 14)


def test_every_slide_has_a_real_title_placeholder_and_sources_are_12pt(fixture_store, prep):
    prs, _ = _deck(fixture_store, prep, REWEIGHTED)
    for slide in prs.slides:
        title = slide.shapes.title  # a title placeholder, as PowerPoint's outline reads it
        assert title is not None and title.is_placeholder and title.text.strip()
    sizes = [
        run.font.size.pt
        for slide in prs.slides
        for sh in slide.shapes
        if sh.has_text_frame
        for para in sh.text_frame.paragraphs
        for run in para.runs
        if run.font.size is not None
    ]
    assert sizes and min(sizes) >= deck_export.SOURCE_PT
    sources = [s for s in prs.slides if s.shapes.title.text.startswith("Sources and licences")]
    assert sources and ui.ATTRIBUTION.split(".")[0] in _all_text(prs)
    map_slide = next(s for s in prs.slides if s.shapes.title.text.startswith("Map"))
    pic = next(sh for sh in map_slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert pic._element.nvPicPr.cNvPr.get("descr", "").startswith("Map.")


def _one(view, **changes):
    return view.iloc[[0]].assign(**changes)


def test_board_headline_makes_sense_for_one_few_and_all(fixture_store, prep):
    view = _view(fixture_store, prep)
    kw = dict(type_label="Acute trusts", quarter=QUARTER)
    one = exports.board_headline(
        view, _one(view, segment=2.0, final_segment=2.0, rank=3), where="Somewhere ICB", **kw
    )
    assert (
        one
        == f"{view['trust_name'].iloc[0]} is in segment 2, league position 3 of {len(view)} acute trusts, {QUARTER}"
    )
    calm = view.iloc[:2].assign(segment=[1.0, 2.0], final_segment=[1.0, 2.0])
    assert exports.board_headline(view, calm, where="North West", **kw).startswith(
        "All 2 acute trusts in the North West are in segment 1 or 2"
    )
    mixed = view.iloc[:3].assign(segment=[1.0, 3.0, 4.0], final_segment=[1.0, 3.0, 4.0])
    line = exports.board_headline(view, mixed, where="London", **kw)
    assert line.startswith("2 of the 3 acute trusts in London are in segment 3, 4 or 5")
    assert "(England: " in line
    assert exports.board_headline(view, view.iloc[:0], where="London", **kw).startswith("No acute")
    for text in (one, line, exports.board_headline(view, view, where="England", **kw)):
        assert "(s)" not in text and "0 of 1" not in text and "(0%)" not in text


def test_plural_words():
    assert exports.trusts_phrase(1, "Acute trusts") == "1 acute trust"
    assert exports.trusts_phrase(2, "Mental health and community trusts") == (
        "2 mental health and community trusts"
    )
    assert exports.place_name("Midlands") == "the Midlands"
    assert exports.place_name("London") == "London"
    assert exports.place_name("North East and Yorkshire") == "the North East and Yorkshire"


def test_key_messages_for_one_trust_have_no_zero_counts(fixture_store, prep):
    view = _view(fixture_store, prep)
    msgs = exports.key_messages(
        view.iloc[[0]], where="X ICB", type_label="Acute trusts", quarter=QUARTER, official=True
    )
    text = " ".join(msgs)
    assert "S1 0" not in text and "(s)" not in text and "Highest placed" not in text


def test_map_png_has_no_empty_legend_rows(fixture_store, prep):
    view = _view(fixture_store, prep)
    text = static_map.map_text("t", _stamp(fixture_store, prep, None))
    fig = static_map.map_figure(view.iloc[:2], fixture_store.boundary("nhs_region"), text)
    words = [t.get_text() for a in fig.axes for t in a.texts]
    assert "0 trusts" not in words
    shown = explorer.shown_segment(view.iloc[:2]).dropna().astype(int)
    assert {w for w in words if w in {f"S{k}" for k in range(1, 6)}} == {f"S{k}" for k in shown}


def test_area_name_is_moved_clear_of_a_crowd_of_trusts():
    """A small area full of trusts (London on an England map): its name goes where no trust is."""
    import geopandas as gpd
    import shapely
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    big = shapely.box(0, 0, 400_000, 400_000).difference(
        shapely.box(180_000, 180_000, 220_000, 220_000)
    )
    small = shapely.box(180_000, 180_000, 220_000, 220_000)
    areas = gpd.GeoDataFrame(
        {"code": ["A", "L"], "name": ["Shire", "London"]}, geometry=[big, small]
    )
    gx, gy = np.meshgrid(np.linspace(182_000, 218_000, 7), np.linspace(182_000, 218_000, 7))
    xy = (gx.ravel(), gy.ravel())
    fig = Figure(figsize=(8, 8), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 400_000)
    ax.set_ylim(0, 400_000)
    ax.scatter(*xy, s=80)
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    static_map._area_labels(ax, areas, xy, halo, [])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pts = ax.transData.transform(np.column_stack(xy))
    for t in ax.texts:
        if t.get_text() not in {"Shire", "London"}:
            continue
        box = t.get_window_extent(renderer)
        assert not any(box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1 for x, y in pts), (
            t.get_text()
        )
    london = next(t for t in ax.texts if t.get_text() == "London")
    assert not small.contains(shapely.Point(london.get_position()))  # moved out, with a leader line

"""Build the pydeck map: trusts as segment-coloured points over boundary polygons.

Pure functions from tables to a `pydeck.Deck`, so the map is testable without a browser and the
same styling serves the app and the static PNG export. Layer ids are fixed and rows are sorted by
ODS code, so a click selection (indexed by layer id and row) stays on the same trust across reruns.
Every layer carries the same tooltip fields (pydeck has one tooltip template for all layers).
"""

from __future__ import annotations

import functools
import importlib
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from league_atlas import config
from league_atlas.views import presentation as ui
from league_atlas.views.explorer import shown_segment

TRUST_LAYER_ID = "trusts"
BOUNDARY_LAYER_ID = "boundaries"
FOCUS_LAYER_ID = "focus"
LABEL_LAYER_ID = "segment-labels"
RING_LAYER_ID = "segment-rings"
LABEL_FONT_PX = 13
LABEL_OFFSET_PX = 16
SELECTED_LAYER_ID = "selected"
TOOLTIP_FIELDS = ("tt_title", "tt_l1", "tt_l2", "tt_l3")
TOOLTIP = {
    "html": "<b>{tt_title}</b><br/>{tt_l1}<br/>{tt_l2}<br/>{tt_l3}",
    "style": {
        "backgroundColor": ui.NHS_DARK_GREY,
        "color": "white",
        "fontFamily": "Arial",
        "fontSize": "14px",
    },
}
ENGLAND_VIEW = {"latitude": 52.8, "longitude": -1.6, "zoom": 5.4, "pitch": 0, "bearing": 0}
# England's extent (lon/lat degrees, Isles of Scilly to the Wash, Lizard to Berwick): fitted to
# the map's height so the whole country shows in the first screen at any size.
ENGLAND_BOUNDS = (-6.4, 49.9, 1.8, 55.8)


def _fmt_rank(x) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{int(x)}"


def trust_points(view: pd.DataFrame, *, n_trusts: int | None = None) -> pd.DataFrame:
    """Rows for the ScatterplotLayer: only trusts with a location, sorted by ODS code.

    `view` needs trust_code, trust_name, lat, lon, segment, final_segment, rank, official_rank,
    rank_change, average_score; an optional likely_rank_text is added to the rank line.
    """
    df = view.dropna(subset=["lat", "lon"]).sort_values("trust_code").reset_index(drop=True)
    n = n_trusts or len(view)
    out = pd.DataFrame({"trust_code": df["trust_code"], "trust_name": df["trust_name"]})
    out["lon"] = df["lon"].round(5)
    out["lat"] = df["lat"].round(5)
    shown = shown_segment(df)
    styles = [ui.segment_style(s) for s in shown.to_numpy(dtype=float, na_value=np.nan)]
    out["fill"] = [ui.rgba(s.fill) for s in styles]
    out["line"] = [ui.rgba(s.outline) for s in styles]
    out["line_width"] = [s.outline_width for s in styles]
    out["ring"] = [ui.rgba(s.ring) if s.ring else [0, 0, 0, 0] for s in styles]
    out["seg_label"] = [s.label for s in styles]
    out["label_priority"] = shown.fillna(0).astype(int).to_numpy()
    out["radius"] = np.where(shown.eq(5).fillna(False), 4200, 3500)
    out["tt_title"] = df["trust_name"] + " (" + df["trust_code"] + ")"
    seg_txt = [
        f"Segment {s.label}" + (" (Recovery Support Programme)" if s.segment == 5 else "")
        for s in styles
    ]
    out["tt_l1"] = [
        f"{t} · average score {sc:.2f} (1 best - 4 worst)" if sc == sc else t
        for t, sc in zip(seg_txt, df["average_score"], strict=True)
    ]
    out["tt_l2"] = [
        f"Rank {_fmt_rank(r)} of {n} (official {_fmt_rank(o)})"
        for r, o in zip(df["rank"], df["official_rank"], strict=True)
    ]
    if "likely_rank_text" in df:  # NHS England's likely range (views.likely_ranges)
        out["tt_l2"] = [
            f"{t} · {x}" if isinstance(x, str) and x else t
            for t, x in zip(out["tt_l2"], df["likely_rank_text"], strict=True)
        ]
    out["tt_l3"] = [
        f"Rank change: {ui.rank_change_arrow(c)} places" if c == c else ""
        for c in df["rank_change"]
    ]
    if "location_approximate" in df:
        approx = df["location_approximate"].fillna(False).astype(bool).to_numpy()
        out.loc[approx, "tt_l3"] = out.loc[approx, "tt_l3"].map(
            lambda s: (s + " · " if s else "") + ui.APPROXIMATE_LOCATION
        )
    return out


@dataclass(frozen=True)
class AreaStat:
    """A choropleth: the value per boundary code, its label and how to colour it."""

    values: pd.Series  # index = boundary code
    label: str
    diverging: bool = False
    unit: str = ""


def area_stats(view: pd.DataFrame, code_col: str, measure: str) -> AreaStat | None:
    """Aggregate trusts to the boundary layer: share in S3-4, mean score, or mean rank change."""
    if measure == "none" or code_col not in view:
        return None
    g = view.dropna(subset=[code_col]).groupby(code_col)
    label = ui.CHOROPLETHS[measure]
    if measure == "share_s34":
        return AreaStat(g["segment"].apply(lambda s: 100.0 * (s >= 3).mean()), label, unit="%")
    if measure == "mean_score":
        return AreaStat(g["average_score"].mean(), label, unit="score")
    if measure == "mean_rank_change":
        return AreaStat(g["rank_change"].mean(), label, diverging=True, unit="places")
    raise ValueError(f"unknown choropleth measure {measure!r}; valid: {', '.join(ui.CHOROPLETHS)}")


def _colour_for(stat: AreaStat, v: float) -> str:
    if v != v:
        return ui.NHS_GREY_5
    vals = stat.values.dropna()
    if stat.diverging:
        m = max(float(vals.abs().max()), 1e-9)
        return ui.interpolate(ui.DIVERGING, 0.5 + 0.5 * v / m)
    lo, hi = float(vals.min()), float(vals.max())
    return ui.interpolate(ui.SEQUENTIAL, 0.0 if hi == lo else (v - lo) / (hi - lo))


def boundary_geojson(gdf, stat: AreaStat | None, trusts_per_area: pd.Series | None = None) -> dict:
    """GeoJSON FeatureCollection for the polygon layer, with fill colours and tooltip fields."""
    feats = []
    for code, name, geom in zip(gdf["code"], gdf["name"], gdf.geometry, strict=True):
        n = int(trusts_per_area.get(code, 0)) if trusts_per_area is not None else None
        if stat is not None:
            v = float(stat.values.get(code, float("nan")))
            fill = ui.rgba(_colour_for(stat, v), 170)
            vtxt = (
                "no trusts"
                if v != v
                else f"{v:+.1f} {stat.unit}"
                if stat.diverging
                else f"{v:.2f} {stat.unit}"
            )
            l1 = f"{stat.label}: {vtxt}"
        else:
            fill = ui.rgba(ui.NHS_PALE_GREY, 110)
            l1 = ""
        feats.append(
            {
                "type": "Feature",
                "geometry": geom.__geo_interface__,
                "properties": {
                    "code": code,
                    "fill": fill,
                    "tt_title": f"{name} ({code})",
                    "tt_l1": l1,
                    "tt_l2": "" if n is None else f"{n} trust(s) of this type",
                    "tt_l3": "",
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def view_for_bounds(
    bounds: tuple[float, float, float, float] | None, *, width_px: int = 900, height_px: int = 560
) -> dict:
    """A view state that fits (minx, miny, maxx, maxy) in degrees; England when None."""
    if bounds is None:
        return dict(ENGLAND_VIEW)
    minx, miny, maxx, maxy = bounds
    lon = (minx + maxx) / 2
    lat = (miny + maxy) / 2
    span_x = max(maxx - minx, 0.05) * 1.15
    # deck.gl draws the Web Mercator world 512 px wide at zoom 0.
    zoom_x = math.log2(360 * width_px / (512 * span_x))
    y1, y2 = (math.log(math.tan(math.pi / 4 + math.radians(v) / 2)) for v in (miny, maxy))
    zoom_y = math.log2(2 * math.pi * height_px / (512 * max((y2 - y1) * 1.15, 1e-6)))
    return {
        "latitude": round(lat, 4),
        "longitude": round(lon, 4),
        "zoom": round(min(zoom_x, zoom_y, 11), 2),
        "pitch": 0,
        "bearing": 0,
    }


# pydeck tries to build a Jupyter widget on every Deck() to see whether ipywidgets is installed
# (about 10 ms a rerun, make bench); the answer cannot change within a process, so ask once.
_deck_module = importlib.import_module("pydeck.bindings.deck")
_deck_module.has_jupyter_extra = functools.cache(_deck_module.has_jupyter_extra)


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by 2 spaces, which triples the bytes
    a Streamlit rerun sends for boundary polygons (one coordinate per indented line)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def _ring_layers(points: pd.DataFrame) -> list[pdk.Layer]:
    """The outer rings (S4), drawn under the points: a wide stroke whose outer part shows beyond
    the point's own outline, so S4 reads as a ringed dot, not only a darker one."""
    if "ring" not in points or points.empty:
        return []
    ringed = points[[c[3] > 0 for c in points["ring"]]]
    if ringed.empty:
        return []
    return [
        pdk.Layer(
            "ScatterplotLayer",
            ringed,
            id=RING_LAYER_ID,
            pickable=False,
            stroked=True,
            filled=False,
            get_position=["lon", "lat"],
            get_line_color="ring",
            get_line_width=6,
            line_width_units="'pixels'",
            get_radius="radius",
            radius_min_pixels=5,
            radius_max_pixels=14,
        )
    ]


def _label_layer(points: pd.DataFrame, view_state: dict, selected: str | None) -> pdk.Layer:
    """S-labels for the points whose labels fit without overlapping at the opening zoom
    (zooming in only moves them apart); the table behind the map still names every trust."""
    return pdk.Layer(
        "TextLayer",
        label_points(points, view_state, selected=selected),
        id=LABEL_LAYER_ID,
        pickable=False,
        get_position=["lon", "lat"],
        get_text="seg_label",
        get_size=LABEL_FONT_PX,
        get_color=ui.rgba(ui.NHS_TEXT),
        get_pixel_offset=[0, -LABEL_OFFSET_PX],
        font_family='"Arial"',
        font_weight=700,
        background=True,
        get_background_color=ui.rgba(ui.NHS_WHITE, 220),
    )


def build_deck(
    points: pd.DataFrame,
    polygons: dict | None,
    view_state: dict,
    *,
    basemap: bool | None = None,
    labels: bool = False,
    selected: str | None = None,
    focus_outline: dict | None = None,
) -> pdk.Deck:
    """The map: optional boundary polygons, trust points with outlines, optional S1-S5 labels.

    With `basemap` False no tiles are requested at all, so the map renders offline and in CI;
    None follows the deployment's setting (`config.basemap()`).
    """
    if basemap is None:
        basemap = config.basemap()
    layers = []
    if polygons is not None:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                polygons,
                id=BOUNDARY_LAYER_ID,
                pickable=True,
                stroked=True,
                filled=True,
                get_fill_color="properties.fill",
                get_line_color=ui.rgba(ui.NHS_DARK_GREY, 200),
                line_width_min_pixels=0.6,
            )
        )
    if focus_outline is not None:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                focus_outline,
                id=FOCUS_LAYER_ID,
                pickable=False,
                stroked=True,
                filled=False,
                get_line_color=ui.rgba(ui.NHS_TEXT),
                line_width_min_pixels=2.5,
            )
        )
    layers.extend(_ring_layers(points))
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            points,
            id=TRUST_LAYER_ID,
            pickable=True,
            stroked=True,
            filled=True,
            get_position=["lon", "lat"],
            get_fill_color="fill",
            get_line_color="line",
            get_line_width="line_width",
            line_width_units="'pixels'",  # quoted: pydeck reads bare strings as expressions
            get_radius="radius",
            radius_min_pixels=5,
            radius_max_pixels=14,
        )
    )
    if selected is not None and selected in set(points["trust_code"]):
        sel = points[points["trust_code"] == selected]
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                sel,
                id=SELECTED_LAYER_ID,
                pickable=False,
                stroked=True,
                filled=False,
                get_position=["lon", "lat"],
                get_line_color=ui.rgba(ui.NHS_WARM_YELLOW),
                line_width_min_pixels=4,
                get_radius="radius",
                radius_min_pixels=11,
                radius_max_pixels=22,
            )
        )
    if labels:
        layers.append(_label_layer(points, view_state, selected))
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view_state),
        map_style="light" if basemap else None,
        map_provider="carto" if basemap else None,
        tooltip=TOOLTIP,
    )


def _pixel_xy(lat: np.ndarray, lon: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel position at `zoom` (deck.gl: a 512-px world at zoom 0)."""
    scale = 512 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2 * scale
    return x, y


def label_boxes(points: pd.DataFrame, zoom: float, *, font_px: int = LABEL_FONT_PX) -> pd.DataFrame:
    """Screen boxes (x0, y0, x1, y1 in pixels at `zoom`) of each point's S-label, as the
    TextLayer draws it: centred above the point, with its background padding."""
    x, y = _pixel_xy(points["lat"].to_numpy(float), points["lon"].to_numpy(float), zoom)
    w = np.array([0.62 * font_px * len(str(t)) + 6 for t in points["seg_label"]])
    h = font_px + 4
    cy = y - LABEL_OFFSET_PX
    return pd.DataFrame(
        {"x0": x - w / 2, "y0": cy - h / 2, "x1": x + w / 2, "y1": cy + h / 2},
        index=points.index,
    )


def label_points(
    points: pd.DataFrame, view_state: dict, *, selected: str | None = None, gap_px: float = 2.0
) -> pd.DataFrame:
    """The points whose labels fit without overlapping at the view's zoom: greedy, the selected
    trust first, then the most serious segment (S5, S4, ...), then by ODS code for stability."""
    if points.empty:
        return points
    zoom = float(view_state.get("zoom", ENGLAND_VIEW["zoom"]))
    prio = points["label_priority"] if "label_priority" in points else pd.Series(0, points.index)
    order = (
        pd.DataFrame(
            {
                "sel": (points["trust_code"] != selected).astype(int),
                "prio": -prio.astype(int),
                "code": points["trust_code"],
            },
            index=points.index,
        )
        .sort_values(["sel", "prio", "code"])
        .index
    )
    boxes = label_boxes(points, zoom)
    kept: list = []
    taken = np.empty((0, 4))
    for i in order:
        b = boxes.loc[i].to_numpy()
        if len(taken):
            clash = (
                (taken[:, 0] < b[2] + gap_px)
                & (b[0] < taken[:, 2] + gap_px)
                & (taken[:, 1] < b[3] + gap_px)
                & (b[1] < taken[:, 3] + gap_px)
            )
            if clash.any():
                continue
        kept.append(i)
        taken = np.vstack([taken, b])
    return points.loc[sorted(kept)]


def selected_trust(event_selection: dict | None, points: pd.DataFrame) -> str | None:
    """The ODS code of the clicked trust from a `st.pydeck_chart` selection, else None.

    Kept here (pure) because AppTest cannot click a map: the mapping is unit-tested instead.
    """
    if not event_selection:
        return None
    objects = (event_selection.get("objects") or {}).get(TRUST_LAYER_ID) or []
    if objects and isinstance(objects[0], dict) and objects[0].get("trust_code"):
        return str(objects[0]["trust_code"])
    indices = (event_selection.get("indices") or {}).get(TRUST_LAYER_ID) or []
    if indices and 0 <= int(indices[0]) < len(points):
        return str(points.iloc[int(indices[0])]["trust_code"])
    return None


def value_points(
    df: pd.DataFrame,
    value_col: str,
    *,
    label: str,
    unit: str,
    better: str = "lower",
    detail_col: str | None = None,
) -> pd.DataFrame:
    """Trust points coloured by any value on the NHS sequential ramp, darker = worse end (as
    segments and every other map).

    `df` needs trust_code, trust_name, lat, lon and `value_col`; `better` is "lower" or "higher"
    and only orients the ramp. Missing values get the explicit no-data fill.
    """
    d = df.dropna(subset=["lat", "lon"]).sort_values("trust_code").reset_index(drop=True)
    v = d[value_col].astype(float)
    out = pd.DataFrame(
        {
            "trust_code": d["trust_code"],
            "trust_name": d["trust_name"],
            "lon": d["lon"].round(5),
            "lat": d["lat"].round(5),
        }
    )
    fills, lines = [], []
    for colour in ui.ramp_colours(v, reverse=better == "higher"):
        if colour is None:
            fills.append(ui.rgba(ui.NO_SEGMENT.fill))
            lines.append(ui.rgba(ui.NO_SEGMENT.outline))
        else:
            fills.append(ui.rgba(colour))
            lines.append(
                ui.rgba(ui.NHS_WHITE if ui.relative_luminance(colour) < 0.2 else ui.NHS_TEXT)
            )
    out["fill"], out["line"] = fills, lines
    out["line_width"] = 1
    out["radius"] = 3500
    out["seg_label"] = ["n/a" if x != x else f"{x:.3g}" for x in v]
    out["tt_title"] = d["trust_name"] + " (" + d["trust_code"] + ")"
    out["tt_l1"] = [f"{label}: {'no data' if x != x else f'{x:.2f} {unit}'}" for x in v]
    out["tt_l2"] = d[detail_col].astype(str) if detail_col else ""
    out["tt_l3"] = f"{better.capitalize()} is better"
    return out

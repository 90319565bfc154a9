"""What the browser needs to re-score the league and redraw the map while a slider moves.

The live map (league_atlas_ui.live_map) recomputes every trust's average score, segment, league
position and rank change in the browser, so dragging a weight needs no server round trip. This
module turns one view into that JSON, once per view: the release's prepared arrays (item scores,
domains, cut-points, override flags, published values; the rules are those of
`league_atlas.scoring.engine`), the weights and their slider spec, the styles a segment is drawn
with, and the map itself as described by `league_atlas.render.mapview` (pydeck layers, view,
tooltip), plus the area names drawn on the map and the bounds of the focus area.

Plain JSON types only: NaN becomes null (the browser reads null as "missing").
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from league_atlas.render import mapview
from league_atlas.scoring.preparation import Prepared
from league_atlas.scoring.weights import Weights
from league_atlas.views import presentation as ui

AREA_LABEL_LAYER_ID = "area-labels"
FOCUS_PADDING_PX = 36


def _clean(x: Any) -> Any:
    """NaN/inf -> None, NumPy scalars and arrays -> Python, recursively (json.dumps would write
    NaN). Arrays are converted whole (a per-element walk cost ~25 ms a rerun)."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f":
            out = x.astype(object)
            out[~np.isfinite(x)] = None
            return out.tolist()
        if x.dtype.kind in "biu":
            return x.tolist()
        return _clean(x.tolist())
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return v if math.isfinite(v) else None
    return x


def _json(text: str) -> Any:
    """Parse JSON that may hold NaN or Infinity (pydeck writes them) with those as null."""
    return json.loads(text, parse_constant=lambda _: None)


def league_payload(prepared: Prepared) -> dict:
    """The prepared arrays of one (quarter, trust type), in `prepared.trust_codes` order."""
    scores = np.where(prepared.mask, prepared.scores, np.nan)
    return _clean(
        {
            "trustType": prepared.trust_type,
            "quarter": prepared.quarter,
            "trustCodes": [str(c) for c in prepared.trust_codes],
            "itemKeys": list(prepared.item_keys),
            "itemDomains": list(prepared.item_domains),
            "domains": list(prepared.domains),
            "scores": scores,
            "recomputed": prepared.recomputed,
            "publishedAverage": prepared.published_average,
            "publishedUnadjusted": prepared.published_unadjusted,
            "publishedSegment": prepared.published_segment,
            "publishedRank": prepared.published_rank,
            "overrideFlag": prepared.override_flag,
            "inSupport": prepared.in_support,
            "doubledCuts": np.asarray(prepared.cut_points.doubled, dtype=float),
            "overrideFloor": prepared.rules.override_floor,
            "supportSegment": prepared.rules.support_segment,
            "decimals": prepared.decimals,
        }
    )


def segment_styles() -> dict:
    """Fill, outline, width and S-label of each segment (0 = no segment), from presentation."""
    styles = {**ui.SEGMENTS, 0: ui.NO_SEGMENT}
    return {
        str(k): {
            "fill": ui.rgba(s.fill),
            "line": ui.rgba(s.outline),
            "lineWidth": s.outline_width,
            "label": s.label,
            "meaning": s.meaning,
        }
        for k, s in styles.items()
    }


def area_labels(gdf) -> list[dict]:
    """One label per area at a point inside it, largest areas first (they win label collisions)."""
    if gdf is None or len(gdf) == 0:
        return []
    inside = gdf.geometry.representative_point()
    area = gdf.geometry.to_crs(3857).area if gdf.crs is not None else gdf.geometry.area
    rows = [
        {"code": str(c), "name": str(n), "lon": round(p.x, 4), "lat": round(p.y, 4), "size": a}
        for c, n, p, a in zip(gdf["code"], gdf["name"], inside, area, strict=True)
    ]
    rows.sort(key=lambda r: -r["size"])
    for i, r in enumerate(rows):
        r["priority"] = len(rows) - i
        del r["size"]
    return rows


def area_label_layer(labels: list[dict]) -> pdk.Layer:
    """Area names over the map (readable without basemap tiles); the collision filter keeps only
    labels that do not overlap, larger areas first."""
    return pdk.Layer(
        "TextLayer",
        labels,
        id=AREA_LABEL_LAYER_ID,
        pickable=False,
        get_position=["lon", "lat"],
        get_text="name",
        get_size=12,
        get_color=ui.rgba(ui.NHS_DARK_GREY),
        font_family='"Arial"',
        font_weight=700,
        outline_width=3,
        outline_color=ui.rgba(ui.NHS_WHITE),
        font_settings={"sdf": True},
        collision_enabled=True,
        get_collision_priority="priority",
        collision_test_props={"sizeScale": 1.25},
        extensions=[{"@@type": "CollisionFilterExtension"}],
    )


def live_map_payload(
    prepared: Prepared,
    view: pd.DataFrame,
    deck: pdk.Deck,
    *,
    weights: Weights,
    segment_method: str,
    financial_override: bool,
    code_col: str | None,
    measure: str,
    area_stat: mapview.AreaStat | None,
    focus_codes: list[str],
    bounds: tuple[float, float, float, float] | None,
    labels: list[dict],
    selected: str | None,
    where: str,
) -> dict:
    """Everything the live map component needs for one view, as plain JSON.

    `view` is the league view under the current weights (explorer.league_view) joined to places;
    `deck` is the pydeck description of the map (mapview.build_deck); `focus_codes` are the trusts
    inside the focus area (all of them for England); `bounds` the box to frame (minx, miny, maxx,
    maxy), with padding added in the browser.
    """
    league = league_payload(prepared)
    names = dict(zip(view["trust_code"], view["trust_name"], strict=True))
    area_of = {}
    if code_col and code_col in view:
        area_of = dict(zip(view["trust_code"], view[code_col], strict=True))
    spec = _json(deck.to_json())  # already plain JSON types: not walked again below
    if labels:
        spec["layers"].append(
            _json(pdk.Deck(layers=[area_label_layer(labels)]).to_json())["layers"][0]
        )
    w = weights.validate(prepared) if weights else Weights()
    payload = _clean(
        {
            "names": [names.get(c, c) for c in league["trustCodes"]],
            "areaOf": [area_of.get(c) for c in league["trustCodes"]],
            "weights": {
                "domains": {d: w.domains.get(d, 1.0) for d in prepared.domains},
                "metrics": dict(w.metrics),
                "spec": {
                    "min": ui.DOMAIN_WEIGHT.min_value,
                    "max": ui.DOMAIN_WEIGHT.max_value,
                    "step": ui.DOMAIN_WEIGHT.step,
                    "default": ui.DOMAIN_WEIGHT.default,
                    "help": ui.DOMAIN_WEIGHT.help,
                },
            },
            "method": {"segmentMethod": segment_method, "financialOverride": financial_override},
            "tooltip": mapview.TOOLTIP,
            "layerIds": {
                "trusts": mapview.TRUST_LAYER_ID,
                "boundaries": mapview.BOUNDARY_LAYER_ID,
                "labels": mapview.LABEL_LAYER_ID,
                "selected": mapview.SELECTED_LAYER_ID,
                "focus": mapview.FOCUS_LAYER_ID,
                "areaLabels": AREA_LABEL_LAYER_ID,
            },
            "segments": segment_styles(),
            "choropleth": None
            if area_stat is None
            else {
                "measure": measure,
                "label": area_stat.label,
                "unit": area_stat.unit,
                "diverging": area_stat.diverging,
                "ramp": list(ui.DIVERGING if area_stat.diverging else ui.SEQUENTIAL),
                "noData": ui.NHS_GREY_5,
                "alpha": 170,
            },
            "focus": focus_codes,
            "bounds": list(bounds) if bounds is not None else None,
            "padding": FOCUS_PADDING_PX,
            "selected": selected,
            "where": where,
            "typeLabel": ui.TRUST_TYPE_LABELS.get(prepared.trust_type, prepared.trust_type),
        }
    )
    return {"league": league, **payload, "deck": spec}  # league and deck: clean already

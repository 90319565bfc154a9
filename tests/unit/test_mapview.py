"""The map builder: stable layer ids and row order, tooltips with units, selection mapping."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from league_atlas.render import mapview
from league_atlas.views import presentation as ui


def _view():
    return pd.DataFrame(
        {
            "trust_code": ["X03", "X01", "X02", "X04"],
            "trust_name": ["C", "A", "B <script>", "D"],
            "lat": [52.0, 51.5, 53.0, np.nan],
            "lon": [-1.0, -0.1, -2.0, np.nan],
            "segment": [2, 1, 4, 3],
            "final_segment": [np.nan, np.nan, 5, np.nan],
            "rank": [2, 1, 4, 3],
            "official_rank": [3, 1, 4, 2],
            "rank_change": [1, 0, 0, -1],
            "average_score": [2.1, 1.5, 3.2, 2.5],
            "icb23_code": ["E1", "E1", "E2", None],
        }
    )


def test_points_sorted_by_code_unlocated_dropped_and_s5_distinct():
    pts = mapview.trust_points(_view())
    assert list(pts["trust_code"]) == ["X01", "X02", "X03"]
    s5 = pts.set_index("trust_code").loc["X02"]
    assert s5["seg_label"] == "S5" and s5["fill"] == ui.rgba(ui.SEGMENTS[5].fill)
    assert "(1 best - 4 worst)" in s5["tt_l1"] and "of 4" in s5["tt_l2"]
    assert pts.set_index("trust_code").loc["X03", "tt_l3"] == "Rank change: ▲ 1 places"


def test_deck_has_fixed_layer_ids_and_no_tiles_offline():
    pts = mapview.trust_points(_view())
    gdf = gpd.GeoDataFrame(
        {"code": ["E1", "E2"], "name": ["One", "Two"]},
        geometry=[box(-1, 51, 0, 52), box(-3, 52, -1, 54)],
        crs=4326,
    )
    stat = mapview.area_stats(_view(), "icb23_code", "share_s34")
    assert stat.values.to_dict() == {"E1": 0.0, "E2": 100.0}
    polys = mapview.boundary_geojson(gdf, stat)
    deck = mapview.build_deck(
        pts, polys, mapview.ENGLAND_VIEW, selected="X01", labels=True, basemap=False
    )
    spec = json.loads(deck.to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == [
        mapview.BOUNDARY_LAYER_ID,
        mapview.TRUST_LAYER_ID,
        mapview.SELECTED_LAYER_ID,
        mapview.LABEL_LAYER_ID,
    ]
    assert spec.get("mapStyle") in (None, "")
    assert set(mapview.TOOLTIP_FIELDS) <= set(polys["features"][0]["properties"])


def test_rank_change_choropleth_is_diverging():
    stat = mapview.area_stats(_view(), "icb23_code", "mean_rank_change")
    assert stat.diverging and stat.values["E1"] == 0.5


def test_view_for_bounds_zooms_in_on_small_areas():
    england = mapview.view_for_bounds((-6, 50, 2, 56))
    small = mapview.view_for_bounds((-0.5, 51.3, 0.3, 51.7))
    assert small["zoom"] > england["zoom"] + 2
    assert mapview.view_for_bounds(None) == mapview.ENGLAND_VIEW


def test_selection_by_object_or_index():
    pts = mapview.trust_points(_view())
    assert mapview.selected_trust({"objects": {"trusts": [{"trust_code": "X02"}]}}, pts) == "X02"
    assert mapview.selected_trust({"indices": {"trusts": [2]}}, pts) == "X03"
    assert mapview.selected_trust({"indices": {"boundaries": [0]}}, pts) is None
    assert mapview.selected_trust(None, pts) is None

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


def _city(n: int = 40, seed: int = 3) -> pd.DataFrame:
    """Many trusts crowded into a few cities, as in London and Manchester."""
    rng = np.random.default_rng(seed)
    centres = [(51.5, -0.12), (53.48, -2.24), (52.48, -1.9)]
    rows = []
    for i in range(n):
        lat, lon = centres[i % 3]
        rows.append(
            {
                "trust_code": f"R{i:02d}",
                "trust_name": f"T{i}",
                "lat": lat + rng.normal(0, 0.05),
                "lon": lon + rng.normal(0, 0.08),
                "segment": 1 + i % 4,
                "final_segment": 5 if i % 7 == 0 else np.nan,
                "rank": i + 1,
                "official_rank": i + 1,
                "rank_change": 0,
                "average_score": 2.0,
            }
        )
    return pd.DataFrame(rows)


def _overlaps(boxes: pd.DataFrame) -> int:
    b = boxes.to_numpy()
    n = 0
    for i in range(len(b)):
        for j in range(i + 1, len(b)):
            if b[i, 0] < b[j, 2] and b[j, 0] < b[i, 2] and b[i, 1] < b[j, 3] and b[j, 1] < b[i, 3]:
                n += 1
    return n


def test_s_labels_never_overlap_at_the_opening_zoom():
    pts = mapview.trust_points(_city())
    view = mapview.view_for_bounds(mapview.ENGLAND_BOUNDS, width_px=640, height_px=520)
    assert _overlaps(mapview.label_boxes(pts, view["zoom"])) > 0, "the fixture must crowd"
    kept = mapview.label_points(pts, view)
    assert 3 <= len(kept) < len(pts)
    assert _overlaps(mapview.label_boxes(kept, view["zoom"])) == 0
    # The most serious segments are labelled first, and a selected trust always is.
    assert (kept["label_priority"] == 5).any()
    chosen = pts[~pts["trust_code"].isin(kept["trust_code"])]["trust_code"].iloc[0]
    assert chosen in set(mapview.label_points(pts, view, selected=chosen)["trust_code"])
    deck = json.loads(mapview.build_deck(pts, None, view, labels=True).to_json())
    text = [la for la in deck["layers"] if la["id"] == mapview.LABEL_LAYER_ID][0]
    assert len(text["data"]) == len(kept)


def test_s4_has_a_ring_layer_and_s3_does_not():
    pts = mapview.trust_points(_city(8))
    ringed = pts[[c[3] > 0 for c in pts["ring"]]]
    assert set(ringed["seg_label"]) == {"S4"}
    deck = json.loads(mapview.build_deck(pts, None, mapview.ENGLAND_VIEW).to_json())
    ids = [la["id"] for la in deck["layers"]]
    assert ids.index(mapview.RING_LAYER_ID) < ids.index(mapview.TRUST_LAYER_ID)


def test_value_points_darker_is_worse():
    df = _city(3).assign(v=[1.0, 2.0, 3.0])
    lower_better = mapview.value_points(df, "v", label="x", unit="%", better="lower")
    higher_better = mapview.value_points(df, "v", label="x", unit="%", better="higher")

    def lum(pts):
        return [ui.relative_luminance("#{:02X}{:02X}{:02X}".format(*c[:3])) for c in pts["fill"]]

    assert lum(lower_better)[2] < lum(lower_better)[0]  # the highest (worst) value darkest
    assert lum(higher_better)[0] < lum(higher_better)[2]  # the lowest (worst) value darkest


def test_england_fits_the_map_box():
    for w, h in ((640, 520), (800, 430)):
        v = mapview.view_for_bounds(mapview.ENGLAND_BOUNDS, width_px=w, height_px=h)
        x0, y0 = mapview._pixel_xy(np.array([55.8]), np.array([-6.4]), v["zoom"])
        x1, y1 = mapview._pixel_xy(np.array([49.9]), np.array([1.8]), v["zoom"])
        assert float(x1[0] - x0[0]) <= w and float(y1[0] - y0[0]) <= h

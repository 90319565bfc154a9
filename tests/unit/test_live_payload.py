"""The live map's JSON: NaN and infinities become null, NumPy becomes plain Python."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from league_atlas.render import live_payload


def test_arrays_become_plain_lists_with_null_for_missing():
    out = live_payload._clean(
        {
            "scores": np.array([[1.0, np.nan], [np.inf, 2.5]]),
            "flags": np.array([True, False]),
            "ranks": np.array([3, 1], dtype=np.int64),
            "one": np.float64("nan"),
            "n": np.int32(4),
        }
    )
    assert out == {
        "scores": [[1.0, None], [None, 2.5]],
        "flags": [True, False],
        "ranks": [3, 1],
        "one": None,
        "n": 4,
    }
    assert type(out["scores"][0][0]) is float and type(out["ranks"][0]) is int
    json.dumps(out, allow_nan=False)  # strict JSON, as the browser parses it


def test_pydeck_nan_is_read_as_null():
    assert live_payload._json('{"a": NaN, "b": [Infinity, -Infinity, 1.5]}') == {
        "a": None,
        "b": [None, None, 1.5],
    }


def test_area_labels_put_larger_areas_first():
    gdf = gpd.GeoDataFrame(
        {"code": ["S", "L"], "name": ["Small", "Large"]},
        geometry=[box(0, 50, 0.1, 50.1), box(1, 50, 3, 52)],
        crs=4326,
    )
    labels = live_payload.area_labels(gdf)
    assert [r["code"] for r in labels] == ["L", "S"]
    assert labels[0]["priority"] > labels[1]["priority"]
    assert 1 < labels[0]["lon"] < 3 and 50 < labels[0]["lat"] < 52

"""Distances to central London and to the nearest LAD with a university campus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fixtures.context import workbooks as wb
from league_atlas.context import distance
from league_atlas.errors import InputError


def test_lad_centroids_in_bng():
    cent = distance.lad_centroids(wb.HERE / "lad_2024.geojson")
    assert set(cent.index) == {"E06000001", "E06000066", "E08000016", "E09000001", "E09000002"}
    x, y = distance.to_bng(np.array([51.515]), np.array([-0.092]))
    # The City square is centred on (51.515, -0.092): its BNG centroid is within a few metres.
    assert np.hypot(cent.loc["E09000001", "x"] - x[0], cent.loc["E09000001", "y"] - y[0]) < 20


def test_distance_to_central_london():
    x, y = distance.to_bng(
        np.array([distance.CENTRAL_LONDON[0], 52.4862]),
        np.array([distance.CENTRAL_LONDON[1], -1.8904]),
    )
    km = distance.distance_to_point_km(x, y, *distance.CENTRAL_LONDON)
    assert km[0] == pytest.approx(0.0, abs=1e-6)
    assert km[1] == pytest.approx(163, abs=3)  # Birmingham city centre, ~163 km in a straight line


def test_trust_point_falls_back_to_lad_centroid():
    cent = pd.DataFrame({"x": [530000.0], "y": [190000.0]}, index=["E09000002"])
    trusts = pd.DataFrame(
        {"lat": [np.nan, np.nan], "lon": [np.nan, np.nan], "lad_code": ["E09000002", None]}
    )
    x, y = distance.trust_points(trusts, cent)
    assert x[0] == 530000.0 and y[0] == 190000.0
    assert np.isnan(x[1])


def test_nearest_university_by_lad():
    cent = pd.DataFrame(
        {"x": [0.0, 3000.0, 10000.0, 0.0], "y": [0.0, 4000.0, 0.0, 50000.0]},
        index=["A", "B", "C", "D"],
    )
    km = distance.nearest_university_km(["A", "B", "D", "Z", None], cent, {"B", "C"})
    assert km[0] == pytest.approx(5.0)  # A -> B (3-4-5 triangle), nearer than C (10 km)
    assert km[1] == 0.0  # own LAD has a university
    assert km[2] == pytest.approx(np.hypot(3, 46))
    assert np.isnan(km[3]) and np.isnan(km[4])
    with pytest.raises(InputError, match="no university LAD"):
        distance.nearest_university_km(["A"], cent, {"Q"})

"""Boundary layers: loading and checks, coverage simplification, GeoParquet round trip."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from league_atlas.errors import InputError
from league_atlas.places import boundaries, registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "geo"
DATA = FIXTURES / "datadir"


@pytest.fixture(scope="module")
def specs():
    return registry.parse_layers_spec(FIXTURES / "layers.toml")


def test_load_layers_returns_checked_wgs84_code_name_geometry(specs):
    layers = boundaries.load_layers(DATA, specs)
    assert {k: len(v) for k, v in layers.items()} == {
        "icb23": 3,
        "icb26": 2,
        "nhs_region": 2,
        "lad": 4,
    }
    for gdf in layers.values():
        assert list(gdf.columns) == ["code", "name", "geometry"]
        assert gdf.crs.to_epsg() == 4326
    assert not layers["lad"]["code"].str.startswith("W").any()
    assert layers["nhs_region"].set_index("code").loc["E40000013", "name"] == "East of England"


def _layer_file(tmp_path: Path, features: list[dict]) -> Path:
    src = json.loads((DATA / "raw/icb_2023/icb_2023_bsc.geojson").read_text())
    src["features"] = features
    path = tmp_path / "layer.geojson"
    path.write_text(json.dumps(src))
    return path


def _read(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(path)


def test_wrong_feature_count_fails_with_file_and_expected_count(tmp_path, specs):
    src = json.loads((DATA / "raw/icb_2023/icb_2023_bsc.geojson").read_text())
    path = _layer_file(tmp_path, src["features"][:2])
    with pytest.raises(InputError, match=r"layer\.geojson: layer icb23: 2 features.*expected 3"):
        boundaries.check_layer(_read(path), specs["icb23"], str(path))


def test_missing_code_column_fails_naming_the_column(tmp_path, specs):
    path = DATA / "raw/icb_2026/icb_2026_bsc.geojson"
    with pytest.raises(InputError, match="no column 'ICB23CD'.*ICB26CD"):
        boundaries.check_layer(_read(path), specs["icb23"], str(path))


def test_duplicate_and_malformed_codes_fail(tmp_path, specs):
    src = json.loads((DATA / "raw/icb_2023/icb_2023_bsc.geojson").read_text())
    feats = src["features"]
    feats[1]["properties"]["ICB23CD"] = feats[0]["properties"]["ICB23CD"]
    path = _layer_file(tmp_path, feats)
    with pytest.raises(InputError, match="appear more than once"):
        boundaries.check_layer(_read(path), specs["icb23"], str(path))
    feats[1]["properties"]["ICB23CD"] = "Q54000001"
    path = _layer_file(tmp_path, feats)
    with pytest.raises(InputError, match=r"Q54000001 do not match.*E54"):
        boundaries.check_layer(_read(path), specs["icb23"], str(path))


def test_layer_without_crs_fails(specs):
    gdf = _read(DATA / "raw/icb_2023/icb_2023_bsc.geojson").set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="no CRS"):
        boundaries.check_layer(gdf, specs["icb23"], "x.geojson")


def test_layer_in_british_national_grid_is_reprojected(specs):
    gdf = _read(DATA / "raw/icb_2023/icb_2023_bsc.geojson").to_crs(27700)
    out = boundaries.check_layer(gdf, specs["icb23"], "bng.geojson")
    assert out.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = out.total_bounds
    assert minx == pytest.approx(-0.4, abs=1e-6) and maxy == pytest.approx(51.6, abs=1e-6)


def test_invalid_ring_is_repaired_and_counted(tmp_path, specs):
    src = json.loads((DATA / "raw/icb_2023/icb_2023_bsc.geojson").read_text())
    # A bow-tie (self-intersecting ring) in place of the first square.
    src["features"][0]["geometry"]["coordinates"] = [
        [[-0.4, 51.4], [-0.2, 51.6], [-0.2, 51.4], [-0.4, 51.6], [-0.4, 51.4]]
    ]
    path = _layer_file(tmp_path, src["features"])
    out = boundaries.check_layer(_read(path), specs["icb23"], str(path))
    assert out.attrs["repaired"] == 1
    assert out.is_valid.all()
    assert set(out.geom_type) <= {"Polygon", "MultiPolygon"}


def _wiggly_pair() -> gpd.GeoDataFrame:
    """Two neighbours whose shared border zig-zags by ~50 m every ~100 m."""
    ys = np.linspace(51.4, 51.6, 200)
    xs = -0.2 + np.where(np.arange(200) % 2 == 0, 0.0, 0.0007)
    border = list(zip(xs, ys, strict=True))
    left = Polygon([(-0.4, 51.4), *border, (-0.4, 51.6)])
    right = Polygon([*border, (0.0, 51.6), (0.0, 51.4)])
    return gpd.GeoDataFrame(
        {"code": ["E1", "E2"], "name": ["Left", "Right"]}, geometry=[left, right], crs=4326
    )


def test_simplify_coverage_keeps_shared_border():
    gdf = _wiggly_pair()
    before = shapely.get_num_coordinates(gdf.geometry.values).sum()
    out = boundaries.simplify_for_web(gdf, tolerance=500, precision=0.0001)
    after = shapely.get_num_coordinates(out.geometry.values).sum()
    assert after < before / 10
    left, right = out.geometry
    shared = left.intersection(right)
    assert shared.length > 0.19  # still the whole 0.2-degree border
    assert left.intersection(right).area == 0
    assert shapely.coverage_is_valid(out.geometry.values)
    assert out.geometry.union_all().area == pytest.approx(gdf.geometry.union_all().area, rel=0.01)
    coords = shapely.get_coordinates(out.geometry.values)
    assert np.allclose(coords, np.round(coords, 4))
    assert out.attrs["precision"] == 0.0001 and out.attrs["tolerance_m"] == 500
    assert list(out["code"]) == ["E1", "E2"]


def test_web_layers_uses_each_spec(specs):
    layers = boundaries.load_layers(DATA, specs)
    web = boundaries.web_layers(layers, specs)
    assert set(web) == set(layers)
    assert all(len(web[k]) == len(layers[k]) for k in layers)


def test_write_and_read_layers_round_trip(tmp_path, specs):
    layers = boundaries.load_layers(DATA, specs)
    boundaries.write_layers(layers, tmp_path / "boundaries")
    assert sorted(p.name for p in (tmp_path / "boundaries").iterdir()) == [
        "icb23.parquet",
        "icb26.parquet",
        "lad.parquet",
        "nhs_region.parquet",
    ]
    back = boundaries.read_layer(tmp_path / "boundaries", "lad")
    assert back.crs.to_epsg() == 4326
    assert list(back["code"]) == list(layers["lad"]["code"])
    assert back.geometry.geom_equals(layers["lad"].geometry).all()
    with pytest.raises(InputError, match="no boundary layer 'ward'.*icb23"):
        boundaries.read_layer(tmp_path / "boundaries", "ward")


def test_missing_source_file_says_fetch(tmp_path, specs):
    with pytest.raises(InputError, match="fetch"):
        boundaries.load_layers(tmp_path, specs)

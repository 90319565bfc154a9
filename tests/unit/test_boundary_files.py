"""Boundary files in the formats people have, each made up here: shapefile (loose and zipped),
GeoPackage, GeoJSON; and every bad case refused with the file, the feature or column named."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from league_atlas.errors import InputError
from league_atlas.io import boundary_files as bf
from league_atlas.places import own_areas

BNG = "EPSG:27700"


def areas(n: int = 3, *, crs: str | None = BNG) -> gpd.GeoDataFrame:
    """n made-up 20 km squares side by side near London, on the British National Grid."""
    return gpd.GeoDataFrame(
        {
            "PLC23CD": [f"E99{i:06d}" for i in range(1, n + 1)],
            "PLC23NM": [f"Made-up place {i}" for i in range(1, n + 1)],
            "pop": list(range(n)),
        },
        geometry=[
            box(500_000 + 20_000 * i, 170_000, 520_000 + 20_000 * i, 190_000) for i in range(n)
        ],
        crs=crs,
    )


def write_shp(folder: Path, gdf: gpd.GeoDataFrame | None = None, stem: str = "places") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.shp"
    (gdf if gdf is not None else areas()).to_file(path, engine="pyogrio")
    return path


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, prefix + p.name)
    return target


def test_shapefile_is_reprojected_to_wgs84(tmp_path):
    got = bf.read_boundary_file(write_shp(tmp_path / "shp"))
    assert got.format == "ESRI shapefile" and got.source_crs == "EPSG:27700"
    assert got.crs_from == "file" and got.frame.crs.to_epsg() == 4326
    assert len(got.frame) == 3 and {"PLC23CD", "PLC23NM"} <= set(got.frame.columns)
    x0, y0, x1, y1 = got.frame.total_bounds
    assert -1.0 < x0 < x1 < 0.5 and 51.3 < y0 < y1 < 51.7  # near London, in degrees


def test_zipped_shapefile_reads_the_same_as_loose(tmp_path):
    shp = write_shp(tmp_path / "shp")
    z = zip_folder(shp.parent, tmp_path / "places.zip", prefix="inside/")
    loose = bf.read_boundary_file(shp).frame
    zipped = bf.read_boundary_file(z)
    assert "places.zip!inside/places.shp" in zipped.where
    assert zipped.frame.geom_equals_exact(loose.geometry, 1e-9).all()


def test_geopackage_layer_is_chosen_by_name(tmp_path):
    path = tmp_path / "areas.gpkg"
    areas(3).to_file(path, layer="places", engine="pyogrio")
    areas(2).to_file(path, layer="pcns", engine="pyogrio")
    with pytest.raises(InputError, match=r"areas\.gpkg: 2 layers: .*(places|pcns).*--layer"):
        bf.read_boundary_file(path)
    with pytest.raises(InputError, match=r"no layer 'nope'.*one of"):
        bf.read_boundary_file(path, layer="nope")
    got = bf.read_boundary_file(path, layer="pcns")
    assert len(got.frame) == 2 and got.layer == "pcns" and got.format == "GeoPackage"


def test_geojson_in_wgs84(tmp_path):
    path = tmp_path / "areas.geojson"
    areas().to_crs("EPSG:4326").to_file(path, driver="GeoJSON", engine="pyogrio")
    got = bf.read_boundary_file(path)
    assert got.format == "GeoJSON" and len(got.frame) == 3 and got.source_crs == "EPSG:4326"


def test_geojson_in_metres_without_crs_needs_crs(tmp_path):
    gj = json.loads(areas().to_json())
    gj.pop("crs", None)
    path = tmp_path / "bng.geojson"
    path.write_text(json.dumps(gj))
    with pytest.raises(InputError, match=r"bng\.geojson: coordinates outside.*EPSG:27700"):
        bf.read_boundary_file(path)
    got = bf.read_boundary_file(path, crs="EPSG:27700")
    assert got.crs_from == "argument" and got.frame.total_bounds[1] > 51


@pytest.mark.parametrize("sidecar", [".shx", ".dbf"])
def test_missing_sidecar_is_named(tmp_path, sidecar):
    shp = write_shp(tmp_path / "shp")
    shp.with_suffix(sidecar).unlink()
    with pytest.raises(
        InputError, match=rf"places\.shp: shapefile sidecar file\(s\) places\{sidecar} missing"
    ):
        bf.read_boundary_file(shp)
    z = zip_folder(shp.parent, tmp_path / "broken.zip")
    with pytest.raises(InputError, match=rf"broken\.zip!places\.shp.*places\{sidecar} missing"):
        bf.read_boundary_file(z)


def test_missing_crs_is_refused_unless_given(tmp_path):
    shp = write_shp(tmp_path / "shp")
    shp.with_suffix(".prj").unlink()
    with pytest.raises(InputError, match=r"places\.shp: no CRS declared.*--crs"):
        bf.read_boundary_file(shp)
    got = bf.read_boundary_file(shp, crs="EPSG:27700")
    assert got.crs_from == "argument" and got.source_crs == "EPSG:27700"


def test_unknown_or_conflicting_crs(tmp_path):
    shp = write_shp(tmp_path / "shp")
    with pytest.raises(InputError, match=r"unknown CRS 'EPSG:999999'"):
        bf.read_boundary_file(shp, crs="EPSG:999999")
    with pytest.raises(InputError, match=r"declares EPSG:27700 but EPSG:3857 was given"):
        bf.read_boundary_file(shp, crs="EPSG:3857")
    shp.with_suffix(".prj").write_text("PROJCS[nonsense")
    with pytest.raises(InputError, match=r"places\.shp: unknown CRS in places\.prj"):
        bf.read_boundary_file(shp)


def test_zip_with_path_outside_its_folder_is_refused(tmp_path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../outside.shp", b"x")
    with pytest.raises(
        InputError, match=r"evil\.zip: zip member '\.\./\.\./outside\.shp' points outside"
    ):
        bf.read_boundary_file(z)
    assert not (tmp_path.parent / "outside.shp").exists()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("/abs/places.shp", b"x")
    with pytest.raises(InputError, match="points outside"):
        bf.read_boundary_file(z)


def test_zip_that_unpacks_beyond_the_limit_is_refused(tmp_path):
    z = zip_folder(write_shp(tmp_path / "shp").parent, tmp_path / "places.zip")
    with pytest.raises(
        InputError, match=r"places\.zip: unpacks to .* bytes \(expected at most 100 bytes"
    ):
        bf.read_boundary_file(z, unzipped_limit=100)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.geojson", b"0" * 5_000_000)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InputError, match="unpacks to"):
        bf.read_boundary_file(bomb, unzipped_limit=1_000_000)


def test_too_many_features_is_refused(tmp_path, monkeypatch):
    shp = write_shp(tmp_path / "shp", areas(6))
    with pytest.raises(InputError, match=r"places\.shp: 6 features \(expected at most 5"):
        bf.read_boundary_file(shp, feature_limit=5)
    monkeypatch.setenv(bf.MAX_FEATURES_ENV, "4")
    with pytest.raises(InputError, match="LEAGUE_ATLAS_MAX_BOUNDARY_FEATURES"):
        bf.read_boundary_file(shp)


def test_upload_of_loose_shapefile_parts(tmp_path):
    shp = write_shp(tmp_path / "shp")
    files = {p.name: p.read_bytes() for p in shp.parent.iterdir()}
    got = bf.read_boundary_upload(files)
    assert len(got.frame) == 3 and got.where == "places.shp"
    files.pop("places.dbf")
    with pytest.raises(InputError, match=r"places\.dbf missing"):
        bf.read_boundary_upload(files)
    with pytest.raises(InputError, match="one boundary file expected"):
        bf.read_boundary_upload({"a.prj": b"x"})


# ---------------------------------------------------------------- checking the areas


def _checked(gdf: gpd.GeoDataFrame, tmp_path: Path, **kw):
    shp = write_shp(tmp_path / "shp", gdf)
    return own_areas.area_layer(bf.read_boundary_file(shp), "places", "Places", **kw)


def test_ons_code_and_name_columns_are_recognised(tmp_path):
    layer = _checked(areas(), tmp_path)
    assert layer.columns == ("PLC23CD", "PLC23NM")
    assert list(layer.areas.columns) == ["code", "name", "geometry"]
    assert layer.spec.expected_count == 3 and layer.spec.origin == "added"
    assert layer.web.crs.to_epsg() == 4326


def test_code_column_absent_or_not_unique(tmp_path):
    with pytest.raises(
        InputError, match=r"places\.shp: no column 'CODE' for the area codes.*PLC23CD"
    ):
        _checked(areas(), tmp_path / "a", code_column="CODE")
    gdf = areas(3)
    gdf.loc[2, "PLC23CD"] = "E99000001"
    with pytest.raises(
        InputError,
        match=r"places\.shp, column 'PLC23CD': codes are not unique: E99000001 in feature 1, feature 3",
    ):
        _checked(gdf, tmp_path / "b")
    gdf = areas(3).drop(columns=["PLC23CD", "PLC23NM"])
    with pytest.raises(InputError, match="no code column given and none recognised.*--code-column"):
        _checked(gdf, tmp_path / "c")


def test_blank_code_names_the_feature(tmp_path):
    gdf = areas(3)
    gdf.loc[1, "PLC23CD"] = ""
    with pytest.raises(InputError, match=r"places\.shp, column 'PLC23CD': feature 2 has no code"):
        _checked(gdf, tmp_path)


def test_non_polygon_geometries_are_refused(tmp_path):
    gdf = areas(2)
    mixed = pd.concat(
        [
            gdf,
            gpd.GeoDataFrame(
                {"PLC23CD": ["E99000009"], "PLC23NM": ["A point"], "pop": [0]},
                geometry=[Point(530_000, 180_000)],
                crs=BNG,
            ),
        ],
        ignore_index=True,
    )
    path = tmp_path / "mixed.gpkg"
    mixed.to_file(path, engine="pyogrio")
    with pytest.raises(
        InputError, match=r"mixed\.gpkg: non-polygon geometries: E99000009 is a Point"
    ):
        own_areas.area_layer(bf.read_boundary_file(path), "mixed", "Mixed")


def test_invalid_geometry_is_repaired_and_reported(tmp_path):
    gdf = areas(2)
    bowtie = Polygon(
        [(540_000, 170_000), (560_000, 190_000), (560_000, 170_000), (540_000, 190_000)]
    )
    gdf.loc[1, "geometry"] = bowtie
    layer = _checked(gdf, tmp_path)
    assert any("repaired 1 invalid geometry with make_valid: E99000002" in n for n in layer.notes)
    assert layer.areas.is_valid.all()


def test_overlapping_areas_reported_and_trust_goes_to_lowest_code(tmp_path):
    gdf = areas(2)
    gdf.loc[1, "geometry"] = box(510_000, 170_000, 530_000, 190_000)  # overlaps the first by half
    layer = _checked(gdf, tmp_path)
    assert any(
        "1 pair(s) of areas overlap: E99000001 and E99000002 (200.00 km²)" in n for n in layer.notes
    )
    inside_both = gpd.GeoSeries([Point(515_000, 180_000)], crs=BNG).to_crs("EPSG:4326")[0]
    trusts = pd.DataFrame(
        {
            "trust_code": ["RAA", "RBB", "RCC"],
            "trust_name": ["Both Trust", "Far Trust", "Nowhere Trust"],
            "lat": [inside_both.y, 54.0, None],
            "lon": [inside_both.x, -1.5, None],
        }
    )
    joins, lines = own_areas.join_trusts(trusts, layer)
    assert joins["places_code"].tolist()[0] == "E99000001"
    assert any(
        "Both Trust: inside E99000001 and E99000002; assigned to E99000001" in ln for ln in lines
    )
    assert any(
        "places: 2 of 3 trusts in no area: Far Trust (RBB), Nowhere Trust (RCC)" in ln
        for ln in lines
    )

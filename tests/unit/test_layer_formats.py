"""geo/layers.toml may name a shapefile (with its sidecars), a zip or a GeoPackage layer as well as
GeoJSON: made-up catalogue sources in each format load as checked WGS84 layers, and a registry
entry with a bad trust field is refused by name."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from league_atlas.errors import InputError
from league_atlas.io import sources
from league_atlas.places import boundaries, registry

BNG = "EPSG:27700"
FILES = {
    "shp_src": ["areas.shp", "areas.shx", "areas.dbf", "areas.prj", "areas.cpg"],
    "zip_src": ["areas.zip"],
    "gpkg_src": ["areas.gpkg"],
}


def _areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"AR23CD": ["E98000001", "E98000002"], "AR23NM": ["North", "South"]},
        geometry=[box(400_000, 300_000, 500_000, 400_000), box(400_000, 200_000, 500_000, 300_000)],
        crs=BNG,
    )


@pytest.fixture
def fake_catalogue(monkeypatch):
    real = dict(sources.catalogue())
    for sid, names in FILES.items():
        real[sid] = sources.Source(
            id=sid,
            title=sid,
            kind="boundary",
            format=Path(names[0]).suffix[1:],
            publisher="made up",
            licence="OGL-3.0",
            attribution="made up",
            mirror_vs_official="made up",
            files=tuple(sources.SourceFile(path=f"geo/{n}", sha256="0" * 64) for n in names),
        )
    monkeypatch.setattr(sources, "catalogue", lambda: real)
    return real


def _write(data_dir: Path) -> None:
    gdf = _areas()
    shp = data_dir / "raw/shp_src/areas.shp"
    shp.parent.mkdir(parents=True)
    gdf.to_file(shp, engine="pyogrio")
    z = data_dir / "raw/zip_src/areas.zip"
    z.parent.mkdir(parents=True)
    with zipfile.ZipFile(z, "w") as zf:
        for p in shp.parent.iterdir():
            zf.write(p, p.name)
    gpkg = data_dir / "raw/gpkg_src/areas.gpkg"
    gpkg.parent.mkdir(parents=True)
    gdf.to_file(gpkg, layer="areas", engine="pyogrio")
    gdf.iloc[:1].to_file(gpkg, layer="other", engine="pyogrio")


def _toml(path: Path, extra: str = "") -> Path:
    tables = []
    for i, sid in enumerate(FILES):
        tables.append(
            f"""[layer.l{i}]
source = "{sid}"
code_column = "AR23CD"
name_column = "AR23NM"
display_name = "Areas {sid}"
vintage = "2023"
valid_from = "2023-01-01"
valid_to = ""
code_pattern = 'E98\\d{{6}}'
expected_count = 2
trust_field = "l{i}"
tolerance_m = 100
precision_deg = 0.0001
{'layer = "areas"' if sid == "gpkg_src" else ""}
"""
        )
    path.write_text("\n".join(tables) + extra)
    return path


def test_official_layers_in_shapefile_zip_and_geopackage(fake_catalogue, tmp_path):
    _write(tmp_path / "data")
    specs = registry.parse_layers_spec(_toml(tmp_path / "layers.toml"))
    layers = boundaries.load_layers(tmp_path / "data", specs)
    for layer_id, gdf in layers.items():
        assert list(gdf["name"]) == ["North", "South"], layer_id
        assert gdf.crs.to_epsg() == 4326 and 50 < gdf.total_bounds[1] < 54, layer_id
    web = boundaries.web_layers(layers, specs)
    assert all(len(g) == 2 for g in web.values())


def test_geopackage_layer_must_be_named_when_there_are_several(fake_catalogue, tmp_path):
    _write(tmp_path / "data")
    specs = registry.parse_layers_spec(_toml(tmp_path / "layers.toml"))
    unnamed = dataclasses.replace(specs["l2"], layer="")
    with pytest.raises(InputError, match=r"areas\.gpkg: 2 layers: .*--layer"):
        boundaries.load_layer(tmp_path / "data", unnamed)


@pytest.mark.parametrize("field", ["trust", "Bad", "1st", "region"])
def test_trust_field_must_be_a_safe_unused_name(fake_catalogue, tmp_path, field):
    extra = f"""
[layer.x]
source = "shp_src"
code_column = "AR23CD"
name_column = "AR23NM"
display_name = "X"
vintage = "2023"
valid_from = "2023-01-01"
valid_to = ""
code_pattern = '.+'
expected_count = 2
trust_field = "{field}"
tolerance_m = 100
precision_deg = 0.0001
"""
    path = _toml(tmp_path / "layers.toml", extra.replace('"region"', '"l0"'))
    with pytest.raises(InputError, match=r"\[layer\.x\] trust_field"):
        registry.parse_layers_spec(path)

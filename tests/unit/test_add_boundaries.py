"""`add-boundaries` on the made-up store: a made-up shapefile (loose, zipped) becomes a layer every
trust is joined to and every menu offers; bad input and failed builds leave the store as it was."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from league_atlas.cli import main
from league_atlas.errors import InputError
from league_atlas.places import own_areas
from league_atlas.store import reader, writer
from support.fixture_store import TRUST_CODES, build_fixture_store

BNG = "EPSG:27700"


def halves() -> gpd.GeoDataFrame:
    """England cut in two made-up halves (west and east of easting 450 km)."""
    return gpd.GeoDataFrame(
        {"HALF23CD": ["E99000001", "E99000002"], "HALF23NM": ["West half", "East half"]},
        geometry=[box(0, 0, 450_000, 700_000), box(450_000, 0, 700_000, 700_000)],
        crs=BNG,
    )


def shapefile(folder: Path, gdf: gpd.GeoDataFrame | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "halves.shp"
    (gdf if gdf is not None else halves()).to_file(path, engine="pyogrio")
    return path


def tree_digest(folder: Path) -> str:
    """Digest of every file under a folder (names and bytes), following the store link."""
    h = hashlib.sha256()
    for p in sorted(Path(folder).resolve().rglob("*")):
        if p.is_file():
            h.update(p.relative_to(Path(folder).resolve()).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    return build_fixture_store(tmp_path / "data", monkeypatch)


def test_shapefile_becomes_a_layer_every_menu_offers(data_dir, tmp_path, capsys):
    shp = shapefile(tmp_path / "in")
    code = main.main(
        [
            "add-boundaries",
            str(shp),
            "--id",
            "halves",
            "--name",
            "Halves",
            "--data-dir",
            str(data_dir),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "added layer halves (Halves): 2 areas from halves.shp, codes HALF23CD" in err
    store = reader.open_store(data_dir)
    spec = store.layers()["halves"]
    assert spec.origin == "added" and spec.area_name == "Halves" and spec.expected_count == 2
    assert set(store.boundary(spec.id)["name"]) == {"West half", "East half"}
    located = store.trusts["lat"].notna()
    assert store.trusts.loc[located, "halves_code"].notna().all()
    assert store.trusts.loc[~located, "halves_code"].isna().all()
    unplaced = int((~located).sum())  # a trust with no point falls in no area
    assert (
        f"join: halves: {unplaced} of 7 trusts in no area" in err
        if unplaced
        else "join: halves: every trust (7) in an area" in err
    )
    # A rebuild keeps the added layer (its file and registry entry live inside the store).
    writer.build(data_dir, None, fetch_missing=False, progress=lambda m: None)
    assert "halves" in reader.open_store(data_dir).layers()
    manifest = reader.open_store(data_dir).manifest
    assert manifest["added_boundaries"] == writer.added_boundaries(data_dir)
    assert [e["spec"]["id"] for e in manifest["added_boundaries"]] == ["halves"]
    assert not own_areas.added_dir(data_dir).exists()  # nothing written outside the store
    assert manifest["publications"][-1]["route"] == "cli"
    assert writer.is_stale(data_dir)[1] != "added boundary layers changed"
    # ... and the disparities grouping takes it by id.
    code = main.main(
        [
            "regions",
            "--trust-type",
            "acute",
            "--geography",
            "halves",
            "--data-dir",
            str(data_dir),
            "--format",
            "csv",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
    assert df["trusts"].sum() == len(TRUST_CODES) and "(Halves)" in err


def test_zipped_shapefile_and_replace(data_dir, tmp_path, capsys):
    import zipfile

    shp = shapefile(tmp_path / "in")
    z = tmp_path / "halves.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in shp.parent.iterdir():
            zf.write(p, f"halves/{p.name}")
    done = writer.add_boundaries(data_dir, z, layer_id="halves", name="Halves", progress=print)
    assert done.spec.expected_count == 2
    with pytest.raises(InputError, match="already the layer halves"):
        writer.add_boundaries(data_dir, z, layer_id="halves", name="Halves")
    again = writer.add_boundaries(
        data_dir, shp, layer_id="halves", name="Halves again", replace=True, progress=print
    )
    assert reader.open_store(data_dir).layers()["halves"].display_name == "Halves again"
    entries = writer.added_boundaries(data_dir)
    assert [e["spec"]["id"] for e in entries] == ["halves"]
    assert entries[0]["spec"]["file"] == again.spec.file
    held = [e for _, e in writer.added_entries(writer.store_dir(data_dir), "boundaries")]
    assert held == entries and (writer.store_dir(data_dir) / "added" / again.spec.file).is_file()


@pytest.mark.parametrize(
    ("layer_id", "message"),
    [
        ("icb23", "already the layer icb23"),
        ("region", "already the layer nhs_region"),
        ("trust", "cannot name a layer"),
        ("Bad-Id", "cannot name a layer"),
    ],
)
def test_id_clashes_are_refused_and_nothing_changes(data_dir, tmp_path, layer_id, message):
    before = tree_digest(data_dir / "store")
    with pytest.raises(InputError, match=message):
        writer.add_boundaries(data_dir, shapefile(tmp_path / "in"), layer_id=layer_id, name="X")
    assert tree_digest(data_dir / "store") == before
    assert not own_areas.added_dir(data_dir).exists()


def test_bad_file_leaves_store_and_raw_side_unchanged(data_dir, tmp_path):
    gdf = halves()
    gdf.loc[1, "HALF23CD"] = "E99000001"
    before = tree_digest(data_dir / "store")
    with pytest.raises(InputError, match=r"halves\.shp, column 'HALF23CD': codes are not unique"):
        writer.add_boundaries(data_dir, shapefile(tmp_path / "in", gdf), layer_id="h", name="H")
    assert tree_digest(data_dir / "store") == before
    assert not own_areas.added_dir(data_dir).exists()


def test_failed_build_rolls_the_raw_side_back(data_dir, tmp_path, monkeypatch):
    writer.add_boundaries(data_dir, shapefile(tmp_path / "a"), layer_id="first", name="First")
    registry_before = writer.added_boundaries(data_dir)
    before = tree_digest(data_dir / "store")

    def boom(*a, **k):
        raise RuntimeError("killed mid-build")

    monkeypatch.setattr(writer, "_build", boom)
    with pytest.raises(RuntimeError, match="killed"):
        writer.add_boundaries(data_dir, shapefile(tmp_path / "b"), layer_id="second", name="Second")
    assert tree_digest(data_dir / "store") == before
    assert writer.added_boundaries(data_dir) == registry_before
    assert [e["spec"]["id"] for e in registry_before] == ["first"]
    assert not own_areas.added_dir(data_dir).exists()


def test_cli_error_is_one_line_naming_the_file(data_dir, tmp_path, capsys):
    shp = shapefile(tmp_path / "in")
    shp.with_suffix(".shx").unlink()
    code = main.main(
        ["add-boundaries", str(shp), "--id", "h", "--name", "H", "--data-dir", str(data_dir)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert (
        err.startswith("error: ")
        and "halves.shp: shapefile sidecar file(s) halves.shx missing" in err
    )

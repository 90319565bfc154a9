"""Real data: the ONS NHS regions shapefile (July 2022, British National Grid) added with
add-boundaries, loose and zipped; the three new official layers joined to every trust."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from league_atlas.cli import main
from league_atlas.places import locate
from league_atlas.store import reader

pytestmark = pytest.mark.realdata
SHP_DIR = "geo/nhs_regions_2022_buc_shp"
SHP = "NHSER_JUL_2022_EN_BUC.shp"


@pytest.fixture
def data_dir(real_store_dir, tmp_path) -> Path:
    """A copy of the real store's data folder (adding a layer must not change the shared one)."""
    target = tmp_path / "data"
    shutil.copytree(real_store_dir, target, symlinks=True)
    return target


def _regions(data_dir: Path, geography: str, capsys) -> tuple[pd.DataFrame, str]:
    code = main.main(
        [
            "regions",
            "--trust-type",
            "acute",
            "--geography",
            geography,
            "--data-dir",
            str(data_dir),
            "--format",
            "csv",
            "--n-resamples",
            "200",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    return pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""]), err


def test_real_shapefile_loose_and_zipped(real_mirror, data_dir, tmp_path, capsys):
    shp = real_mirror / SHP_DIR / SHP
    code = main.main(
        [
            "add-boundaries",
            str(shp),
            "--id",
            "nhser22",
            "--name",
            "NHS regions (July 2022)",
            "--data-dir",
            str(data_dir),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "7 areas from NHSER_JUL_2022_EN_BUC.shp, codes NHSER22CD, names NHSER22NM" in err
    store = reader.open_store(data_dir)
    layer = store.boundary("nhser22")
    assert len(layer) == 7 and layer.crs.to_epsg() == 4326
    assert store.layers()["nhser22"].origin == "added"

    by_shp, err = _regions(data_dir, "nhser22", capsys)
    assert len(by_shp) == 7 and by_shp["trusts"].sum() == 134
    assert (by_shp["area_code"] != "").all()  # no "Not located" row: every acute trust in a region
    # The 2022 regions are the 2024 ones under two older codes: the same trusts in each.
    by_2024, _ = _regions(data_dir, "region", capsys)
    assert dict(zip(by_shp["area_name"], by_shp["trusts"], strict=True)) == dict(
        zip(by_2024["area_name"], by_2024["trusts"], strict=True)
    )

    z = tmp_path / "nhs_regions_2022.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((real_mirror / SHP_DIR).iterdir()):
            zf.write(p, f"NHS_England_Regions_July_2022/{p.name}")
    code = main.main(
        [
            "add-boundaries",
            str(z),
            "--id",
            "nhser22z",
            "--name",
            "NHS regions (zipped)",
            "--data-dir",
            str(data_dir),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    by_zip, _ = _regions(data_dir, "nhser22z", capsys)
    assert len(by_zip) == 7 and by_zip["trusts"].sum() == 134
    assert set(reader.open_store(data_dir).layers()) >= {"nhser22", "nhser22z", "nhs_region"}


def test_new_official_layers_join_every_trust(real_store_dir):
    store = reader.open_store(real_store_dir)
    layers = store.layers()
    assert {
        k: v.expected_count for k, v in layers.items() if k in ("sicbl23", "utla23", "cauth23")
    } == {
        "sicbl23": 106,
        "utla23": 153,
        "cauth23": 10,
    }
    trusts = store.trusts
    located = trusts["lat"].notna()
    for field in ("sicbl23", "utla23"):
        assert trusts.loc[located, f"{field}_code"].notna().all(), field
    # Combined authorities cover part of England: the trusts outside are reported by name.
    outside = locate.unjoined(trusts, "cauth23")
    assert 0 < len(outside) < len(trusts)
    lines = locate.unjoined_lines(trusts, ["cauth23"])
    assert lines[0].startswith(f"cauth23: {len(outside)} of {len(trusts)} trusts in no area: ")
    assert any(line.startswith("  cauth23: ") for line in store.manifest["report"])
    # London is not a combined authority; Manchester trusts are in Greater Manchester.
    gm = trusts[trusts["cauth23_name"] == "Greater Manchester"]
    assert len(gm) > 0 and (gm["icb23_name"].str.contains("Greater Manchester")).all()

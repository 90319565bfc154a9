"""The real build on ../shared/data: every acute trust placed and joined, the store complete."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pandas as pd

from league_atlas.cli import main
from league_atlas.io import sources
from league_atlas.places import locate
from league_atlas.schema import TRUST_COLUMNS
from league_atlas.store import reader


def test_real_store_is_complete(real_store_dir):
    st = reader.open_store(real_store_dir)
    acute = st.trusts[st.trusts["trust_type"] == "acute"]
    assert len(acute) == 134
    assert int(locate.fully_joined(acute).sum()) >= 130
    assert st.boundary_ids() == sorted(
        ["icb23", "icb26", "lad", "nhs_region", "sicbl23", "utla23", "cauth23"]
    )
    counts = st.manifest["counts"]["boundary_layers"]
    assert counts == {
        **{"icb23": 42, "icb26": 36, "nhs_region": 7, "lad": 296},
        **{"sicbl23": 106, "utla23": 153, "cauth23": 10},
    }
    assert list(st.layers())[0] == "nhs_region"  # registry order: the map's default first
    assert st.quarters("acute") == ["Q1 2025/26"]
    # Region codes are the 2024 boundary codes (East of England E40000013, North West E40000014).
    assert set(acute["region_code"]) == {
        "E40000003",
        "E40000005",
        "E40000006",
        "E40000011",
        "E40000012",
        "E40000013",
        "E40000014",
    }
    assert acute["icb23_code"].nunique() == 42 and acute["icb26_code"].nunique() == 36


def test_mirror_checksums_recorded(real_store_dir):
    recorded = reader.open_store(real_store_dir).manifest["sources"]
    for src in sources.catalogue().values():
        assert recorded[src.id]["origin"] == "mirror"
        assert recorded[src.id]["files"] == {f.name: f.sha256 for f in src.files}


def test_trusts_command_on_real_store(real_store_dir):
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main.main(["trusts", "--format", "csv", "--data-dir", str(real_store_dir)]) == 0
    df = pd.read_csv(io.StringIO(buf.getvalue()))
    areas = [f"{f}_{part}" for f in ("sicbl23", "utla23", "cauth23") for part in ("code", "name")]
    assert list(df.columns) == TRUST_COLUMNS + areas  # every other layer's area too
    assert df["located_by"].notna().all()
    assert df["lat"].between(49.8, 55.9).all() and df["lon"].between(-6.5, 1.8).all()

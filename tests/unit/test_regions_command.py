"""`python -m league_atlas regions` on the made-up store (7 trusts, one unlocated), with and
without made-up context proxies."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from league_atlas.analysis import disparities
from league_atlas.cli import main
from support.fixture_store import TRUST_CODES, build_context_fixture_store, build_fixture_store


@pytest.fixture(scope="module")
def plain_dir(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        return build_fixture_store(tmp_path_factory.mktemp("regions-plain"), mp)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def context_dir(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        return build_context_fixture_store(tmp_path_factory.mktemp("regions-context"), mp)
    finally:
        mp.undo()


def _run(argv, capsys):
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_region_rows_add_up_every_trust_in_a_region_of_record(plain_dir, capsys):
    code, out, err = _run(
        ["regions", "--trust-type", "acute", "--data-dir", str(plain_dir), "--format", "csv"],
        capsys,
    )
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
    assert list(df.columns) == disparities.SUMMARY_COLUMNS
    assert df["trusts"].sum() == len(TRUST_CODES)
    # The made-up RDD has no postcode or site: it is still in NHS England's region (its NOF
    # Region label), so no trust is "Not located".
    assert disparities.NOT_LOCATED not in set(df["area_name"])
    assert {"London", "East of England"} <= set(df["area_name"])
    # Official weights: nobody moves.
    assert (df["mean_rank_change"] == 0).all()
    assert "official weights" in err
    assert "variance in average score" in err
    assert "distance to London not available" in err and "league_atlas build" in err


def test_summary_flag_prints_headline_figures(plain_dir, capsys):
    code, out, err = _run(
        [
            "regions",
            "--trust-type",
            "acute",
            "--data-dir",
            str(plain_dir),
            "--summary",
            "--format",
            "json",
            "--n-resamples",
            "500",
        ],
        capsys,
    )
    assert code == 0, err
    rows = json.loads(out)
    figures = [r["figure"] for r in rows]
    assert any("eta squared" in f for f in figures)
    assert any(f.startswith("mean score difference, London") for f in figures)


@pytest.mark.parametrize("geography", ["icb23", "icb26"])
def test_icb_geographies_add_up(plain_dir, capsys, geography):
    code, out, err = _run(
        [
            "regions",
            "--trust-type",
            "acute",
            "--data-dir",
            str(plain_dir),
            "--geography",
            geography,
        ],
        capsys,
    )
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert df["trusts"].sum() == len(TRUST_CODES)


def test_weights_file_changes_rank_change(plain_dir, capsys, tmp_path):
    w = tmp_path / "w.json"
    w.write_text(json.dumps({"domains": {"Patient safety": 3.0, "Access to services": 0.0}}))
    code, out, err = _run(
        ["regions", "--trust-type", "acute", "--data-dir", str(plain_dir), "--weights", str(w)],
        capsys,
    )
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert "re-weighted" in err
    assert (df["mean_rank_change"] != 0).any()
    assert df["trusts"].sum() == len(TRUST_CODES)


def test_distance_figures_with_context(context_dir, capsys):
    code, out, err = _run(
        ["regions", "--trust-type", "acute", "--data-dir", str(context_dir), "--summary"],
        capsys,
    )
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    rho = df[df["figure"].str.startswith("Spearman rho")]
    assert len(rho) == 1 and -1 <= rho["value"].iloc[0] <= 1
    assert "Fitted line" in err


def test_bad_arguments_are_one_clear_line(plain_dir, capsys):
    code, _, err = _run(
        [
            "regions",
            "--trust-type",
            "acute",
            "--data-dir",
            str(plain_dir),
            "--quarter",
            "Q9 1999/00",
        ],
        capsys,
    )
    assert code == 2 and err.startswith("error:")

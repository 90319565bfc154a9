"""Regional disparities and the context-adjusted view on the real store (acute, Q1 2025/26).

The NOF Q1 2025/26 acute file has 134 trusts (../shared/data/nof/PROVENANCE.md) in the 7 NHS
England regions (geo/nhs_regions.csv). The figures are written to
test-artifacts/disparities-real.txt for the record.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from league_atlas import config
from league_atlas.analysis import adjustment, disparities
from league_atlas.cli import main
from league_atlas.scoring import preparation
from league_atlas.store import reader
from league_atlas.views import explorer

pytestmark = pytest.mark.realdata

QUARTER = "Q1 2025/26"


@pytest.fixture(scope="module")
def real(real_store_dir):
    st = reader.open_store(real_store_dir)
    prep = preparation.prepare(st.metrics, "acute", QUARTER)
    view = explorer.league_view(prep, st.trusts)
    context = st.context_table()
    if context is None:
        pytest.skip(
            "the real store has no context proxies (context sources absent from the mirror)"
        )
    return st, prep, view, context


def test_regions_command_on_the_real_store(real_store_dir, real, capsys):
    _, prep, _, _ = real
    code = main.main(
        [
            "regions",
            "--trust-type",
            "acute",
            "--quarter",
            QUARTER,
            "--data-dir",
            str(real_store_dir),
            "--format",
            "csv",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    regions = pd.read_csv(config.GEO_DIR / "nhs_regions.csv")
    assert len(df) == len(regions) == 7
    assert set(df["area_code"]) == set(regions["region_code"])
    assert df["trusts"].sum() == prep.n_trusts == 134
    assert (df[["s1", "s2", "s3", "s4", "no_segment"]].sum(axis=1) == df["trusts"]).all()
    assert "London and South East (" in err and "95% CI" in err


def test_headline_figures_are_finite_and_reported(real, artifacts_dir):
    _, _, view, context = real
    rep = disparities.disparity_report(view, context)
    d = rep.difference
    assert d is not None and d.n_in + d.n_out == 134
    assert all(math.isfinite(x) for x in (d.difference, d.ci_low, d.ci_high))
    assert d.ci_low < d.difference < d.ci_high
    assert 0 < rep.variance.share < 1
    assert rep.distance is not None and rep.distance.n == 134
    assert np.isfinite([rep.distance.spearman_low, rep.distance.spearman_high]).all()
    for geography in ("icb23", "icb26"):
        t = disparities.area_summary(view, geography)
        assert t["trusts"].sum() == 134

    adj = adjustment.adjusted_league(
        disparities.with_context(view, context), adjustment.DEFAULT_PROXIES
    )
    assert adj.fit.n + len(adj.excluded) == 134
    assert 0 <= adj.fit.r2 <= 1 and adj.fit.adj_r2 <= adj.fit.r2
    moved = adjustment.moved_most(adj, 10)

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        text = "\n".join(
            [
                f"Acute trusts, {QUARTER}, official weights",
                rep.table.round(3).to_string(index=False),
                "",
                *rep.lines(),
                "",
                adj.describe(),
                adj.coefficient_table().round(4).to_string(index=False),
                "",
                "Trusts that move most given context:",
                moved[
                    [
                        "trust_code",
                        "trust_name",
                        "official_rank",
                        "rank_modelled",
                        "context_rank",
                        "context_move",
                    ]
                ].to_string(index=False),
            ]
        )
    (artifacts_dir / "disparities-real.txt").write_text(text + "\n", encoding="utf-8")
    print(text)

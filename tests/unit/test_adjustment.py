"""The context-adjusted view on synthetic data: OLS recovers known coefficients, intervals widen
with noise, trusts missing a proxy are left out and counted, and the residual rank is right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from league_atlas.analysis import adjustment as A
from league_atlas.context import proxies
from league_atlas.errors import LeagueAtlasError
from league_atlas.render import legends as L
from league_atlas.views import presentation as ui


def _design(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)), rng


def test_ols_recovers_known_coefficients():
    X, rng = _design()
    beta = np.array([2.3, 0.4, -0.2])
    # Noise made orthogonal to the design, so least squares must return beta exactly.
    design = np.column_stack([np.ones(len(X)), X])
    e = rng.normal(0, 0.1, len(X))
    e -= design @ np.linalg.lstsq(design, e, rcond=None)[0]
    y = design @ beta + e
    fit = A.fit_ols(y, X, ["a", "b"])
    c = fit.coefficients.set_index("term")
    assert list(c.index) == ["intercept", "a", "b"]
    for term, b in zip(c.index, beta, strict=True):
        assert c.at[term, "estimate"] == pytest.approx(b, abs=1e-9)
        assert c.at[term, "ci_low"] < b < c.at[term, "ci_high"]
        assert c.at[term, "ci_high"] - c.at[term, "ci_low"] < 0.05
    assert fit.n == 400 and fit.k == 2 and fit.df_resid == 397
    assert fit.r2 > 0.9 and fit.adj_r2 < fit.r2
    assert fit.adj_r2 == pytest.approx(1 - (1 - fit.r2) * 399 / 397)
    assert np.allclose(fit.fitted + fit.residuals, y)


def test_ols_intervals_widen_with_noise():
    X, rng = _design(seed=1)
    noise = rng.normal(size=len(X))
    widths = []
    for sd in (0.05, 0.5, 2.0):
        y = 1.0 + X @ np.array([0.3, 0.1]) + sd * noise
        c = A.fit_ols(y, X, ["a", "b"]).coefficients
        widths.append((c["ci_high"] - c["ci_low"]).to_numpy())
    assert (widths[0] < widths[1]).all() and (widths[1] < widths[2]).all()


def test_ols_matches_linregress_for_one_predictor():
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 10, 50)
    y = 3 - 0.2 * x + rng.normal(0, 1, 50)
    fit = A.fit_ols(y, x, ["x"])
    lr = stats.linregress(x, y)
    c = fit.coefficients.set_index("term")
    assert c.at["x", "estimate"] == pytest.approx(lr.slope)
    assert c.at["x", "se"] == pytest.approx(lr.stderr)
    assert c.at["intercept", "se"] == pytest.approx(lr.intercept_stderr)
    assert c.at["x", "p"] == pytest.approx(lr.pvalue)
    assert fit.r2 == pytest.approx(lr.rvalue**2)
    t = stats.t.ppf(0.975, 48)
    assert c.at["x", "ci_low"] == pytest.approx(lr.slope - t * lr.stderr)


def test_ols_refuses_too_few_rows_and_collinear_predictors():
    X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]])
    with pytest.raises(LeagueAtlasError, match="3 trusts for 3 coefficients"):
        A.fit_ols([1, 2, 3], X, ["a", "b"])
    X = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])
    with pytest.raises(LeagueAtlasError, match="collinear"):
        A.fit_ols(np.arange(10.0), X, ["a", "b"])
    with pytest.raises(LeagueAtlasError, match="finite"):
        A.fit_ols([1, np.nan, 3, 4], np.arange(4.0), ["a"])


# ---------------------------------------------------------------- adjusted league


def _joined(n=60, seed=3, noise=0.05):
    """A league view with two proxies joined: score = 2 + 0.3 z(imd) - 0.1 z(pay) + noise."""
    rng = np.random.default_rng(seed)
    imd = rng.uniform(5, 45, n)
    pay = rng.uniform(500, 900, n)
    z = lambda v: (v - v.mean()) / v.std(ddof=1)  # noqa: E731
    score = 2.0 + 0.3 * z(imd) - 0.1 * z(pay) + rng.normal(0, noise, n)
    return pd.DataFrame(
        {
            "trust_code": [f"T{i:02d}" for i in range(n)],
            "trust_name": [f"Trust {i}" for i in range(n)],
            "official_rank": pd.Series(score).rank(method="min").astype(int),
            "rank": pd.Series(score).rank(method="min").astype(int),
            "average_score": score,
            "imd_2019_score": imd,
            "median_pay": pay,
        }
    )


def test_adjusted_league_recovers_standardised_coefficients():
    adj = A.adjusted_league(_joined(), ["imd_2019_score", "median_pay"])
    c = adj.fit.coefficients.set_index("term")
    assert c.at["imd_2019_score", "ci_low"] < 0.3 < c.at["imd_2019_score", "ci_high"]
    assert c.at["median_pay", "ci_low"] < -0.1 < c.at["median_pay", "ci_high"]
    assert c.at["intercept", "estimate"] == pytest.approx(adj.table["average_score"].mean())
    assert adj.fit.n == 60 and len(adj.excluded) == 0 and adj.n_total == 60
    table = adj.coefficient_table()
    assert table.set_index("term").at["median_pay", "label"] == proxies.PROXIES["median_pay"].label
    assert "£ per week" in table.set_index("term").at["median_pay", "per"]


def test_trusts_missing_a_proxy_are_left_out_and_counted():
    j = _joined()
    j.loc[[3, 7], "median_pay"] = np.nan
    j.loc[9, "imd_2019_score"] = np.nan
    adj = A.adjusted_league(j, ["imd_2019_score", "median_pay"])
    assert adj.fit.n == 57 and adj.n_total == 60
    ex = adj.excluded.set_index("trust_code")["missing"]
    assert ex.to_dict() == {"T03": "median_pay", "T07": "median_pay", "T09": "imd_2019_score"}
    assert "3 left out" in adj.describe()
    # With only the complete proxy, nobody is left out for pay.
    assert A.adjusted_league(j, ["imd_2019_score"]).fit.n == 59


def test_residual_rank_orders_trusts_by_better_than_expected():
    j = _joined()
    adj = A.adjusted_league(j, ["imd_2019_score", "median_pay"])
    t = adj.table
    assert np.allclose(t["residual"], t["average_score"] - t["expected_score"])
    assert (np.diff(t["residual"].to_numpy()) >= 0).all()  # sorted by context rank
    assert t["context_rank"].tolist() == list(range(1, 61))
    assert (t["context_move"] == t["rank_modelled"] - t["context_rank"]).all()
    # The trust furthest better than expected is context rank 1.
    best = t.loc[t["residual"].idxmin(), "trust_code"]
    assert t.set_index("trust_code").at[best, "context_rank"] == 1
    moved = A.moved_most(adj, 5)
    assert len(moved) == 5
    assert moved["context_move"].abs().is_monotonic_decreasing


def test_residual_rank_on_a_hand_made_example():
    # Score depends on imd exactly except two trusts: A is 0.5 better than expected, B 0.5 worse.
    imd = np.array([10.0, 20, 30, 40, 50, 60])
    score = 1.0 + imd / 20
    score[1] -= 0.5  # T1
    score[4] += 0.5  # T4
    j = pd.DataFrame(
        {
            "trust_code": [f"T{i}" for i in range(6)],
            "trust_name": list("abcdef"),
            "average_score": score,
            "imd_2019_score": imd,
        }
    )
    t = A.adjusted_league(j, ["imd_2019_score"]).table.set_index("trust_code")
    assert t["context_rank"].idxmin() == "T1"
    assert t["context_rank"].idxmax() == "T4"


def test_adjusted_league_errors_name_the_problem():
    j = _joined()
    with pytest.raises(LeagueAtlasError, match="at least one"):
        A.adjusted_league(j, [])
    with pytest.raises(LeagueAtlasError, match="unknown proxies"):
        A.adjusted_league(j, ["shoe_size"])
    with pytest.raises(LeagueAtlasError, match="no column"):
        A.adjusted_league(j, ["leaver_rate"])
    j["leaver_rate"] = 3.0
    with pytest.raises(LeagueAtlasError, match="no spread"):
        A.adjusted_league(j, ["leaver_rate"])


def test_more_proxies_change_r2():
    j = _joined(noise=0.2)
    one = A.adjusted_league(j, ["imd_2019_score"]).fit.r2
    two = A.adjusted_league(j, ["imd_2019_score", "median_pay"]).fit.r2
    assert two > one


# ---------------------------------------------------------------- attraction page pieces


def test_index_for_view_follows_the_weights():
    j = _joined()
    j["median_pay"] = j["median_pay"].where(j.index % 5 != 0)
    w1 = A.index_weights({"imd_2019_score": 1.0, "median_pay": 0.0, "leaver_rate": 0})
    assert w1 == {"imd_2019_score": 1.0}
    i1 = A.index_for_view(j, w1, min_present=1)
    imd = j["imd_2019_score"]
    assert np.allclose(
        i1, -(imd - imd.mean()) / imd.std(ddof=0)
    )  # lower deprivation = more attractive
    i2 = A.index_for_view(j, {"imd_2019_score": 1.0, "median_pay": 2.0}, min_present=1)
    assert not np.allclose(i1, i2)
    assert i2.equals(proxies.attraction_index(j, {"imd_2019_score": 1.0, "median_pay": 2.0}, 1))


def test_value_points_ramp_and_missing_rings():
    points = pd.DataFrame(
        {
            "trust_code": ["A", "B", "C"],
            "fill": [[0, 0, 0, 255]] * 3,
            "line": [[0, 0, 0, 255]] * 3,
            "tt_l3": [""] * 3,
        }
    )
    joined = pd.DataFrame({"trust_code": ["C", "B", "A"], "median_pay": [900.0, np.nan, 500.0]})
    out = L.proxy_points(points, joined, "median_pay")
    # Darker = less attractive: for pay (higher = more attractive) the lowest is darkest.
    assert out["fill"].iloc[0] == ui.rgba(ui.SEQUENTIAL[-1])  # A: lowest pay
    assert out["fill"].iloc[2] == ui.rgba(ui.SEQUENTIAL[0])  # C: highest pay
    assert out["fill"].iloc[1][3] == 0  # B: hollow
    assert out["tt_l3"].iloc[1].endswith("no value")
    assert "900 £ per week" in out["tt_l3"].iloc[2]
    legend = L.ramp_legend(joined["median_pay"], "median_pay")
    assert legend["colour"].iloc[0] == ui.SEQUENTIAL[-1].upper()  # lowest pay: darkest
    assert legend["text"].iloc[0] == "500 £ per week" and legend["text"].iloc[-1].startswith(
        "no value"
    )
    assert legend.attrs["direction"] == proxies.MORE
    assert A.value_label(proxies.INDEX_COLUMN)[2] == proxies.MORE


def test_value_points_carry_no_segment_ring():
    points = pd.DataFrame(
        {
            "trust_code": ["A"],
            "fill": [[0, 0, 0, 255]],
            "line": [[0, 0, 0, 255]],
            "ring": [[33, 43, 50, 255]],
            "tt_l3": [""],
        }
    )
    joined = pd.DataFrame({"trust_code": ["A"], "median_pay": [500.0]})
    assert "ring" not in L.proxy_points(points, joined, "median_pay")

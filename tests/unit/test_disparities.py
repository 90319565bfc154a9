"""Regional disparities on made-up views: area counts add up, the bootstrap interval covers the
true difference and is reproducible, eta squared hits its bounds, correlations and the fitted line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from league_atlas.analysis import disparities as D
from league_atlas.errors import LeagueAtlasError
from league_atlas.render import legends as L
from league_atlas.render import mapview

REGIONS = {
    "E40000003": "London",
    "E40000005": "South East",
    "E40000011": "Midlands",
    "E40000014": "North West",
}


def make_view(scores, regions, *, segments=None, final=None, rank_change=None) -> pd.DataFrame:
    """A league view with the columns the disparities functions read."""
    n = len(scores)
    codes = [r if r is not None else None for r in regions]
    return pd.DataFrame(
        {
            "trust_code": [f"T{i:03d}" for i in range(n)],
            "trust_name": [f"Trust {i}" for i in range(n)],
            "average_score": np.asarray(scores, dtype=float),
            "segment": pd.array(
                segments if segments is not None else [1 + i % 4 for i in range(n)], dtype="Int64"
            ),
            "final_segment": pd.array(
                final if final is not None else [1 + i % 4 for i in range(n)], dtype="Int64"
            ),
            "rank_change": pd.array(
                rank_change if rank_change is not None else [0] * n, dtype="Int64"
            ),
            "region_code": pd.array(codes, dtype="string"),
            "region_name": pd.array([REGIONS.get(c) if c else None for c in codes], dtype="string"),
            "icb23_code": pd.array([f"ICB{c[-1]}" if c else None for c in codes], dtype="string"),
            "icb23_name": pd.array([f"ICB {c[-1]}" if c else None for c in codes], dtype="string"),
            "icb26_code": pd.array(["ICBX" if c else None for c in codes], dtype="string"),
            "icb26_name": pd.array(["ICB X" if c else None for c in codes], dtype="string"),
        }
    )


# ---------------------------------------------------------------- area table


def test_area_summary_counts_add_up_with_not_located_row():
    regions = ["E40000003"] * 3 + ["E40000011"] * 4 + [None, None]
    view = make_view(
        [1.5, 2.0, 2.5, 3.0, 3.0, 2.0, 1.0, 2.2, 2.4],
        regions,
        segments=[1, 2, 3, 4, 4, 3, 1, 2, None],
        final=[1, 2, 5, 4, 5, 3, 1, 2, None],
        rank_change=[1, -1, 3, 0, 2, 2, 0, None, 4],
    )
    t = D.area_summary(view)
    assert t["trusts"].sum() == len(view)
    assert t["area_name"].tolist() == ["London", "Midlands", D.NOT_LOCATED]
    london = t.set_index("area_name").loc["London"]
    assert (london["s1"], london["s2"], london["s3"], london["s4"]) == (1, 1, 1, 0)
    assert london["s5_rsp"] == 1
    assert london["mean_score"] == pytest.approx(2.0)
    assert london["median_score"] == pytest.approx(2.0)
    assert london["mean_rank_change"] == pytest.approx(1.0)
    assert london["share_s34_pct"] == pytest.approx(100 / 3)
    mid = t.set_index("area_name").loc["Midlands"]
    assert mid["mean_score"] == pytest.approx(2.25) and mid["median_score"] == pytest.approx(2.5)
    assert mid["s4"] == 2 and mid["s5_rsp"] == 1
    nl = t.set_index("area_name").loc[D.NOT_LOCATED]
    assert nl["trusts"] == 2 and nl["area_code"] == "" and nl["no_segment"] == 1
    assert nl["mean_rank_change"] == pytest.approx(4.0)  # the missing change is left out
    # Segment counts plus unsegmented add up to trusts in every row.
    seg_total = t[["s1", "s2", "s3", "s4", "no_segment"]].sum(axis=1)
    assert (seg_total == t["trusts"]).all()
    assert list(t.columns) == D.SUMMARY_COLUMNS


@pytest.mark.parametrize("geography", ["icb23", "icb26"])
def test_area_summary_by_icb_adds_up(geography):
    regions = ["E40000003", "E40000005", "E40000011", None] * 5
    view = make_view(np.linspace(1.2, 3.2, 20), regions)
    t = D.area_summary(view, geography)
    assert t["trusts"].sum() == 20
    assert t.iloc[-1]["area_name"] == D.NOT_LOCATED and t.iloc[-1]["trusts"] == 5
    expected_areas = 3 if geography == "icb23" else 1
    assert len(t) == expected_areas + 1


def test_unknown_geography_and_missing_columns_are_clear():
    view = make_view([1, 2], ["E40000003", "E40000011"])
    with pytest.raises(LeagueAtlasError, match="unknown geography 'lad'"):
        D.area_summary(view, "lad")
    with pytest.raises(LeagueAtlasError, match="missing columns"):
        D.area_summary(view.drop(columns=["rank_change"]))


# ---------------------------------------------------------------- London and South East


def _two_group_view(rng, n_in=40, n_out=80, mu_in=2.0, mu_out=2.5, sd=0.15):
    scores = np.concatenate([rng.normal(mu_in, sd, n_in), rng.normal(mu_out, sd, n_out)])
    regions = ["E40000003", "E40000005"] * (n_in // 2) + ["E40000011", "E40000014"] * (n_out // 2)
    return make_view(scores, regions)


def test_bootstrap_ci_contains_true_difference_and_is_reproducible():
    # Constructed so the sample means are exactly 2.0 and 2.5: the true difference is -0.5.
    rng = np.random.default_rng(7)
    dev_in, dev_out = rng.normal(0, 0.15, 40), rng.normal(0, 0.15, 80)
    dev_in, dev_out = dev_in - dev_in.mean(), dev_out - dev_out.mean()
    regions = ["E40000003", "E40000005"] * 20 + ["E40000011", "E40000014"] * 40
    view = make_view(np.concatenate([2.0 + dev_in, 2.5 + dev_out]), regions)
    d = D.group_difference(view, n_resamples=2000, seed=11)
    assert d.n_in == 40 and d.n_out == 80 and d.in_label == "London and South East"
    assert d.difference == pytest.approx(-0.5)
    assert d.ci_low < -0.5 < d.ci_high
    # Width close to the normal-theory 2 x 1.96 x SE of a difference in means.
    se = np.sqrt(dev_in.var(ddof=1) / 40 + dev_out.var(ddof=1) / 80)
    assert d.ci_high - d.ci_low == pytest.approx(2 * 1.96 * se, rel=0.2)
    again = D.group_difference(view, n_resamples=2000, seed=11)
    assert (again.ci_low, again.ci_high) == (d.ci_low, d.ci_high)
    other = D.group_difference(view, n_resamples=2000, seed=12)
    assert (other.ci_low, other.ci_high) != (d.ci_low, d.ci_high)
    assert "BCa bootstrap" in d.describe() and "2,000 resamples" in d.describe()


def test_bootstrap_covers_truth_in_most_repeated_samples():
    """Coverage check: a 95% interval should cover the true difference in most samples."""
    covered = 0
    for s in range(40):
        view = _two_group_view(np.random.default_rng(100 + s), n_in=20, n_out=40)
        d = D.group_difference(view, n_resamples=999, seed=s, method="percentile")
        covered += d.ci_low < -0.5 < d.ci_high
    assert covered >= 34  # P(X <= 33 | n=40, p=0.95) < 0.5%


def test_no_difference_gives_an_interval_around_zero():
    view = _two_group_view(np.random.default_rng(3), mu_in=2.3, mu_out=2.3)
    d = D.group_difference(view, n_resamples=2000)
    assert d.ci_low < 0 < d.ci_high


def test_trusts_without_region_are_in_neither_group():
    view = make_view(
        [1.0, 1.2, 3.0, 2.8, 9.0], ["E40000003", "E40000005", "E40000011", "E40000014", None]
    )
    d = D.group_difference(view, n_resamples=500, method="percentile")
    assert (d.n_in, d.n_out, d.n_excluded) == (2, 2, 1)
    assert d.mean_out == pytest.approx(2.9)


def test_group_named_regions_must_exist():
    view = make_view([1, 2, 3], ["E40000011", "E40000014", "E40000011"])
    with pytest.raises(LeagueAtlasError, match="no trusts in the regions London, South East"):
        D.group_difference(view)
    one_side = make_view([1, 2, 3], ["E40000003", "E40000011", "E40000011"])
    with pytest.raises(LeagueAtlasError, match="at least 2 trusts"):
        D.group_difference(one_side)


# ---------------------------------------------------------------- variance share


def test_variance_share_zero_when_group_means_equal():
    values = [1, 3, 2, 2, 0, 4]
    groups = ["a", "a", "b", "b", "c", "c"]
    v = D.variance_share(values, groups)
    assert v.share == pytest.approx(0.0)
    assert v.groups == 3 and v.n == 6
    assert v.chance_level == pytest.approx(2 / 5)


def test_variance_share_one_when_no_variation_within_groups():
    v = D.variance_share([1, 1, 1, 3, 3, 2, 2], list("aaabbcc"))
    assert v.share == pytest.approx(1.0)
    assert v.p_value == pytest.approx(0.0)


def test_variance_share_matches_hand_computation_and_anova():
    values = np.array([1.0, 2.0, 3.0, 2.0, 4.0, 6.0])
    groups = ["a", "a", "a", "b", "b", "b"]
    v = D.variance_share(values, groups)
    grand = values.mean()
    ss_b = 3 * (2 - grand) ** 2 + 3 * (4 - grand) ** 2
    ss_t = ((values - grand) ** 2).sum()
    assert v.share == pytest.approx(ss_b / ss_t)
    f = stats.f_oneway(values[:3], values[3:])
    assert v.f_statistic == pytest.approx(f.statistic)
    assert v.p_value == pytest.approx(f.pvalue)
    assert "eta squared" in v.describe()


def test_region_variance_share_ignores_unlocated_trusts():
    view = make_view([1, 1, 3, 3, 50], ["E40000003", "E40000003", "E40000011", "E40000011", None])
    assert D.region_variance_share(view).share == pytest.approx(1.0)


# ---------------------------------------------------------------- correlation and line


def test_correlation_matches_scipy_and_ci_contains_estimate():
    rng = np.random.default_rng(5)
    x = rng.normal(size=200)
    y = 0.5 * x + rng.normal(size=200)
    c = D.correlation(x, y)
    assert c.n == 200
    assert c.pearson == pytest.approx(stats.pearsonr(x, y).statistic)
    assert c.spearman == pytest.approx(stats.spearmanr(x, y).statistic)
    assert c.pearson_low < c.pearson < c.pearson_high
    assert c.spearman_low < c.spearman < c.spearman_high
    true_r = 0.5 / np.sqrt(1.25)
    assert c.pearson_low < true_r < c.pearson_high
    # Fisher z by hand.
    z, se = np.arctanh(c.pearson), 1 / np.sqrt(197)
    assert c.pearson_low == pytest.approx(np.tanh(z - 1.959964 * se), abs=1e-6)


def test_correlation_leaves_out_missing_pairs_and_needs_four():
    c = D.correlation([1, 2, 3, 4, np.nan, 6], [2, 1, 4, 3, 5, np.nan])
    assert c.n == 4
    with pytest.raises(LeagueAtlasError, match="at least 4 pairs"):
        D.correlation([1, 2, 3], [3, 2, 1])


def test_fit_line_recovers_line_and_band_is_narrowest_at_mean():
    rng = np.random.default_rng(9)
    x = rng.uniform(0, 400, 300)
    y = 2.2 + 0.0007 * x + rng.normal(0, 0.05, 300)
    line = D.fit_line(x, y)
    assert line.slope_low < 0.0007 < line.slope_high
    assert line.intercept == pytest.approx(2.2, abs=0.02)
    lr = stats.linregress(x, y)
    assert line.slope == pytest.approx(lr.slope) and line.intercept == pytest.approx(lr.intercept)
    assert line.r2 == pytest.approx(lr.rvalue**2)
    band = line.band([0, x.mean(), 400])
    widths = (band["high"] - band["low"]).to_numpy()
    assert widths[1] < widths[0] and widths[1] < widths[2]
    assert ((band["low"] < band["fit"]) & (band["fit"] < band["high"])).all()


def test_correlation_table_reports_short_columns_with_a_note():
    t = pd.DataFrame(
        {
            "a": [1.0, 2, 3, 4, 5],
            "b": [1.0, np.nan, np.nan, np.nan, 2],
            "average_score": [5.0, 4, 3, 2, 1],
        }
    )
    ct = D.correlation_table(t, ["a", "b"], {"a": "Alpha"})
    a = ct.set_index("key").loc["a"]
    assert a["label"] == "Alpha" and a["spearman_rho"] == pytest.approx(-1.0) and a["note"] == ""
    b = ct.set_index("key").loc["b"]
    assert b["n"] == 2 and "at least 4" in b["note"] and pd.isna(b["pearson_r"])


# ---------------------------------------------------------------- report, map


def test_report_without_context_says_what_is_missing():
    view = _two_group_view(np.random.default_rng(1))
    rep = D.disparity_report(view, None, n_resamples=500)
    assert rep.distance is None and rep.difference is not None and rep.variance is not None
    assert any("python -m league_atlas build" in n for n in rep.notes)
    s = rep.summary()
    assert len(s) == 2 and s["figure"].str.contains("eta squared").any()


def test_report_with_distance_context():
    rng = np.random.default_rng(2)
    view = _two_group_view(rng)
    dist = np.where(view["region_code"].isin(["E40000003", "E40000005"]), 20.0, 250.0)
    dist = dist + rng.uniform(0, 50, len(view))
    ctx = pd.DataFrame({"trust_code": view["trust_code"], D.DISTANCE_PROXY: dist})
    rep = D.disparity_report(view, ctx, n_resamples=500)
    assert rep.distance is not None and rep.distance.spearman > 0.5
    assert rep.distance_line.slope > 0
    assert len(rep.summary()) == 5
    assert any(line.startswith("Fitted line") for line in rep.lines())


def test_area_stat_and_legend_use_the_map_colours():
    view = make_view([1.0, 2.0, 3.0, 2.0], ["E40000003", "E40000011", "E40000011", None])
    t = D.area_summary(view)
    stat = L.area_stat(t, "mean_score")
    assert dict(stat.values) == {"E40000003": 1.0, "E40000011": 2.5}
    legend = L.area_legend(stat, n_stops=3)
    assert legend["colour"].iloc[0] == mapview._colour_for(stat, 1.0)
    assert legend["colour"].iloc[2] == mapview._colour_for(stat, 2.5)
    assert legend["text"].iloc[-1] == "no trusts"
    div = L.area_stat(t, "mean_rank_change")
    assert div.diverging
    with pytest.raises(LeagueAtlasError, match="unknown area measure"):
        L.area_stat(t, "nope")
    html = L.legend_html("Mean <score>", legend)
    assert "Mean &lt;score&gt;" in html and "no trusts" in html

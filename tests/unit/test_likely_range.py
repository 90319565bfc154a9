"""NHS England's likely ranges (percentile bootstrap): seeded, vectorised, and equal to a
brute-force reference (exact enumeration, and a per-draw plain-Python ranking) on a tiny case."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from fixtures.scoring import synth
from league_atlas.io import releases
from league_atlas.scoring import likely_range, preparation
from league_atlas.scoring.weights import Weights

# A tiny made-up release: three trusts, their own 1-4 item scores, a financial override on B.
TINY_ITEMS = {
    "A": {"OF1003": 1.0, "OF1013": 2.0, "OF1061": 4.0},
    "B": {"OF1003": 1.5, "OF1061": 2.5},
    "C": {"OF1003": 2.5, "OF1013": 3.0, "OF1061": 3.5},
}
TINY_FLAGS = {"A": 0, "B": 1, "C": 0}
TINY_CUTS = (2.0, 2.5, 3.0)
DOMAINS = {"OF1003": "Access to services", "OF1013": "Access to services"}


def _tiny_metrics(items=TINY_ITEMS, flags=TINY_FLAGS) -> pd.DataFrame:
    rows = []
    summary = {}
    for code, scores in items.items():
        avg = round(float(np.mean(list(scores.values()))), 2)
        seg = 1 + sum(avg > c for c in TINY_CUTS)
        adj = max(seg, 3) if flags[code] else seg
        summary[code] = (avg, seg, adj)
        for mid, v in scores.items():
            rows.append((code, mid, v, DOMAINS.get(mid, "Patient safety"), np.nan))
    order = sorted(summary, key=lambda c: (summary[c][2], summary[c][0]))
    for code, (avg, seg, adj) in summary.items():
        rank = 1 + sum((summary[o][2], summary[o][0]) < (adj, avg) for o in order if o != code)
        rows += [
            (code, "OF5002", avg, "Summary", np.nan),
            (code, "OF5003", float(seg), "Summary", np.nan),
            (code, "OF5004", float(flags[code]), "Summary", np.nan),
            (code, "OF5000", float(adj), "Summary", float(rank)),
        ]
    df = pd.DataFrame(rows, columns=["trust_code", "metric_id", "value", "domain", "rank"])
    return df.assign(
        framework_year="2025/26", quarter="Q4 2025/26", quarter_index=20254, trust_type="non-acute"
    )


@pytest.fixture(scope="module")
def tiny() -> preparation.Prepared:
    return preparation.prepare(_tiny_metrics(), "non-acute")


@pytest.fixture(scope="module")
def q1() -> preparation.Prepared:
    return preparation.prepare(releases.read_release(synth.FIXTURE).table, "acute", "Q1 2025/26")


def _exact_bootstrap(prep: preparation.Prepared):
    """Every equally likely joint resample, enumerated: per trust the n^n ordered draws of its
    items; returns (probabilities, means, segments, ranks) over the joint outcomes (plain Python)."""
    per_trust = []
    for t in range(prep.n_trusts):
        vals = [float(v) for v, m in zip(prep.scores[t], prep.mask[t], strict=True) if m]
        per_trust.append([sum(c) / len(vals) for c in itertools.product(vals, repeat=len(vals))])
    cuts2 = [float(c) for c in prep.cut_points.doubled]
    probs, means, segs, ranks = [], [], [], []
    for outcome in itertools.product(*per_trust):
        p = Fraction(1)
        for opts in per_trust:
            p /= len(opts)
        steps = [np.floor(round(m * 100, 6) + 0.5) for m in outcome]
        seg = []
        for t, s in enumerate(steps):
            k = 1 + sum(2 * s > c for c in cuts2)
            if prep.override_flag[t]:
                k = max(k, prep.rules.override_floor)
            seg.append(k)
        key = list(zip(seg, steps, strict=True))
        rank = [1 + sum(o < key[t] for o in key) for t in range(len(key))]
        probs.append(p)
        means.append(outcome)
        segs.append(seg)
        ranks.append(rank)
    return probs, np.array(means), np.array(segs), np.array(ranks)


def _exact_quantile(values, probs, q):
    """Smallest value whose cumulative probability reaches q (the inverted-CDF quantile), and
    how close that cumulative probability sits to q (a Monte Carlo estimate may differ there)."""
    order = np.argsort(values, kind="stable")
    cum = Fraction(0)
    by_value: dict[float, Fraction] = {}
    for i in order:
        by_value[float(values[i])] = by_value.get(float(values[i]), Fraction(0)) + probs[i]
    margin = 1.0
    for v in sorted(by_value):
        before = cum
        cum += by_value[v]
        margin = min(abs(float(before) - q), abs(float(cum) - q))
        if cum >= q:
            return v, margin
    return v, margin


def test_bootstrap_matches_exact_enumeration(tiny):
    probs, means, segs, ranks = _exact_bootstrap(tiny)
    r = likely_range.likely_ranges(tiny, n_draws=200_000, seed=5)
    checked = 0
    for t in range(tiny.n_trusts):
        for q, col in ((0.025, "rank_low"), (0.975, "rank_high")):
            exact, margin = _exact_quantile(ranks[:, t], probs, q)
            if margin > 0.004:  # well away from a jump of the CDF: Monte Carlo must agree
                assert r.loc[t, col] == exact, (tiny.trust_codes[t], col)
                checked += 1
        for q, col in ((0.025, "score_low"), (0.975, "score_high")):
            exact, _ = _exact_quantile(means[:, t], probs, q)
            assert r.loc[t, col] == pytest.approx(exact, abs=0.011), (tiny.trust_codes[t], col)
        for k in range(1, 5):
            p_exact = float(sum(p for p, s in zip(probs, segs[:, t], strict=True) if s == k))
            assert r.loc[t, f"p_segment_{k}"] == pytest.approx(p_exact, abs=0.004)
    assert checked >= 4


def test_vectorised_draws_equal_a_per_draw_reference(q1):
    """Same random positions: the vectorised means, segments and ranks equal a plain loop."""
    pool = likely_range.item_pool(q1)
    rng = np.random.default_rng(11)
    pos = likely_range.draw_positions(pool, 40, rng)
    w = Weights(domains={"Patient safety": 2.0}, metrics={"OF1085": 0.0}).item_vector(q1)
    for weights in (np.ones(len(q1.item_keys)), w):
        means = likely_range.draw_means(pool, weights, pos)
        _, seg, rank = likely_range.rank_draws(q1, means)
        for d in range(pos.shape[0]):
            ref_mean = []
            for t in range(q1.n_trusts):
                own = [j for j in range(len(q1.item_keys)) if q1.mask[t, j]]
                picked = [own[int(pos[d, t, i])] for i in range(len(own))]
                den = sum(weights[j] for j in picked)
                num = sum(weights[j] * q1.scores[t, j] for j in picked)
                ref_mean.append(num / den if den > 0 else np.nan)
            np.testing.assert_allclose(means[:, d], ref_mean, rtol=1e-12)
            steps = [np.floor(round(m * 100, 6) + 0.5) for m in ref_mean]
            ref_seg = []
            for t, s in enumerate(steps):
                k = 1 + sum(2 * s > c for c in q1.cut_points.doubled)
                ref_seg.append(max(k, 3) if q1.override_flag[t] and not np.isnan(s) else k)
            keys = [(k, s) for k, s in zip(ref_seg, steps, strict=True)]
            ref_rank = [
                np.nan if np.isnan(s) else 1 + sum(o < keys[t] for o in keys if not np.isnan(o[1]))
                for t, (_, s) in enumerate(keys)
            ]
            ok = ~np.isnan(steps)
            np.testing.assert_array_equal(seg[ok, d], np.array(ref_seg)[ok])
            np.testing.assert_array_equal(rank[:, d], ref_rank)


def test_positions_are_uniform_over_each_trusts_own_items(tiny):
    pool = likely_range.item_pool(tiny)
    pos = likely_range.draw_positions(pool, 30_000, np.random.default_rng(0))
    for t, n in enumerate(pool.n):
        counts = np.bincount(pos[:, t, :n].ravel(), minlength=n)
        assert len(counts) == n
        np.testing.assert_allclose(counts / counts.sum(), 1 / n, atol=0.01)


def test_seeded_and_reproducible(q1):
    a = likely_range.likely_ranges(q1, n_draws=1500, seed=3)
    b = likely_range.likely_ranges(q1, n_draws=1500, seed=3)
    c = likely_range.likely_ranges(q1, n_draws=1500, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["p_segment_1", "p_segment_2", "p_segment_3"]].equals(
        c[["p_segment_1", "p_segment_2", "p_segment_3"]]
    )
    # Blocks of draws continue one stream: the first 1,000 of 1,500 draws are the 1,000 draws.
    d1 = likely_range.bootstrap(q1, n_draws=1000, seed=3)
    d2 = likely_range.bootstrap(q1, n_draws=1500, seed=3)
    np.testing.assert_array_equal(d1.rank, d2.rank[:, :1000])


def test_quarters_and_types_get_independent_streams():
    metrics = releases.read_release(synth.FIXTURE).table
    a = preparation.prepare(metrics, "acute", "Q1 2025/26")
    b = preparation.prepare(metrics, "acute", "Q2 2025/26")
    ua = likely_range.rng_for(a, 0).random(5)
    ub = likely_range.rng_for(b, 0).random(5)
    assert not np.array_equal(ua, ub)
    np.testing.assert_array_equal(ua, likely_range.rng_for(a, 0).random(5))


def test_ranges_contain_the_official_values_and_are_ordered(q1):
    r = likely_range.likely_ranges(q1, n_draws=4000, seed=0)
    assert list(r["trust_code"]) == list(q1.trust_codes)
    assert (r["score_low"] <= r["score_high"]).all()
    assert (r["rank_low"] <= r["rank_high"]).all()
    assert (r["rank_low"] >= 1).all() and (r["rank_high"] <= q1.n_trusts).all()
    inside = (r["score_low"] <= q1.published_average + 0.01) & (
        q1.published_average - 0.01 <= r["score_high"]
    )
    assert inside.all()
    p = r[[f"p_segment_{k}" for k in range(1, 5)]].sum(axis=1)
    np.testing.assert_allclose(p, 1.0)
    # Override trusts are never better than segment 3 in any draw.
    flagged = q1.override_flag
    assert (r.loc[flagged, "p_segment_1"] == 0).all() and (r.loc[flagged, "p_segment_2"] == 0).all()


def test_reweighting_weights_each_draw(tiny):
    """Only one item weighted: every draw's mean is that item's score whenever it is drawn, so
    a trust whose other items are zero-weighted has a single-valued score range."""
    w = Weights(metrics={"OF1013": 0.0, "OF1061": 0.0}).item_vector(tiny)
    r = likely_range.likely_ranges(tiny, w, n_draws=3000, seed=1)
    for t, code in enumerate(tiny.trust_codes):
        j = tiny.item_keys.index("OF1003")
        assert r.loc[t, "score_low"] == r.loc[t, "score_high"] == tiny.scores[t, j], code
    official = likely_range.likely_ranges(tiny, n_draws=3000, seed=1)
    assert (official["score_high"] > r["score_high"]).all()


def test_bad_settings_are_refused(q1):
    for bad in (0, -1, 1.5, True, likely_range.MAX_DRAWS + 1):
        with pytest.raises(likely_range.LikelyRangeError, match="n_draws"):
            likely_range.likely_ranges(q1, n_draws=bad)
    with pytest.raises(likely_range.LikelyRangeError, match="level"):
        likely_range.summarise(likely_range.bootstrap(q1, n_draws=10), level=1.5)


def test_published_ranges_are_attached_and_compared(q1):
    r = likely_range.likely_ranges(q1, n_draws=2000, seed=0)
    lf = pd.DataFrame(
        {
            "quarter": q1.quarter,
            "trust_type": q1.trust_type,
            "trust_code": r["trust_code"],
            "score_range_low": r["score_low"] + 0.02,
            "score_range_high": r["score_high"],
            "rank_range_low": r["rank_low"].astype(float),
            "rank_range_high": r["rank_high"].astype(float) + np.r_[3, np.zeros(len(r) - 1)],
        }
    )
    with_pub = likely_range.likely_ranges(q1, n_draws=2000, seed=0, league_files=lf)
    assert {"published_rank_low", "published_score_high"} <= set(with_pub.columns)
    cmp = likely_range.compare_with_published(with_pub)
    assert cmp["trusts_compared"] == len(r)
    assert cmp["rank_ends_within_2"] == pytest.approx((len(r) - 1) / len(r))
    assert cmp["score_ends_within_0_03"] == 1.0
    assert likely_range.compare_with_published(r) == {"trusts_compared": 0}


# ---------------------------------------------------------------- league --likely-range


class _Store:
    def __init__(self, metrics: pd.DataFrame, league_files: pd.DataFrame | None = None):
        self.metrics = metrics
        self.league_files = league_files if league_files is not None else pd.DataFrame()


def _run(monkeypatch, store, argv: list[str]) -> tuple[int, str, str]:
    import argparse
    import io

    from league_atlas.cli import league as league_cmd

    monkeypatch.setattr(league_cmd, "load_store", lambda data_dir: store)
    parser = argparse.ArgumentParser()
    league_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["league", *argv])
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    return args.func(args), out.getvalue(), err.getvalue()


def test_league_command_adds_the_likely_ranges(monkeypatch, q1):
    import io

    metrics = releases.read_release(synth.FIXTURE).table
    argv = ["--trust-type", "acute", "--quarter", "Q1 2025/26", "--likely-range", "--draws", "2000"]
    code, out, err = _run(monkeypatch, _Store(metrics), argv)
    assert code == 0
    t = pd.read_csv(io.StringIO(out))
    assert set(likely_range.RANGE_COLUMNS) <= set(t.columns)
    assert not any(c.startswith("published_") for c in t.columns)  # no league-table file
    expected = likely_range.likely_ranges(q1, n_draws=2000).set_index("trust_code")
    got = t.set_index("trust_code")
    for c in likely_range.RANGE_COLUMNS:
        np.testing.assert_array_equal(
            got[c].sort_index().to_numpy(dtype=float),
            expected[c].sort_index().to_numpy(dtype=float),
        )
    assert "likely ranges (95%) from 2,000 bootstrap draws (seed 0)" in err


def test_league_command_likely_ranges_follow_the_weights_and_the_published_file(monkeypatch, q1):
    import json

    metrics = releases.read_release(synth.FIXTURE).table
    lf = pd.DataFrame(
        {
            "quarter": "Q1 2025/26",
            "trust_type": "acute",
            "trust_code": list(q1.trust_codes),
            "score_range_low": 1.0,
            "score_range_high": 4.0,
            "rank_range_low": 1.0,
            "rank_range_high": float(q1.n_trusts),
        }
    )
    weights = synth.HERE / "weights_safety_x2.json"
    argv = ["--trust-type", "acute", "--quarter", "Q1 2025/26", "--likely-range"]
    argv += ["--draws", "1500", "--weights", str(weights), "--format", "json"]
    code, out, err = _run(monkeypatch, _Store(metrics, lf), argv)
    assert code == 0
    rows = pd.DataFrame(json.loads(out)).set_index("trust_code").sort_index()
    w = Weights.from_json(weights)
    expected = likely_range.likely_ranges(q1, w, 1500).set_index("trust_code").sort_index()
    np.testing.assert_allclose(rows["score_low"], expected["score_low"])
    assert (rows["published_rank_high"] == q1.n_trusts).all()
    assert "re-weighted" in err and "against NHS England's published ranges" in err
    code, _, err = _run(monkeypatch, _Store(metrics), [*argv[:4], "--likely-range", "--draws", "0"])
    assert code == 2 and "--draws" in err

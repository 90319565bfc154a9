"""Monte Carlo over the weights: reproducible, consistent with the engine, sensible limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fixtures.scoring import synth
from league_atlas.io import releases
from league_atlas.scoring import engine, preparation, uncertainty
from league_atlas.scoring.weights import Weights


@pytest.fixture(scope="module")
def q1() -> preparation.Prepared:
    return preparation.prepare(releases.read_release(synth.FIXTURE).table, "acute", "Q1 2025/26")


def test_seeded_draws_are_reproducible(q1):
    a = uncertainty.rank_intervals(q1, n_draws=300, spread=0.6, seed=7)
    b = uncertainty.rank_intervals(q1, n_draws=300, spread=0.6, seed=7)
    c = uncertainty.rank_intervals(q1, n_draws=300, spread=0.6, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["mean_abs_rank_shift"], c["mean_abs_rank_shift"])


def test_every_draw_is_the_engine_run_on_those_weights(q1):
    """The vectorised simulation equals engine.score() draw by draw."""
    rng = np.random.default_rng(3)
    base = Weights(domains={"Patient safety": 2}).item_vector(q1)
    draws = uncertainty.draw_weights(base, 25, 40.0, rng)
    for method in preparation.SEGMENT_METHODS:
        ranks, segs = uncertainty.simulate(q1, draws, segment_method=method)
        for d in range(draws.shape[0]):
            r = engine.score(q1, draws[d], segment_method=method)
            np.testing.assert_array_equal(ranks[:, d], r.rank)
            np.testing.assert_array_equal(segs[:, d], r.segment)


def test_draws_centre_on_the_weights_and_keep_zeros_zero(q1):
    w = Weights(metrics={"OF1085": 0, "infections": 3}).item_vector(q1)
    draws = uncertainty.draw_weights(w, 4000, 200.0, np.random.default_rng(0))
    np.testing.assert_allclose(draws.sum(axis=1), 1.0)
    assert (draws[:, q1.item_keys.index("OF1085")] == 0).all()
    np.testing.assert_allclose(draws.mean(axis=0), w / w.sum(), atol=0.005)


def test_spread_and_concentration_are_inverse():
    for n in (2, 5, 25):
        for spread in (0.1, 0.25, 0.5):
            a0 = uncertainty.concentration_for_spread(n, spread)
            assert uncertainty.spread_for_concentration(n, a0) == pytest.approx(spread)
    # The CV formula is the Dirichlet's own: check by sampling.
    rng = np.random.default_rng(1)
    a0 = uncertainty.concentration_for_spread(10, 0.25)
    x = rng.dirichlet(np.full(10, a0 / 10), size=20000)
    assert (x.std(axis=0) / x.mean(axis=0)).mean() == pytest.approx(0.25, rel=0.05)


def test_intervals_are_ordered_and_probabilities_sum_to_one(q1):
    t = uncertainty.rank_intervals(q1, Weights(domains={"Access to services": 0.5}), 500, seed=1)
    assert (t["rank_p5"] <= t["rank_median"]).all() and (t["rank_median"] <= t["rank_p95"]).all()
    p = t[[f"p_segment_{k}" for k in range(1, 5)]].sum(axis=1)
    np.testing.assert_allclose(p, 1.0)
    assert t.attrs["n_draws"] == 500 and t.attrs["spread"] == pytest.approx(0.25)
    assert t.attrs["mean_abs_rank_shift"] == pytest.approx(t["mean_abs_rank_shift"].mean())
    # Flagged trusts can never be in segments 1-2 with the override on.
    flagged = q1.override_flag
    assert (t.loc[flagged, ["p_segment_1", "p_segment_2"]] == 0).all().all()


def test_a_very_tight_spread_collapses_onto_the_reference(q1):
    w = Weights(domains={"People and workforce": 2})
    ref = engine.reweight(q1, w)
    t = uncertainty.rank_intervals(q1, w, 200, concentration=1e9, seed=0)
    assert (t["rank_p5"] == ref["rank"]).all() and (t["rank_p95"] == ref["rank"]).all()
    assert t.attrs["mean_abs_rank_shift"] == 0
    for k in range(1, 5):
        np.testing.assert_array_equal(t[f"p_segment_{k}"], (ref["segment"] == k).astype(float))


def test_a_wide_spread_moves_ranks_more_than_a_narrow_one(q1):
    wide = uncertainty.rank_intervals(q1, n_draws=1000, spread=0.8, seed=0)
    narrow = uncertainty.rank_intervals(q1, n_draws=1000, spread=0.05, seed=0)
    assert wide.attrs["mean_abs_rank_shift"] > narrow.attrs["mean_abs_rank_shift"]


def test_published_rank_ranges_sit_beside_ours(q1):
    lf = pd.DataFrame(
        {
            "quarter": ["Q1 2025/26", "Q1 2025/26", "Q2 2025/26"],
            "trust_type": "acute",
            "trust_code": ["XA1", "XA2", "XA1"],
            "rank_range_low": [1.0, 2.0, 5.0],
            "rank_range_high": [3.0, 8.0, 9.0],
            "score_range_low": [1.1, 1.9, 2.0],
            "score_range_high": [1.4, 2.2, 2.5],
        }
    )
    t = uncertainty.rank_intervals(q1, n_draws=50, league_files=lf).set_index("trust_code")
    assert t.loc["XA1", "published_rank_high"] == 3 and t.loc["XA2", "published_rank_low"] == 2
    assert np.isnan(t.loc["XA3", "published_rank_low"])
    assert t.loc["XA2", "published_score_high"] == 2.2
    empty = uncertainty.attach_published_ranges(t.reset_index(), q1, pd.DataFrame())
    assert empty["published_rank_low"].isna().all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_draws": 0}, "n_draws"),
        ({"n_draws": 2.5}, "n_draws"),
        ({"n_draws": True}, "n_draws"),
        ({"concentration": -1}, "concentration"),
        ({"concentration": float("nan")}, "concentration"),
        ({"spread": 0}, "spread"),
    ],
)
def test_bad_settings_are_refused(q1, kwargs, message):
    with pytest.raises(uncertainty.UncertaintyError, match=message):
        uncertainty.rank_intervals(q1, **{"n_draws": 10, **kwargs})

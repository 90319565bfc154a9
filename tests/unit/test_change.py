"""Change between quarters, beyond noise: the classification rules of analysis/change.py on tiny
made-up quarters where the right answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from league_atlas.analysis import change
from league_atlas.scoring import likely_range, preparation
from support.tiny_release import quarter_rows

IDS = ("OF1003", "OF1013", "OF1061", "OF1082", "OF1084", "OF1086")


def _items(values) -> dict[str, float]:
    return dict(zip(IDS, values, strict=True))


Q1 = {
    "STEADY": _items([2.4, 2.6, 2.2, 2.8, 2.5, 2.3]),
    "WORSE": _items([1.2, 1.4, 1.3, 1.5, 1.2, 1.4]),
    "OVERRIDE": _items([1.5, 1.4, 1.6, 1.5, 1.5, 1.5]),
    "NOISE": _items([2.0, 2.0, 2.0, 2.0, 2.0, 1.88]),
    "PAD1": _items([3.1, 3.3, 3.2, 3.4, 3.0, 3.5]),
    "PAD2": _items([2.1, 2.2, 2.4, 1.9, 2.2, 2.3]),
}
Q2 = {
    **Q1,
    "WORSE": _items([v + 1.5 for v in Q1["WORSE"].values()]),
    "NOISE": _items([2.0, 2.0, 2.0, 2.0, 2.0, 2.18]),
}


@pytest.fixture(scope="module")
def quarters() -> tuple[preparation.Prepared, preparation.Prepared]:
    metrics = pd.concat(
        [
            quarter_rows(Q1, {"PAD1": 1}, "Q1 2025/26", 20251),
            quarter_rows(Q2, {"PAD1": 1, "OVERRIDE": 1}, "Q2 2025/26", 20252),
        ],
        ignore_index=True,
    )
    return (
        preparation.prepare(metrics, "non-acute", "Q1 2025/26"),
        preparation.prepare(metrics, "non-acute", "Q2 2025/26"),
    )


@pytest.fixture(scope="module")
def changes(quarters) -> pd.DataFrame:
    return change.quarter_changes(*quarters, n_draws=4000, seed=0).set_index("trust_code")


def test_unchanged_trust_moves_only_because_another_fell_behind(changes):
    """STEADY's metrics are identical: no score or segment change, but WORSE dropped below it,
    and OVERRIDE's override put it below too, in every draw: its rank change is real."""
    r = changes.loc["STEADY"]
    assert r["score_change"] == 0 and r["segment_change"] == 0
    assert not r["score_beyond_noise"] and not r["segment_beyond_noise"]
    assert r["rank_change"] == 2 and r["rank_beyond_noise"]
    assert change.describe(r).startswith("rank ") and "beyond noise" in change.describe(r)
    last = changes.loc["PAD1"]  # last in both quarters, same metrics: nothing changed
    assert last["status"] == change.NO_CHANGE and change.describe(last) == change.NO_CHANGE


def test_large_change_of_every_metric_is_beyond_noise(changes):
    r = changes.loc["WORSE"]
    assert r["score_change"] == pytest.approx(1.5)
    assert r["score_change_low"] == pytest.approx(1.5) and r["score_change_high"] == pytest.approx(
        1.5
    )
    assert r["score_beyond_noise"] and r["segment_beyond_noise"] and r["rank_beyond_noise"]
    assert r["segment_change"] < 0 and r["rank_change"] < 0  # worse: moved down
    assert r["segment_reason"] == "score change beyond noise"
    assert r["status"] == change.BEYOND


def test_override_applied_is_beyond_noise_without_a_score_change(changes):
    r = changes.loc["OVERRIDE"]
    assert r["score_change"] == 0 and not r["score_beyond_noise"]
    assert (r["previous_segment"], r["segment"]) == (1, 3)
    assert r["segment_beyond_noise"] and r["segment_reason"] == change.OVERRIDE_ON
    assert "financial override applied" in change.describe(r)


def test_a_cut_point_crossed_by_one_metric_is_within_noise(changes):
    """One metric of six moves by 0.3: the segment changes, but a resample that leaves that
    metric out (a third of them) shows no change, so the change is within noise."""
    r = changes.loc["NOISE"]
    assert r["segment_change"] == -1
    assert not r["score_beyond_noise"] and not r["segment_beyond_noise"]
    assert r["score_change_low"] <= 0 <= r["score_change_high"]
    assert r["segment_reason"] == "score change within noise"
    # ... while its rank rose for real: WORSE and OVERRIDE fell below it in every draw.
    assert r["rank_change"] == 2 and r["rank_beyond_noise"] and r["status"] == change.BEYOND
    assert "segment 1 → 2 (within noise)" in change.describe(r)


def test_paired_draws_compare_a_metric_with_itself(quarters):
    """STEADY's paired draws give exactly zero change in every draw (independent draws would
    not): the pairing is what makes small real changes detectable."""
    mp, mc, rp, rc = change.paired_draws(*quarters, n_draws=500, seed=1)
    i = list(quarters[0].trust_codes).index("STEADY")
    np.testing.assert_array_equal(mp[i], mc[i])
    indep_p = likely_range.bootstrap(quarters[0], n_draws=500, seed=1).score[i]
    indep_c = likely_range.bootstrap(quarters[1], n_draws=500, seed=1).score[i]
    assert np.abs(indep_c - indep_p).max() > 0.1
    assert rp.shape == (quarters[0].n_trusts, 500) and rc.shape == rp.shape


def test_seeded(quarters):
    a = change.quarter_changes(*quarters, n_draws=800, seed=2)
    b = change.quarter_changes(*quarters, n_draws=800, seed=2)
    pd.testing.assert_frame_equal(a, b)


def test_summary_sentence_and_previous_quarter(changes):
    s = change.summary(changes.reset_index())
    assert s["segment_changes"] == 3  # WORSE, OVERRIDE, NOISE
    assert s["segment_changes_beyond_noise"] == 2
    assert s["segment_changes_from_override"] == 1
    text = change.sentence(changes)
    assert "3 of 6 trusts changed segment" in text and "2 of those changes" in text
    assert change.previous_quarter(["Q1", "Q2", "Q3"], "Q3") == "Q2"
    assert change.previous_quarter(["Q1", "Q2"], "Q1") is None
    assert change.previous_quarter(["Q1"], "Q9") is None


def test_trust_trend_lists_each_quarter_with_its_verdict(quarters):
    t = change.trust_trend(list(quarters), "WORSE", n_draws=1000)
    assert list(t["quarter"]) == ["Q1 2025/26", "Q2 2025/26"]
    assert t.loc[0, "change"] == ""
    assert "beyond noise" in t.loc[1, "change"] and "score 1.33 → 2.83" in t.loc[1, "change"]
    assert (t["score_low"] <= t["score"]).all() and (t["score"] <= t["score_high"]).all()


def test_types_must_match(quarters):
    other = quarters[1]
    import dataclasses

    with pytest.raises(ValueError, match="one trust type"):
        change.quarter_changes(quarters[0], dataclasses.replace(other, trust_type="acute"))

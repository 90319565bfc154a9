"""Property tests on generated releases: the engine's promises hold for any consistent release.

Releases come from fixtures/scoring/synth.py, whose exact arithmetic stands in for NHS England.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fixtures.scoring import synth
from league_atlas.scoring import engine, preparation
from league_atlas.scoring.rules import RULES_2025_26
from league_atlas.scoring.weights import Weights, WeightsError

POOL = [
    "OF1003",
    "OF1013",
    "OF1020",
    "OF1048",
    "OF1088",
    "OF1061",
    "OF1046",
    "OF1082",
    "OF1080",
    "OF1085",
]
SETTINGS = settings(  # max_examples comes from the profile loaded in tests/conftest.py
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

score_values = st.integers(100, 400).map(lambda k: k / 100)


@st.composite
def trusts(draw, min_size: int = 2, max_size: int = 12) -> list[synth.Trust]:
    n = draw(st.integers(min_size, max_size))
    out = []
    for i in range(n):
        present = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=len(POOL), unique=True))
        scores = {m: draw(score_values) for m in present}
        if "OF1080" in present and draw(st.booleans()):  # finance parts present but not items
            scores["OF1079"] = float(draw(st.integers(1, 4)))
            scores["OF1081"] = float(draw(st.integers(1, 4)))
        out.append(
            synth.Trust(f"T{i:02d}", scores, draw(st.integers(0, 1)), draw(st.integers(0, 1)))
        )
    return out


cut_points = st.lists(st.integers(100, 399), min_size=3, max_size=3, unique=True).map(
    lambda ks: tuple((k + 0.5) / 100 for k in sorted(ks))
)


@st.composite
def releases(draw, decimals: int | None = 2):
    ts = draw(trusts())
    cuts = draw(cut_points)
    tidy = synth.tidy_release(ts, cuts=cuts, decimals=decimals, support_rows=draw(st.booleans()))
    return ts, cuts, tidy


def weights_for(prepared: preparation.Prepared):
    n = len(prepared.item_keys)
    return (
        st.lists(
            st.one_of(st.just(0.0), st.floats(0.05, 20.0, allow_nan=False)), min_size=n, max_size=n
        )
        .map(np.array)
        .filter(lambda w: w.sum() > 0)
    )


# ---------------------------------------------------------------- properties


@SETTINGS
@given(releases())
def test_default_weights_reproduce_the_published_values(rel):
    ts, cuts, tidy = rel
    p = preparation.prepare(tidy, "acute")
    pub = synth.publish(ts, cuts)
    t = engine.reweight(p).set_index("trust_code")
    for code, v in pub.items():
        assert t.loc[code, "average_score"] == v.average
        assert t.loc[code, "segment"] == v.adjusted
        assert t.loc[code, "rank"] == v.rank
    check = engine.reproduction_check(p)
    assert check["segments_match"] == check["ranks_match"] == p.n_trusts
    assert check["recomputed_max_abs_error"] <= 0.005 + 1e-9
    # The non-official path with weights a hair away from official gives the same table.
    w = np.ones(len(p.item_keys))
    w[-1] += 1e-9
    near = engine.reweight(p, w).set_index("trust_code")
    assert (near["segment"] == t["segment"]).all()
    assert (near["rank"] == t["rank"]).all()


@SETTINGS
@given(st.data())
def test_scaling_every_weight_changes_nothing(data):
    _, _, tidy = data.draw(releases())
    p = preparation.prepare(tidy, "acute")
    w = data.draw(weights_for(p))
    c = data.draw(st.floats(1e-3, 1e3))
    a = engine.score(p, w)
    b = engine.score(p, w * c)
    np.testing.assert_array_equal(a.segment, b.segment)
    np.testing.assert_array_equal(a.rank, b.rank)
    np.testing.assert_allclose(a.score, b.score, rtol=0, atol=1e-9)
    # Same through named domain weights.
    dw = {d: 1.0 + i for i, d in enumerate(p.domains)}
    r1 = engine.score(p, Weights(domains=dw))
    r2 = engine.score(p, Weights(domains={d: v * c for d, v in dw.items()}))
    np.testing.assert_array_equal(r1.rank, r2.rank)


def _improve(ts: list[synth.Trust], who: int, metric: str, by: float) -> list[synth.Trust]:
    out = [dataclasses.replace(t, scores=dict(t.scores)) for t in ts]
    out[who].scores[metric] = round(max(1.0, out[who].scores[metric] - by), 2)
    return out


@settings(SETTINGS, max_examples=max(5, SETTINGS.max_examples * 5 // 8))
@given(st.data())
def test_improving_an_item_never_worsens_the_trusts_rank(data):
    ts = data.draw(trusts())
    cuts = data.draw(cut_points)
    who = data.draw(st.integers(0, len(ts) - 1))
    metric = data.draw(st.sampled_from(sorted(ts[who].scores)))
    assume(metric not in ("OF1079", "OF1081"))
    by = data.draw(st.integers(1, 300)) / 100
    better = _improve(ts, who, metric, by)
    code = ts[who].code

    # Official weights on the published (2-dp) releases.
    before = engine.reweight(preparation.prepare(synth.tidy_release(ts, cuts=cuts), "acute"))
    after = engine.reweight(preparation.prepare(synth.tidy_release(better, cuts=cuts), "acute"))
    assert (
        after.set_index("trust_code").loc[code, "rank"]
        <= before.set_index("trust_code").loc[code, "rank"]
    )

    # Any weights, on exact releases with fixed thresholds (read-back cut-points would move
    # with the improved trust itself; the published rounding adds up to 0.005 of noise).
    rules = dataclasses.replace(RULES_2025_26, cut_points=cuts)
    p0 = preparation.prepare(synth.tidy_release(ts, cuts=cuts, decimals=None), "acute", rules=rules)
    p1 = preparation.prepare(
        synth.tidy_release(better, cuts=cuts, decimals=None), "acute", rules=rules
    )
    assert p0.item_keys == p1.item_keys
    w = data.draw(weights_for(p0))
    r0 = engine.reweight(p0, w).set_index("trust_code").loc[code]
    r1 = engine.reweight(p1, w).set_index("trust_code").loc[code]
    if pd.isna(r0["rank"]):  # no weighted item: nothing to improve
        assert pd.isna(r1["rank"])
    else:
        assert r1["average_score"] <= r0["average_score"] + 1e-12
        assert r1["rank"] <= r0["rank"]


@SETTINGS
@given(st.data())
def test_ranks_are_a_valid_competition_ranking(data):
    _, _, tidy = data.draw(releases())
    p = preparation.prepare(tidy, "acute")
    w = data.draw(weights_for(p))
    method = data.draw(st.sampled_from(preparation.SEGMENT_METHODS))
    override = data.draw(st.booleans())
    t = engine.reweight(p, w, segment_method=method, financial_override=override)
    ranked = t[t["rank"].notna()]
    steps = preparation.to_steps(ranked["average_score"].to_numpy())
    keys = list(zip(ranked["segment"].astype(int), steps, strict=True))
    for k, r in zip(keys, ranked["rank"], strict=True):
        assert r == 1 + sum(k2 < k for k2 in keys)
    if len(ranked):
        assert ranked["rank"].min() == 1 and ranked["rank"].max() <= len(ranked)
    assert set(t["segment"].dropna()) <= {1, 2, 3, 4}
    if override:
        flagged = t[t["financial_override"] & t["segment"].notna()]
        assert (flagged["segment"] >= 3).all()
    # Trusts with no positive-weight item are exactly the unranked ones.
    no_item = (p.mask_f @ w) == 0
    np.testing.assert_array_equal(t["rank"].isna().to_numpy(), no_item)


@SETTINGS
@given(st.data())
def test_trusts_missing_items_are_scored_on_the_items_they_have(data):
    ts, cuts, tidy = data.draw(releases())
    p = preparation.prepare(tidy, "acute")
    w = data.draw(weights_for(p))
    t = engine.reweight(p, w).set_index("trust_code")
    wk = dict(zip(p.item_keys, w, strict=True))
    pub = synth.publish(ts, cuts)
    for trust in ts:
        items = synth.items(trust.scores)
        tw = sum(wk[k] for k in items)
        if tw == 0:
            assert np.isnan(t.loc[trust.code, "average_score"])
            continue
        rw = sum(wk[k] * float(v) for k, (_, v) in items.items()) / tw
        r0 = float(sum(v for _, v in items.values()) / len(items))
        assert t.loc[trust.code, "average_score"] == pytest.approx(
            pub[trust.code].average + rw - r0, abs=1e-9
        )
        assert t.loc[trust.code, "n_items"] == len(items)


@SETTINGS
@given(st.data())
def test_anchored_score_stays_within_the_published_rounding_of_the_recomputed(data):
    _, _, tidy = data.draw(releases())
    p = preparation.prepare(tidy, "acute")
    w = data.draw(weights_for(p))
    r = engine.score(p, w)
    ok = ~np.isnan(r.recomputed)
    assert np.all(np.abs(r.score[ok] - r.recomputed[ok]) <= 0.005 + 1e-9)


@SETTINGS
@given(
    releases(), st.sampled_from([-1.0, -1e-9, float("nan"), float("inf"), float("-inf")]), st.data()
)
def test_invalid_weights_give_a_clear_error(rel, bad, data):
    _, _, tidy = rel
    p = preparation.prepare(tidy, "acute")
    n = len(p.item_keys)
    w = np.ones(n)
    w[data.draw(st.integers(0, n - 1))] = bad
    with pytest.raises(WeightsError, match=r"item weight '.+' is (negative|not finite)"):
        engine.score(p, w)
    with pytest.raises(WeightsError, match="every item weight is zero"):
        engine.score(p, np.zeros(n))
    with pytest.raises(WeightsError, match="every item weight is zero"):
        engine.reweight(p, Weights(domains={d: 0.0 for d in p.domains}))
    with pytest.raises(WeightsError):
        Weights(metrics={p.item_keys[0]: bad})

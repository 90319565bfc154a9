"""Effective influence (correlation ratio) of each item on the composite."""

from __future__ import annotations

import numpy as np
import pytest

from fixtures.scoring import synth
from league_atlas.io import releases
from league_atlas.scoring import influence, preparation
from league_atlas.scoring.weights import Weights


@pytest.fixture(scope="module")
def q1() -> preparation.Prepared:
    return preparation.prepare(releases.read_release(synth.FIXTURE).table, "acute", "Q1 2025/26")


def test_correlation_ratio_is_the_group_means_for_a_discrete_item():
    x = np.array([1, 1, 2, 2, 3, 3, 4], dtype=float)
    y = np.array([1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 2.0])
    means = {1: 1.5, 2: 2.5, 3: 5.0, 4: 2.0}
    between = np.mean([(means[int(v)] - y.mean()) ** 2 for v in x])
    eta2, degree = influence.correlation_ratio(x, y)
    assert degree == 3
    assert eta2 == pytest.approx(between / y.var())


def test_correlation_ratio_catches_a_non_linear_main_effect():
    x = np.linspace(1, 4, 60)
    y = (x - 2.5) ** 2
    r = np.corrcoef(x, y)[0, 1]
    eta2, _ = influence.correlation_ratio(x, y)
    assert abs(r) < 0.05 and eta2 == pytest.approx(1.0)


def test_correlation_ratio_limits():
    x = np.linspace(1, 4, 50)
    assert influence.correlation_ratio(x, 2 * x + 1)[0] == pytest.approx(1.0)
    assert np.isnan(influence.correlation_ratio(x, np.ones(50))[0])
    assert influence.correlation_ratio(np.ones(50), x) == (0.0, 0)
    rng = np.random.default_rng(0)
    noise = influence.correlation_ratio(rng.uniform(size=400), rng.uniform(size=400))[0]
    assert noise < 0.05
    assert np.isnan(influence.correlation_ratio(x[:2], x[:2])[0])


def test_influence_table(q1):
    t = influence.effective_influence(q1)
    assert list(t["item"]) == list(q1.item_keys)
    assert (t["weight"] == 1).all()
    assert t["influence_share"].sum() == pytest.approx(1.0)
    assert ((t["eta2"] >= 0) & (t["eta2"] <= 1 + 1e-12)).all()
    assert (t["r2"] <= t["eta2"] + 1e-9).all()  # the linear fit is nested in the polynomial
    assert (t["eta2_adjusted"] <= t["eta2"] + 1e-12).all()
    assert (t.set_index("item").loc["OF1003", "n_trusts"]) == 8
    np.testing.assert_allclose(t["r2"], t["corr"] ** 2)


def test_a_single_weighted_item_explains_everything(q1):
    only = {k: 0.0 for k in q1.item_keys}
    only["OF1061"] = 1.0
    t = influence.effective_influence(q1, Weights(metrics=only)).set_index("item")
    assert t.loc["OF1061", "corr"] == pytest.approx(1.0)
    assert t.loc["OF1061", "eta2"] == pytest.approx(1.0)
    assert t.loc["OF1061", "nominal_share"] == pytest.approx(1.0)
    assert t.loc["OF1003", "nominal_share"] == 0


def test_weight_is_not_influence(q1):
    """Up-weighting an item raises its influence, but not in proportion to its nominal weight."""
    base = influence.effective_influence(q1).set_index("item")
    up = influence.effective_influence(q1, Weights(metrics={"OF1085": 5})).set_index("item")
    assert up.loc["OF1085", "eta2"] > base.loc["OF1085", "eta2"]
    assert up.loc["OF1085", "nominal_share"] > base.loc["OF1085", "nominal_share"]
    assert up.loc["OF1085", "influence_share"] != pytest.approx(up.loc["OF1085", "nominal_share"])

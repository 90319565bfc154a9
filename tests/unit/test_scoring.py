"""The scoring engine on a made-up release: exact reproduction, re-weighting arithmetic,
segments, override, ranks, explanations, errors, and the `league` command."""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fixtures.scoring import synth
from league_atlas.cli import league as league_cmd
from league_atlas.errors import InputError
from league_atlas.io import releases
from league_atlas.scoring import engine, preparation
from league_atlas.scoring.rules import RULES_2025_26, RulesError, rules_for
from league_atlas.scoring.weights import Weights, WeightsError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scoring"


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return releases.read_release(synth.FIXTURE).table


@pytest.fixture(scope="module")
def q1(metrics) -> preparation.Prepared:
    return preparation.prepare(metrics, "acute", "Q1 2025/26")


def _published(quarter: int, trust_type: str = "acute") -> dict[str, synth.Published]:
    trusts = synth._acute(quarter) if trust_type == "acute" else synth._ambulance(quarter)
    return synth.publish(trusts, synth.FIXTURE_CUTS[quarter])


# ---------------------------------------------------------------- prepare


def test_newest_quarter_by_default_and_quarter_text_is_normalised(metrics):
    assert preparation.prepare(metrics, "acute").quarter == "Q2 2025/26"
    p = preparation.prepare(metrics, "acute", "q1 2025-26")
    assert p.quarter == "Q1 2025/26" and p.framework_year == "2025/26"
    assert preparation.quarters(metrics, "acute") == ["Q1 2025/26", "Q2 2025/26"]


def test_engine_takes_the_tidy_table_from_any_source(metrics):
    """Reading the raw file or building the tidy table directly gives the same engine input."""
    a = engine.reweight(preparation.prepare(metrics, "ambulance", "Q2 2025/26"))
    b = engine.reweight(preparation.prepare(synth.fixture_tidy(), "ambulance", "Q2 2025/26"))
    pd.testing.assert_frame_equal(a, b)


def test_items_merge_infections_and_leave_out_finance_parts(q1):
    keys = q1.item_keys
    assert "infections" in keys and "OF1080" in keys
    assert not {"OF1020", "OF1048", "OF1088", "OF1079", "OF1081"} & set(keys)
    assert q1.item_members["infections"] == ("OF1020", "OF1048", "OF1088")
    dom = dict(zip(keys, q1.item_domains, strict=True))
    assert dom["infections"] == "Patient safety" and dom["OF1080"] == "Finance and productivity"
    j = keys.index("infections")
    i = list(q1.trust_codes).index("XA2")
    assert q1.scores[i, j] == pytest.approx((1.0 + 2.1 + 1.6) / 3)
    # XA3 (specialist) has no OF1003/OF1013/OF1046: masked, not zero-scored.
    i3 = list(q1.trust_codes).index("XA3")
    assert not q1.mask[i3, keys.index("OF1003")] and q1.n_items[i3] == 5
    items = q1.items_frame()
    assert items.loc[items.item == "infections", "members"].item() == "OF1020, OF1048, OF1088"


def test_prepared_arrays_are_read_only(q1):
    with pytest.raises(ValueError):
        q1.scores[0, 0] = 9.0
    with pytest.raises(ValueError):
        q1.published_average[0] = 1.0


def test_renamed_domain_labels_map_to_framework_domains(metrics):
    p = preparation.prepare(metrics, "acute", "Q2 2025/26")
    assert set(p.domains) <= set(RULES_2025_26.domains)
    assert "Finance and productivity" in p.domains and "People and workforce" in p.domains
    assert set(p.published_domain_scores.columns) <= set(RULES_2025_26.domains)


def test_unknown_domain_label_is_kept_as_its_own_domain():
    tidy = synth.tidy_release(synth._ambulance(1), trust_type="ambulance")
    tidy.loc[tidy.metric_id == "OF1061", "domain"] = "Brand new domain"
    p = preparation.prepare(tidy, "ambulance")
    assert "Brand new domain" in p.domains
    assert any("Brand new domain" in n for n in p.notes)
    assert engine.reproduction_check(p)["segments_match"] == p.n_trusts


# ---------------------------------------------------------------- official reproduction


@pytest.mark.parametrize("quarter", [1, 2])
@pytest.mark.parametrize("trust_type", ["acute", "ambulance"])
def test_official_weights_reproduce_the_published_table(metrics, quarter, trust_type):
    p = preparation.prepare(metrics, trust_type, f"Q{quarter} 2025/26")
    pub = _published(quarter, trust_type)
    t = engine.reweight(p).set_index("trust_code")
    assert list(t.index) == sorted(pub)
    for code, v in pub.items():
        assert t.loc[code, "average_score"] == v.average
        assert t.loc[code, "segment"] == v.adjusted
        assert t.loc[code, "segment_unadjusted"] == v.unadjusted
        assert t.loc[code, "rank"] == v.rank == t.loc[code, "official_rank"]
        assert t.loc[code, "rank_change"] == 0 and t.loc[code, "segment_change"] == 0
        if quarter == 1:
            assert t.loc[code, "final_segment"] == v.final
        else:  # Q2 has no OF5005/OF5007 rows: segment 5 unknown
            assert pd.isna(t.loc[code, "final_segment"])
    assert (t["drivers"] == "").all()
    check = engine.reproduction_check(p)
    n = p.n_trusts
    assert (
        check["segments_match"] == check["ranks_match"] == check["unadjusted_segments_match"] == n
    )
    assert check["recomputed_within_0_01"] == n
    assert check["recomputed_max_abs_error"] <= 0.005 + 1e-12
    assert check["domain_scores_max_abs_error"] <= 0.005 + 1e-12


def test_tied_averages_share_the_lowest_rank(q1):
    t = engine.official_table(q1).set_index("trust_code")
    assert t.loc["XA5", "average_score"] == t.loc["XA6", "average_score"]
    assert t.loc["XA5", "rank"] == t.loc["XA6", "rank"] == 7
    assert t.loc["XA8", "rank"] == 9  # 1,2,...,7,7,9
    assert t.loc["XA5", "final_segment"] == 5 and t.loc["XA6", "final_segment"] == 4
    assert (t["segment_from_rules"] == t["segment"]).all()
    assert (t["rank_from_rules"] == t["rank"]).all()


def test_override_moves_flagged_trusts_to_segment_3(q1):
    t = engine.official_table(q1).set_index("trust_code")
    # XA2 and XA7 score in segment 1 but are flagged: published segment 3.
    for code in ("XA2", "XA7"):
        assert t.loc[code, "segment_unadjusted"] == 1 and t.loc[code, "segment"] == 3
    off = engine.reweight(q1, financial_override=False).set_index("trust_code")
    assert (off["segment"] == off["segment_unadjusted"]).all()
    assert off.loc["XA2", "segment"] == 1 and off.loc["XA2", "rank"] < t.loc["XA2", "rank"]


# ---------------------------------------------------------------- cut-points


def test_cut_points_are_gap_midpoints_pooled_across_types(q1):
    cp = q1.cut_points
    assert "pooled across acute, ambulance" in cp.source
    # Acute alone brackets boundary 1|2 by 2.07|2.25; the ambulance trusts narrow it to 2.10|2.12.
    np.testing.assert_allclose(cp.lower, [2.10, 2.20, 2.45])
    np.testing.assert_allclose(cp.upper, [2.12, 2.45, 2.78])
    np.testing.assert_allclose(cp.cut, [2.11, 2.325, 2.615])
    assert cp.consistent
    assert list(cp.as_frame()["boundary"]) == ["1|2", "2|3", "3|4"]
    assert "2.10|2.12 -> 2.110" in cp.describe()


def test_disagreeing_trust_types_are_not_pooled():
    acute = synth.tidy_release(synth._acute(1), cuts=(2.105, 2.405, 2.705))
    amb = synth.tidy_release(
        synth._ambulance(1), cuts=(1.505, 1.605, 3.505), trust_type="ambulance"
    )
    p = preparation.prepare(pd.concat([acute, amb], ignore_index=True), "acute")
    assert p.cut_points.source == "release (acute only)"
    assert any("disagree" in n for n in p.notes)
    assert engine.reproduction_check(p)["segments_match"] == p.n_trusts


def test_one_sided_brackets_sit_half_a_step_outside():
    """No trust in segment 4: the 3|4 cut is just above the highest segment-3 average."""
    trusts = [t for t in synth._ambulance(1)]
    tidy = synth.tidy_release(trusts, cuts=(2.105, 2.405, 3.905), trust_type="ambulance")
    p = preparation.prepare(tidy, "ambulance")
    hi3 = tidy[(tidy.metric_id == "OF5002")].value.max()
    assert np.isnan(p.cut_points.upper[2])
    assert p.cut_points.cut[2] == pytest.approx(hi3 + 0.005)


def test_fixed_threshold_rules_segment_on_the_thresholds():
    rules = dataclasses.replace(RULES_2025_26, cut_points=(2.105, 2.405, 2.705))
    tidy = synth.tidy_release(synth._acute(1))
    p = preparation.prepare(tidy, "acute", rules=rules)
    assert p.cut_points.source == "fixed thresholds"
    t = engine.reweight(p, Weights(domains={"Patient safety": 1.5}))
    s = np.floor(np.round(t["average_score"].to_numpy() * 100, 6) + 0.5) / 100
    expected = 1 + (s[:, None] > np.array([2.105, 2.405, 2.705])).sum(axis=1)
    np.testing.assert_array_equal(t["segment_unadjusted"].to_numpy(int), expected)


# ---------------------------------------------------------------- re-weighting


def _by_hand(trust: synth.Trust, pub: float, domain_w: dict[str, float]) -> float:
    """score_w = OF5002 + (sum w s / sum w - mean s), from the made-up trust's own scores."""
    items = synth.items(trust.scores)
    w = {k: Fraction(domain_w.get(d, 1.0)) for k, (d, _) in items.items()}
    s = {k: v for k, (_, v) in items.items()}
    rw = sum(w[k] * s[k] for k in s) / sum(w.values())
    r0 = sum(s.values()) / len(s)
    return pub + float(rw - r0)


def test_reweighted_score_is_anchored_on_the_published_average(q1):
    dw = {"Patient safety": 2.0, "Finance and productivity": 0.5}
    t = engine.reweight(q1, Weights(domains=dw)).set_index("trust_code")
    pub = _published(1)
    for trust in synth._acute(1):
        expected = _by_hand(trust, pub[trust.code].average, dw)
        assert t.loc[trust.code, "average_score"] == pytest.approx(expected, abs=1e-12)
        assert t.loc[trust.code, "score_change"] == pytest.approx(
            expected - pub[trust.code].average, abs=1e-12
        )
    # Segments from the release's cut-points, then the override, then competition ranks.
    steps = np.floor(np.round(t["average_score"].to_numpy() * 100, 6) + 0.5)
    unadj = 1 + (2 * steps[:, None] > q1.cut_points.doubled).sum(axis=1)
    seg = np.where(q1.override_flag, np.maximum(unadj, 3), unadj)
    np.testing.assert_array_equal(t["segment"].to_numpy(int), seg)
    key = seg * 1000 + steps
    rank = np.array([1 + np.sum(key < k) for k in key])
    np.testing.assert_array_equal(t["rank"].to_numpy(int), rank)
    np.testing.assert_array_equal(
        t["rank_change"].to_numpy(int), t["official_rank"].to_numpy(int) - rank
    )


def test_drivers_explain_the_change(q1):
    w = Weights(metrics={"OF1085": 4})
    t = engine.reweight(q1, w).set_index("trust_code")
    c = engine.contributions(q1, w)
    np.testing.assert_allclose(c.sum(axis=1, skipna=True), t["score_change"], atol=1e-12)
    # Up-weighting productivity: it is the top driver wherever it moved the score at all.
    for code in t.index:
        top = c.loc[code].abs().idxmax()
        if abs(c.loc[code, top]) >= engine.DRIVER_MIN:
            assert t.loc[code, "drivers"].startswith(top)
    assert t.loc["XA1", "drivers"].startswith("OF1085 ")
    assert engine.reweight(q1, w, explain=False)["drivers"].eq("").all()


def test_a_tiny_weight_change_moves_nothing(q1):
    off = engine.reweight(q1)
    w = np.ones(len(q1.item_keys))
    w[0] = 1 + 1e-9
    tiny = engine.reweight(q1, w)
    for c in ("segment", "rank", "segment_unadjusted"):
        pd.testing.assert_series_equal(off[c], tiny[c])
    np.testing.assert_allclose(tiny["average_score"], off["average_score"], atol=1e-8)


def test_trust_with_no_weighted_item_is_left_unranked(q1):
    """XA3 has no Access items; weighting everything but Access to zero leaves it nothing."""
    w = Weights(domains={d: (1.0 if d == "Access to services" else 0.0) for d in q1.domains})
    t = engine.reweight(q1, w).set_index("trust_code")
    assert np.isnan(t.loc["XA3", "average_score"])
    assert pd.isna(t.loc["XA3", "rank"]) and pd.isna(t.loc["XA3", "segment"])
    assert t.loc["XA3", "drivers"] == "no item with weight > 0"
    others = t.drop(index="XA3")["rank"].to_numpy(int)
    assert sorted(others)[0] == 1 and max(others) <= len(others)


def test_quartile_segments(q1):
    t = engine.reweight(q1, segment_method="quartiles", financial_override=False)
    s = np.floor(np.round(t["average_score"].to_numpy() * 100, 6) + 0.5)
    q = np.quantile(s, [0.25, 0.5, 0.75])
    np.testing.assert_array_equal(t["segment"].to_numpy(int), 1 + (s[:, None] > q).sum(axis=1))
    assert set(t["segment"]) == {1, 2, 3, 4}
    with pytest.raises(ValueError, match="segment_method"):
        engine.reweight(q1, segment_method="deciles")


def test_score_core_matches_the_table(q1):
    w = Weights(domains={"People and workforce": 3})
    r = engine.score(q1, w)
    t = engine.reweight(q1, w)
    np.testing.assert_array_equal(r.score, t["average_score"])
    np.testing.assert_array_equal(r.rank, t["rank"].to_numpy(float))
    assert not r.official and engine.score(q1).official


# ---------------------------------------------------------------- gaps and domains


def test_segment_gaps(q1):
    g = engine.segment_gaps(q1).set_index("trust_code")
    t = engine.official_table(q1).set_index("trust_code")
    one = g["segment_unadjusted"] == 1
    assert g.loc[one, "improvement_needed"].isna().all()
    rest = g[~one]
    # A score exactly on a cut (2.11 between 2.10 and 2.12) stays in the better segment.
    assert (rest["target_score"] <= rest["next_cut"] + 1e-12).all()
    assert (rest["target_score"] + 0.01 > rest["next_cut"]).all()
    np.testing.assert_allclose(
        rest["improvement_needed"], rest["average_score"] - rest["target_score"]
    )
    # Reaching the target really puts the trust in the better segment.
    better = engine.segment_scores(q1, preparation.to_steps(rest["target_score"].to_numpy()))
    np.testing.assert_array_equal(better, rest["segment_unadjusted"].to_numpy(int) - 1)
    # XA4 is flagged and in segment 3: improving to segment 2 would still be capped at 3.
    assert g.loc["XA4", "override_caps"] and t.loc["XA4", "segment"] == 3
    assert not g.loc["XA9", "override_caps"]


def test_domain_scores_match_published(q1):
    d = engine.domain_scores(q1)
    pub = q1.published_domain_scores
    assert list(d.columns) == list(q1.domains)
    np.testing.assert_allclose(d[pub.columns].to_numpy(), pub.to_numpy(), atol=0.005 + 1e-12)


# ---------------------------------------------------------------- errors


def test_bad_tables_give_clear_errors(metrics):
    with pytest.raises(InputError, match=r"no rows for trust type 'non-acute'.*acute"):
        preparation.prepare(metrics, "non-acute")
    with pytest.raises(InputError, match=r"no acute rows for quarter 'Q4 2025/26'.*Q1 2025/26"):
        preparation.prepare(metrics, "acute", "Q4 2025/26")
    with pytest.raises(InputError, match=r"missing column\(s\) \['value'\]"):
        preparation.prepare(metrics.drop(columns="value"), "acute")
    with pytest.raises(InputError, match="duplicate rows"):
        preparation.prepare(pd.concat([metrics, metrics.head(1)]), "acute", "Q1 2025/26")
    no_summary = metrics[~metrics.metric_id.isin(["OF5000", "OF5003"])]
    with pytest.raises(InputError, match=r"no OF5000 \(adjusted segment\) rows"):
        preparation.prepare(no_summary, "acute")
    with pytest.raises(RulesError, match="no segmentation rules for framework year '2031/32'"):
        rules_for("2031/32")
    with pytest.raises(InputError, match="DataFrame"):
        preparation.prepare([1, 2], "acute")  # type: ignore[arg-type]


def test_missing_flag_and_unadjusted_rows_are_inferred():
    tidy = synth.tidy_release(synth._acute(1), support_rows=False)
    tidy = tidy[~tidy.metric_id.isin(["OF5004"])]
    p = preparation.prepare(tidy, "acute")
    assert any("inferred" in n for n in p.notes)
    # Flag inferred where the override actually moved a trust (XA2, XA7); harmless elsewhere.
    flagged = set(p.trust_codes[p.override_flag])
    assert {"XA2", "XA7"} <= flagged
    assert engine.reproduction_check(p)["segments_match"] == p.n_trusts


def test_trusts_without_summary_rows_are_left_out():
    tidy = synth.tidy_release(synth._acute(1))
    tidy = tidy[~((tidy.trust_code == "XA9") & tidy.metric_id.isin(["OF5000", "OF5002"]))]
    p = preparation.prepare(tidy, "acute")
    assert "XA9" not in p.trust_codes and p.excluded == ("XA9",)


# ---------------------------------------------------------------- the league command


class _Store:
    def __init__(self, metrics: pd.DataFrame, league_files: pd.DataFrame | None = None):
        self.metrics = metrics
        self.league_files = league_files if league_files is not None else pd.DataFrame()


def _run(monkeypatch, store, argv: list[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(league_cmd, "load_store", lambda data_dir: store)
    parser = argparse.ArgumentParser()
    league_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["league", *argv])
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = args.func(args)
    return code, out.getvalue(), err.getvalue()


def test_league_command_prints_the_official_table(monkeypatch, metrics):
    code, out, err = _run(
        monkeypatch, _Store(metrics), ["--trust-type", "acute", "--quarter", "Q1 2025/26"]
    )
    assert code == 0
    t = pd.read_csv(io.StringIO(out))
    for c in (
        "trust_code",
        "trust_name",
        "average_score",
        "segment",
        "rank",
        "official_segment",
        "official_rank",
    ):
        assert c in t.columns
    assert list(t["rank"]) == sorted(t["rank"])
    assert (t["rank"] == t["official_rank"]).all() and (t["segment"] == t["official_segment"]).all()
    assert "acute Q1 2025/26: 9 trusts, official weights" in err


def test_league_command_reweights_from_a_file_with_uncertainty(monkeypatch, metrics):
    lf = pd.DataFrame(
        {
            "quarter": "Q2 2025/26",
            "trust_type": "acute",
            "trust_code": ["XA1", "XA2"],
            "rank_range_low": [1.0, 3.0],
            "rank_range_high": [2.0, 6.0],
        }
    )
    argv = ["--trust-type", "acute", "--weights", str(FIXTURES / "weights_safety_x2.json")]
    argv += ["--uncertainty", "200", "--format", "json"]
    code, out, err = _run(monkeypatch, _Store(metrics, lf), argv)
    assert code == 0
    rows = pd.DataFrame(json.loads(out))
    assert len(rows) == 9
    for c in (
        "rank_p5",
        "rank_median",
        "rank_p95",
        "p_segment_1",
        "p_segment_4",
        "published_rank_low",
    ):
        assert c in rows.columns
    assert rows.set_index("trust_code").loc["XA2", "published_rank_high"] == 6
    assert "re-weighted" in err and "200 draws" in err
    expected = engine.reweight(
        preparation.prepare(metrics, "acute"),
        Weights.from_json(FIXTURES / "weights_safety_x2.json"),
    )
    got = rows.set_index("trust_code")["rank"].sort_index()
    assert (got == expected.set_index("trust_code")["rank"].astype(int).sort_index()).all()


def test_league_command_refuses_unknown_weight_names(monkeypatch, metrics, tmp_path):
    bad = tmp_path / "w.json"
    bad.write_text('{"metrics": {"OF1079": 2}}')
    with pytest.raises(WeightsError, match="finance counts once, through OF1080"):
        _run(monkeypatch, _Store(metrics), ["--trust-type", "acute", "--weights", str(bad)])

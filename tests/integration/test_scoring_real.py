"""The engine on the real acute Q1 2025/26 release: the official table exactly, and the rules'
own reproduction figures (nof-method.md). Skipped when ../shared/data is absent."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from league_atlas.cli import league as league_cmd
from league_atlas.io import releases, sources
from league_atlas.scoring import engine, influence, preparation, uncertainty
from league_atlas.scoring.weights import Weights

pytestmark = pytest.mark.realdata
SOURCE_ID = "nof_acute_q1_2526"


@pytest.fixture(scope="module")
def release_path(real_mirror: Path) -> Path:
    path = real_mirror / sources.get(SOURCE_ID).files[0].path
    if not path.is_file():
        pytest.skip(f"{path} is not in the mirror")
    return path


@pytest.fixture(scope="module")
def metrics(release_path) -> pd.DataFrame:
    return releases.read_release(release_path).table


@pytest.fixture(scope="module")
def prepared(metrics) -> preparation.Prepared:
    return preparation.prepare(metrics, "acute")


@pytest.fixture(scope="module")
def raw(release_path) -> dict[tuple[str, str], tuple[float, str]]:
    """(trust, metric) -> (value, rank text), read with the csv module, independent of the reader."""
    text = release_path.read_bytes().decode("utf-8-sig")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        out[(row["Trust_code"], row["Metric_ID"])] = (float(row["Value"]), row["Rank"])
    return out


def test_official_table_is_the_published_one(prepared, raw):
    t = engine.reweight(prepared).set_index("trust_code")
    codes = sorted({c for c, m in raw if m == "OF5000"})
    assert len(codes) == 134 and list(t.index) == codes
    for code in codes:
        assert t.loc[code, "average_score"] == raw[(code, "OF5002")][0]
        assert t.loc[code, "segment"] == raw[(code, "OF5000")][0]
        assert t.loc[code, "rank"] == float(raw[(code, "OF5000")][1])
        assert t.loc[code, "segment_unadjusted"] == raw[(code, "OF5003")][0]
        assert t.loc[code, "final_segment"] == raw[(code, "OF5005")][0]


def test_the_rules_reproduce_the_release(prepared):
    c = engine.reproduction_check(prepared)
    assert c["trusts"] == 134
    # Cut-points + override applied to OF5002, then ranking on (OF5000, OF5002): all 134.
    assert c["segments_match"] == 134
    assert c["unadjusted_segments_match"] == 134
    assert c["ranks_match"] == 134 == c["ranks_published"]
    assert c["final_segments_match"] == 134
    # The recomputed (unanchored) average: within 0.01 of OF5002 for every trust.
    assert c["recomputed_within_0_01"] == 134
    assert c["recomputed_max_abs_error"] < 0.0056
    # Why the engine anchors (nof-method.md): rounding the recomputed average gives OF5002 for
    # 129 trusts, and ranking on it gives 126 of 134 league positions.
    assert c["recomputed_rounded_equal"] == 129
    assert c["unanchored_ranks_match"] == 126
    assert c["domain_scores_max_abs_error"] < 0.0067
    np.testing.assert_allclose(prepared.cut_points.lower, [2.05, 2.31, 2.60])
    np.testing.assert_allclose(prepared.cut_points.upper, [2.08, 2.34, 2.61])
    np.testing.assert_allclose(prepared.cut_points.cut, [2.065, 2.325, 2.605])


def test_items_follow_the_grouping_rules(prepared, raw):
    assert "infections" in prepared.item_keys and "OF1080" in prepared.item_keys
    assert not {"OF1079", "OF1081", "OF1020"} & set(prepared.item_keys)
    # Specialist cancer trusts have no Access items (nof-method.md §2).
    access = np.array([d == "Access to services" for d in prepared.item_domains])
    for code in ("RBV", "REN", "RPY"):
        i = list(prepared.trust_codes).index(code)
        assert not prepared.mask[i, access].any()
        assert (code, "OF4000") not in raw


def test_a_tiny_weight_change_moves_nothing(prepared):
    w = np.ones(len(prepared.item_keys))
    w[prepared.item_keys.index("OF1080")] = 1.000001
    off, near = engine.reweight(prepared), engine.reweight(prepared, w)
    assert (off["rank"] == near["rank"]).all() and (off["segment"] == near["segment"]).all()


def test_reweighting_follows_the_anchor_formula(prepared, raw):
    dw = {"Patient safety": 2.0, "Finance and productivity": 0.5}
    t = engine.reweight(prepared, Weights(domains=dw)).set_index("trust_code")
    for code in ("R0A", "RBV", "RH5", "RQ3"):
        s = {m: v for (c, m), (v, _) in raw.items() if c == code and m.startswith("OF1")}
        items = {}
        inf = [s[m] for m in ("OF1020", "OF1048", "OF1088") if m in s]
        items["infections"] = (np.mean(inf), "Patient safety")
        for m, v in s.items():
            if m in ("OF1020", "OF1048", "OF1088", "OF1079", "OF1081"):
                continue
            items[m] = (v, prepared.item_domains[prepared.item_keys.index(m)])
        w = {k: dw.get(d, 1.0) for k, (_, d) in items.items()}
        rw = sum(w[k] * v for k, (v, _) in items.items()) / sum(w.values())
        r0 = np.mean([v for v, _ in items.values()])
        assert t.loc[code, "average_score"] == pytest.approx(
            raw[(code, "OF5002")][0] + rw - r0, abs=1e-12
        )
    assert t["rank_change"].abs().sum() > 0


def test_uncertainty_and_influence_run_on_the_real_release(prepared):
    ri = uncertainty.rank_intervals(prepared, n_draws=1000, seed=0)
    assert len(ri) == 134
    np.testing.assert_allclose(ri[[f"p_segment_{k}" for k in range(1, 5)]].sum(axis=1), 1.0)
    assert 0 < ri.attrs["mean_abs_rank_shift"] < 20
    inf = influence.effective_influence(prepared)
    assert inf["influence_share"].sum() == pytest.approx(1.0)


def test_league_command_on_the_real_release(monkeypatch, metrics, raw, capsys):
    class Store:
        pass

    store = Store()
    store.metrics = metrics
    store.league_files = pd.DataFrame()
    monkeypatch.setattr(league_cmd, "load_store", lambda data_dir: store)
    parser = argparse.ArgumentParser()
    league_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["league", "--trust-type", "acute", "--quarter", "Q1 2025/26"])
    assert args.func(args) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(out) == 134
    for r in out.itertuples():
        assert r.rank == float(raw[(r.trust_code, "OF5000")][1])
        assert r.average_score == raw[(r.trust_code, "OF5002")][0]


def test_league_command_through_the_real_store(real_store_dir, raw, capsys):
    """The whole chain: store built from the mirror -> `python -m league_atlas league`."""
    from league_atlas.cli import main

    code = main.main(
        ["league", "--trust-type", "acute", "--data-dir", str(real_store_dir), "--format", "json"]
    )
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 134
    for r in rows:
        assert r["segment"] == raw[(r["trust_code"], "OF5000")][0] == r["official_segment"]
        assert r["rank"] == float(raw[(r["trust_code"], "OF5000")][1])

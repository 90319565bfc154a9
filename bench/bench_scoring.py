"""Scoring-engine benchmarks: re-weighting one trust type and quarter, Monte Carlo, influence,
NHS England's likely ranges (the bootstrap, 1,000 and 10,000 draws).

`run()` returns rows {name, median_ms, p95_ms, runs, target_ms}. It uses the real acute release
(the store, else the fetched raw file, else the ../shared/data mirror); without any of them it
times a generated release of the same shape (134 trusts x 25 items) and says so in the row names.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from league_atlas import config
from league_atlas.io import releases, sources
from league_atlas.scoring import engine, influence, likely_range, preparation, uncertainty
from league_atlas.scoring.weights import Weights

SOURCE_ID = "nof_acute_q1_2526"


def _real_metrics() -> pd.DataFrame | None:
    data_dir = config.data_dir()
    try:
        from league_atlas.store.reader import open_store

        return open_store(data_dir).metrics
    except Exception:  # noqa: BLE001 - any missing or stale store: fall back to the raw file
        pass
    candidates = [sources.raw_file(data_dir, SOURCE_ID)]
    mirror = config.default_mirror()
    if mirror is not None:
        candidates.append(mirror / sources.get(SOURCE_ID).files[0].path)
    for path in candidates:
        if path.is_file():
            return releases.read_release(path).table
    return None


def _generated_metrics(n_trusts: int = 134, n_items: int = 25, seed: int = 0) -> pd.DataFrame:
    """A release-shaped table for timing only (values are random, never shown)."""
    rng = np.random.default_rng(seed)
    domains = ["Access to services", "Patient safety", "Effectiveness and experience",
               "People and workforce", "Finance and productivity"]  # fmt: skip
    rows = []
    cuts = (2.065, 2.325, 2.605)
    for t in range(n_trusts):
        code = f"Z{t:03d}"
        have = rng.random(n_items) < 0.8
        have[0] = True
        vals = np.round(rng.uniform(1, 4, n_items), 2)
        for j in np.flatnonzero(have):
            rows.append((code, f"OF1{100 + j:03d}", vals[j], domains[j % 5], np.nan))
        avg = round(float(vals[have].mean()), 2)
        seg = 1 + sum(avg > c for c in cuts)
        flag = float(rng.random() < 0.7)
        rows += [
            (code, "OF5002", avg, "Summary", np.nan),
            (code, "OF5003", float(seg), "Summary", np.nan),
            (code, "OF5004", flag, "Summary", np.nan),
            (code, "OF5000", float(max(seg, 3) if flag else seg), "Summary", np.nan),
        ]
    df = pd.DataFrame(rows, columns=["trust_code", "metric_id", "value", "domain", "rank"])
    key = df[df.metric_id == "OF5000"].set_index("trust_code")["value"] * 1000
    key += df[df.metric_id == "OF5002"].set_index("trust_code")["value"]
    rank = key.rank(method="min")
    sel = df.metric_id == "OF5000"
    df.loc[sel, "rank"] = df.loc[sel, "trust_code"].map(rank).to_numpy()
    return df.assign(
        framework_year="2025/26", quarter="Q1 2025/26", quarter_index=20251, trust_type="acute"
    )


def _time(fn: Callable[[], object], runs: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts), float(np.percentile(ts, 95))


def run() -> list[dict]:
    metrics = _real_metrics()
    label = ""
    if metrics is None:
        metrics, label = _generated_metrics(), " (generated release, no real data found)"
    p = preparation.prepare(metrics, "acute")
    # A non-official scenario, so the timed path is the real re-weighting, not the shortcut.
    w = Weights(domains={p.domains[0]: 2.0}, metrics={p.item_keys[-1]: 0.5})
    vec = w.item_vector(p)
    rng = np.random.default_rng(0)
    draws = uncertainty.draw_weights(vec, 1000, uncertainty.concentration_for_spread(len(vec)), rng)
    n = f"{p.n_trusts} trusts x {len(p.item_keys)} items"
    cases: list[tuple[str, Callable[[], object], int, float]] = [
        (f"preparation.prepare: one quarter and trust type ({n})", lambda: preparation.prepare(metrics, "acute"), 10, 1000.0),
        (f"engine.score: re-weight {n} (NumPy core)", lambda: engine.score(p, vec), 500, 1.0),
        (f"engine.score: re-weight {n} from a Weights object", lambda: engine.score(p, w), 500, 1.0),
        (f"engine.reweight: full table with drivers ({n})", lambda: engine.reweight(p, w), 200, 5.0),
        (f"engine.reweight: full table, explain=False ({n})", lambda: engine.reweight(p, w, explain=False), 200, 2.5),
        (f"uncertainty.simulate: 1,000 Monte Carlo draws ({n})", lambda: uncertainty.simulate(p, draws), 30, 100.0),
        (f"uncertainty.rank_intervals: 1,000 draws, table ({n})", lambda: uncertainty.rank_intervals(p, w, 1000), 30, 100.0),
        (f"influence.effective_influence ({n})", lambda: influence.effective_influence(p, w), 50, 50.0),
        (f"likely_range.likely_ranges: 1,000 bootstrap draws ({n})", lambda: likely_range.likely_ranges(p, None, 1000), 10, 250.0),
        (f"likely_range.likely_ranges: 10,000 bootstrap draws ({n})", lambda: likely_range.likely_ranges(p, None, 10_000), 5, 2500.0),
        (f"likely_range.likely_ranges: 10,000 draws, re-weighted ({n})", lambda: likely_range.likely_ranges(p, w, 10_000), 5, 2500.0),
    ]  # fmt: skip
    rows = []
    for name, fn, runs, target in cases:
        med, p95 = _time(fn, runs)
        rows.append(
            {
                "name": name + label,
                "median_ms": round(med, 3),
                "p95_ms": round(p95, 3),
                "runs": runs,
                "target_ms": target,
            }
        )
    return rows


if __name__ == "__main__":
    for r in run():
        ok = "ok " if r["median_ms"] <= r["target_ms"] else "SLOW"
        print(
            f"{ok} {r['median_ms']:9.3f} ms (p95 {r['p95_ms']:9.3f}, target {r['target_ms']:g}) {r['name']}"
        )

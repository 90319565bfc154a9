"""One scoring truth: the browser's scoring module (live_map/frontend/src/scoring.js, run in Node)
against the Python engine on 1,000 random weight vectors for every trust type and quarter of the
test release: identical segments and ranks, averages within 1e-9."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from fixtures.scoring import synth
from league_atlas.io import releases
from league_atlas.render import live_payload
from league_atlas.scoring import engine, preparation
from league_atlas.scoring.preparation import Prepared
from league_atlas_ui.live_map import FRONTEND_DIR

N_VECTORS = 1000
NODE = shutil.which("node")
PARITY_CLI = FRONTEND_DIR / "tools" / "parity_cli.mjs"
needs_node = pytest.mark.skipif(
    NODE is None, reason="Node.js is not installed (make frontend needs it)"
)


def _cases(p: Prepared, n: int, seed: int) -> list[dict]:
    """Weight vectors as the sliders make them (domain x item on the 0.25 grid, zeros included)
    and continuous ones, over both segment methods and the override switch; plus the official
    weights and a scaled official vector."""
    rng = np.random.default_rng(seed)
    doms = np.asarray(p.item_domains)
    cases = []
    for k in range(n):
        if k % 2:
            dw = {d: rng.choice(np.arange(0, 3.25, 0.25)) for d in p.domains}
            iw = np.where(rng.random(len(p.item_keys)) < 0.2, rng.choice([0, 0.5, 2, 3]), 1.0)
            w = np.array([dw[d] for d in doms]) * iw
        else:
            w = rng.gamma(1.0, 1.0, len(p.item_keys)) * (rng.random(len(p.item_keys)) > 0.1)
        if not (w > 0).any():
            w[0] = 1.0
        if k == 0:
            w = np.ones(len(p.item_keys))
        if k == 1:
            w = np.full(len(p.item_keys), 2.5)
        cases.append(
            {
                "w": w.tolist(),
                "segmentMethod": "quartiles" if k % 7 == 3 else "release",
                "financialOverride": bool(k % 5 != 4),
            }
        )
    return cases


def run_js(p: Prepared, cases: list[dict]) -> list[dict]:
    msg = json.dumps({"league": live_payload.league_payload(p), "cases": cases})
    out = subprocess.run(
        [NODE, str(PARITY_CLI)], input=msg, capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(out.stdout)


def _arr(x) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in x], dtype=float)


def assert_parity(p: Prepared, n: int = N_VECTORS, seed: int = 0) -> None:
    cases = _cases(p, n, seed)
    js = run_js(p, cases)
    assert len(js) == len(cases)
    for k, (case, got) in enumerate(zip(cases, js, strict=True)):
        r = engine.score(
            p,
            np.asarray(case["w"]),
            segment_method=case["segmentMethod"],
            financial_override=case["financialOverride"],
        )
        where = (
            f"{p.label} case {k} ({case['segmentMethod']}, override={case['financialOverride']})"
        )
        assert got["official"] == r.official, where
        np.testing.assert_allclose(_arr(got["score"]), r.score, rtol=0, atol=1e-9, err_msg=where)
        np.testing.assert_array_equal(_arr(got["segmentUnadjusted"]), r.segment_unadjusted, where)
        np.testing.assert_array_equal(_arr(got["segment"]), r.segment, where)
        np.testing.assert_array_equal(_arr(got["rank"]), r.rank, where)
        final = (
            engine._final_segment(p, r.segment)
            .astype("Float64")
            .to_numpy(dtype=float, na_value=np.nan)
        )
        np.testing.assert_array_equal(_arr(got["finalSegment"]), final, where)


def views(metrics: pd.DataFrame) -> list[tuple[str, str]]:
    pairs = metrics[["trust_type", "quarter"]].drop_duplicates()
    return sorted(map(tuple, pairs.to_numpy().tolist()))


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return releases.read_release(synth.FIXTURE).table


@needs_node
def test_browser_scoring_matches_the_engine_on_every_view(metrics):
    pairs = views(metrics)
    assert len(pairs) >= 4  # acute and ambulance, two quarters
    for trust_type, quarter in pairs:
        assert_parity(preparation.prepare(metrics, trust_type, quarter))


@needs_node
def test_parity_check_can_fail(metrics):
    """The comparison is live: a browser run on a shifted cut-point disagrees with the engine."""
    p = preparation.prepare(metrics, *views(metrics)[0])
    league = live_payload.league_payload(p)
    league["doubledCuts"] = [c + 40 for c in league["doubledCuts"]]
    cases = _cases(p, 50, 1)
    msg = json.dumps({"league": league, "cases": cases})
    out = subprocess.run(
        [NODE, str(PARITY_CLI)], input=msg, capture_output=True, text=True, check=True
    )
    js = json.loads(out.stdout)
    differs = 0
    for case, got in zip(cases, js, strict=True):
        r = engine.score(
            p,
            np.asarray(case["w"]),
            segment_method=case["segmentMethod"],
            financial_override=case["financialOverride"],
        )
        differs += not np.array_equal(_arr(got["segment"]), r.segment, equal_nan=True)
    assert differs > 0


@needs_node
def test_node_unit_tests_of_the_scoring_module_pass():
    out = subprocess.run(
        [NODE, "--test", *map(str, sorted((FRONTEND_DIR / "test").glob("*.test.js")))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]

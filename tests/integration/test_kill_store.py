"""SIGKILL at random points during `python -m league_atlas build` and `add-release`.

A made-up store (tests/support/fixture_store.py) keeps each run short. Each command is first run
to completion once to learn how long it takes; then it is started 20 times and killed with
SIGKILL after a random delay spread over that duration (seeded, so a failure can be replayed).
After every kill:

- the store opens (open_store) and its tables load;
- if the store link still points at the version it pointed at before, every file of that
  version is byte-for-byte unchanged (sha256) and the metrics are equal;
- if the kill came after the swap, the new version is complete and the previous version's files
  are still intact on disk (a reader that opened it keeps working).

A kill during add-release after the file was staged in raw/releases/ but before the new store was
published leaves the registry ahead of the store; that is counted and printed, not an error: the
store is the previous one and `build --if-stale` merges the staged file.

The made-up raw folder gets a fetch manifest, so `build` treats the made-up sources as fetched;
downloads of the optional sources go to a closed loopback proxy and fail at once (nothing leaves
the machine), and the mirror is an empty folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from league_atlas import config
from league_atlas.io import fetch, sources
from league_atlas.store import reader, writer
from support import nof_factory as nf
from support.fixture_store import LAYERS, TRUST_CODES, build_fixture_store

KILLS = 20
ROOT = Path(__file__).resolve().parents[2]


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _metrics(data_dir: Path) -> pd.DataFrame:
    m = reader.open_store(data_dir).metrics
    return m.sort_values(["quarter", "trust_code", "metric_id"], ignore_index=True)


@pytest.fixture(scope="module")
def made_up(tmp_path_factory) -> tuple[Path, dict]:
    """A made-up store whose raw folder counts as fetched, and the environment for the CLI."""
    mp = pytest.MonkeyPatch()
    try:
        data_dir = build_fixture_store(tmp_path_factory.mktemp("kill") / "data", mp)
    finally:
        mp.undo()
    manifest = {}
    for src in sources.catalogue().values():
        files = {p.name: p for p in sources.raw_files(data_dir, src.id)}
        if all(p.is_file() for p in files.values()):
            manifest[src.id] = {
                "origin": "test-fixture",
                "files": {n: sources.sha256_file(p) for n, p in files.items()},
            }
    (data_dir / "raw" / fetch.MANIFEST_NAME).write_text(json.dumps(manifest), "utf-8")
    empty_mirror = tmp_path_factory.mktemp("empty-mirror")
    env = {
        **os.environ,
        config.LAYERS_ENV: str(LAYERS),
        "LEAGUE_ATLAS_MIRROR": str(empty_mirror),
        # Any download attempt goes to a closed port on this machine and fails at once.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    return data_dir, env


def _command(kind: str, data_dir: Path, tmp: Path, i: int) -> list[str]:
    base = [sys.executable, "-m", "league_atlas"]
    if kind == "build":
        return [*base, "build", "--data-dir", str(data_dir)]
    release = nf.write_release(
        tmp / f"release-{i}.csv",
        nf.make_trusts(seed=100 + i, codes=TRUST_CODES),
        quarter=["Q1 2025/26", "Q2 2025/26"][i % 2],
    )
    return [*base, "add-release", str(release), "--data-dir", str(data_dir)]


@pytest.mark.parametrize("kind", ["build", "add-release"])
def test_sigkill_never_breaks_the_store(made_up, kind, tmp_path):
    data_dir, env = made_up
    # One complete run: the command works, and how long it takes sets the range of kill times.
    t0 = time.perf_counter()
    done = subprocess.run(
        _command(kind, data_dir, tmp_path, 0), env=env, cwd=ROOT, capture_output=True, text=True
    )
    duration = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr[-2000:]
    rng = random.Random(f"kill-{kind}")
    outcomes: Counter[str] = Counter()
    for i in range(1, KILLS + 1):
        before_path = reader.store_dir_path(data_dir)
        before_files = _hashes(before_path)
        before_metrics = _metrics(data_dir)
        proc = subprocess.Popen(
            _command(kind, data_dir, tmp_path, i),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        delay = rng.uniform(0.0, duration * 1.1)
        time.sleep(delay)
        finished_first = proc.poll() is not None
        if not finished_first:
            proc.send_signal(signal.SIGKILL)
        proc.wait(60)
        where = f"{kind} run {i}, killed after {delay:.2f} s of ~{duration:.2f} s"
        after = reader.open_store(data_dir)  # raises if the store cannot be opened
        assert len(after.trusts) > 0 and len(after.releases) > 0, where
        assert _hashes(before_path) == before_files, f"previous version changed ({where})"
        if writer.added_registry(data_dir) != after.manifest.get("added_releases", []):
            # Killed between staging the file in raw/releases/ and publishing: the store is the
            # previous one, and `build --if-stale` sees "added releases changed" and merges it.
            outcomes["raw registry ahead of the store"] += 1
        if after.path == before_path:
            outcomes["killed before publish" if not finished_first else "finished, no change"] += 1
            pd.testing.assert_frame_equal(_metrics(data_dir), before_metrics, obj=where)
        else:
            outcomes["published before the kill" if not finished_first else "finished"] += 1
            assert after.manifest["counts"]["metric_rows"] == len(after.metrics), where
            if kind == "build":
                pd.testing.assert_frame_equal(_metrics(data_dir), before_metrics, obj=where)
    print(f"\n{kind}: {KILLS} SIGKILLs over ~{duration:.1f} s runs: {dict(outcomes)}")
    assert outcomes["killed before publish"] >= KILLS // 4, outcomes

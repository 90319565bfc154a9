"""SIGKILL and SIGTERM at 20 points during `python -m league_atlas build` and `add-release`.

A made-up store (tests/support/fixture_store.py) keeps each run short. Kill points are signalled
by the process itself: each run is killed right after it has written its k-th progress line to
stderr (k and the signal drawn from a seeded generator, so a failure can be replayed), which
spreads the kills over every stage without timing guesses. The assertions are on outcomes:

- killed before it published: the store link names the same version, every file of it (the
  added-file registry included) and every raw file are byte-for-byte unchanged, and the release
  of that run never appears in any later build;
- published before the kill: the new version is complete and holds the release; the previous
  version's files are still intact on disk (a reader that opened it keeps working);
- whatever a killed run left in `stores/` is removed by the next writer.

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


def _staging(data_dir: Path) -> list[Path]:
    return sorted((data_dir / writer.STORES).glob(".*.building"))


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
        if src.kind == "nof_release" and not all(p.is_file() for p in files.values()):
            # every catalogued release counts as fetched: a made-up one of another trust type
            for p in files.values():
                p.parent.mkdir(parents=True, exist_ok=True)
                nf.write_release(
                    p,
                    nf.make_trusts(seed=7, codes=TRUST_CODES),
                    trust_type_label="Mental health and community trust",
                )
        if (
            src.required
            and src.format == "geojson"
            and not all(p.is_file() for p in files.values())
        ):
            # a required boundary layer the made-up layers do not use: any made-up polygons do
            for p in files.values():
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(next((data_dir / "raw").rglob("*.geojson")).read_bytes())
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
        "PYTHONUNBUFFERED": "1",
    }
    return data_dir, env


def _command(kind: str, data_dir: Path, tmp: Path, i: int) -> tuple[list[str], str | None]:
    """The command line, and for add-release the sha256 of the file it adds."""
    base = [sys.executable, "-m", "league_atlas"]
    if kind == "build":
        return [*base, "build", "--data-dir", str(data_dir)], None
    release = nf.write_release(
        tmp / f"release-{i}.csv",
        nf.make_trusts(seed=100 + i, codes=TRUST_CODES),
        quarter=["Q1 2025/26", "Q2 2025/26"][i % 2],
    )
    sha = hashlib.sha256(release.read_bytes()).hexdigest()
    return [*base, "add-release", str(release), "--data-dir", str(data_dir)], sha


def _run_killed(cmd: list[str], env: dict, after_lines: int, sig: int) -> tuple[int, list[str]]:
    """Start `cmd`, send `sig` right after its `after_lines`-th stderr line (0: at once)."""
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    if after_lines == 0:
        proc.send_signal(sig)
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        if len(lines) == after_lines and proc.poll() is None:
            proc.send_signal(sig)
    proc.wait(60)
    return proc.returncode, lines


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["build", "add-release"])
def test_kill_never_breaks_the_store(made_up, kind, tmp_path):
    data_dir, env = made_up
    # One complete run: the command works, and its progress lines are the kill points.
    cmd, sha = _command(kind, data_dir, tmp_path, 0)
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    n_lines = len(done.stderr.splitlines())
    published_line = next(
        i for i, line in enumerate(done.stderr.splitlines(), 1) if "store published" in line
    )
    published = {sha} if sha else set()
    first_registry = {e["sha256"] for e in writer.added_registry(data_dir)}
    never = set()
    rng = random.Random(f"kill-{kind}")
    outcomes: Counter[str] = Counter()
    for i in range(1, KILLS + 1):
        before_path = reader.store_dir_path(data_dir)
        before_files = _hashes(before_path)
        before_raw = _hashes(data_dir / "raw")
        before_registry = writer.added_registry(data_dir)
        before_metrics = _metrics(data_dir)
        cmd, sha = _command(kind, data_dir, tmp_path, i)
        at = rng.randrange(0, n_lines)
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        rc, lines = _run_killed(cmd, env, at, sig)
        where = f"{kind} run {i}: {sig.name} after line {at} of {n_lines} (rc {rc})"
        after = reader.open_store(data_dir)  # raises if the store cannot be opened
        assert len(after.trusts) > 0 and len(after.releases) > 0, where
        assert _hashes(before_path) == before_files, f"previous version changed ({where})"
        if kind == "add-release":
            assert _hashes(data_dir / "raw") == before_raw, f"raw folder changed ({where})"
        if sig == signal.SIGTERM and rc == 128 + signal.SIGTERM:
            assert not _staging(data_dir), f"SIGTERM left staging behind ({where})"
        if sig == signal.SIGTERM and rc != 0:
            # Before the CLI installed its handler the default action ends it (-15); after, it
            # unwinds (exit 143) and removes its own staging.
            assert rc in (-signal.SIGTERM, 128 + signal.SIGTERM), where
        if after.path == before_path:
            outcomes["not published"] += 1
            assert writer.added_registry(data_dir) == before_registry, where
            pd.testing.assert_frame_equal(_metrics(data_dir), before_metrics, obj=where)
            if sha:
                never.add(sha)
        else:
            outcomes["published"] += 1
            assert after.manifest["counts"]["metric_rows"] == len(after.metrics), where
            assert after.manifest["added_releases"] == writer.added_registry(data_dir), where
            if sha:
                published.add(sha)
                assert sha in {e["sha256"] for e in writer.added_registry(data_dir)}, where
            else:
                pd.testing.assert_frame_equal(_metrics(data_dir), before_metrics, obj=where)
        if at <= published_line - 3:
            # Killed with two stages still to run: never published, whatever the timing.
            assert after.path == before_path, where
    # A later build cleans every killed run's staging and publishes exactly what was published.
    final = subprocess.run(
        [sys.executable, "-m", "league_atlas", "build", "--data-dir", str(data_dir)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert final.returncode == 0, final.stderr[-2000:]
    assert not _staging(data_dir)
    in_store = {e["sha256"] for e in writer.added_registry(data_dir)}
    assert not (never - published) & in_store, "a killed add-release reached a later build"
    if kind == "add-release":
        assert in_store <= published | first_registry
    print(f"\n{kind}: {KILLS} kills at signalled points: {dict(outcomes)}")
    assert outcomes["not published"] >= 1, outcomes


def _halves_shapefile(folder: Path, i: int) -> Path:
    """A made-up shapefile: England cut in two at an easting that differs per run."""
    import geopandas as gpd
    from shapely.geometry import box

    folder.mkdir(parents=True, exist_ok=True)
    cut = 400_000 + 5_000 * i
    gdf = gpd.GeoDataFrame(
        {"HALF23CD": ["E99000001", "E99000002"], "HALF23NM": ["West half", "East half"]},
        geometry=[box(0, 0, cut, 700_000), box(cut, 0, 700_000, 700_000)],
        crs="EPSG:27700",
    )
    path = folder / "halves.shp"
    gdf.to_file(path, engine="pyogrio")
    return path


@pytest.mark.slow
def test_kill_add_boundaries_never_reaches_a_later_build(made_up, tmp_path, monkeypatch):
    """add-boundaries follows add-release's rules: killed before its publish, the raw folder, the
    registry and the store are byte-identical, and the layer never appears in a later build."""
    data_dir, env = made_up
    base = [sys.executable, "-m", "league_atlas", "add-boundaries"]

    def cmd(i: int) -> list[str]:
        shp = _halves_shapefile(tmp_path / f"run-{i}", i)
        return [*base, str(shp), "--id", f"halves{i}", "--name", f"Halves {i}"]

    first = [*cmd(0), "--data-dir", str(data_dir)]
    done = subprocess.run(first, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    n_lines = len(done.stderr.splitlines())
    published_line = next(
        i for i, line in enumerate(done.stderr.splitlines(), 1) if "store published" in line
    )
    published = {"halves0"}
    never: set[str] = set()
    rng = random.Random("kill-add-boundaries")
    outcomes: Counter[str] = Counter()
    for i in range(1, 9):
        before_path = reader.store_dir_path(data_dir)
        before_files = _hashes(before_path)
        before_raw = _hashes(data_dir / "raw")
        before_registry = writer.added_boundaries(data_dir)
        at = rng.randrange(0, n_lines)
        sig = [signal.SIGKILL, signal.SIGTERM][i % 2]
        rc, _ = _run_killed([*cmd(i), "--data-dir", str(data_dir)], env, at, sig)
        where = f"add-boundaries run {i}: {sig.name} after line {at} of {n_lines} (rc {rc})"
        after = reader.open_store(data_dir)
        assert _hashes(before_path) == before_files, f"previous version changed ({where})"
        assert _hashes(data_dir / "raw") == before_raw, f"raw folder changed ({where})"
        if after.path == before_path:
            outcomes["not published"] += 1
            assert writer.added_boundaries(data_dir) == before_registry, where
            assert f"halves{i}" not in after.layers(), where
            never.add(f"halves{i}")
        else:
            outcomes["published"] += 1
            assert f"halves{i}" in after.layers(), where
            assert after.manifest["added_boundaries"] == writer.added_boundaries(data_dir), where
            published.add(f"halves{i}")
        if at <= published_line - 3:
            assert after.path == before_path, where
    # The later build (in-process, no fetching: the made-up raw folder has no geography sources).
    monkeypatch.setenv(config.LAYERS_ENV, str(LAYERS))
    writer.build(data_dir, None, fetch_missing=False, progress=lambda m: None)
    assert not _staging(data_dir)
    held = {e["spec"]["id"] for e in writer.added_boundaries(data_dir)}
    assert held == published, "a killed add-boundaries reached a later build (or one was lost)"
    assert set(reader.open_store(data_dir).layers()) >= published
    print(f"\nadd-boundaries: kills at signalled points: {dict(outcomes)}")
    assert outcomes["not published"] >= 1, outcomes

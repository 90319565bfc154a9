"""A small made-up store: the geo fixtures plus a made-up NOF release, built by the real pipeline."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from league_atlas import config
from league_atlas.io import sources
from league_atlas.store import writer
from support import nof_factory as nf

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GEO_DATADIR = FIXTURES / "geo" / "datadir"
LAYERS = FIXTURES / "geo" / "layers.toml"
TRUST_CODES = ["RAA", "RBB", "RCC", "RDD", "REE", "RFF", "RGG"]
# NHS England's region for each made-up trust, as the release's Region column states it; the same
# as the region its made-up location falls in, so the region of record and the map agree.
REGION_OF_RECORD = {
    "RAA": "London",
    "RBB": "East",
    "RCC": "East",
    "RDD": "East",
    "REE": "London",
    "RFF": "London",
    "RGG": "East",
}


_BUILT: dict[int, Path] = {}  # seed -> a store built once per test process, copied per test


def build_fixture_store(data_dir: Path, monkeypatch, *, seed: int = 3) -> Path:
    """The made-up store in `data_dir`: built by the real pipeline once per process and seed, then
    copied (links kept; the store link is relative, so a copied folder opens as itself)."""
    monkeypatch.setenv(config.LAYERS_ENV, str(LAYERS))
    if seed not in _BUILT:
        root = Path(tempfile.mkdtemp(prefix=f"league-atlas-fixture-{seed}-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        template = root / "data"
        _build(template, seed)
        _BUILT[seed] = template
    shutil.copytree(_BUILT[seed], data_dir, symlinks=True, dirs_exist_ok=True)
    return data_dir


def _build(data_dir: Path, seed: int) -> None:
    """Copy the raw fixtures into `data_dir`, add a made-up acute Q1 2025/26 release, build."""
    shutil.copytree(GEO_DATADIR / "raw", data_dir / "raw", dirs_exist_ok=True)
    release = sources.raw_file(data_dir, "nof_acute_q1_2526")
    release.parent.mkdir(parents=True, exist_ok=True)
    trusts = nf.make_trusts(seed=seed, codes=TRUST_CODES)
    for t in trusts:
        t.region = REGION_OF_RECORD[t.code]
    nf.write_release(release, trusts)
    writer.build(data_dir, None, fetch_missing=False, progress=lambda m: None)


def build_context_fixture_store(data_dir: Path, monkeypatch) -> Path:
    """The made-up store plus every made-up context source (tests/fixtures/context), with a staff
    survey that covers the made-up trusts so the trust-level proxies have values."""
    from fixtures.context import workbooks as wb

    wb.build_raw(data_dir)
    orgs = {
        code: (
            f"Made-up Hospitals {i + 1} NHS Trust",
            "Acute and Acute & Community Trusts",
            6.0 + 0.2 * i,
            {q: (30.0 + 3 * i + (i % 3), 10.0 + (i * 7) % 5, 500) for q in wb.QUESTIONS},
        )
        for i, code in enumerate(TRUST_CODES)
    }
    wb.write_nss(sources.raw_file(data_dir, "nss_2024"), orgs)
    # The geo fixtures (copied over the context ones) keep the places stage on its own layers.
    monkeypatch.setenv(config.LAYERS_ENV, str(LAYERS))
    _build(data_dir, seed=3)
    return data_dir

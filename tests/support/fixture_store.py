"""A small made-up store: the geo fixtures plus a made-up NOF release, built by the real pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

from league_atlas import config
from league_atlas.io import sources
from league_atlas.store import writer
from support import nof_factory as nf

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GEO_DATADIR = FIXTURES / "geo" / "datadir"
LAYERS = FIXTURES / "geo" / "layers.toml"
TRUST_CODES = ["RAA", "RBB", "RCC", "RDD", "REE", "RFF", "RGG"]


def build_fixture_store(data_dir: Path, monkeypatch, *, seed: int = 3) -> Path:
    """Copy the raw fixtures into `data_dir`, add a made-up acute Q1 2025/26 release, build."""
    shutil.copytree(GEO_DATADIR / "raw", data_dir / "raw", dirs_exist_ok=True)
    release = sources.raw_file(data_dir, "nof_acute_q1_2526")
    release.parent.mkdir(parents=True, exist_ok=True)
    trusts = nf.make_trusts(seed=seed, codes=TRUST_CODES)
    nf.write_release(release, trusts)
    monkeypatch.setenv(config.LAYERS_ENV, str(LAYERS))
    writer.build(data_dir, None, fetch_missing=False, progress=lambda m: None)
    return data_dir


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
    return build_fixture_store(data_dir, monkeypatch)

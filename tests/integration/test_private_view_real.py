"""Private views and the official banner on the real store (skipped without ../shared/data)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from league_atlas.io import sources
from league_atlas.scoring import preparation
from league_atlas.store import overlay, reader
from league_atlas.views import status


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".writer.lock"
    }


def _status(store, quarter: str):
    prep = preparation.prepare(store.metrics, "acute", quarter)
    return status.view_status(
        prep,
        None,
        financial_override=True,
        segment_method="release",
        release_rows=store.releases,
        manifest=store.manifest,
    )


def test_a_renamed_real_release_stays_private_and_is_never_official(real_store_dir):
    base = reader.open_store(real_store_dir)
    assert os.readlink(real_store_dir / "store").startswith("stores/")  # portable link
    quarter = base.quarters("acute")[-1]
    official = _status(base, quarter)
    source = sources.raw_files(real_store_dir, "nof_acute_q1_2526")[0]
    assert official.official and source.name in official.text and "fetched" in official.text

    before = _tree(real_store_dir)
    trust = base.trusts[base.trusts["trust_type"] == "acute"].sort_values("trust_code").iloc[0]
    data = source.read_bytes().replace(
        trust["trust_name"].encode(), b"Renamed In A Private View NHS Trust"
    )
    view = overlay.private_view(base, data, "renamed.csv", data_dir=real_store_dir)
    assert _tree(real_store_dir) == before
    names = view.trusts.set_index("trust_code")["trust_name"]
    assert names[trust["trust_code"]] == "Renamed In A Private View NHS Trust"
    assert (
        reader.open_store(real_store_dir)
        .trusts.set_index("trust_code")
        .loc[trust["trust_code"], "trust_name"]
        == trust["trust_name"]
    )
    # Same trusts, locations and boundaries as the shared store; only the file's rows differ.
    assert len(view.trusts) == len(base.trusts) and view.trusts["lat"].notna().all()
    assert len(view.metrics) == len(base.metrics)
    p = _status(view, quarter)
    assert (
        not p.official and p.private and p.text.startswith("Your file, not published: renamed.csv")
    )

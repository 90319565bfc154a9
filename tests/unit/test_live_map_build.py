"""The live map's committed build matches its sources, and the returned weights are checked.

`make frontend-check` rebuilds with Node and diffs; this test needs no Node: it recomputes the
source hash that build.mjs records in dist/SOURCES.sha256 (same files, same order, same framing).
"""

from __future__ import annotations

import hashlib

from league_atlas_ui.live_map import DIST_DIR, FRONTEND_DIR, released_weights


def test_committed_build_matches_its_sources():
    recorded, *files = (DIST_DIR / "SOURCES.sha256").read_text().splitlines()
    expected = ["build.mjs", "package.json", "package-lock.json"] + sorted(
        f"src/{p.name}" for p in (FRONTEND_DIR / "src").iterdir() if p.is_file()
    )
    assert files == expected, "dist/ was built from another set of sources: run `make frontend`"
    h = hashlib.sha256()
    for f in files:
        h.update(f.encode() + b"\0")
        h.update((FRONTEND_DIR / f).read_bytes())
        h.update(b"\0")
    assert h.hexdigest() == recorded, "src/ changed since dist/ was built: run `make frontend`"
    assert (DIST_DIR / "live-map.js").stat().st_size > 100_000  # deck.gl is bundled, no CDN


def test_released_weights_are_checked_like_any_input():
    domains = ("Patient safety", "Finance and productivity")
    state = {
        "weights": {
            "domains": {
                "Patient safety": 9,
                "Finance and productivity": -1,
                "Made up": 2,
            },
            "n": 3,
        }
    }
    assert released_weights(state, domains, 0.0, 3.0) == {
        "Patient safety": 3.0,
        "Finance and productivity": 0.0,
    }
    bad = {"weights": {"domains": {"Patient safety": "2", "Finance and productivity": True}}}
    assert released_weights(bad, domains, 0.0, 3.0) == {}
    assert released_weights(None, domains, 0.0, 3.0) == {}
    assert released_weights({"weights": [1, 2]}, domains, 0.0, 3.0) == {}

"""The browser scoring against the engine on the real store: every trust type and quarter."""

from __future__ import annotations

import pytest

from league_atlas.scoring import preparation
from league_atlas.store import reader

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def test_browser_scoring_matches_the_engine_on_the_real_releases(real_store_dir):
    from unit.test_live_scoring_parity import NODE, assert_parity, views

    if NODE is None:
        pytest.skip("Node.js is not installed (make frontend needs it)")
    metrics = reader.open_store(real_store_dir).metrics
    pairs = views(metrics)
    assert ("acute", "Q1 2025/26") in pairs
    for trust_type, quarter in pairs:
        assert_parity(preparation.prepare(metrics, trust_type, quarter))

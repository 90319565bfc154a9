"""The attraction page's tables (views.context_tables): order, labels, no internal columns."""

from __future__ import annotations

import pandas as pd

from league_atlas.context import proxies
from league_atlas.views import context_tables


def _joined() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trust_name": ["A", "B", "C"],
            "trust_code": ["R1", "R2", "R3"],
            "region_name": ["North", "South", "North"],
            proxies.INDEX_COLUMN: [0.5, None, 1.2],
            proxies.INDEX_COUNT_COLUMN: [3, 0, 4],
            "average_score": [2.0, 2.5, 1.5],
            "official_rank": [2, 3, 1],
            "unused": [1, 2, 3],
        }
    )


def test_index_table_most_attractive_first_missing_last():
    t = context_tables.index_table(_joined())
    assert list(t.iloc[:, 1]) == ["R3", "R1", "R2"]
    assert context_tables.INDEX_LABEL in t.columns
    assert "Proxies present" in t.columns
    assert "unused" not in t.columns and proxies.INDEX_COLUMN not in t.columns


def test_correlation_display_drops_key_and_labels_every_column():
    ct = pd.DataFrame({k: [1.0] for k in ["key", *context_tables.CORRELATION_COLUMNS]})
    out = context_tables.correlation_display(ct)
    assert list(out.columns) == list(context_tables.CORRELATION_COLUMNS.values())

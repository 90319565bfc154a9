"""The trust profile's context rows (views.profile_context): percentile among the type only."""

from __future__ import annotations

import math

import pandas as pd

from league_atlas.views import profile_context


def test_percentile_counts_only_the_type_and_missing_has_none():
    ctx = pd.DataFrame(
        {
            "trust_code": ["R1", "R2", "R3", "X9"],
            "staff_engagement": [7.0, 6.0, 5.0, 1.0],
            "leave_intention": [None, 0.3, 0.2, 0.1],
        }
    )
    rows = profile_context.proxy_rows(ctx, pd.Series(["R1", "R2", "R3"]), "R1").set_index("Units")
    assert len(rows) == 2  # proxies absent from the table are left out
    by_value = {r["Value"]: r for _, r in rows.iterrows() if pd.notna(r["Value"])}
    assert by_value[7.0]["Percentile among the type"] == 2 / 3  # X9 is another type
    missing = [r for _, r in rows.iterrows() if pd.isna(r["Value"])]
    assert len(missing) == 1 and math.isnan(missing[0]["Percentile among the type"])

"""The trust profile's context table: each staff-attraction proxy for one trust, placed among its type.

Built without Streamlit (pages/trusts/profile.py shows it as it is) so a unit test can check it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from league_atlas.context import proxies


def proxy_rows(ctx: pd.DataFrame, type_codes: pd.Series, code: str) -> pd.DataFrame:
    """One row per proxy in ``ctx``: the trust's value and the share of its type below it.

    The percentile counts trusts of the same type (``type_codes``) with a strictly lower value;
    a missing value has no percentile.
    """
    same_type = ctx[ctx["trust_code"].isin(type_codes)]
    row = ctx.set_index("trust_code").loc[code]
    recs = []
    for key, meta in proxies.PROXIES.items():
        if key not in ctx:
            continue
        v = row[key]
        pct = float((same_type[key] < v).mean()) if pd.notna(v) else np.nan
        recs.append(
            {
                "Proxy": meta.label,
                "Value": v,
                "Units": meta.unit,
                "Percentile among the type": pct,
                "Direction": meta.direction_label,
                "Source": meta.source,
                "Period": meta.period,
            }
        )
    return pd.DataFrame(recs)

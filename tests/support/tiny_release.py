"""Tiny made-up NOF tables (tidy form) for the bootstrap and change tests: a few trusts, their own
1-4 item scores, published summary rows computed by the framework's arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd

CUTS = (2.0, 2.5, 3.0)
DOMAINS = {"OF1003": "Access to services", "OF1013": "Access to services"}


def quarter_rows(
    items: dict[str, dict[str, float]],
    flags: dict[str, int],
    quarter: str = "Q4 2025/26",
    quarter_index: int = 20254,
    trust_type: str = "non-acute",
    cuts: tuple[float, float, float] = CUTS,
) -> pd.DataFrame:
    """One quarter: item rows plus OF5002/OF5003/OF5004/OF5000 (with the league Rank)."""
    rows = []
    summary = {}
    for code, scores in items.items():
        avg = round(float(np.mean(list(scores.values()))) + 1e-9, 2)
        seg = 1 + sum(avg > c for c in cuts)
        adj = max(seg, 3) if flags.get(code) else seg
        summary[code] = (avg, seg, adj)
        for mid, v in scores.items():
            rows.append((code, mid, v, DOMAINS.get(mid, "Patient safety"), np.nan))
    for code, (avg, seg, adj) in summary.items():
        rank = 1 + sum((o[2], o[0]) < (adj, avg) for c, o in summary.items() if c != code)
        rows += [
            (code, "OF5002", avg, "Summary", np.nan),
            (code, "OF5003", float(seg), "Summary", np.nan),
            (code, "OF5004", float(flags.get(code, 0)), "Summary", np.nan),
            (code, "OF5000", float(adj), "Summary", float(rank)),
        ]
    df = pd.DataFrame(rows, columns=["trust_code", "metric_id", "value", "domain", "rank"])
    return df.assign(
        framework_year="2025/26",
        quarter=quarter,
        quarter_index=quarter_index,
        trust_type=trust_type,
        trust_name=df["trust_code"] + " Made-up NHS Trust",
    )

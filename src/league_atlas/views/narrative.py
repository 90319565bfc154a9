"""Plain-language sentences computed from the data: active titles and area summaries.

Presenters need a title that states the finding (an "active title", Analysis Function guidance)
and commissioners a short summary of their area against England; both are written here from the
current view so they change with the weights and never claim more than the numbers show.
"""

from __future__ import annotations

import pandas as pd

from league_atlas.views import presentation as ui
from league_atlas.views.explorer import shown_segment


def _segment_counts(view: pd.DataFrame) -> dict[int, int]:
    seg = shown_segment(view).dropna().astype(int)
    return {k: int((seg == k).sum()) for k in (1, 2, 3, 4, 5)}


def active_title(view: pd.DataFrame, trust_type: str, quarter: str, where: str = "England") -> str:
    """One sentence with the main finding of the view, e.g. which regions hold most segment-4 trusts."""
    label = ui.TRUST_TYPE_LABELS.get(trust_type, trust_type).lower()
    if view.empty:
        return f"No {label} in {where} in {quarter}"
    counts = _segment_counts(view)
    n4 = counts[4]
    by_region = (
        view[shown_segment(view) == 4].groupby("region_name").size().sort_values(ascending=False)
        if "region_name" in view
        else pd.Series(dtype=int)
    )
    if where == "England" and n4 and len(by_region):
        top = by_region[by_region == by_region.iloc[0]]
        names = " and ".join(top.index.tolist())
        return f"{names} hold{'s' if len(top) == 1 else ''} {int(top.sum())} of the {n4} {label} in segment 4, {quarter}"
    broad = counts[3] + counts[4] + counts[5]
    share = broad / max(len(view), 1)
    return f"{broad} of {len(view)} {label} in {where} are in segment 3, 4 or 5 ({share:.0%}), {quarter}"


def focus_summary(
    view_all: pd.DataFrame, view_focus: pd.DataFrame, where: str, trust_type: str
) -> list[str]:
    """A few sentences comparing an area's trusts with England under the current weights."""
    label = ui.TRUST_TYPE_LABELS.get(trust_type, trust_type).lower()
    if view_focus.empty:
        return [f"{where} has no {label} in this release."]
    n, n_all = len(view_focus), len(view_all)
    c_f, c_a = _segment_counts(view_focus), _segment_counts(view_all)
    share_f = (c_f[3] + c_f[4] + c_f[5]) / n
    share_a = (c_a[3] + c_a[4] + c_a[5]) / max(n_all, 1)
    med_f = float(view_focus["rank"].astype(float).median())
    med_a = float(view_all["rank"].astype(float).median())
    lines = [
        f"{where} has {n} of England's {n_all} {label}: "
        + ", ".join(f"{v} in S{k}" for k, v in c_f.items() if v)
        + ".",
        f"{share_f:.0%} of them are in segment 3, 4 or 5, against {share_a:.0%} across England.",
        f"Their median league position is {med_f:.0f} (England's median is {med_a:.0f}; 1 is best).",
    ]
    best = view_focus.sort_values("rank").iloc[0]
    worst = view_focus.sort_values("rank").iloc[-1]
    if n > 1:
        lines.append(
            f"Highest placed: {best['trust_name']} (rank {int(best['rank'])}); "
            f"lowest: {worst['trust_name']} (rank {int(worst['rank'])})."
        )
    moved = view_focus["rank_change"].astype("Float64").fillna(0)
    if (moved != 0).any():
        up, down = int((moved > 0).sum()), int((moved < 0).sum())
        lines.append(
            f"Under the current weights {up} moved up and {down} moved down against the official table."
        )
    return lines

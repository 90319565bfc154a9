"""Plain-language sentences computed from the data: active titles and area summaries.

Presenters need a title that states the finding (an "active title", Analysis Function guidance)
and commissioners a short summary of their area against England; both are written here from the
current view so they change with the weights and never claim more than the numbers show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from league_atlas.views import presentation as ui
from league_atlas.views.explorer import shown_segment


def _segment_counts(view: pd.DataFrame) -> dict[int, int]:
    seg = shown_segment(view).dropna().astype(int)
    return {k: int((seg == k).sum()) for k in (1, 2, 3, 4, 5)}


def _noun(trust_type: str, n: int) -> str:
    """'acute trusts' / 'acute trust' (one trust is never written 'trust(s)')."""
    label = ui.TRUST_TYPE_LABELS.get(trust_type, trust_type).lower()
    return label if n != 1 else label.replace("trusts", "trust")


def _broad(counts: dict[int, int]) -> int:
    return counts[3] + counts[4] + counts[5]


# A region's share of segment 4-5 trusts is worth a headline only when it stands out: at least
# NOTABLE_RATIO times England's share, among at least NOTABLE_MIN_TRUSTS of its trusts, and at
# least NOTABLE_MIN_COUNT of them (so 6 of 24 from the largest region is not "news").
NOTABLE_RATIO = 1.5
NOTABLE_MIN_TRUSTS = 5
NOTABLE_MIN_COUNT = 3


def notable_region(view: pd.DataFrame) -> tuple[str, int, int] | None:
    """(region, trusts in S4-S5, trusts) for the region whose share of S4-S5 trusts stands out
    against England, or None when no region does (see NOTABLE_*)."""
    if "region_name" not in view or view.empty:
        return None
    seg = shown_segment(view)
    worst = seg.isin([4, 5])
    england = float(worst.mean())
    if england == 0:
        return None
    g = pd.DataFrame({"region": view["region_name"], "worst": worst}).dropna(subset=["region"])
    stats = g.groupby("region")["worst"].agg(["sum", "size"])
    stats = stats[(stats["size"] >= NOTABLE_MIN_TRUSTS) & (stats["sum"] >= NOTABLE_MIN_COUNT)]
    if stats.empty:
        return None
    stats = stats.assign(share=stats["sum"] / stats["size"]).sort_values(
        ["share", "sum"], ascending=False
    )
    top = stats.iloc[0]
    if top["share"] < NOTABLE_RATIO * england:
        return None
    return str(stats.index[0]), int(top["sum"]), int(top["size"])


def _segment_words(seg) -> str:
    style = ui.segment_style(seg)
    return f"segment {style.segment}" if style.segment else "no segment"


def active_title(view: pd.DataFrame, trust_type: str, quarter: str, where: str = "England") -> str:
    """One sentence with the main finding of the view, checked for sense: a count of one trust
    names the trust, small counts carry no percentage, and a region is singled out only when its
    share of segment 4-5 trusts stands out (`notable_region`)."""
    n = len(view)
    if view.empty:
        return f"No {_noun(trust_type, 2)} in {where} in {quarter}"
    counts = _segment_counts(view)
    broad = _broad(counts)
    if n == 1:
        row = view.iloc[0]
        seg = _segment_words(shown_segment(view).iloc[0])
        rank = f", ranked {int(row['rank'])} in England" if pd.notna(row.get("rank")) else ""
        return f"{row['trust_name']} is in {seg}{rank}, {quarter}"
    noun = _noun(trust_type, n)
    share = f" ({broad / n:.0%})" if n >= 10 else ""
    if broad == 0:
        head = f"None of the {n} {noun} in {where} is in segment 3, 4 or 5"
    elif broad == n:
        head = f"{'Both' if n == 2 else f'All {n}'} {noun} in {where} are in segment 3, 4 or 5"
    else:
        verb = "is" if broad == 1 else "are"
        head = f"{broad} of {n} {noun} in {where} {verb} in segment 3, 4 or 5{share}"
    if where == "England":
        hit = notable_region(view)
        if hit:
            region, k, size = hit
            head += f"; {region} has the highest share in segment 4 or 5 ({k} of its {size})"
    return f"{head}, {quarter}"


def rank_reasons(view: pd.DataFrame) -> list[str]:
    """Why each trust sits where it does when the score alone would not say: a trust whose
    segment the financial override capped ranks with segment 3, below better-scored trusts
    (league position is segment first, then score); a segment-5 trust is in the Recovery
    Support Programme. Empty where the score explains the order."""
    out = []
    for seg, unadj, final in zip(
        view["segment"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        view.get("segment_unadjusted", view["segment"])
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan),
        view.get("final_segment", view["segment"])
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan),
        strict=True,
    ):
        parts = []
        if seg == seg and unadj == unadj and seg > unadj:
            parts.append(f"capped at S{int(seg)}: financial deficit (score alone: S{int(unadj)})")
        if final == 5:
            parts.append("S5: Recovery Support Programme")
        out.append("; ".join(parts))
    return out


RANK_ORDER_NOTE = (
    "League position orders trusts by segment first, then by average score, so a trust capped at "
    "segment 3 for a financial deficit ranks below every segment 1-2 trust, even one with a worse "
    "score; the Why column says so."
)


def league_headline(view: pd.DataFrame, trust_type: str, quarter: str, where: str) -> str:
    """The league page's headline: who leads, and how many places the override reorders."""
    if view.empty:
        return f"No {_noun(trust_type, 2)} in {where} in {quarter}"
    top = view.sort_values(["rank", "trust_code"]).iloc[0]
    n = len(view)
    head = (
        f"{top['trust_name']} leads the {n} {_noun(trust_type, n)} in {where} "
        f"(average score {float(top['average_score']):.2f})"
        if n > 1
        else active_title(view, trust_type, quarter, where)
    )
    capped = sum(1 for r in rank_reasons(view) if r.startswith("capped"))
    if n > 1 and capped:
        head += f"; {capped} {'is' if capped == 1 else 'are'} capped at segment 3 by a financial deficit"
    return head if n == 1 else f"{head}, {quarter}"


def metric_headline(
    ranking: pd.DataFrame, metric: str, units: str, where: str, description: str = ""
) -> str:
    """The one-metric page's headline: the best and the worst trust on the metric, or how many
    share the best value when several do (e.g. a standard met), so no tie is called "best"."""
    r = ranking.dropna(subset=["value"]).sort_values(["rank", "trust_code"])
    name = f"{metric} {description}".strip()
    if r.empty:
        return f"No trust in {where} has a value for {metric}"
    best, worst = r.iloc[0], r.iloc[-1]
    unit = f" {units}" if units and units == units else ""
    if len(r) == 1:
        return f"{name}: {best['trust_name']} {best['value']:.3g}{unit}"
    ties = int((r["rank"] == best["rank"]).sum())
    lead = (
        f"{ties} of {len(r)} trusts in {where} share the best value ({best['value']:.3g}{unit})"
        if ties > 1
        else f"best of {len(r)} in {where}: {best['trust_name']} ({best['value']:.3g}{unit})"
    )
    return f"{name}: {lead}; furthest behind: {worst['trust_name']} ({worst['value']:.3g}{unit})"


def profile_headline(view: pd.DataFrame, code: str, trust_type: str) -> str:
    """The profile's headline: segment, rank of how many, and any move against the official rank."""
    row = view.set_index("trust_code").loc[code]
    seg = shown_segment(view.set_index("trust_code").loc[[code]].reset_index()).iloc[0]
    n = len(view)
    head = (
        f"{row['trust_name']} is in {_segment_words(seg)}, ranked {int(row['rank'])} "
        f"of {n} {_noun(trust_type, n)}"
    )
    moved = row.get("rank_change")
    if pd.notna(moved) and int(moved) != 0:
        head += f" ({ui.rank_change_arrow(moved)} places against the official {int(row['official_rank'])})"
    reason = rank_reasons(view.set_index("trust_code").loc[[code]].reset_index())[0]
    return f"{head}; {reason}" if reason else head


def disparity_finding(d) -> str:
    """The regional page's finding in plain words from a disparities.GroupDifference: "better"
    or "worse" instead of a signed difference (lower scores are better, so a minus sign would be
    misread), and the interval in the same direction."""
    gap = abs(d.difference)
    better = d.difference < 0
    lo, hi = (-d.ci_high, -d.ci_low) if better else (d.ci_low, d.ci_high)
    word = "better" if better else "worse"
    conf = f"{d.confidence:.0%} CI"
    if d.ci_low <= 0 <= d.ci_high:
        return (
            f"No clear difference: trusts in {d.in_label} score {gap:.2f} {word} on average than "
            f"the {_out(d.out_label)}, but the {conf} runs from {_signed(hi, word)} to "
            f"{_signed(lo, word)}, which includes no difference; lower scores are better"
        )
    return (
        f"Trusts in {d.in_label} score {gap:.2f} {word} on average than the {_out(d.out_label)} "
        f"({conf} {lo:.2f} to {hi:.2f}); lower scores are better"
    )


def _out(label: str) -> str:
    return label[0].lower() + label[1:] if label[:4] == "Rest" else label


def _signed(x: float, word: str) -> str:
    other = "worse" if word == "better" else "better"
    return f"{x:.2f} {word}" if x >= 0 else f"{-x:.2f} {other}"


def slope_finding(
    slope: float,
    low: float,
    high: float,
    n: int,
    confidence: float,
    *,
    who: str,
    per: str,
    what: str,
    step: str,
) -> str:
    """A least-squares slope of average score on x in words: which way, how much per unit of x,
    and whether the interval rules out no link (lower scores are better, so "better"/"worse"
    replace the sign)."""
    if n < 3 or slope != slope:
        return f"Too few trusts have {what} to compare it with their scores"
    conf = f"{confidence:.0%} CI"
    better = slope < 0
    word = "better" if better else "worse"
    lo, hi = (-high, -low) if better else (low, high)
    if low <= 0 <= high:
        return (
            f"No clear link between {what} and the average score across {n} trusts: {step} goes "
            f"with a score {abs(slope):.2f} {word}, but the {conf} runs from {_signed(hi, word)} "
            f"to {_signed(lo, word)}; lower scores are better"
        )
    return (
        f"{who} score {abs(slope):.2f} {word} {per} ({conf} {lo:.2f} to {hi:.2f}, {n} trusts); "
        "lower scores are better, and this says nothing about why"
    )


def attraction_finding(slope: float, low: float, high: float, n: int, confidence: float) -> str:
    """The staff-attraction page's finding: slope of average score on the index (score points
    per SD; higher index = more attractive)."""
    return slope_finding(
        slope,
        low,
        high,
        n,
        confidence,
        who="Trusts in places that attract staff more easily",
        per="per SD of the staff-attraction index",
        what="the staff-attraction index",
        step="one SD more attractive",
    )


def distance_finding(
    slope_per_km: float, low: float, high: float, n: int, confidence: float
) -> str:
    """Average score against distance from central London, per 100 km, in words."""
    return slope_finding(
        100 * slope_per_km,
        100 * low,
        100 * high,
        n,
        confidence,
        who="Trusts further from central London",
        per="per 100 km",
        what="distance from central London",
        step="100 km further",
    )


def variance_finding(share: float, chance: float, p_value: float, areas: str) -> str:
    """How much of the score variation lies between areas, against chance, in words."""
    if share != share:
        return ""
    clear = p_value < 0.05
    return (
        f"{share:.0%} of the variation in average score lies between {areas}, "
        + (
            f"more than the {chance:.0%} chance alone would give"
            if clear
            else f"no more than chance alone would give (about {chance:.0%})"
        )
        + "; the rest lies between trusts in the same area"
    )


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


def store_headline(holdings: dict[str, tuple[int, list[str]]]) -> str:
    """What the store holds, in one sentence: {trust_type: (trusts, quarters oldest first)}."""
    parts = []
    for tt, (n, quarters) in holdings.items():
        if not quarters:
            continue
        span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"
        parts.append(f"{n} {_noun(tt, n)} ({span})")
    if not parts:
        return "No NOF release in the store yet"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"League tables for {listed}"

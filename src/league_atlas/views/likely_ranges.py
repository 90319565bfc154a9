"""What the pages say about "how sure is each rank": NHS England's likely ranges (reproduced by
`league_atlas.scoring.likely_range`), NHS England's published ranges beside them, the optional
weight layer (`league_atlas.scoring.uncertainty`), and the change-since-last-quarter view model
(`league_atlas.analysis.change`). Pages only lay these tables and sentences out.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from league_atlas.analysis import change
from league_atlas.views import presentation as ui

METHOD_NOTE = (
    "Likely range (95%): NHS England's own uncertainty, reproduced. Each trust's metric scores "
    "are resampled with replacement {draws:,} times; every draw is averaged (weighted by the "
    "current weights), rounded, segmented with the release's cut-points, given the financial "
    "override and ranked with all other trusts redrawn at once. The range runs from the 2.5th to "
    "the 97.5th percentile."
)
WEIGHT_LAYER_NOTE = (
    "Second layer: Monte Carlo over the weights only ({draws:,} draws, ±{spread:.0%} per weight; "
    "Saisana et al. 2005). It answers a different question (how much the chosen weights matter) "
    "and is usually much narrower."
)


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v


def _ok(*xs) -> bool:
    return all(not math.isnan(_num(x)) for x in xs)


def rank_range_text(low, high) -> str:
    return f"{int(_num(low))} to {int(_num(high))}" if _ok(low, high) else "n/a"


def score_range_text(low, high) -> str:
    return f"{_num(low):.2f} to {_num(high):.2f}" if _ok(low, high) else "n/a"


def has_published(ranges: pd.DataFrame) -> bool:
    """True when a league-table file in the store gives NHS England's own ranges here."""
    return (
        "published_rank_low" in ranges
        and ranges["published_rank_low"].notna().any()
        and "published_rank_high" in ranges
    )


def trust_sentence(
    row: pd.Series, n_trusts: int, *, official_weights: bool = True, current_weights: bool = True
) -> str:
    """One trust's likely ranges in words, with NHS England's published ranges beside ours when a
    league-table file gives them. Under re-weighting it says whether the ranges follow the current
    weights or are those of the official weights."""
    scope = (
        ""
        if official_weights
        else " under the current weights"
        if current_weights
        else " at the official weights"
    )
    text = (
        f"Likely league position{scope} (95%, NHS England's method): "
        f"**{rank_range_text(row.get('rank_low'), row.get('rank_high'))}** of {n_trusts}; "
        f"likely average score {score_range_text(row.get('score_low'), row.get('score_high'))}."
    )
    if _ok(row.get("published_rank_low"), row.get("published_rank_high")):
        text += (
            " NHS England published a likely rank of "
            f"{rank_range_text(row['published_rank_low'], row['published_rank_high'])}"
        )
        if _ok(row.get("published_score_low"), row.get("published_score_high")):
            text += (
                " and a likely score of "
                f"{score_range_text(row['published_score_low'], row['published_score_high'])}"
            )
        text += "."
    return text


def segment_chances(row: pd.Series, n_segments: int = 4) -> str:
    """'S1 12%, S2 40%, S3 38%, S4 10%' from p_segment_k columns."""
    return ", ".join(
        f"S{k} {_num(row.get(f'p_segment_{k}')):.0%}"
        for k in range(1, n_segments + 1)
        if f"p_segment_{k}" in row
    )


def published_agreement(ranges: pd.DataFrame) -> str:
    """How our ranges compare with NHS England's published ones, in words ('' without them)."""
    from league_atlas.scoring import likely_range

    if not has_published(ranges):
        return ""
    cmp = likely_range.compare_with_published(ranges)
    if not cmp.get("trusts_compared"):
        return ""
    text = (
        f"Against NHS England's published ranges ({cmp['trusts_compared']} trusts): rank ends "
        f"within 2 places for {cmp['rank_ends_within_2']:.0%}"
    )
    if "score_ends_within_0_03" in cmp:
        text += f", score ends within 0.03 for {cmp['score_ends_within_0_03']:.0%}"
    return text + "."


def caterpillar_frame(
    view: pd.DataFrame, ranges: pd.DataFrame, weight_layer: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per trust for the caterpillar chart: current rank, likely rank range, segment,
    published range (when known) and the weight layer's 5th-95th percentile (when asked for)."""
    cols = ["trust_code", "rank_low", "rank_high", "score_low", "score_high"]
    cols += [c for c in ranges.columns if c.startswith(("published_", "p_segment_"))]
    out = view[["trust_code", "trust_name", "rank", "segment_label", "average_score"]].merge(
        ranges[cols], on="trust_code", how="left"
    )
    if weight_layer is not None:
        out = out.merge(
            weight_layer[["trust_code", "rank_p5", "rank_p95"]], on="trust_code", how="left"
        )
    for c in out.columns:
        if c.startswith(("rank", "published_rank")):
            out[c] = out[c].astype("Float64").astype(float)
    out["likely_rank"] = [
        rank_range_text(lo, hi) for lo, hi in zip(out["rank_low"], out["rank_high"], strict=True)
    ]
    out["likely_score"] = [
        score_range_text(lo, hi) for lo, hi in zip(out["score_low"], out["score_high"], strict=True)
    ]
    if "published_rank_low" in out:
        out["published_rank"] = [
            rank_range_text(lo, hi)
            for lo, hi in zip(out["published_rank_low"], out["published_rank_high"], strict=True)
        ]
    return out.sort_values(["rank", "trust_code"], kind="stable").reset_index(drop=True)


def with_likely_rank(
    view: pd.DataFrame, ranges: pd.DataFrame, *, official_weights: bool = True
) -> pd.DataFrame:
    """The view plus rank_low, rank_high and `likely_rank_text` for the map tooltip and tables."""
    out = view.merge(ranges[["trust_code", "rank_low", "rank_high"]], on="trust_code", how="left")
    suffix = "" if official_weights else " (official weights)"
    out["likely_rank"] = [
        rank_range_text(lo, hi) for lo, hi in zip(out["rank_low"], out["rank_high"], strict=True)
    ]
    out["likely_rank_text"] = [
        f"Likely rank {t} (95%){suffix}" if t != "n/a" else "" for t in out["likely_rank"]
    ]
    return out


# ------------------------------------------------------------------ change since last quarter

STATUS_ORDER = {change.BEYOND: 0, change.WITHIN: 1, change.NO_CHANGE: 2}


def direction(row: pd.Series) -> str:
    """'better', 'worse' or 'same' for the change as a whole: the league position decides, then
    the segment, then the score."""
    for key, sign in (("rank_change", 1), ("segment_change", 1), ("score_change", -1)):
        v = _num(row.get(key))
        if not math.isnan(v) and v != 0:
            return "better" if sign * v > 0 else "worse"
    return "same"


def change_table(changes: pd.DataFrame, places: pd.DataFrame | None = None) -> pd.DataFrame:
    """The change view's table: one row per trust, movers beyond noise first, with words for
    every verdict (never colour alone) and the place columns when given."""
    ch = changes.copy()
    ch["direction"] = [direction(r) for _, r in ch.iterrows()]
    ch["what_changed"] = [change.describe(r) for _, r in ch.iterrows()]
    ch["marker"] = [
        ("▲" if d == "better" else "▼" if d == "worse" else "=")
        + ("!" if s == change.BEYOND else "")
        for d, s in zip(ch["direction"], ch["status"], strict=True)
    ]
    if places is not None:
        keep = [
            c
            for c in (
                "trust_code",
                "region_code",
                "region_name",
                "icb23_code",
                "icb23_name",
                "icb26_code",
                "lat",
                "lon",
            )
            if c in places.columns
        ]
        ch = ch.merge(places[keep], on="trust_code", how="left")
    ch["_order"] = ch["status"].map(STATUS_ORDER)
    ch["_abs"] = ch["rank_change"].astype("Float64").abs().fillna(0)
    return (
        ch.sort_values(["_order", "_abs", "trust_code"], ascending=[True, False, True])
        .drop(columns=["_order", "_abs"])
        .reset_index(drop=True)
    )


def change_display(table: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing columns of `change_table` (labels with units)."""
    prev, cur = (
        table["previous_quarter"].iloc[0] if len(table) else "previous",
        table["quarter"].iloc[0] if len(table) else "this quarter",
    )

    def verdict(flag: pd.Series, changed: pd.Series) -> list[str]:
        return [
            (change.BEYOND if f else change.WITHIN) if c else ""
            for f, c in zip(flag, changed, strict=True)
        ]

    out = pd.DataFrame(
        {
            "Trust": table["trust_name"],
            "ODS code": table["trust_code"],
            "Change": table["marker"] + " " + table["direction"],
            "Overall": table["status"],
            f"Rank {prev}": table["previous_rank"],
            f"Rank {cur}": table["rank"],
            "Rank change (places, + = better)": table["rank_change"],
            "Rank change is": verdict(
                table["rank_beyond_noise"], table["rank_change"].fillna(0) != 0
            ),
            f"Segment {prev}": table["previous_segment"],
            f"Segment {cur}": table["segment"],
            "Segment change is": verdict(
                table["segment_beyond_noise"], table["segment_change"].fillna(0) != 0
            ),
            "Why the segment changed": table["segment_reason"],
            f"Score {prev}": table["previous_score"],
            f"Score {cur}": table["score"],
            "Score change (+ = worse)": table["score_change"],
            "Score change, 95% interval": [
                f"{lo:+.2f} to {hi:+.2f}" if _ok(lo, hi) else ""
                for lo, hi in zip(
                    table["score_change_low"], table["score_change_high"], strict=True
                )
            ],
            "Score change is": verdict(table["score_beyond_noise"], table["score_change"] != 0),
        }
    )
    if "region_name" in table:
        out["NHS region"] = table["region_name"]
    return out


CHANGE_STYLE = {
    # (direction, beyond noise) -> (fill, outline, label suffix)
    ("better", True): (ui.NHS_BLUE, ui.NHS_DARK_BLUE),
    ("worse", True): (ui.NHS_RED, ui.NHS_TEXT),
    ("better", False): (ui.NHS_PALE_GREY, ui.NHS_BLUE),
    ("worse", False): (ui.NHS_PALE_GREY, ui.NHS_RED),
    ("same", False): (ui.NHS_WHITE, ui.NHS_MID_GREY),
    ("same", True): (ui.NHS_WHITE, ui.NHS_MID_GREY),
}


def change_points(table: pd.DataFrame) -> pd.DataFrame:
    """Map points (render.mapview format) for the change view: filled blue = better beyond noise,
    filled red = worse beyond noise, pale with a coloured ring = within noise; every point also
    carries its rank change as a label (+3 = up three places, ! = beyond noise), so colour is never
    the only cue."""
    d = table.dropna(subset=["lat", "lon"]).sort_values("trust_code").reset_index(drop=True)
    out = pd.DataFrame({"trust_code": d["trust_code"], "trust_name": d["trust_name"]})
    out["lon"] = d["lon"].astype(float).round(5)
    out["lat"] = d["lat"].astype(float).round(5)
    styles = [
        CHANGE_STYLE[(dr, s == change.BEYOND)]
        for dr, s in zip(d["direction"], d["status"], strict=True)
    ]
    out["fill"] = [ui.rgba(f) for f, _ in styles]
    out["line"] = [ui.rgba(o) for _, o in styles]
    out["line_width"] = np.where(d["status"] == change.BEYOND, 2, 3)
    out["radius"] = np.where(d["status"] == change.BEYOND, 4200, 3200)
    out["seg_label"] = [map_label(r, s) for r, s in zip(d["rank_change"], d["status"], strict=True)]
    out["tt_title"] = d["trust_name"] + " (" + d["trust_code"] + ")"
    out["tt_l1"] = [f"{s}: {w}" for s, w in zip(d["status"], d["what_changed"], strict=True)]
    out["tt_l2"] = [
        f"Rank {_fmt(p)} → {_fmt(r)} · segment {_fmt(ps)} → {_fmt(s)}"
        for p, r, ps, s in zip(
            d["previous_rank"], d["rank"], d["previous_segment"], d["segment"], strict=True
        )
    ]
    out["tt_l3"] = [
        f"Score {a:.2f} → {b:.2f}" for a, b in zip(d["previous_score"], d["score"], strict=True)
    ]
    return out


def map_label(rank_change, status: str) -> str:
    """ASCII map label (deck.gl's text layer draws ASCII only): places moved, '+' = up, and '!'
    when any change of the trust is beyond noise; '=' when the league position did not move."""
    v = _num(rank_change)
    core = "=" if math.isnan(v) or v == 0 else f"{int(v):+d}"
    return core + ("!" if status == change.BEYOND else "")


def _fmt(x) -> str:
    return "n/a" if not _ok(x) else f"{int(_num(x))}"


def trend_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """change.trust_trend with reader-facing labels for the profile's table."""
    return pd.DataFrame(
        {
            "Quarter": trend["quarter"],
            "Official rank": trend["rank"],
            "Likely rank (95%)": [
                rank_range_text(a, b)
                for a, b in zip(trend["rank_low"], trend["rank_high"], strict=True)
            ],
            "Average score": trend["score"],
            "Likely score (95%)": [
                score_range_text(a, b)
                for a, b in zip(trend["score_low"], trend["score_high"], strict=True)
            ],
            "Segment": trend["segment"],
            "Trusts ranked": trend["trusts"],
            "Change since the quarter before": trend["change"],
        }
    )

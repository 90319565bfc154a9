"""Recompute, then compare: an independent check of each release's official table.

The engine (`scoring.engine`) *anchors* on the published values so that they stay the official
ones shown everywhere. That alone would let a stale or inconsistent published column pass
silently, so this module recomputes the table from the items by the framework rules and lists
every place where the release disagrees with itself (nof-method.md §2-§4):

1. average: unweighted mean of the trust's items (merged and counted-through ids per the year's
   `RuleSet`), compared with OF5002. The items are published as 2-dp roundings and so is OF5002,
   so the two can differ by up to half a step twice (0.005 + 0.005): only a difference beyond that
   rounding bound is a disagreement. The report also counts averages within `AVERAGE_TOLERANCE`
   (0.006), the usual size of that difference (2 of 244 real trust-quarters reach 0.0067);
2. cut-points read from the release: for each boundary the threshold that misclassifies the
   fewest published unadjusted segments (OF5003) against the published averages, so one planted
   inconsistency is pinned on its trust instead of shifting every cut;
3. unadjusted segment from the published average (2 dp) and those cut-points, against OF5003;
4. financial override: a flagged trust (OF5004) no better than the floor, against OF5000;
5. final segment: 5 for a trust in the Recovery Support Programme (OF5007), else the adjusted
   segment, against OF5005; where the release publishes neither, it is *unpublished*, not guessed;
6. league position: ranked by the recomputed adjusted segment, then the published average,
   against the Rank on the OF5000 rows.

Nothing here changes the published values; the disagreements go to the build report, the
add-release summary and the app, beside the published value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from league_atlas.errors import InputError
from league_atlas.scoring.preparation import (
    Prepared,
    competition_rank,
    prepare,
    segments_from_steps,
    to_steps,
)
from league_atlas.scoring.rules import RuleSet, rules_or_provisional

AVERAGE_TOLERANCE = 0.006  # reported: how many averages are this close
DISAGREEMENT_COLUMNS = [
    "quarter",
    "trust_type",
    "trust_code",
    "trust_name",
    "field",  # average_score | segment_unadjusted | segment | final_segment | rank
    "published",
    "recomputed",
    "detail",
]
FIELD_LABELS = {
    "average_score": "average score",
    "segment_unadjusted": "unadjusted segment",
    "segment": "segment",
    "final_segment": "final segment",
    "rank": "league position",
}


@dataclass(frozen=True)
class Comparison:
    """One (quarter, trust type): the recomputed table, its disagreements and headline figures."""

    quarter: str
    trust_type: str
    table: pd.DataFrame  # one row per trust: published_* and recomputed_* columns
    disagreements: pd.DataFrame  # DISAGREEMENT_COLUMNS
    summary: dict

    def describe(self) -> str:
        """One report line: what was reproduced, out of what."""
        s = self.summary
        final = (
            f"final segments {s['final_segments_match']}/{s['final_segments_published']}"
            if s["final_segments_published"]
            else "final segments unpublished (no OF5005/OF5007)"
        )
        verdict = (
            "no disagreement" if not s["disagreements"] else f"{s['disagreements']} disagreement(s)"
        )
        return (
            f"recompute {self.trust_type} {self.quarter}: {s['trusts']} trusts; averages within "
            f"rounding ({s['average_rounding_bound']:.2f}) {s['averages_within_rounding']}/"
            f"{s['trusts']}, within {AVERAGE_TOLERANCE} {s['averages_within']}/{s['trusts']} "
            f"(max |error| {s['average_max_abs_error']:.4f}); unadjusted segments "
            f"{s['unadjusted_match']}/{s['unadjusted_published']}; segments "
            f"{s['segments_match']}/{s['trusts']}; {final}; league positions "
            f"{s['ranks_match']}/{s['ranks_published']}; {verdict}"
        )


def release_cut_points(avg_steps: np.ndarray, segment: np.ndarray, n_segments: int) -> np.ndarray:
    """Doubled-step cut-points (boundary k|k+1 at index k-1) that misclassify the fewest
    published segments; the middle of the best gap, or half a step outside a one-sided bracket."""
    ok = ~np.isnan(avg_steps) & ~np.isnan(segment)
    a, s = avg_steps[ok], segment[ok]
    cuts = np.full(n_segments - 1, np.nan)
    if a.size == 0:
        return cuts
    cand = 2.0 * np.arange(a.min() - 1, a.max() + 1) + 1.0  # between every two whole steps
    worse = 2.0 * a[:, None] > cand[None, :]  # trusts x candidates: above the cut
    for k in range(1, n_segments):
        cost = ((s <= k)[:, None] & worse).sum(axis=0) + ((s > k)[:, None] & ~worse).sum(axis=0)
        best = np.flatnonzero(cost == cost.min())
        run = best[: int(np.argmax(np.diff(np.append(best, best[-1] + 2)) > 1)) + 1]
        lo, hi = run[0], run[-1]
        if lo == 0 and hi < len(cand) - 1:
            cuts[k - 1] = cand[hi]
        elif hi == len(cand) - 1 and lo > 0:
            cuts[k - 1] = cand[lo]
        else:
            cuts[k - 1] = (cand[lo] + cand[hi]) / 2.0
    return cuts


def _summary_values(metrics: pd.DataFrame, p: Prepared) -> pd.DataFrame:
    """The published summary rows (OF5xxx value and OF5000 rank) straight from the metric rows."""
    r = p.rules
    sub = metrics[
        (metrics["quarter"] == p.quarter)
        & (metrics["trust_type"] == p.trust_type)
        & metrics["metric_id"].isin(r.summary_ids)
    ]
    wide = sub.pivot(index="trust_code", columns="metric_id", values="value").reindex(p.trust_codes)
    for mid in r.summary_ids:
        if mid not in wide:
            wide[mid] = np.nan
    rank = sub[sub["metric_id"] == r.segment_id].set_index("trust_code")["rank"]
    wide["league_rank"] = rank.reindex(p.trust_codes).to_numpy(dtype=float)
    return wide


def _recompute(metrics: pd.DataFrame, prepared: Prepared) -> tuple:
    """Steps 1-6 of the module doc: the published arrays and their recomputed counterparts."""
    p = prepared
    r: RuleSet = p.rules
    d = r.score_decimals
    pub = _summary_values(metrics, p)
    avg = pub[r.average_id].to_numpy(dtype=float)
    unadj_pub = pub[r.unadjusted_segment_id].to_numpy(dtype=float)
    seg_pub = pub[r.segment_id].to_numpy(dtype=float)
    flag = pub[r.override_flag_id].to_numpy(dtype=float)
    final_pub = pub[r.final_segment_id].to_numpy(dtype=float)
    support = pub[r.support_flag_id].to_numpy(dtype=float)
    rank_pub = pub["league_rank"].to_numpy(dtype=float)

    # 1. average from the items
    n = p.mask.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        avg_rec = np.where(n > 0, p.scores.sum(axis=1) / n, np.nan)
    err = avg_rec - avg
    # 2-3. cut-points read from the release, unadjusted segment from the published average
    steps = to_steps(avg, d)
    seg_for_cuts = np.where(np.isnan(unadj_pub), np.where(flag == 1, np.nan, seg_pub), unadj_pub)
    if r.cut_points is None:
        cuts = release_cut_points(steps, seg_for_cuts, r.n_segments)
    else:
        cuts = 2.0 * np.asarray(r.cut_points, dtype=float) * 10.0**d
    unadj_rec = segments_from_steps(steps, cuts)
    # 4. financial override (flag inferred from the segments only where OF5004 is absent)
    flag_used = np.where(np.isnan(flag), (unadj_pub < seg_pub).astype(float), flag)
    seg_rec = np.where(flag_used == 1, np.maximum(unadj_rec, r.override_floor), unadj_rec)
    # 5. final segment
    rsp = np.where(
        np.isnan(support), np.where(final_pub == r.support_segment, 1.0, np.nan), support
    )
    final_known = ~np.isnan(rsp)
    final_rec = np.where(final_known, np.where(rsp == 1, r.support_segment, seg_rec), np.nan)
    # 6. league position
    rank_rec = competition_rank(seg_rec, steps)

    return (
        avg,
        unadj_pub,
        seg_pub,
        flag,
        final_pub,
        rank_pub,
        n,
        avg_rec,
        err,
        steps,
        cuts,
        unadj_rec,
        flag_used,
        seg_rec,
        rsp,
        final_known,
        final_rec,
        rank_rec,
    )


def compare(metrics: pd.DataFrame, prepared: Prepared) -> Comparison:
    """Recompute one prepared (quarter, trust type) from its items and compare with the release."""
    p = prepared
    r: RuleSet = p.rules
    d = r.score_decimals
    avg, unadj_pub, seg_pub, flag, final_pub, rank_pub, n, avg_rec, err, steps, cuts, unadj_rec, flag_used, seg_rec, rsp, final_known, final_rec, rank_rec = _recompute(metrics, p)  # fmt: skip

    rows: list[dict] = []

    def disagree(mask: np.ndarray, field: str, a: np.ndarray, b: np.ndarray, why) -> None:
        rows.extend(_rows(p, mask, field, a, b, why))

    has_items = n > 0
    rounding_bound = 10.0**-d  # half a step for OF5002 + at most half a step from the items
    bad_avg = has_items & (np.abs(err) > rounding_bound + 1e-9)
    close = has_items & (np.abs(err) <= AVERAGE_TOLERANCE + 1e-9)
    disagree(
        bad_avg,
        "average_score",
        avg,
        avg_rec,
        lambda i: (
            f"mean of {int(n[i])} item scores is {avg_rec[i]:.3f}, published {avg[i]:.2f}: "
            f"more than rounding ({rounding_bound:.2f}) apart"
        ),
    )
    bad_unadj = ~np.isnan(unadj_pub) & (unadj_rec != unadj_pub)
    cut_text = ", ".join(f"{c / (2 * 10**d):.3f}" for c in cuts)
    disagree(
        bad_unadj,
        "segment_unadjusted",
        unadj_pub,
        unadj_rec,
        lambda i: (
            f"average {avg[i]:.2f} against the release's cut-points ({cut_text}) gives segment {int(unadj_rec[i])}"
        ),
    )
    bad_seg = ~np.isnan(seg_pub) & (seg_rec != seg_pub)
    disagree(
        bad_seg,
        "segment",
        seg_pub,
        seg_rec,
        lambda i: (
            f"unadjusted {int(unadj_rec[i])}"
            + (
                f", financial override to no better than {r.override_floor}"
                if flag_used[i] == 1
                else ""
            )
            + f" gives {int(seg_rec[i])}"
        ),
    )
    bad_final = final_known & ~np.isnan(final_pub) & (final_rec != final_pub)
    disagree(
        bad_final,
        "final_segment",
        final_pub,
        final_rec,
        lambda i: (
            "in the Recovery Support Programme (segment 5)"
            if rsp[i] == 1
            else f"not in the Recovery Support Programme, so the adjusted segment {int(seg_rec[i])}"
        ),
    )
    bad_rank = ~np.isnan(rank_pub) & (rank_rec != rank_pub)
    disagree(
        bad_rank,
        "rank",
        rank_pub,
        rank_rec,
        lambda i: (
            f"ranked by segment {int(seg_rec[i])} then average {avg[i]:.2f}: position {int(rank_rec[i])}"
        ),
    )
    dis = pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
    table = _table(p, avg, avg_rec, unadj_pub, unadj_rec, seg_pub, seg_rec)
    table["published_final_segment"] = final_pub
    table["recomputed_final_segment"] = final_rec
    table["final_segment_status"] = np.where(
        ~np.isnan(final_pub), "published", np.where(final_known, "derived", "unpublished")
    )
    table["published_rank"], table["recomputed_rank"] = rank_pub, rank_rec
    fin_pub = final_known & ~np.isnan(final_pub)
    summary = {
        "quarter": p.quarter,
        "trust_type": p.trust_type,
        "framework_year": p.framework_year,
        "rules_provisional": r.provisional,
        "trusts": int(p.n_trusts),
        "averages_within": int(np.sum(close)),
        "averages_within_rounding": int(np.sum(has_items & ~bad_avg)),
        "average_rounding_bound": rounding_bound,
        "average_max_abs_error": float(np.nanmax(np.abs(err))) if has_items.any() else 0.0,
        "unadjusted_published": int(np.sum(~np.isnan(unadj_pub))),
        "unadjusted_match": int(np.sum(~np.isnan(unadj_pub) & ~bad_unadj)),
        "segments_match": int(np.sum(~np.isnan(seg_pub) & ~bad_seg)),
        "final_segments_published": int(fin_pub.sum()),
        "final_segments_match": int(np.sum(fin_pub & ~bad_final)),
        "ranks_published": int(np.sum(~np.isnan(rank_pub))),
        "ranks_match": int(np.sum(~np.isnan(rank_pub) & ~bad_rank)),
        "cut_points": [round(c / (2 * 10**d), d + 1) for c in cuts],
        "disagreements": len(dis),
    }
    return Comparison(p.quarter, p.trust_type, table, dis, summary)


def _rows(p: Prepared, mask, field: str, a: np.ndarray, b: np.ndarray, why) -> list[dict]:
    """One disagreement row per trust where `mask` is set; `why(i)` explains trust i."""
    names = dict(zip(p.trusts["trust_code"], p.trusts["trust_name"], strict=True))
    out = []
    for i in np.flatnonzero(mask):
        code = str(p.trust_codes[i])
        out.append(
            {
                "quarter": p.quarter,
                "trust_type": p.trust_type,
                "trust_code": code,
                "trust_name": names.get(code, ""),
                "field": field,
                "published": float(a[i]),
                "recomputed": float(b[i]),
                "detail": why(i),
            }
        )
    return out


def _table(p: Prepared, avg, avg_rec, unadj_pub, unadj_rec, seg_pub, seg_rec) -> pd.DataFrame:
    """Published beside recomputed, one row per trust (final segment and rank added after)."""
    return pd.DataFrame(
        {
            "trust_code": p.trust_codes,
            "published_average": avg,
            "recomputed_average": avg_rec,
            "published_segment_unadjusted": unadj_pub,
            "recomputed_segment_unadjusted": unadj_rec,
            "published_segment": seg_pub,
            "recomputed_segment": seg_rec,
        }
    )


def compare_all(metrics: pd.DataFrame) -> list[Comparison]:
    """Every (quarter, trust type) with a league table in the tidy metrics table, oldest first.

    A group that cannot give a league table (no summary rows) is skipped: the reader and
    `prepare` already say why."""
    out: list[Comparison] = []
    if metrics.empty:
        return out
    groups = (
        metrics[["quarter", "quarter_index", "trust_type"]]
        .drop_duplicates()
        .sort_values(["quarter_index", "trust_type"])
    )
    for q, _, t in groups.itertuples(index=False):
        try:
            p = prepare(metrics, t, q)
        except InputError:
            continue
        out.append(compare(metrics, p))
    return out


def all_disagreements(comparisons: list[Comparison]) -> pd.DataFrame:
    """The disagreements of many comparisons as one table (DISAGREEMENT_COLUMNS)."""
    parts = [c.disagreements for c in comparisons if len(c.disagreements)]
    if not parts:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS).astype(
            {"published": float, "recomputed": float}
        )
    return pd.concat(parts, ignore_index=True)


def describe_disagreement(row: pd.Series | dict) -> str:
    """'RXX Trust: segment published 3, recomputed 1 (why)' for reports and the app."""
    field = row["field"]
    fmt = (lambda v: f"{v:.2f}") if field == "average_score" else (lambda v: f"{v:.0f}")
    return (
        f"{row['trust_code']} {row['trust_name']}: {FIELD_LABELS.get(field, field)} published "
        f"{fmt(row['published'])}, recomputed {fmt(row['recomputed'])} ({row['detail']})"
    )


def report_lines(comparisons: list[Comparison]) -> list[str]:
    """Build-report lines: one per (quarter, trust type), then every disagreement."""
    lines = []
    for c in comparisons:
        lines.append(c.describe())
        for _, row in c.disagreements.iterrows():
            lines.append(f"  disagreement {c.trust_type} {c.quarter}: {describe_disagreement(row)}")
    return lines


def new_metric_ids(before: pd.DataFrame, added: pd.DataFrame) -> list[tuple[str, str, bool, str]]:
    """Metric ids in `added` that `before` never had for that trust type:
    (trust_type, metric_id, enters_composite, description), so a new id never joins silently."""
    out = []
    seen = (
        set(zip(before["trust_type"], before["metric_id"], strict=True)) if len(before) else set()
    )
    first = added.drop_duplicates(["trust_type", "metric_id"])
    for rec in first.sort_values(["trust_type", "metric_id"]).itertuples(index=False):
        if (rec.trust_type, rec.metric_id) in seen:
            continue
        rules = rules_or_provisional(rec.framework_year)
        out.append(
            (rec.trust_type, rec.metric_id, rules.is_item_metric(rec.metric_id), rec.description)
        )
    return out


def flags_by_trust(disagreements: pd.DataFrame, quarter: str, trust_type: str) -> dict[str, str]:
    """trust_code -> 'segment published 3, recomputed 1; ...' for one view's flag column."""
    if disagreements is None or disagreements.empty:
        return {}
    d = disagreements[
        (disagreements["quarter"] == quarter) & (disagreements["trust_type"] == trust_type)
    ]
    out: dict[str, str] = {}
    for code, g in d.groupby("trust_code", sort=True):
        parts = []
        for _, row in g.iterrows():
            fmt = (
                (lambda v: f"{v:.2f}")
                if row["field"] == "average_score"
                else (lambda v: f"{v:.0f}")
            )
            parts.append(
                f"{FIELD_LABELS.get(row['field'], row['field'])} published {fmt(row['published'])}, "
                f"recomputed {fmt(row['recomputed'])}"
            )
        out[str(code)] = "; ".join(parts)
    return out

"""Change between quarters, beyond noise: did a trust's score, segment or rank move by more than
the data's own uncertainty?

The uncertainty is the one NHS England publishes (`league_atlas.scoring.likely_range`): the
bootstrap over each trust's own metric scores. The rules:

- **Score** (published average): a *paired* percentile bootstrap. Each draw resamples the
  trust's metrics (the items of either quarter) with replacement, as in NHS England's likely
  ranges, and averages the drawn metrics' scores in each quarter (over the drawn metrics that
  quarter has), so a metric is compared with itself. The change is beyond noise when the 95%
  percentile interval of (this quarter's mean - the previous quarter's mean) excludes 0: a
  bootstrap test at the 5% level (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993,
  ch. 13 percentile intervals and ch. 16 hypothesis testing; resampling the paired unit, here the
  metric, keeps each metric's two scores together). Independent draws per quarter, or asking
  whether the two quarters' likely ranges overlap, treat one metric measured twice as two
  unrelated ones: on the real non-acute release they flag no score change at all in any quarter
  pair, and the overlap test is conservative even for independent samples (Schenker & Gentleman,
  *The American Statistician* 55(3), 2001, 182-186).
- **Rank** (league position): the same test on the ranks: in each paired draw every trust of
  each quarter is re-ranked as the league is (rounded, segmented, overridden), and the change is
  beyond noise when the 95% interval of (previous rank - this rank) excludes 0.
- **Segment**: NHS England's Q2 2025/26 note on segmentation changes (quoted in nof-method.md §3)
  counts a segment change as significant when it comes from the financial override being applied
  or removed, or from a significant change of score. So a changed segment is beyond noise when
  the override alone would have changed it (the previous unadjusted segment under this quarter's
  override flag differs from the previous segment), or when the score change is beyond noise.

The comparison uses the published values and official weights: it is about the tables NHS England
published, quarter to quarter.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from league_atlas.scoring import likely_range
from league_atlas.scoring.preparation import Prepared

LEVEL = 0.95
BEYOND = "beyond noise"
WITHIN = "within noise"
NO_CHANGE = "no change"
OVERRIDE_ON = "financial override applied"
OVERRIDE_OFF = "financial override removed"


def _rng(previous: Prepared, current: Prepared, seed: int | None) -> np.random.Generator:
    if seed is None:
        return np.random.default_rng()
    key = [int(seed), previous.quarter_index, current.quarter_index]
    key.append(zlib.crc32(current.trust_type.encode()))
    return np.random.default_rng(np.random.SeedSequence(key))


def paired_draws(
    previous: Prepared,
    current: Prepared,
    n_draws: int = likely_range.DEFAULT_DRAWS,
    *,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Paired bootstrap means of both quarters, each (trusts of that quarter, draws), and their
    joint ranks: (previous means, current means, previous ranks, current ranks).

    A draw resamples each trust's metrics from the union of its two quarters' items; a quarter's
    mean is over the drawn metrics it has (NaN when it has none of them).
    """
    n_draws = likely_range._check_draws(n_draws)
    codes = sorted(set(previous.trust_codes) | set(current.trust_codes))
    keys = list(dict.fromkeys([*previous.item_keys, *current.item_keys]))
    row = {c: i for i, c in enumerate(codes)}
    n_t, n_k = len(codes), len(keys)
    vals = np.full((2, n_t, n_k), np.nan)
    for q, p in enumerate((previous, current)):
        rows = [row[c] for c in p.trust_codes]
        cols = [keys.index(k) for k in p.item_keys]
        vals[q][np.ix_(rows, cols)] = np.where(p.mask, p.scores, np.nan)
    have = ~np.isnan(vals)
    union = have.any(axis=0)
    n = union.sum(axis=1)
    m = max(int(n.max(initial=0)), 1)
    order = np.argsort(~union, axis=1, kind="stable")[:, :m]
    packed = np.take_along_axis(vals, np.broadcast_to(order, (2, n_t, m)), axis=2)
    valid = np.arange(m)[None, :] < n[:, None]
    weight = np.where(valid & ~np.isnan(packed), 1.0, 0.0)  # (2, trusts, m)
    packed = np.nan_to_num(packed)
    pool = likely_range.ItemPool(packed[0], order, n)
    rng = _rng(previous, current, seed)
    means = np.empty((2, n_t, n_draws))
    for start in range(0, n_draws, likely_range.CHUNK):
        stop = min(start + likely_range.CHUNK, n_draws)
        pos = likely_range.draw_positions(pool, stop - start, rng)
        flat = pos + (np.arange(n_t, dtype=np.int32) * m)[None, :, None]
        for q in range(2):
            w = weight[q].ravel()[flat]
            den = w.sum(axis=2)
            with np.errstate(invalid="ignore", divide="ignore"):
                mq = np.where(den > 0, (w * packed[q].ravel()[flat]).sum(axis=2) / den, np.nan)
            means[q, :, start:stop] = mq.T
    out = []
    for q, p in enumerate((previous, current)):
        out.append(means[q][[row[c] for c in p.trust_codes]])
    ranks = [
        likely_range.rank_draws(p, mq)[2] for p, mq in zip((previous, current), out, strict=True)
    ]
    return out[0], out[1], ranks[0], ranks[1]


def _int(x: np.ndarray) -> pd.arrays.IntegerArray:
    x = np.asarray(x, dtype=float)
    missing = np.isnan(x)
    return pd.arrays.IntegerArray(np.where(missing, 0, x).astype(np.int64), missing)


def quarter_changes(
    previous: Prepared,
    current: Prepared,
    n_draws: int = likely_range.DEFAULT_DRAWS,
    *,
    seed: int | None = 0,
    level: float = LEVEL,
) -> pd.DataFrame:
    """One row per trust in both quarters (trust_code order): what changed and whether it is
    beyond noise.

    Columns: trust_code, trust_name, previous_quarter, quarter; previous_score, score,
    score_change (this - previous; negative = better), score_change_low/high (95% bootstrap
    interval of the change), score_beyond_noise; previous_segment, segment, segment_change
    (previous - this; positive = better), segment_beyond_noise, segment_reason;
    previous_rank, rank, rank_change (previous - this; positive = moved up), rank_change_low/high,
    rank_beyond_noise; previous_override, override; beyond_noise (any of the three) and status
    ("beyond noise", "within noise" or "no change").
    `attrs`: quarters, n_draws, seed, level, trusts_only_in_one (codes not in both quarters).
    """
    if previous.trust_type != current.trust_type:
        raise ValueError(
            f"cannot compare {previous.trust_type} with {current.trust_type}: one trust type at a time"
        )
    mean_p, mean_c, rank_p, rank_c = paired_draws(previous, current, n_draws, seed=seed)
    prev_idx = {c: i for i, c in enumerate(previous.trust_codes)}
    common = [c for c in current.trust_codes if c in prev_idx]
    ic = np.array([i for i, c in enumerate(current.trust_codes) if c in prev_idx], dtype=int)
    ip = np.array([prev_idx[c] for c in common], dtype=int)
    only = sorted(set(current.trust_codes) ^ set(previous.trust_codes))

    s_prev, s_cur = previous.published_average[ip], current.published_average[ic]
    seg_prev, seg_cur = previous.published_segment[ip], current.published_segment[ic]
    r_prev, r_cur = previous.published_rank[ip], current.published_rank[ic]
    flag_prev, flag_cur = previous.override_flag[ip], current.override_flag[ic]
    unadj_prev = previous.published_unadjusted[ip]

    s_lo, s_hi = likely_range.percentile_interval(mean_c[ic] - mean_p[ip], level)
    score_beyond = (s_lo > 0) | (s_hi < 0)
    # rank change as previous - this (positive = moved up), so its interval is prev - cur draws
    r_lo, r_hi = likely_range.percentile_interval(rank_p[ip] - rank_c[ic], level)
    rank_beyond = ((r_lo > 0) | (r_hi < 0)) & (r_prev != r_cur)

    floor = current.rules.override_floor
    seg_override_only = np.where(flag_cur, np.maximum(unadj_prev, floor), unadj_prev)
    override_explains = (flag_prev != flag_cur) & (seg_override_only != seg_prev)
    seg_changed = seg_prev != seg_cur
    seg_beyond = seg_changed & (override_explains | score_beyond)
    reason = np.where(
        ~seg_changed,
        "",
        np.where(
            override_explains,
            np.where(flag_cur, OVERRIDE_ON, OVERRIDE_OFF),
            np.where(score_beyond, "score change beyond noise", "score change within noise"),
        ),
    )
    names = current.trusts.set_index("trust_code")["trust_name"]
    out = pd.DataFrame(
        {
            "trust_code": common,
            "trust_name": names.reindex(common).to_numpy(),
            "previous_quarter": previous.quarter,
            "quarter": current.quarter,
            "previous_score": s_prev,
            "score": s_cur,
            "score_change": np.round(s_cur - s_prev, current.decimals + 2),
            "score_change_low": s_lo,
            "score_change_high": s_hi,
            "score_beyond_noise": score_beyond & (s_cur != s_prev),
            "previous_segment": _int(seg_prev),
            "segment": _int(seg_cur),
            "segment_change": _int(seg_prev - seg_cur),
            "segment_beyond_noise": seg_beyond,
            "segment_reason": reason,
            "previous_rank": _int(r_prev),
            "rank": _int(r_cur),
            "rank_change": _int(r_prev - r_cur),
            "rank_change_low": r_lo,
            "rank_change_high": r_hi,
            "rank_beyond_noise": rank_beyond,
            "previous_override": flag_prev,
            "override": flag_cur,
        }
    )
    any_change = (out["score_change"] != 0) | seg_changed | (r_prev != r_cur)
    out["beyond_noise"] = out["score_beyond_noise"] | out["segment_beyond_noise"] | rank_beyond
    out["status"] = np.where(out["beyond_noise"], BEYOND, np.where(any_change, WITHIN, NO_CHANGE))
    out.attrs.update(
        quarters=(previous.quarter, current.quarter),
        n_draws=int(n_draws),
        seed=seed,
        level=level,
        trusts_only_in_one=only,
    )
    return out


def previous_quarter(quarters: list[str], quarter: str) -> str | None:
    """The quarter before `quarter` in an oldest-first list, or None for the first."""
    if quarter not in quarters:
        return None
    i = quarters.index(quarter)
    return quarters[i - 1] if i > 0 else None


def summary(changes: pd.DataFrame) -> dict:
    """Counts for the headline: segment changes and how many are beyond noise, and so on."""
    seg = changes["segment_change"].fillna(0) != 0
    return {
        "trusts": len(changes),
        "segment_changes": int(seg.sum()),
        "segment_changes_beyond_noise": int(changes["segment_beyond_noise"].sum()),
        "segment_changes_from_override": int(
            changes["segment_reason"].isin([OVERRIDE_ON, OVERRIDE_OFF]).sum()
        ),
        "score_changes_beyond_noise": int(changes["score_beyond_noise"].sum()),
        "score_changes_beyond_noise_without_segment_change": int(
            (changes["score_beyond_noise"] & ~seg).sum()
        ),
        "rank_changes": int((changes["rank_change"].fillna(0) != 0).sum()),
        "rank_changes_beyond_noise": int(changes["rank_beyond_noise"].sum()),
    }


def sentence(changes: pd.DataFrame) -> str:
    """The headline in words, e.g. '12 of 61 trusts changed segment; 3 of those changes are
    beyond noise (2 from the financial override) ...'."""
    s = summary(changes)
    prev, cur = changes.attrs.get("quarters", ("the previous quarter", "this quarter"))
    return (
        f"From {prev} to {cur}, {s['segment_changes']} of {s['trusts']} trusts changed segment; "
        f"{s['segment_changes_beyond_noise']} of those changes are beyond noise "
        f"({s['segment_changes_from_override']} from the financial override being applied or removed). "
        f"{s['score_changes_beyond_noise']} trusts' average scores changed beyond noise "
        f"({s['score_changes_beyond_noise_without_segment_change']} without a segment change), and "
        f"{s['rank_changes_beyond_noise']} of {s['rank_changes']} rank changes are beyond noise."
    )


def trust_trend(
    prepared_by_quarter: list[Prepared],
    trust_code: str,
    ranges: dict[str, pd.DataFrame] | None = None,
    changes: dict[str, pd.DataFrame] | None = None,
    *,
    n_draws: int = likely_range.DEFAULT_DRAWS,
    seed: int | None = 0,
) -> pd.DataFrame:
    """One trust across quarters (oldest first): published score, segment and rank, its likely
    ranges, and the change from the quarter before in words (`change`) with its overall verdict
    (`status`: beyond noise / within noise / no change; '' for the first quarter).

    `ranges` (quarter -> likely_range.likely_ranges table) and `changes` (quarter ->
    quarter_changes table ending in that quarter) can be passed precomputed (the app caches
    them); missing ones are computed here.
    """
    ranges = dict(ranges or {})
    changes = dict(changes or {})
    rows = []
    prev = None
    for p in prepared_by_quarter:
        codes = list(p.trust_codes)
        if trust_code in codes:
            i = codes.index(trust_code)
            if p.quarter not in ranges:
                ranges[p.quarter] = likely_range.likely_ranges(p, None, n_draws, seed=seed)
            lr = ranges[p.quarter].set_index("trust_code").loc[trust_code]
            change, status = "", ""
            if prev is not None and trust_code in set(prev.trust_codes):
                if p.quarter not in changes:
                    changes[p.quarter] = quarter_changes(prev, p, n_draws, seed=seed)
                ch = changes[p.quarter].set_index("trust_code").loc[trust_code]
                change, status = describe(ch), str(ch["status"])
            rows.append(
                {
                    "quarter": p.quarter,
                    "score": p.published_average[i],
                    "score_low": lr["score_low"],
                    "score_high": lr["score_high"],
                    "segment": p.published_segment[i],
                    "rank": p.published_rank[i],
                    "rank_low": lr["rank_low"],
                    "rank_high": lr["rank_high"],
                    "trusts": p.n_trusts,
                    "change": change,
                    "status": status,
                }
            )
        prev = p
    out = pd.DataFrame(rows)
    for c in ("segment", "rank", "rank_low", "rank_high"):
        if c in out:
            out[c] = out[c].astype("Float64").round().astype("Int64")
    return out


def describe(row: pd.Series) -> str:
    """One trust's change in words: 'rank 12 -> 5 (beyond noise); score 2.31 -> 2.10 (within noise)'."""
    parts = []
    if row["score_change"] != 0:
        parts.append(
            f"score {row['previous_score']:.2f} → {row['score']:.2f} "
            f"({BEYOND if row['score_beyond_noise'] else WITHIN})"
        )
    if row["segment_change"] != 0:
        why = row["segment_reason"]
        verdict = BEYOND if row["segment_beyond_noise"] else WITHIN
        parts.append(
            f"segment {row['previous_segment']} → {row['segment']} ({verdict}"
            + (f": {why}" if why in (OVERRIDE_ON, OVERRIDE_OFF) else "")
            + ")"
        )
    if row["rank_change"] != 0:
        parts.append(
            f"rank {row['previous_rank']} → {row['rank']} "
            f"({BEYOND if row['rank_beyond_noise'] else WITHIN})"
        )
    return "; ".join(parts) if parts else NO_CHANGE

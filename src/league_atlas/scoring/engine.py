"""The NOF scoring engine: items, average score, segments, financial override and league position.

Why it is built this way (nof-method.md §2-§4):
- The published values are 2-dp roundings, so recomputing from the rounded metric scores cannot
  give the official table exactly (126 of 134 acute ranks). The engine therefore *anchors* on the
  release: under the official weights it returns the published average (OF5002), segments
  (OF5003/OF5000) and league position (Rank on the OF5000 rows); under other weights a trust's
  score is OF5002 + (recomputed_w - recomputed_official), so a small weight change moves only
  what it should.
- Segments and league positions are decided on the score at published precision (2 dp), compared
  in whole hundredths, so float noise can never move a trust across a cut-point or split a tie.
- `prepare()` does the pandas work once per (quarter, trust type) and keeps dense trusts x items
  matrices; re-weighting is then a few NumPy operations (well under a millisecond).

The framework year's rules (which ids are items, what is merged, the override floor) come from
`league_atlas.scoring.rules`; nothing here names a metric id.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from league_atlas.scoring.preparation import (
    SEGMENT_METHODS,
    Prepared,
    SegmentMethod,
    competition_rank,
    segments_from_steps,
    to_steps,
)
from league_atlas.scoring.weights import Weights, check_vector, vector_is_official

N_DRIVERS = 3
DRIVER_MIN = 0.0005  # contributions smaller than this (score points) are not named as drivers


# ---------------------------------------------------------------- re-weighting core (NumPy only)


class Scored(NamedTuple):
    """Arrays of one re-weighting, in `prepared.trust_codes` order."""

    score: np.ndarray  # anchored average score
    recomputed: np.ndarray  # sum(w s)/sum(w), unanchored
    segment_unadjusted: np.ndarray
    segment: np.ndarray  # after the financial override (if on)
    rank: np.ndarray
    weights: np.ndarray  # effective item weights used
    official: bool  # True when the weights are (a multiple of) the official ones


def weight_vector(prepared: Prepared, weights: Weights | np.ndarray | None) -> np.ndarray:
    """Effective item weights (domain x item) as a validated vector in `item_keys` order."""
    if weights is None:
        return np.ones(len(prepared.item_keys))
    if isinstance(weights, Weights):
        return weights.item_vector(prepared)
    return check_vector(weights, prepared.item_keys)


def weighted_average(prepared: Prepared, w: np.ndarray) -> np.ndarray:
    """sum(w_i s_i) / sum(w_i) over the items each trust has; NaN where all its weights are 0."""
    den = prepared.mask_f @ w
    num = prepared.scores @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where(den > 0, out, np.nan)


def anchored_score(prepared: Prepared, recomputed_w: np.ndarray) -> np.ndarray:
    """OF5002 + (recomputed_w - recomputed_official); a trust with no items keeps OF5002.

    `recomputed_w` is (trusts,) or (trusts, draws).
    """
    r = np.asarray(recomputed_w, dtype=float)
    ix = (slice(None),) + (None,) * (r.ndim - 1)
    pub = prepared.published_average[ix]
    has = (prepared.n_items > 0)[ix]
    return np.where(has, pub + (r - prepared.recomputed[ix]), pub)


def quartile_cuts(steps: np.ndarray) -> np.ndarray:
    """Doubled-step cut-points at the quartiles of the scores (option segment_method='quartiles')."""
    q = np.nanquantile(steps, [0.25, 0.5, 0.75], axis=0)
    return 2.0 * q


def segment_scores(
    prepared: Prepared, steps: np.ndarray, method: SegmentMethod = "release"
) -> np.ndarray:
    """Unadjusted segment of scores given in steps: (trusts,) or (trusts, draws).

    'release' uses the release's cut-points; 'quartiles' cuts at the quartiles within the trust
    type (per draw for a 2-D input).
    """
    if method == "release":
        return segments_from_steps(steps, prepared.cut_points.doubled)
    if method == "quartiles":
        return segments_from_steps(steps, quartile_cuts(steps).T)
    raise ValueError(f"segment_method must be one of {SEGMENT_METHODS}, not {method!r}")


def apply_override(prepared: Prepared, segment: np.ndarray, on: bool = True) -> np.ndarray:
    """Financial override: a flagged trust cannot be better than the floor segment (3)."""
    if not on:
        return segment
    flag = prepared.override_flag if segment.ndim == 1 else prepared.override_flag[:, None]
    return np.where(flag, np.maximum(segment, prepared.rules.override_floor), segment)


def score(
    prepared: Prepared,
    weights: Weights | np.ndarray | None = None,
    *,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
) -> Scored:
    """Re-weight one (quarter, trust type): pure NumPy on the prepared matrices.

    Official weights (all equal) return the published average, segments and league positions.
    """
    if segment_method not in SEGMENT_METHODS:
        raise ValueError(f"segment_method must be one of {SEGMENT_METHODS}, not {segment_method!r}")
    w = weight_vector(prepared, weights)
    official = vector_is_official(w)
    d = prepared.decimals
    if official:
        recomputed = prepared.recomputed
        s = prepared.published_average
        steps = prepared.published_steps
    else:
        recomputed = weighted_average(prepared, w)
        s = anchored_score(prepared, recomputed)
        steps = to_steps(s, d)
    if official and segment_method == "release":
        unadj = prepared.published_unadjusted
        missing = np.isnan(unadj)
        if missing.any():
            unadj = np.where(
                missing, segments_from_steps(steps, prepared.cut_points.doubled), unadj
            )
        seg = prepared.published_segment if financial_override else unadj
    else:
        unadj = segment_scores(prepared, steps, segment_method)
        seg = apply_override(prepared, unadj, financial_override)
    rank = competition_rank(seg, steps)
    if official and segment_method == "release" and financial_override:
        rank = np.where(np.isnan(prepared.published_rank), rank, prepared.published_rank)
    return Scored(s, recomputed, unadj, seg, rank, w, official)


# ---------------------------------------------------------------- explanations


def contribution_matrix(prepared: Prepared, w: np.ndarray) -> np.ndarray:
    """Each item's part of the score change from the official weights (trusts x items).

    c_i = (w_i / sum w - 1/n) x (s_i - official mean): an item moves the score when its share of
    the weight changed and the trust differs from its own average on it. Rows sum to the change.
    """
    den = prepared.mask_f @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        share = prepared.mask_f * w / den[:, None]
        base = prepared.mask_f / prepared.n_items[:, None]
    dev = prepared.scores - np.nan_to_num(prepared.recomputed)[:, None]
    c = (share - base) * dev
    return np.where(prepared.mask, c, np.nan)


def contributions(prepared: Prepared, weights: Weights | np.ndarray | None = None) -> pd.DataFrame:
    """Item contributions to each trust's score change (index trust_code, columns item keys)."""
    c = contribution_matrix(prepared, weight_vector(prepared, weights))
    return pd.DataFrame(
        c, index=pd.Index(prepared.trust_codes, name="trust_code"), columns=list(prepared.item_keys)
    )


def _driver_strings(prepared: Prepared, c: np.ndarray, n: int = N_DRIVERS) -> list[str]:
    """'OF1013 +0.041; infections -0.020' per trust: its largest contributions by size."""
    a = np.nan_to_num(np.abs(c), nan=0.0)
    top = np.argsort(-a, axis=1, kind="stable")[:, :n]
    vals = np.take_along_axis(np.nan_to_num(c, nan=0.0), top, axis=1)
    big = np.take_along_axis(a, top, axis=1) >= DRIVER_MIN
    keys = prepared.item_keys
    return [
        "; ".join(f"{keys[j]} {v:+.3f}" for j, v, b in zip(ti, vi, bi, strict=True) if b)
        for ti, vi, bi in zip(top.tolist(), vals.tolist(), big.tolist(), strict=True)
    ]


# ---------------------------------------------------------------- tables


def _int_col(x: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers with NA (segments, ranks) as a nullable Int64 column."""
    x = np.asarray(x, dtype=float)
    missing = np.isnan(x)
    return pd.arrays.IntegerArray(np.where(missing, 0, x).astype(np.int64), missing)


def _final_segment(prepared: Prepared, segment: np.ndarray) -> pd.arrays.IntegerArray:
    sup = prepared.in_support
    final = np.where(
        np.isnan(sup), np.nan, np.where(sup == 1, prepared.rules.support_segment, segment)
    )
    return _int_col(final)


def _trust_columns(prepared: Prepared) -> dict[str, pd.Series]:
    return {c: prepared.trusts[c].array for c in prepared.trusts.columns}


def reweight(
    prepared: Prepared,
    weights: Weights | np.ndarray | None = None,
    *,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
    explain: bool = True,
) -> pd.DataFrame:
    """One row per trust (sorted by trust_code): the re-weighted league table beside the official one.

    Columns: trust_code, trust_name, trust_subtype, region_label, average_score, segment,
    final_segment (5 = Recovery Support Programme, NA when the release does not say), rank,
    official_average_score, official_segment, official_rank, score_change (new - official),
    segment_change and rank_change (official - new: positive = better than official),
    segment_unadjusted, financial_override, recomputed_score (unanchored), n_items, drivers
    (the items that moved the score most, e.g. "OF1013 +0.041; infections -0.020"; a positive
    contribution pushed the score up, which is worse; left empty with `explain=False`).
    """
    r = score(
        prepared, weights, segment_method=segment_method, financial_override=financial_override
    )
    pub_seg, pub_rank = prepared.published_segment, prepared.published_rank
    if r.official or not explain:
        drivers = [""] * prepared.n_trusts
    else:
        drivers = _driver_strings(prepared, contribution_matrix(prepared, r.weights))
        no_weight = np.isnan(r.recomputed) & (prepared.n_items > 0)
        for i in np.flatnonzero(no_weight).tolist():
            drivers[i] = "no item with weight > 0"
    cols = {
        **_trust_columns(prepared),
        "average_score": r.score,
        "segment": _int_col(r.segment),
        "final_segment": _final_segment(prepared, r.segment),
        "rank": _int_col(r.rank),
        "official_average_score": prepared.published_average,
        "official_segment": _int_col(pub_seg),
        "official_rank": _int_col(pub_rank),
        "score_change": r.score - prepared.published_average,
        "segment_change": _int_col(pub_seg - r.segment),
        "rank_change": _int_col(pub_rank - r.rank),
        "segment_unadjusted": _int_col(r.segment_unadjusted),
        "financial_override": prepared.override_flag,
        "recomputed_score": r.recomputed,
        "n_items": prepared.n_items,
        "drivers": drivers,
    }
    return pd.DataFrame(cols)


def official_table(prepared: Prepared) -> pd.DataFrame:
    """The published league table, with the rules' own checks beside it.

    Columns: trust_code, trust_name, trust_subtype, region_label, average_score (OF5002),
    segment (OF5000), final_segment, rank (Rank on OF5000), segment_unadjusted (OF5003),
    financial_override (OF5004), recomputed_score and recomputed_error (rules vs OF5002),
    segment_from_rules (cut-points + override applied to OF5002), rank_from_rules (ranking on
    OF5000 then OF5002), n_items.
    """
    out = prepared.trusts.copy()
    out["average_score"] = prepared.published_average
    out["segment"] = _int_col(prepared.published_segment)
    out["final_segment"] = _final_segment(prepared, prepared.published_segment)
    out["rank"] = _int_col(prepared.published_rank)
    out["segment_unadjusted"] = _int_col(prepared.published_unadjusted)
    out["financial_override"] = prepared.override_flag
    out["recomputed_score"] = prepared.recomputed
    out["recomputed_error"] = prepared.recomputed - prepared.published_average
    seg_rules = apply_override(
        prepared, segments_from_steps(prepared.published_steps, prepared.cut_points.doubled)
    )
    out["segment_from_rules"] = _int_col(seg_rules)
    out["rank_from_rules"] = _int_col(
        competition_rank(prepared.published_segment, prepared.published_steps)
    )
    out["n_items"] = prepared.n_items
    return out


def domain_scores(prepared: Prepared, weights: Weights | np.ndarray | None = None) -> pd.DataFrame:
    """Domain scores (mean of the trust's items in each domain, item weights applied within the
    domain); index trust_code, one column per domain, NaN where a trust has no item there."""
    w = weight_vector(prepared, weights)
    out = {}
    doms = np.asarray(prepared.item_domains)
    for d in prepared.domains:
        sel = doms == d
        wd = np.where(sel, w, 0.0)
        den = prepared.mask_f @ wd
        with np.errstate(invalid="ignore", divide="ignore"):
            out[d] = np.where(den > 0, (prepared.scores @ wd) / den, np.nan)
    return pd.DataFrame(out, index=pd.Index(prepared.trust_codes, name="trust_code"))


def segment_gaps(
    prepared: Prepared,
    weights: Weights | np.ndarray | None = None,
    *,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
) -> pd.DataFrame:
    """How far each trust's average must fall to reach the next better (unadjusted) segment.

    Columns: trust_code, average_score, segment_unadjusted, segment, next_cut (the cut-point),
    target_score (the highest published-precision average inside the better segment),
    improvement_needed (average_score - target_score; NaN in segment 1), override_caps (True
    when the financial override would keep the adjusted segment at the floor anyway).
    """
    r = score(
        prepared, weights, segment_method=segment_method, financial_override=financial_override
    )
    d = prepared.decimals
    steps = to_steps(r.score, d)
    doubled = prepared.cut_points.doubled if segment_method == "release" else quartile_cuts(steps)
    unadj = r.segment_unadjusted
    idx = np.clip(np.nan_to_num(unadj, nan=1).astype(int) - 2, 0, len(doubled) - 1)
    has_better = unadj > 1
    cut2 = np.where(has_better, np.asarray(doubled)[idx], np.nan)
    target_steps = np.floor(cut2 / 2.0)
    scale = 10.0**d
    target = target_steps / scale
    caps = financial_override & prepared.override_flag & (unadj - 1 < prepared.rules.override_floor)
    return pd.DataFrame(
        {
            "trust_code": prepared.trust_codes,
            "average_score": r.score,
            "segment_unadjusted": _int_col(unadj),
            "segment": _int_col(r.segment),
            "next_cut": cut2 / (2 * scale),
            "target_score": target,
            "improvement_needed": np.where(has_better, r.score - target, np.nan),
            "override_caps": np.where(has_better, caps, False),
        }
    )


def reproduction_check(prepared: Prepared) -> dict:
    """How well the rules reproduce the release (figures for tests, the build report and the app)."""
    t = official_table(prepared)
    n = len(t)
    err = np.abs(prepared.recomputed - prepared.published_average)
    rec_steps = to_steps(prepared.recomputed, prepared.decimals)
    rec_seg = apply_override(prepared, segments_from_steps(rec_steps, prepared.cut_points.doubled))
    rec_rank = competition_rank(rec_seg, rec_steps)
    unadj_rules = segments_from_steps(prepared.published_steps, prepared.cut_points.doubled)
    pub_dom = prepared.published_domain_scores
    rec_dom = domain_scores(prepared)
    common = [c for c in rec_dom.columns if c in pub_dom.columns]
    dom_err = (
        float(np.nanmax(np.abs(rec_dom[common].to_numpy() - pub_dom[common].to_numpy())))
        if common
        else float("nan")
    )
    final_rules = _final_segment(prepared, prepared.published_segment).to_numpy(
        dtype=float, na_value=np.nan
    )
    fin_ok = ~np.isnan(prepared.final_segment_published)
    return {
        "label": prepared.label,
        "trusts": n,
        "items": len(prepared.item_keys),
        "segments_match": int((t["segment_from_rules"] == t["segment"]).sum()),
        "unadjusted_segments_match": int(np.sum(unadj_rules == prepared.published_unadjusted)),
        "ranks_match": int((t["rank_from_rules"] == t["rank"]).sum()),
        "ranks_published": int(np.sum(~np.isnan(prepared.published_rank))),
        "final_segments_match": int(
            np.sum(final_rules[fin_ok] == prepared.final_segment_published[fin_ok])
        ),
        "final_segments_published": int(fin_ok.sum()),
        "recomputed_max_abs_error": float(np.nanmax(err)),
        "recomputed_within_0_01": int(np.sum(err <= 0.01 + 1e-9)),
        "recomputed_rounded_equal": int(np.sum(rec_steps == prepared.published_steps)),
        "unanchored_ranks_match": int(np.sum(rec_rank == prepared.published_rank)),
        "domain_scores_max_abs_error": dom_err,
        "cut_points": prepared.cut_points.describe(),
        "notes": list(prepared.notes),
    }

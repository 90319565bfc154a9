"""How robust is a league position to the choice of weights? Monte Carlo over the weights.

Following Saisana, Saltelli & Tarantola (JRSS A 2005; research.md §2.5): treat the weights as an
uncertain input, draw many plausible weight vectors around the chosen ones, re-run the whole
pipeline (score -> segment -> override -> rank) for each, and report per trust the median rank,
the 5th-95th percentile rank and P(segment = k), plus the average absolute rank shift.

Draws are Dirichlet(concentration x w / sum w) over the items with positive weight, so their mean
is the chosen weights and `concentration` sets the spread (larger = tighter). By default the
concentration is set so that an item of average weight varies by about +-25% (coefficient of
variation 0.25, the +-25% of Saisana et al.). Everything is vectorised over draws and trusts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from league_atlas.errors import LeagueAtlasError
from league_atlas.scoring.engine import anchored_score, apply_override, score, segment_scores
from league_atlas.scoring.preparation import Prepared, SegmentMethod, competition_rank, to_steps
from league_atlas.scoring.weights import Weights

DEFAULT_SPREAD = 0.25
MAX_DRAWS = 200_000
CHUNK = 4096  # draws per block: bounds memory (trusts x CHUNK x cut-points), not a per-draw loop


class UncertaintyError(LeagueAtlasError, ValueError):
    """Bad Monte Carlo settings."""


def concentration_for_spread(n_items: int, spread: float = DEFAULT_SPREAD) -> float:
    """Dirichlet concentration giving an average-weight item a coefficient of variation `spread`.

    For Dirichlet(a0 * p) the share p_i has CV^2 = (1 - p_i) / (p_i (a0 + 1)); with p_i = 1/n,
    a0 = (n - 1) / spread^2 - 1.
    """
    if not (math.isfinite(spread) and spread > 0):
        raise UncertaintyError(f"spread must be a positive number, not {spread!r}")
    if n_items < 2:
        return float("inf")
    return max((n_items - 1) / spread**2 - 1.0, 1e-6)


def spread_for_concentration(n_items: int, concentration: float) -> float:
    """The coefficient of variation of an average-weight item under `concentration`."""
    if n_items < 2 or math.isinf(concentration):
        return 0.0
    p = 1.0 / n_items
    return math.sqrt((1 - p) / (p * (concentration + 1)))


def draw_weights(
    w: np.ndarray, n_draws: int, concentration: float, rng: np.random.Generator
) -> np.ndarray:
    """(n_draws, items) weight vectors summing to 1, Dirichlet around w; zero weights stay zero."""
    w = np.asarray(w, dtype=float)
    active = w > 0
    out = np.zeros((n_draws, w.size))
    share = w[active] / w[active].sum()
    if active.sum() < 2 or math.isinf(concentration):
        out[:, active] = share
        return out
    out[:, active] = rng.dirichlet(concentration * share, size=n_draws)
    return out


def simulate(
    prepared: Prepared,
    weight_draws: np.ndarray,
    *,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks and segments (trusts x draws) for each row of `weight_draws` (draws x items)."""
    n_t, n_d = prepared.n_trusts, weight_draws.shape[0]
    ranks = np.empty((n_t, n_d), dtype=np.float64)
    segs = np.empty((n_t, n_d), dtype=np.float64)
    d = prepared.decimals
    for start in range(0, n_d, CHUNK):
        wd = weight_draws[start : start + CHUNK].T  # items x chunk
        den = prepared.mask_f @ wd
        num = prepared.scores @ wd
        with np.errstate(invalid="ignore", divide="ignore"):
            rec = np.where(den > 0, num / den, np.nan)
        s = anchored_score(prepared, rec)
        steps = to_steps(s, d)
        unadj = segment_scores(prepared, steps, segment_method)
        seg = apply_override(prepared, unadj, financial_override)
        ranks[:, start : start + CHUNK] = competition_rank(seg, steps, axis=0)
        segs[:, start : start + CHUNK] = seg
    return ranks, segs


def rank_intervals(
    prepared: Prepared,
    weights: Weights | np.ndarray | None = None,
    n_draws: int = 1000,
    *,
    spread: float = DEFAULT_SPREAD,
    concentration: float | None = None,
    seed: int | None = 0,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
    league_files: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rank uncertainty under weight uncertainty, one row per trust (trust_code order).

    Columns: trust_code, rank (under `weights`), rank_p5, rank_median, rank_p95,
    p_segment_1..p_segment_4, mean_abs_rank_shift (this trust's average |rank - rank_draw|),
    and, when `league_files` (schema.LEAGUE_FILE_COLUMNS) is given, NHS England's own
    published_rank_low / published_rank_high ("Likely_range_of_rank") beside ours.
    `attrs` carries n_draws, concentration, spread, seed and mean_abs_rank_shift (the average
    absolute rank shift R_S of Saisana et al. 2005 over all trusts and draws).
    """
    if (
        isinstance(n_draws, bool)
        or not isinstance(n_draws, (int, np.integer))
        or not 1 <= n_draws <= MAX_DRAWS
    ):
        raise UncertaintyError(
            f"n_draws must be a whole number from 1 to {MAX_DRAWS}, not {n_draws!r}"
        )
    ref = score(
        prepared, weights, segment_method=segment_method, financial_override=financial_override
    )
    n_active = int((ref.weights > 0).sum())
    if concentration is None:
        concentration = concentration_for_spread(n_active, spread)
    elif not (
        isinstance(concentration, (int, float, np.integer, np.floating))
        and not isinstance(concentration, bool)
        and concentration > 0
        and not math.isnan(concentration)
    ):
        raise UncertaintyError(f"concentration must be a positive number, not {concentration!r}")
    rng = np.random.default_rng(seed)
    draws = draw_weights(ref.weights, int(n_draws), float(concentration), rng)
    ranks, segs = simulate(
        prepared, draws, segment_method=segment_method, financial_override=financial_override
    )
    valid = ~np.isnan(ranks)
    q = np.full((3, prepared.n_trusts), np.nan)
    rows = valid.all(axis=1)
    if rows.any():
        q[:, rows] = np.quantile(ranks[rows], [0.05, 0.5, 0.95], axis=1, method="inverted_cdf")
    shift = np.abs(ranks - ref.rank[:, None])
    ok = valid & ~np.isnan(shift)
    n_ok = ok.sum(axis=1)
    total = np.where(ok, shift, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_trust = np.where(n_ok > 0, total / n_ok, np.nan)
        overall = float(total.sum() / n_ok.sum()) if n_ok.sum() else float("nan")
    out = pd.DataFrame({"trust_code": prepared.trust_codes, "rank": ref.rank})
    out["rank_p5"], out["rank_median"], out["rank_p95"] = q
    for k in range(1, prepared.rules.n_segments + 1):
        out[f"p_segment_{k}"] = (segs == k).mean(axis=1)
    out["mean_abs_rank_shift"] = per_trust
    for c in ("rank", "rank_p5", "rank_median", "rank_p95"):
        out[c] = pd.array(
            np.where(np.isnan(out[c].to_numpy(dtype=float)), None, out[c]), dtype="Int64"
        )
    if league_files is not None:
        out = attach_published_ranges(out, prepared, league_files)
    out.attrs.update(
        n_draws=int(n_draws),
        concentration=float(concentration),
        spread=spread_for_concentration(n_active, float(concentration)),
        seed=seed,
        mean_abs_rank_shift=overall,
    )
    return out


def attach_published_ranges(
    table: pd.DataFrame, prepared: Prepared, league_files: pd.DataFrame
) -> pd.DataFrame:
    """Add NHS England's published_rank_low / published_rank_high (and score range) for the
    prepared quarter and trust type, matched on trust_code; NaN where no league file says."""
    need = {"quarter", "trust_type", "trust_code", "rank_range_low", "rank_range_high"}
    if league_files is None or league_files.empty or not need <= set(league_files.columns):
        out = table.copy()
        out["published_rank_low"] = np.nan
        out["published_rank_high"] = np.nan
        return out
    lf = league_files[
        (league_files["quarter"] == prepared.quarter)
        & (league_files["trust_type"] == prepared.trust_type)
    ]
    cols = {"rank_range_low": "published_rank_low", "rank_range_high": "published_rank_high"}
    if {"score_range_low", "score_range_high"} <= set(lf.columns):
        cols.update(score_range_low="published_score_low", score_range_high="published_score_high")
    lf = lf.drop_duplicates("trust_code", keep="last")[["trust_code", *cols]].rename(columns=cols)
    return table.drop(columns=[c for c in cols.values() if c in table.columns]).merge(
        lf, on="trust_code", how="left"
    )

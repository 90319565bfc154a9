"""NHS England's own uncertainty, reproduced: a percentile bootstrap over each trust's metric scores.

Every league table NHS England publishes carries `Likely_range_of_average_score` and
`Likely_range_of_rank`. Measured on a real Q4 2025/26 league table (nof-method.md §3), both are a
percentile bootstrap (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 6 and
13: resample the data with replacement, read the interval off the percentiles of the statistic):

- the data are a trust's own scored items, the ones whose equal-weight mean is its published
  average (OF5002): 1-4 metric scores, infections merged, finance once through combined finance
  (exactly `Prepared.scores`);
- a draw takes as many items as the trust has, with replacement, and averages them;
- `Likely_range_of_average_score` = 2.5th and 97.5th percentiles of those means, to 2 dp;
- `Likely_range_of_rank`: in each *joint* draw (every trust redrawn at once) the means are rounded
  to 2 dp, cut into segments with the release's cut-points, the financial override applied, and
  ranked by (segment, score) exactly as the league is; the range is the 2.5th and 97.5th
  percentile of each trust's rank over the draws.

Under re-weighting each draw is weighted by the current item weights: the mean of a draw is
sum(w_i s_i) / sum(w_i) over the drawn items, so the official weights give NHS England's method.
The draws average the published (2-dp) item scores themselves, as NHS England's ranges do; they
are not shifted onto the engine's anchored point score (the two differ by under 0.007).

Vectorised: per block of draws, one (draws x trusts x items) array of random positions; nothing
loops over draws or trusts. Seeded: each (trust type, quarter) gets its own stream from
SeedSequence([seed, quarter_index, trust type]), so a quarter's ranges are the same on every page
and two quarters' draws are independent (which `league_atlas.analysis.change` relies on).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from league_atlas.errors import LeagueAtlasError
from league_atlas.scoring.engine import apply_override, segment_scores, weight_vector
from league_atlas.scoring.preparation import (
    SEGMENT_METHODS,
    Prepared,
    SegmentMethod,
    competition_rank,
    to_steps,
)
from league_atlas.scoring.weights import Weights, vector_is_official

LEVEL = 0.95
DEFAULT_DRAWS = 10_000
MAX_DRAWS = 200_000
CHUNK = 1000  # draws per block: bounds memory (draws x trusts x items), fixed so seeds reproduce
RANGE_COLUMNS = ("score_low", "score_high", "rank_low", "rank_high")


class LikelyRangeError(LeagueAtlasError, ValueError):
    """Bad bootstrap settings."""


@dataclass(frozen=True)
class ItemPool:
    """Each trust's own items packed to the left: what a bootstrap draw resamples from."""

    values: np.ndarray  # trusts x max items: the item scores, 0 after the trust's own items
    columns: np.ndarray  # trusts x max items: column of each item in `item_keys` (0 padding)
    n: np.ndarray  # trusts: how many items each trust has


def item_pool(prepared: Prepared) -> ItemPool:
    """Pack `prepared.scores` so that trust t's items sit in its first n_t positions."""
    m = max(int(prepared.n_items.max(initial=0)), 1)
    order = np.argsort(~prepared.mask, axis=1, kind="stable")[:, :m]
    valid = np.arange(m)[None, :] < prepared.n_items[:, None]
    values = np.where(valid, np.take_along_axis(prepared.scores, order, axis=1), 0.0)
    return ItemPool(values, np.where(valid, order, 0), np.asarray(prepared.n_items, dtype=int))


def rng_for(prepared: Prepared, seed: int | None) -> np.random.Generator:
    """The random stream of one (trust type, quarter): the same seed gives the same draws."""
    if seed is None:
        return np.random.default_rng()
    key = [int(seed), int(prepared.quarter_index), zlib.crc32(prepared.trust_type.encode())]
    return np.random.default_rng(np.random.SeedSequence(key))


def draw_positions(pool: ItemPool, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, trusts, max items) positions, uniform on 0..n_t-1 for trust t (padding ignored).

    floor(U x n_t) with U uniform on [0, 1) in single precision (24 random bits: the bias is under
    n_t / 2^24): uniform on the n_t positions, and much faster than `rng.integers` with a
    per-trust bound. The clip guards the last representable U against rounding up to n_t.
    """
    n = np.maximum(pool.n, 1)
    u = rng.random((n_draws, *pool.values.shape), dtype=np.float32)
    pos = (u * n.astype(np.float32)[None, :, None]).astype(np.int32)
    return np.minimum(pos, (n - 1).astype(np.int32)[None, :, None])


def draw_means(pool: ItemPool, w: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Weighted mean of each draw's items, (trusts, draws); NaN when every drawn weight is 0
    (or the trust has no items). Equal weights take the plain mean (no weight gather)."""
    n_t, m = pool.values.shape
    valid = np.arange(m)[None, :] < pool.n[:, None]
    flat = positions + (np.arange(n_t, dtype=np.int32) * m)[None, :, None]
    vals = pool.values.ravel()[flat]
    w = np.asarray(w, dtype=float)
    if vector_is_official(w):
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.einsum("dtm,tm->dt", vals, valid.astype(float))
            out = np.where(pool.n > 0, total / pool.n, np.nan)
        return out.T
    wts = w[pool.columns].ravel()[flat] * valid  # slots past a trust's own count draw nothing
    den = wts.sum(axis=2)
    num = (wts * vals).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / den, np.nan)
    return out.T


def rank_draws(
    prepared: Prepared,
    means: np.ndarray,
    *,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(steps, adjusted segment, league position) of each joint draw, all (trusts, draws).

    Means are rounded to published precision, segmented, overridden and ranked as the league is.
    A trust without items keeps its published average in every draw.
    """
    steps = to_steps(means, prepared.decimals)
    fixed = (prepared.n_items == 0)[:, None]
    steps = np.where(fixed, prepared.published_steps[:, None], steps)
    unadj = segment_scores(prepared, steps, segment_method)
    seg = apply_override(prepared, unadj, financial_override)
    return steps, seg, competition_rank(seg, steps, axis=0)


@dataclass(frozen=True, eq=False)
class Draws:
    """The joint bootstrap of one (trust type, quarter): arrays are (trusts, draws)."""

    prepared: Prepared
    score: np.ndarray  # mean of each draw (unrounded); NaN for trusts without items
    segment: np.ndarray  # adjusted segment of each draw
    rank: np.ndarray  # league position of each draw
    weights: np.ndarray  # item weights used
    n_draws: int
    seed: int | None


def _check_draws(n_draws: object) -> int:
    if (
        isinstance(n_draws, bool)
        or not isinstance(n_draws, (int, np.integer))
        or not 1 <= n_draws <= MAX_DRAWS
    ):
        raise LikelyRangeError(
            f"n_draws must be a whole number from 1 to {MAX_DRAWS:,}, not {n_draws!r}"
        )
    return int(n_draws)


def bootstrap(
    prepared: Prepared,
    weights: Weights | np.ndarray | None = None,
    n_draws: int = DEFAULT_DRAWS,
    *,
    seed: int | None = 0,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
) -> Draws:
    """Run the joint percentile bootstrap (module docstring), in blocks of CHUNK draws."""
    n_draws = _check_draws(n_draws)
    if segment_method not in SEGMENT_METHODS:
        raise LikelyRangeError(
            f"segment_method must be one of {SEGMENT_METHODS}, not {segment_method!r}"
        )
    w = weight_vector(prepared, weights)
    pool = item_pool(prepared)
    rng = rng_for(prepared, seed)
    shape = (prepared.n_trusts, n_draws)
    score, seg, rank = np.empty(shape), np.empty(shape), np.empty(shape)
    for start in range(0, n_draws, CHUNK):
        stop = min(start + CHUNK, n_draws)
        means = draw_means(pool, w, draw_positions(pool, stop - start, rng))
        _, s, r = rank_draws(
            prepared, means, segment_method=segment_method, financial_override=financial_override
        )
        score[:, start:stop], seg[:, start:stop], rank[:, start:stop] = means, s, r
    return Draws(prepared, score, seg, rank, w, n_draws, seed)


def _round_half_up(x: np.ndarray, decimals: int) -> np.ndarray:
    return to_steps(x, decimals) / 10.0**decimals


def percentile_interval(x: np.ndarray, level: float = LEVEL, *, discrete: bool = False):
    """(low, high) row-wise percentiles of (rows, draws), ignoring NaN draws; all-NaN rows -> NaN.

    `discrete` reads off values the draws actually took (ranks); otherwise linear interpolation.
    """
    a = (1.0 - level) / 2.0
    low = np.full(x.shape[0], np.nan)
    high = np.full(x.shape[0], np.nan)
    ok = ~np.isnan(x).all(axis=1)
    if ok.any():
        method = "inverted_cdf" if discrete else "linear"
        q = np.nanquantile(x[ok], [a, 1.0 - a], axis=1, method=method)
        low[ok], high[ok] = q
    return low, high


def summarise(draws: Draws, level: float = LEVEL) -> pd.DataFrame:
    """One row per trust (trust_code order): score_low, score_high (2 dp), rank_low, rank_high,
    rank_median and p_segment_1..4 (share of draws in each adjusted segment)."""
    if not 0.0 < level < 1.0:
        raise LikelyRangeError(f"level must be between 0 and 1, not {level!r}")
    p = draws.prepared
    s_low, s_high = percentile_interval(draws.score, level)
    r_low, r_high = percentile_interval(draws.rank, level, discrete=True)
    r_med = percentile_interval(draws.rank, 0.0, discrete=True)[0]
    out = pd.DataFrame({"trust_code": p.trust_codes})
    out["score_low"] = _round_half_up(s_low, p.decimals)
    out["score_high"] = _round_half_up(s_high, p.decimals)
    for name, v in (("rank_low", r_low), ("rank_high", r_high), ("rank_median", r_med)):
        out[name] = pd.array(np.where(np.isnan(v), None, v), dtype="Int64")
    for k in range(1, p.rules.n_segments + 1):
        out[f"p_segment_{k}"] = (draws.segment == k).mean(axis=1)
    out.attrs.update(
        n_draws=draws.n_draws,
        seed=draws.seed,
        level=level,
        method="percentile bootstrap over each trust's own metric scores (NHS England's likely ranges)",
    )
    return out


def likely_ranges(
    prepared: Prepared,
    weights: Weights | np.ndarray | None = None,
    n_draws: int = DEFAULT_DRAWS,
    *,
    seed: int | None = 0,
    level: float = LEVEL,
    segment_method: SegmentMethod = "release",
    financial_override: bool = True,
    league_files: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """NHS England's likely ranges of average score and rank, reproduced, one row per trust.

    Columns as `summarise`; with `league_files` (schema.LEAGUE_FILE_COLUMNS) also NHS England's
    published_score_low/high and published_rank_low/high for this quarter and trust type.
    """
    draws = bootstrap(
        prepared,
        weights,
        n_draws,
        seed=seed,
        segment_method=segment_method,
        financial_override=financial_override,
    )
    out = summarise(draws, level)
    if league_files is not None:
        from league_atlas.scoring.uncertainty import attach_published_ranges

        attrs = dict(out.attrs)
        out = attach_published_ranges(out, prepared, league_files)
        out.attrs.update(attrs)
    return out


def compare_with_published(ranges: pd.DataFrame) -> dict:
    """How our ranges match NHS England's (needs the published_* columns): the share of trusts
    whose two score ends are within 0.03 and whose two rank ends are within 2 places, etc."""
    need = {"published_rank_low", "published_rank_high"}
    if not need <= set(ranges.columns):
        return {"trusts_compared": 0}
    r = ranges.dropna(subset=list(need))
    if r.empty:
        return {"trusts_compared": 0}
    rank_err = np.maximum(
        np.abs(r["rank_low"].astype(float) - r["published_rank_low"].astype(float)),
        np.abs(r["rank_high"].astype(float) - r["published_rank_high"].astype(float)),
    )
    out = {
        "trusts_compared": len(r),
        "rank_ends_within_1": float((rank_err <= 1).mean()),
        "rank_ends_within_2": float((rank_err <= 2).mean()),
        "rank_max_abs_error": float(rank_err.max()),
    }
    if {"published_score_low", "published_score_high"} <= set(r.columns):
        s = r.dropna(subset=["published_score_low", "published_score_high"])
        if len(s):
            score_err = np.maximum(
                np.abs(s["score_low"] - s["published_score_low"]),
                np.abs(s["score_high"] - s["published_score_high"]),
            )
            out["score_ends_within_0_03"] = float((score_err <= 0.03 + 1e-9).mean())
            out["score_max_abs_error"] = float(score_err.max())
    return out


def width_summary(ranges: pd.DataFrame) -> dict:
    """Median / narrowest / widest rank range (places) and median score half-width: the figures
    nof-method.md §3 gives for NHS England's published ranges."""
    w = (ranges["rank_high"].astype(float) - ranges["rank_low"].astype(float)).dropna()
    half = ((ranges["score_high"] - ranges["score_low"]) / 2).dropna()
    return {
        "rank_width_median": float(w.median()) if len(w) else float("nan"),
        "rank_width_min": float(w.min()) if len(w) else float("nan"),
        "rank_width_max": float(w.max()) if len(w) else float("nan"),
        "score_half_width_median": float(half.median()) if len(half) else float("nan"),
    }

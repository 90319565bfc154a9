"""The context-adjusted view: each trust's score beside what its area context would predict.

Why: a trust in a deprived, remote or elderly area may score worse for reasons outside its
control, and a league table cannot say so. This module fits a stated, simple model and shows the
result *beside* the official rank, never instead of it:

  OLS of the average score (1 best - 4 worst, under the current weights) on the chosen context
  proxies, each standardised to mean 0 and SD 1 over the trusts in the model, so a coefficient is
  the change in score points for a one-SD higher proxy. Trusts missing any chosen proxy are left
  out and counted. Coefficients come with t-distribution 95% confidence intervals; R², adjusted
  R² and n are reported. Implemented with numpy and scipy (no statsmodels).

  Expected score = the model's fitted value; residual = actual - expected (negative = better than
  expected given context); the "rank given context" orders trusts by residual, 1 = furthest
  better than expected.

It also holds the staff-attraction page's index under the page's own weights and the value
labels; the map colouring and legend for a proxy are in render/legends.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from league_atlas.context import proxies
from league_atlas.errors import LeagueAtlasError

SCORE = "average_score"
CONFIDENCE = 0.95
DEFAULT_PROXIES = (
    "imd_2019_score",
    "distance_central_london_km",
    "share_aged_65_plus",
    "rural_population_pct",
    "median_pay",
)
METHOD = (
    "Ordinary least squares of the average score (1 best - 4 worst, under the current weights) on "
    "the chosen proxies, each standardised to mean 0 and SD 1 over the trusts in the model; a "
    "coefficient is the change in score points for a trust whose proxy is one SD higher (positive "
    "= scores worse). 95% intervals from the t distribution with n - k - 1 degrees of freedom. "
    "Trusts missing any chosen proxy are left out. Expected score = fitted value; residual = "
    "actual - expected; rank given context orders trusts by residual (1 = furthest better than "
    "expected)."
)
CAVEATS = (
    "Adjustment can hide as well as reveal: adjusting for a proxy treats its effect as outside a "
    "trust's control, so over-adjusting can excuse poor care (if deprived areas get worse care, "
    "adjusting for deprivation makes that care look normal).",
    "The proxies are area-level (catchment or location), not facts about the patients or staff of "
    "the trust, and some are partly caused by performance (staff leave badly run trusts; a "
    "hospital's reputation affects who moves to an area).",
    "The model is associational: a coefficient is not the effect of changing that proxy, and a "
    "residual is not a measure of management quality. Unmeasured differences (case mix, "
    "funding, estate) remain in the residual.",
    "Small n: about 130 acute trusts and a handful of proxies give wide intervals and unstable "
    "coefficients when proxies are correlated with each other; ranks given context move a lot "
    "with the choice of proxies.",
    "The official rank is NHS England's; the rank given context is this app's illustration only.",
)


# ---------------------------------------------------------------- OLS


@dataclass(frozen=True)
class OlsFit:
    """An ordinary least-squares fit with its coefficient table and fit statistics."""

    coefficients: pd.DataFrame  # term, estimate, se, t, p, ci_low, ci_high
    r2: float
    adj_r2: float
    n: int
    k: int  # predictors, excluding the intercept
    df_resid: int
    sigma: float  # residual standard error
    fitted: np.ndarray
    residuals: np.ndarray
    confidence: float


def fit_ols(
    y, X, names: list[str], *, confidence: float = CONFIDENCE, intercept: bool = True
) -> OlsFit:
    """OLS of y on the columns of X (plus an intercept): estimates, SEs and t intervals.

    Raises LeagueAtlasError when there are no residual degrees of freedom or X is collinear."""
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if len(names) != X.shape[1]:
        raise LeagueAtlasError(f"{len(names)} names for {X.shape[1]} predictors")
    if not (np.isfinite(y).all() and np.isfinite(X).all()):
        raise LeagueAtlasError("OLS needs complete, finite data (leave out missing rows first)")
    n, k = X.shape
    design = np.column_stack([np.ones(n), X]) if intercept else X
    terms = (["intercept"] if intercept else []) + list(names)
    p = design.shape[1]
    if n <= p:
        raise LeagueAtlasError(
            f"not enough trusts for the model: {n} trusts for {p} coefficients (need more trusts "
            "than coefficients)"
        )
    if np.linalg.matrix_rank(design) < p:
        raise LeagueAtlasError(
            "the chosen proxies are collinear over these trusts (one is a linear combination of "
            "the others, or has no spread); drop one"
        )
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    fitted = design @ beta
    resid = y - fitted
    df = n - p
    rss = float(resid @ resid)
    sigma2 = rss / df
    cov = sigma2 * np.linalg.inv(design.T @ design)
    se = np.sqrt(np.diag(cov))
    t = beta / np.where(se > 0, se, np.nan)
    q = stats.t.ppf(0.5 + confidence / 2, df)
    tss = float(((y - y.mean()) ** 2).sum()) if intercept else float(y @ y)
    r2 = 1 - rss / tss if tss > 0 else np.nan
    adj = 1 - (1 - r2) * (n - 1) / df if intercept else 1 - (1 - r2) * n / df
    coefs = pd.DataFrame(
        {
            "term": terms,
            "estimate": beta,
            "se": se,
            "t": t,
            "p": 2 * stats.t.sf(np.abs(t), df),
            "ci_low": beta - q * se,
            "ci_high": beta + q * se,
        }
    )
    return OlsFit(coefs, r2, adj, n, k, df, float(np.sqrt(sigma2)), fitted, resid, confidence)


# ---------------------------------------------------------------- context-adjusted league


@dataclass(frozen=True)
class Adjustment:
    """The context-adjusted league: the fit, the per-trust table and who was left out."""

    proxies: tuple[str, ...]
    fit: OlsFit
    table: pd.DataFrame  # one row per modelled trust (see adjusted_league)
    excluded: pd.DataFrame  # trust_code, trust_name, missing (the proxies it lacks)
    n_total: int

    def describe(self) -> str:
        f = self.fit
        return (
            f"OLS of average score on {len(self.proxies)} standardised proxies: n = {f.n} of "
            f"{self.n_total} trusts ({len(self.excluded)} left out for a missing proxy), "
            f"R² = {f.r2:.3f}, adjusted R² = {f.adj_r2:.3f}"
        )

    def coefficient_table(self) -> pd.DataFrame:
        """Coefficients with the proxies' labels, units and directions, for display."""
        c = self.fit.coefficients.copy()
        c["label"] = [
            proxies.PROXIES[t].label if t in proxies.PROXIES else "Intercept (mean score)"
            for t in c["term"]
        ]
        c["per"] = [
            f"1 SD = {self.table.attrs['sd'][t]:.3g} {proxies.PROXIES[t].unit}"
            if t in proxies.PROXIES
            else ""
            for t in c["term"]
        ]
        return c[["term", "label", "per", "estimate", "ci_low", "ci_high", "se", "t", "p"]]


def _standardised(x: pd.Series) -> tuple[np.ndarray, float, float]:
    v = x.to_numpy(dtype=float)
    sd = float(np.std(v, ddof=1)) if len(v) > 1 else 0.0
    mean = float(np.mean(v)) if len(v) else np.nan
    if not np.isfinite(sd) or sd == 0:
        return np.full(len(v), np.nan), mean, sd
    return (v - mean) / sd, mean, sd


def adjusted_league(
    joined: pd.DataFrame,
    chosen: list[str] | tuple[str, ...],
    *,
    value: str = SCORE,
    confidence: float = CONFIDENCE,
) -> Adjustment:
    """Fit the model on `joined` (the league view with the proxies joined, see
    disparities.with_context) and rank trusts by residual.

    The table has, per modelled trust: trust_code, trust_name, official_rank, rank (current
    weights), average_score, expected_score, residual, rank_modelled (current-weights rank among
    the modelled trusts), context_rank and context_move (rank_modelled - context_rank: positive =
    higher up the table once context is allowed for)."""
    chosen = list(dict.fromkeys(chosen))
    if not chosen:
        raise LeagueAtlasError("choose at least one context proxy")
    unknown = [k for k in chosen if k not in proxies.PROXIES]
    if unknown:
        raise LeagueAtlasError(f"unknown proxies {unknown}; known: {', '.join(proxies.PROXIES)}")
    absent = [k for k in chosen if k not in joined.columns]
    if absent:
        raise LeagueAtlasError(f"the context table has no column for {absent}")
    data = joined.copy()
    data[chosen] = data[chosen].apply(pd.to_numeric, errors="coerce")
    y = pd.to_numeric(data[value], errors="coerce")
    missing = data[chosen].isna()
    complete = ~missing.any(axis=1) & y.notna()
    excluded = data.loc[~complete, ["trust_code", "trust_name"]].copy()
    excluded["missing"] = [
        ", ".join([k for k in chosen if missing.at[i, k]] + ([value] if pd.isna(y[i]) else []))
        for i in excluded.index
    ]
    rows = data[complete].reset_index(drop=True)
    cols, means, sds = [], {}, {}
    for k in chosen:
        z, m, sd = _standardised(rows[k])
        if np.isnan(z).all() and len(rows):
            raise LeagueAtlasError(
                f"{proxies.PROXIES[k].label} has no spread over the {len(rows)} trusts in the "
                "model; drop it"
            )
        cols.append(z)
        means[k], sds[k] = m, sd
    X = np.column_stack(cols) if cols else np.empty((0, 0))
    fit = fit_ols(rows[value].to_numpy(float), X, chosen, confidence=confidence)
    keep = [
        c for c in ("trust_code", "trust_name", "official_rank", "rank", value) if c in rows.columns
    ]
    table = rows[keep].copy()
    table["expected_score"] = fit.fitted
    table["residual"] = fit.residuals
    table["rank_modelled"] = rows[value].rank(method="min").astype(int).to_numpy()
    table["context_rank"] = table["residual"].rank(method="min").astype(int)
    table["context_move"] = table["rank_modelled"] - table["context_rank"]
    table = table.sort_values(["context_rank", "trust_code"]).reset_index(drop=True)
    table.attrs["mean"], table.attrs["sd"] = means, sds
    return Adjustment(tuple(chosen), fit, table, excluded.reset_index(drop=True), len(data))


def moved_most(adjustment: Adjustment, n: int = 10) -> pd.DataFrame:
    """The modelled trusts whose rank changes most once context is allowed for (largest
    |context_move|, then ODS code)."""
    t = adjustment.table
    return (
        t.assign(_abs=t["context_move"].abs())
        .sort_values(["_abs", "trust_code"], ascending=[False, True])
        .head(n)
        .drop(columns="_abs")
        .reset_index(drop=True)
    )


# ---------------------------------------------------------------- staff-attraction page pieces


def index_weights(values: dict[str, float]) -> dict[str, float]:
    """The page's slider values as attraction-index weights (zeros dropped)."""
    return {k: float(v) for k, v in values.items() if v and float(v) > 0}


def index_for_view(
    joined: pd.DataFrame,
    weights: dict[str, float],
    min_present: int = proxies.DEFAULT_MIN_PRESENT,
) -> pd.Series:
    """The staff-attraction index re-standardised over the trusts of the view (so a trust is
    compared with its peers of the same type and quarter), with the given weights."""
    return proxies.attraction_index(joined, weights, min_present)


def value_label(key: str) -> tuple[str, str, str]:
    """(label, unit, direction words) for a proxy key or the index column."""
    if key == proxies.INDEX_COLUMN:
        return "Staff-attraction index", "SD units", proxies.MORE
    p = proxies.PROXIES[key]
    return p.label, p.unit, p.direction_label

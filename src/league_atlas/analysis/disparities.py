"""Regional disparities: how the league table differs between places, with the uncertainty stated.

Why: the first question people ask of a trust league table on a map is "is it the South?". This
module answers it with figures a reader can check: per-area counts and score summaries that add up
to the trusts in the release, the London and South East difference with a bootstrap confidence
interval, score against distance from London with a correlation interval and fitted line, and the
share of score variance that lies between regions (eta squared).

Conventions: the average score runs from 1 (best) to 4 (worst), so a negative difference or a
negative slope means "better"; rank change is positive when a trust moves up under the current
weights. Every function takes the explorer's view (`explorer.league_view`: one row per trust with
average_score, segment, final_segment, rank_change and the place columns).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from league_atlas.errors import LeagueAtlasError

# A geography is a boundary layer's trust field (places.registry: geo/layers.toml and layers added
# with add-boundaries): the view's <field>_code and <field>_name columns group the trusts.
NOT_LOCATED = "Not located"
SCORE = "average_score"
SEGMENTS = (1, 2, 3, 4)
SUPPORT_SEGMENT = 5
# The comparison group, named as in the region names of the trust table (read, not assumed).
LONDON_SOUTH_EAST = ("London", "South East")
DISTANCE_PROXY = "distance_central_london_km"
CONFIDENCE = 0.95
N_RESAMPLES = 9999
BOOTSTRAP_METHOD = "BCa"
SEED = 20250601

SUMMARY_COLUMNS = [
    "area_code",
    "area_name",
    "trusts",
    "mean_score",
    "median_score",
    "sd_score",
    "mean_rank_change",
    "share_s34_pct",
    "s1",
    "s2",
    "s3",
    "s4",
    "no_segment",
    "s5_rsp",
]
SUMMARY_LABELS = {
    "area_code": "Area code",
    "area_name": "Area",
    "trusts": "Trusts",
    "s1": "S1 (trusts)",
    "s2": "S2 (trusts)",
    "s3": "S3 (trusts)",
    "s4": "S4 (trusts)",
    "no_segment": "No segment (trusts)",
    "s5_rsp": "Of which S5 / RSP (trusts)",
    "share_s34_pct": "Share in S3-4 (%)",
    "mean_score": "Mean average score (1 best - 4 worst)",
    "median_score": "Median average score (1 best - 4 worst)",
    "sd_score": "SD of average score (score points)",
    "mean_rank_change": "Mean rank change (places, + = better)",
}


def _check_view(view: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in view.columns]
    if missing:
        raise LeagueAtlasError(
            f"league view is missing columns {missing}; expected explorer.league_view output"
        )


def geographies(view: pd.DataFrame) -> list[str]:
    """The geographies a view can be grouped by: every <field>_code with its <field>_name."""
    return [
        c.removesuffix("_code")
        for c in view.columns
        if c.endswith("_code")
        and c != "trust_code"
        and f"{c.removesuffix('_code')}_name" in view.columns
    ]


def _geography(geography: str, view: pd.DataFrame) -> tuple[str, str]:
    code_col, name_col = f"{geography}_code", f"{geography}_name"
    if code_col not in view.columns or name_col not in view.columns:
        raise LeagueAtlasError(
            f"unknown geography {geography!r}; valid: {', '.join(geographies(view)) or 'none'}"
        )
    return code_col, name_col


# ---------------------------------------------------------------- per-area table


def area_summary(view: pd.DataFrame, geography: str = "region") -> pd.DataFrame:
    """One row per area (and a "Not located" row for trusts without one), so `trusts` adds up
    to the trusts in the view. Segment counts use the segment under the current weights; s5_rsp
    counts trusts in the Recovery Support Programme (final segment 5), already counted in s1-s4."""
    code_col, name_col = _geography(geography, view)
    _check_view(view, [code_col, name_col, SCORE, "segment", "rank_change"])
    v = view.copy()
    located = v[code_col].notna() & (v[code_col].astype("string").str.strip() != "")
    v["_code"] = v[code_col].astype("string").where(located, NOT_LOCATED)
    v["_name"] = v[name_col].astype("string").where(located, NOT_LOCATED)
    v["_name"] = v["_name"].fillna(v["_code"])
    seg = pd.to_numeric(v["segment"], errors="coerce")
    final = (
        pd.to_numeric(v["final_segment"], errors="coerce")
        if "final_segment" in v
        else pd.Series(np.nan, index=v.index)
    )
    score = pd.to_numeric(v[SCORE], errors="coerce").astype(float)
    change = pd.to_numeric(v["rank_change"], errors="coerce").astype(float)
    rows = []
    for code, idx in v.groupby("_code", sort=False).groups.items():
        s = seg.loc[idx]
        sc = score.loc[idx].dropna()
        row = {
            "area_code": "" if code == NOT_LOCATED else str(code),
            "area_name": str(v.loc[idx, "_name"].iloc[0]),
            "trusts": len(idx),
        }
        for k in SEGMENTS:
            row[f"s{k}"] = int((s == k).sum())
        row["no_segment"] = int(s.isna().sum())
        row["s5_rsp"] = int((final.loc[idx] == SUPPORT_SEGMENT).sum())
        row["share_s34_pct"] = (
            100.0 * float((s.dropna() >= 3).mean()) if s.notna().any() else np.nan
        )
        row["mean_score"] = float(sc.mean()) if len(sc) else np.nan
        row["median_score"] = float(sc.median()) if len(sc) else np.nan
        row["sd_score"] = float(sc.std(ddof=1)) if len(sc) > 1 else np.nan
        ch = change.loc[idx].dropna()
        row["mean_rank_change"] = float(ch.mean()) if len(ch) else np.nan
        rows.append(row)
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out["_last"] = out["area_name"] == NOT_LOCATED
    out = out.sort_values(["_last", "area_name"]).drop(columns="_last").reset_index(drop=True)
    return out


# ---------------------------------------------------------------- two groups


@dataclass(frozen=True)
class GroupDifference:
    """Mean score of one group of regions minus the rest, with a bootstrap confidence interval."""

    in_label: str
    out_label: str
    n_in: int
    n_out: int
    n_excluded: int  # trusts without a region (in neither group)
    mean_in: float
    mean_out: float
    difference: float  # mean_in - mean_out (negative: the group scores better)
    ci_low: float
    ci_high: float
    method: str
    confidence: float
    n_resamples: int
    seed: int

    def describe(self) -> str:
        better = "better" if self.difference < 0 else "worse"
        return (
            f"{self.in_label} ({self.n_in} trusts) mean score {self.mean_in:.3f} vs "
            f"{self.out_label} ({self.n_out}) {self.mean_out:.3f}: difference "
            f"{self.difference:+.3f} score points ({better} on average; lower score = better), "
            f"{self.confidence:.0%} CI {self.ci_low:+.3f} to {self.ci_high:+.3f} "
            f"({self.method} bootstrap, {self.n_resamples:,} resamples, seed {self.seed})"
        )


def group_codes(view: pd.DataFrame, names: tuple[str, ...] = LONDON_SOUTH_EAST) -> dict[str, str]:
    """Region code -> name for the named regions present in the view (names matched exactly)."""
    _check_view(view, ["region_code", "region_name"])
    pairs = view[["region_code", "region_name"]].dropna().drop_duplicates()
    found = {
        str(c): str(n)
        for c, n in zip(pairs["region_code"], pairs["region_name"], strict=True)
        if n in names
    }
    if not found:
        have = sorted(pairs["region_name"].astype(str).unique())
        raise LeagueAtlasError(
            f"no trusts in the regions {', '.join(names)}; regions in this view: "
            f"{', '.join(have) or 'none'}"
        )
    return found


def _mean_diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def group_difference(
    view: pd.DataFrame,
    names: tuple[str, ...] = LONDON_SOUTH_EAST,
    *,
    value: str = SCORE,
    confidence: float = CONFIDENCE,
    n_resamples: int = N_RESAMPLES,
    method: str = BOOTSTRAP_METHOD,
    seed: int = SEED,
) -> GroupDifference:
    """Difference in mean `value` between trusts in the named regions and trusts in the other
    regions: an unpaired two-sample bootstrap (scipy.stats.bootstrap; each group resampled with
    replacement on its own), seeded so the interval is reproducible."""
    codes = group_codes(view, names)
    _check_view(view, [value])
    region = view["region_code"].astype("string")
    y = pd.to_numeric(view[value], errors="coerce").astype(float)
    have_region = region.notna()
    inside = have_region & region.isin(list(codes))
    a = y[inside].dropna().to_numpy()
    b = y[have_region & ~inside].dropna().to_numpy()
    if len(a) < 2 or len(b) < 2:
        raise LeagueAtlasError(
            f"need at least 2 trusts with a score on each side, got {len(a)} in "
            f"{', '.join(codes.values())} and {len(b)} elsewhere"
        )
    res = stats.bootstrap(
        (a, b),
        _mean_diff,
        n_resamples=n_resamples,
        confidence_level=confidence,
        method=method,
        vectorized=True,
        paired=False,
        rng=np.random.default_rng(seed),
    )
    present = [n for n in names if n in codes.values()]
    return GroupDifference(
        in_label=" and ".join(present),
        out_label="Rest of England",
        n_in=len(a),
        n_out=len(b),
        n_excluded=int((~have_region).sum()),
        mean_in=float(a.mean()),
        mean_out=float(b.mean()),
        difference=float(a.mean() - b.mean()),
        ci_low=float(res.confidence_interval.low),
        ci_high=float(res.confidence_interval.high),
        method=method,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
    )


# ---------------------------------------------------------------- variance between groups


@dataclass(frozen=True)
class VarianceShare:
    """Eta squared: between-group sum of squares / total sum of squares."""

    share: float
    ss_between: float
    ss_total: float
    n: int
    groups: int
    chance_level: float  # expected share if areas did not differ: (groups - 1) / (n - 1)
    f_statistic: float
    p_value: float  # one-way ANOVA F test (assumes similar within-group spread)

    MEANING = (
        "the share of the variation in trust scores across England that is accounted for by "
        "which group a trust is in (differences between group means); the rest is variation "
        "between trusts within the same group"
    )

    def describe(self) -> str:
        return (
            f"{self.share:.1%} of the variance in average score lies between the {self.groups} "
            f"groups and {1 - self.share:.1%} within them (eta squared = between-group sum of "
            f"squares {self.ss_between:.3f} / total {self.ss_total:.3f}, n = {self.n}): "
            f"{self.MEANING}. With no real differences about {self.chance_level:.1%} would be "
            f"expected by chance; one-way ANOVA F = {self.f_statistic:.2f}, p = {self.p_value:.3g}."
        )


def variance_share(values, groups) -> VarianceShare:
    """Eta squared of `values` by `groups` (rows with a missing value or group are left out).

    0 when every group has the same mean; 1 when trusts within each group are identical."""
    df = pd.DataFrame({"v": pd.to_numeric(pd.Series(values), errors="coerce"), "g": groups})
    df = df.dropna()
    n, k = len(df), df["g"].nunique()
    if n < 2 or k < 1:
        raise LeagueAtlasError(f"variance share needs at least 2 values, got {n}")
    grand = df["v"].mean()
    means = df.groupby("g")["v"].transform("mean")
    ss_total = float(((df["v"] - grand) ** 2).sum())
    ss_between = float(((means - grand) ** 2).sum())
    ss_within = ss_total - ss_between
    if ss_total <= 0:
        raise LeagueAtlasError("variance share undefined: every value is the same")
    share = min(max(ss_between / ss_total, 0.0), 1.0)
    if k > 1 and n > k:
        df_b, df_w = k - 1, n - k
        f = (ss_between / df_b) / (ss_within / df_w) if ss_within > 0 else np.inf
        p = float(stats.f.sf(f, df_b, df_w)) if np.isfinite(f) else 0.0
    else:
        f, p = np.nan, np.nan
    return VarianceShare(
        share=share,
        ss_between=ss_between,
        ss_total=ss_total,
        n=n,
        groups=k,
        chance_level=(k - 1) / (n - 1),
        f_statistic=float(f),
        p_value=p,
    )


def region_variance_share(view: pd.DataFrame, geography: str = "region") -> VarianceShare:
    """Eta squared of the average score between the areas of a geography (located trusts only)."""
    code_col, _ = _geography(geography, view)
    _check_view(view, [code_col, SCORE])
    return variance_share(view[SCORE].to_numpy(dtype=float), view[code_col].to_numpy(object))


# ---------------------------------------------------------------- correlation and fitted line


@dataclass(frozen=True)
class Correlation:
    """Pearson r and Spearman rho with Fisher-z confidence intervals."""

    x: str
    y: str
    n: int
    pearson: float
    pearson_low: float
    pearson_high: float
    pearson_p: float
    spearman: float
    spearman_low: float
    spearman_high: float
    spearman_p: float
    confidence: float

    METHOD = (
        "Pearson r with a Fisher z interval (SE 1/sqrt(n-3)); Spearman rho with a Fisher z "
        "interval using the Bonett-Wright (2000) SE sqrt((1 + rho^2/2)/(n-3))"
    )

    def describe(self) -> str:
        return (
            f"{self.y} vs {self.x} (n = {self.n}): Spearman rho {self.spearman:+.3f} "
            f"({self.confidence:.0%} CI {self.spearman_low:+.3f} to {self.spearman_high:+.3f}), "
            f"Pearson r {self.pearson:+.3f} (CI {self.pearson_low:+.3f} to {self.pearson_high:+.3f})"
        )


def _fisher_ci(r: float, se: float, confidence: float) -> tuple[float, float]:
    if not np.isfinite(r) or not np.isfinite(se):
        return np.nan, np.nan
    z = np.arctanh(np.clip(r, -1 + 1e-12, 1 - 1e-12))
    q = stats.norm.ppf(0.5 + confidence / 2)
    return float(np.tanh(z - q * se)), float(np.tanh(z + q * se))


def correlation(
    x, y, *, x_name: str = "x", y_name: str = "y", confidence: float = CONFIDENCE
) -> Correlation:
    """Correlation of paired values (pairs with a missing value left out); needs n >= 4."""
    df = pd.DataFrame(
        {
            "x": pd.to_numeric(pd.Series(x), errors="coerce"),
            "y": pd.to_numeric(pd.Series(y), errors="coerce"),
        }
    ).dropna()
    n = len(df)
    if n < 4 or df["x"].nunique() < 2 or df["y"].nunique() < 2:
        raise LeagueAtlasError(
            f"correlation of {y_name} with {x_name} needs at least 4 pairs with some spread, "
            f"got {n}"
        )
    pr = stats.pearsonr(df["x"], df["y"])
    sr = stats.spearmanr(df["x"], df["y"])
    r, rho = float(pr.statistic), float(sr.statistic)
    p_lo, p_hi = _fisher_ci(r, 1 / np.sqrt(n - 3), confidence)
    s_lo, s_hi = _fisher_ci(rho, np.sqrt((1 + rho**2 / 2) / (n - 3)), confidence)
    return Correlation(
        x=x_name,
        y=y_name,
        n=n,
        pearson=r,
        pearson_low=p_lo,
        pearson_high=p_hi,
        pearson_p=float(pr.pvalue),
        spearman=rho,
        spearman_low=s_lo,
        spearman_high=s_hi,
        spearman_p=float(sr.pvalue),
        confidence=confidence,
    )


@dataclass(frozen=True)
class LineFit:
    """Least-squares line y = intercept + slope x, with a confidence band for the mean of y."""

    intercept: float
    slope: float
    slope_low: float
    slope_high: float
    n: int
    r2: float
    confidence: float
    _x_mean: float = field(repr=False)
    _sxx: float = field(repr=False)
    _sigma: float = field(repr=False)

    def band(self, x) -> pd.DataFrame:
        """Fitted line and its confidence band (for the mean of y at x) at the given x values."""
        x = np.asarray(x, dtype=float)
        fit = self.intercept + self.slope * x
        t = stats.t.ppf(0.5 + self.confidence / 2, self.n - 2)
        half = t * self._sigma * np.sqrt(1 / self.n + (x - self._x_mean) ** 2 / self._sxx)
        return pd.DataFrame({"x": x, "fit": fit, "low": fit - half, "high": fit + half})


def fit_line(x, y, *, confidence: float = CONFIDENCE) -> LineFit:
    """Ordinary least squares of y on x (pairs with a missing value left out); needs n >= 3."""
    df = pd.DataFrame(
        {
            "x": pd.to_numeric(pd.Series(x), errors="coerce"),
            "y": pd.to_numeric(pd.Series(y), errors="coerce"),
        }
    ).dropna()
    n = len(df)
    xs, ys = df["x"].to_numpy(float), df["y"].to_numpy(float)
    sxx = float(((xs - xs.mean()) ** 2).sum()) if n else 0.0
    if n < 3 or sxx == 0:
        raise LeagueAtlasError(f"a fitted line needs at least 3 points with spread in x, got {n}")
    slope = float(((xs - xs.mean()) * (ys - ys.mean())).sum() / sxx)
    intercept = float(ys.mean() - slope * xs.mean())
    resid = ys - intercept - slope * xs
    sigma = float(np.sqrt((resid**2).sum() / (n - 2)))
    t = stats.t.ppf(0.5 + confidence / 2, n - 2)
    se = sigma / np.sqrt(sxx)
    tss = float(((ys - ys.mean()) ** 2).sum())
    return LineFit(
        intercept=intercept,
        slope=slope,
        slope_low=slope - t * se,
        slope_high=slope + t * se,
        n=n,
        r2=1 - float((resid**2).sum()) / tss if tss > 0 else np.nan,
        confidence=confidence,
        _x_mean=float(xs.mean()),
        _sxx=sxx,
        _sigma=sigma,
    )


def with_context(view: pd.DataFrame, context: pd.DataFrame | None) -> pd.DataFrame:
    """The view with the context proxies of its trusts joined by ODS code (left join, so every
    trust of the view is kept; proxies are missing where the context has no row)."""
    if context is None:
        return view.copy()
    keep = [c for c in context.columns if c not in view.columns or c == "trust_code"]
    return view.merge(context[keep], on="trust_code", how="left")


def correlation_table(
    table: pd.DataFrame,
    keys: list[str],
    labels: dict[str, str] | None = None,
    *,
    value: str = SCORE,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Each column in `keys` against `value`: n, Pearson r and Spearman rho with their CIs.
    Columns with too few pairs get a row with n and a note instead of figures."""
    rows = []
    for k in keys:
        label = (labels or {}).get(k, k)
        try:
            c = correlation(table[k], table[value], x_name=k, y_name=value, confidence=confidence)
        except LeagueAtlasError as exc:
            n = int(table[[k, value]].dropna().shape[0]) if k in table else 0
            rows.append({"key": k, "label": label, "n": n, "note": str(exc)})
            continue
        rows.append(
            {
                "key": k,
                "label": label,
                "n": c.n,
                "pearson_r": c.pearson,
                "pearson_low": c.pearson_low,
                "pearson_high": c.pearson_high,
                "spearman_rho": c.spearman,
                "spearman_low": c.spearman_low,
                "spearman_high": c.spearman_high,
                "spearman_p": c.spearman_p,
                "note": "",
            }
        )
    cols = [
        "key",
        "label",
        "n",
        "pearson_r",
        "pearson_low",
        "pearson_high",
        "spearman_rho",
        "spearman_low",
        "spearman_high",
        "spearman_p",
        "note",
    ]
    return pd.DataFrame(rows).reindex(columns=cols)


# ---------------------------------------------------------------- the whole report


@dataclass(frozen=True)
class DisparityReport:
    """Everything the `regions` command and the regional disparities page show."""

    geography: str
    table: pd.DataFrame  # area_summary
    difference: GroupDifference | None
    variance: VarianceShare | None
    distance: Correlation | None
    distance_line: LineFit | None
    notes: tuple[str, ...]
    area_label: str = ""  # what one area is called (the layer's area_label)

    def summary(self) -> pd.DataFrame:
        """The headline figures as rows: figure, value, ci_low, ci_high, n, method."""
        rows = []
        d = self.difference
        if d is not None:
            rows.append(
                {
                    "figure": f"mean score difference, {d.in_label} minus {d.out_label}",
                    "value": d.difference,
                    "ci_low": d.ci_low,
                    "ci_high": d.ci_high,
                    "n": d.n_in + d.n_out,
                    "method": f"{d.method} bootstrap, {d.confidence:.0%}, {d.n_resamples} resamples, seed {d.seed}",
                }
            )
        v = self.variance
        if v is not None:
            rows.append(
                {
                    "figure": f"share of score variance between areas ({self.area_label or self.geography}), eta squared",
                    "value": v.share,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "n": v.n,
                    "method": f"between-group SS / total SS over {v.groups} groups; chance level {v.chance_level:.3f}; ANOVA p = {v.p_value:.3g}",
                }
            )
        c = self.distance
        if c is not None:
            rows.append(
                {
                    "figure": "Spearman rho, score vs distance to central London",
                    "value": c.spearman,
                    "ci_low": c.spearman_low,
                    "ci_high": c.spearman_high,
                    "n": c.n,
                    "method": "Fisher z, Bonett-Wright SE",
                }
            )
            rows.append(
                {
                    "figure": "Pearson r, score vs distance to central London",
                    "value": c.pearson,
                    "ci_low": c.pearson_low,
                    "ci_high": c.pearson_high,
                    "n": c.n,
                    "method": "Fisher z, SE 1/sqrt(n-3)",
                }
            )
        line = self.distance_line
        if line is not None:
            rows.append(
                {
                    "figure": "fitted slope, score points per 100 km from central London",
                    "value": 100 * line.slope,
                    "ci_low": 100 * line.slope_low,
                    "ci_high": 100 * line.slope_high,
                    "n": line.n,
                    "method": "ordinary least squares, t interval",
                }
            )
        return pd.DataFrame(rows, columns=["figure", "value", "ci_low", "ci_high", "n", "method"])

    def lines(self) -> list[str]:
        """The headline figures as sentences."""
        out = []
        if self.difference is not None:
            out.append(self.difference.describe())
        if self.variance is not None:
            out.append(self.variance.describe())
        if self.distance is not None:
            out.append(self.distance.describe())
        if self.distance_line is not None:
            ln = self.distance_line
            out.append(
                f"Fitted line: score = {ln.intercept:.3f} {100 * ln.slope:+.4f} per 100 km from London "
                f"({ln.confidence:.0%} CI {100 * ln.slope_low:+.4f} to {100 * ln.slope_high:+.4f}), "
                f"R² {ln.r2:.3f}"
            )
        return out + list(self.notes)


def disparity_report(
    view: pd.DataFrame,
    context: pd.DataFrame | None = None,
    geography: str = "region",
    *,
    names: tuple[str, ...] = LONDON_SOUTH_EAST,
    n_resamples: int = N_RESAMPLES,
    method: str = BOOTSTRAP_METHOD,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
    area_label: str = "",
) -> DisparityReport:
    """The area table and the headline figures; a figure that cannot be computed on this view
    (too few trusts, no context table) is left out with a note saying why."""
    table = area_summary(view, geography)
    notes: list[str] = []
    try:
        diff = group_difference(
            view,
            names,
            confidence=confidence,
            n_resamples=n_resamples,
            method=method,
            seed=seed,
        )
    except LeagueAtlasError as exc:
        diff = None
        notes.append(f"London and South East difference not computed: {exc}")
    try:
        var = region_variance_share(view, geography)
    except LeagueAtlasError as exc:
        var = None
        notes.append(f"variance share not computed: {exc}")
    dist = line = None
    if context is None or DISTANCE_PROXY not in context.columns:
        notes.append(
            "distance to London not available: the store has no context proxies "
            "(run `python -m league_atlas build` with the context sources in the mirror)"
        )
    else:
        joined = with_context(view, context[["trust_code", DISTANCE_PROXY]])
        try:
            dist = correlation(
                joined[DISTANCE_PROXY],
                joined[SCORE],
                x_name="distance to central London (km)",
                y_name="Average score",
                confidence=confidence,
            )
            line = fit_line(joined[DISTANCE_PROXY], joined[SCORE], confidence=confidence)
        except LeagueAtlasError as exc:
            notes.append(f"distance correlation not computed: {exc}")
    return DisparityReport(geography, table, diff, var, dist, line, tuple(notes), area_label)


# ---------------------------------------------------------------- choropleth of the area table

# measure (a column of area_summary) -> (label, unit, diverging)
AREA_MEASURES: dict[str, tuple[str, str, bool]] = {
    "mean_score": ("Mean average score (1 best - 4 worst)", "score", False),
    "median_score": ("Median average score (1 best - 4 worst)", "score", False),
    "share_s34_pct": ("Share of trusts in segment 3-4 (%)", "%", False),
    "mean_rank_change": ("Mean rank change under current weights (places)", "places", True),
    "trusts": ("Number of trusts", "trusts", False),
}

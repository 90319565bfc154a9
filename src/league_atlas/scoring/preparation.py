"""Preparation: one (quarter, trust type) of tidy NOF rows turned into dense trusts x items arrays.

Done once per view so that re-weighting (`league_atlas.scoring.engine`) is a few NumPy
operations. Also home of the precision helpers (2-dp steps, competition ranks) and the cut-points
read from the release (nof-method.md §2-§4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from league_atlas.errors import InputError
from league_atlas.scoring.rules import RuleSet, rules_or_provisional

SegmentMethod = Literal["release", "quartiles"]
SEGMENT_METHODS: tuple[str, ...] = ("release", "quartiles")
REQUIRED_COLUMNS = (
    "framework_year",
    "quarter",
    "quarter_index",
    "trust_type",
    "trust_code",
    "metric_id",
    "value",
)
SOURCE = "metrics table"


# ---------------------------------------------------------------- precision helpers


def to_steps(x: np.ndarray | float, decimals: int = 2) -> np.ndarray:
    """Scores in whole published steps (hundredths for 2 dp), rounding half up.

    Rounding to 6 places first removes float noise (2.05 * 100 = 204.99999999999997), so equal
    published values always give equal integers.
    """
    scaled = np.round(np.asarray(x, dtype=float) * 10.0**decimals, 6)
    return np.floor(scaled + 0.5)


def segments_from_steps(steps: np.ndarray, doubled_cuts: np.ndarray) -> np.ndarray:
    """1 + number of cut-points strictly below the score (a score exactly on a cut stays better).

    `doubled_cuts` are cut-points in doubled steps (2.065 -> 413), so midpoints stay integers:
    shape (cuts,), or (draws, cuts) for per-draw cut-points with `steps` of shape (trusts, draws).
    """
    s2 = 2.0 * np.asarray(steps, dtype=float)
    cuts = np.asarray(doubled_cuts, dtype=float)
    seg = np.ones_like(s2)
    for b in range(cuts.shape[-1]):  # one pass per cut-point (3), vectorised over trusts and draws
        seg += s2 > cuts[..., b]
    return np.where(np.isnan(s2), np.nan, seg)


def _rank_keys(segment: np.ndarray, steps: np.ndarray) -> np.ndarray:
    key = segment * 1.0e6 + steps
    return np.where(np.isnan(key), np.inf, key)


def competition_rank(segment: np.ndarray, steps: np.ndarray, axis: int = 0) -> np.ndarray:
    """League position: by segment, then score steps; lower is better; ties share the lowest rank.

    Trusts without a score (NaN) get NaN and do not push anyone down.
    """
    key = _rank_keys(segment, steps)
    r = rankdata(key, method="min", axis=axis).astype(float)
    return np.where(np.isinf(key), np.nan, r)


# ---------------------------------------------------------------- cut-points


@dataclass(frozen=True)
class CutPoints:
    """Segment cut-points of one (quarter, trust type), read back from the release.

    For boundary k|k+1: `lower` is the highest published average in segments <= k, `upper` the
    lowest in segments > k; the cut is the midpoint of that gap (a one-sided bracket puts it half
    a step outside the known side). `doubled` holds the cuts in doubled steps for exact comparison.
    """

    cut: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    doubled: np.ndarray
    source: str
    consistent: bool
    decimals: int = 2

    def as_frame(self) -> pd.DataFrame:
        n = len(self.cut)
        return pd.DataFrame(
            {
                "boundary": [f"{k}|{k + 1}" for k in range(1, n + 1)],
                "lower": self.lower,
                "upper": self.upper,
                "cut": self.cut,
                "source": self.source,
            }
        )

    def describe(self) -> str:
        """'2.05|2.08 -> 2.065; ...' for reports."""
        parts = []
        for lo, hi, c in zip(self.lower, self.upper, self.cut, strict=True):
            fmt = lambda v: "?" if np.isnan(v) else f"{v:.{self.decimals}f}"  # noqa: E731
            parts.append(f"{fmt(lo)}|{fmt(hi)} -> {c:.{self.decimals + 1}f}")
        return "; ".join(parts) + f" ({self.source})"


def _brackets(
    avg_steps: np.ndarray, segment: np.ndarray, n_segments: int
) -> tuple[np.ndarray, np.ndarray]:
    ok = ~np.isnan(avg_steps) & ~np.isnan(segment)
    a, s = avg_steps[ok], segment[ok]
    lower = np.full(n_segments - 1, np.nan)
    upper = np.full(n_segments - 1, np.nan)
    for k in range(1, n_segments):
        below, above = a[s <= k], a[s > k]
        if below.size:
            lower[k - 1] = below.max()
        if above.size:
            upper[k - 1] = above.min()
    return lower, upper


def _is_consistent(lower: np.ndarray, upper: np.ndarray) -> bool:
    both = ~np.isnan(lower) & ~np.isnan(upper)
    return bool(np.all(lower[both] < upper[both]))


def _cut_points_from_release(
    quarter_rows: pd.DataFrame,
    trust_type: str,
    rules: RuleSet,
    notes: list[str],
    own_steps: np.ndarray,
    own_unadjusted: np.ndarray,
) -> CutPoints:
    """Read the cut-points back from the unadjusted segments against the averages, pooling the
    quarter's other trust types when their brackets agree (nof-method.md §2: they appear shared),
    else from this type alone."""
    d = rules.score_decimals
    n = rules.n_segments
    quarter = quarter_rows["quarter"].iloc[0]
    lower, upper = _brackets(own_steps, own_unadjusted, n)
    source = f"{trust_type} only"
    others = quarter_rows[
        (quarter_rows["trust_type"] != trust_type)
        & quarter_rows["metric_id"].isin([rules.average_id, rules.unadjusted_segment_id])
    ]
    if not others.empty:
        wide = others.pivot_table(
            index=["trust_type", "trust_code"], columns="metric_id", values="value", aggfunc="first"
        )
        if rules.average_id in wide and rules.unadjusted_segment_id in wide:
            steps = np.concatenate([own_steps, to_steps(wide[rules.average_id].to_numpy(), d)])
            seg = np.concatenate(
                [own_unadjusted, wide[rules.unadjusted_segment_id].to_numpy(dtype=float)]
            )
            types = sorted({trust_type, *wide.index.get_level_values("trust_type")})
            lo_all, hi_all = _brackets(steps, seg, n)
            if _is_consistent(lo_all, hi_all):
                lower, upper = lo_all, hi_all
                source = "pooled across " + ", ".join(types)
            else:
                notes.append(
                    f"segment cut-points of {', '.join(t for t in types if t != trust_type)} "
                    f"disagree with {trust_type} in {quarter}; using {trust_type} alone"
                )
    consistent = _is_consistent(lower, upper)
    if not consistent:
        notes.append(
            "the release's unadjusted segments overlap in average score, so re-segmenting cannot "
            "reproduce all of them"
        )
    if np.isnan(lower).all() and np.isnan(upper).all():
        raise InputError(
            SOURCE,
            f"{trust_type} {quarter}: no published segments to read the cut-points from",
            expected=f"{rules.unadjusted_segment_id} (unadjusted segment) values",
        )
    doubled = np.where(
        np.isnan(lower),
        2 * upper - 1,
        np.where(np.isnan(upper), 2 * lower + 1, lower + upper),
    )
    scale = 10.0**d
    return CutPoints(
        cut=doubled / (2 * scale),
        lower=lower / scale,
        upper=upper / scale,
        doubled=doubled,
        source=f"release ({source})",
        consistent=consistent,
        decimals=d,
    )


def _fixed_cut_points(rules: RuleSet) -> CutPoints:
    d = rules.score_decimals
    cut = np.asarray(rules.cut_points, dtype=float)
    nan = np.full_like(cut, np.nan)
    return CutPoints(
        cut=cut,
        lower=nan,
        upper=nan,
        doubled=2 * cut * 10.0**d,
        source="fixed thresholds",
        consistent=True,
        decimals=d,
    )


# ---------------------------------------------------------------- prepared release


@dataclass(frozen=True, eq=False)
class Prepared:
    """One (quarter, trust type) ready for fast re-weighting. Arrays are read-only; rows are trusts
    sorted by code; columns of `scores`/`mask` are `item_keys`."""

    framework_year: str
    quarter: str
    quarter_index: int
    trust_type: str
    rules: RuleSet
    trusts: pd.DataFrame  # trust_code, trust_name, trust_subtype, region_label
    trust_codes: np.ndarray
    item_keys: tuple[str, ...]
    item_domains: tuple[str, ...]
    item_labels: tuple[str, ...]
    item_members: Mapping[str, tuple[str, ...]]
    domains: tuple[str, ...]
    scores: np.ndarray  # trusts x items, 0 where the trust lacks the item
    mask: np.ndarray  # trusts x items, True where present
    mask_f: np.ndarray  # mask as float, for matrix products
    n_items: np.ndarray
    recomputed: np.ndarray  # unweighted mean of items (the rules' OF5002)
    published_average: np.ndarray  # OF5002
    published_steps: np.ndarray  # OF5002 in whole hundredths
    published_unadjusted: np.ndarray  # OF5003 (inferred where absent, see notes)
    published_segment: np.ndarray  # OF5000
    published_rank: np.ndarray  # Rank on the OF5000 rows (NaN when blank)
    override_flag: np.ndarray  # OF5004 as bool
    final_segment_published: np.ndarray  # OF5005, NaN when absent
    in_support: np.ndarray  # OF5007 (or OF5005 == 5) as 0/1, NaN when the release lacks both
    has_support_rows: bool
    cut_points: CutPoints
    published_domain_scores: pd.DataFrame  # trust_code x domain (OF40xx)
    release_ids: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    excluded: tuple[str, ...] = field(default=())  # trusts with scores but no OF5000/OF5002

    @property
    def label(self) -> str:
        return f"{self.trust_type} {self.quarter}"

    @property
    def n_trusts(self) -> int:
        return len(self.trust_codes)

    @property
    def decimals(self) -> int:
        return self.rules.score_decimals

    def items_frame(self) -> pd.DataFrame:
        """One row per item: key, domain, label, members and how many trusts have it."""
        return pd.DataFrame(
            {
                "item": self.item_keys,
                "domain": self.item_domains,
                "label": self.item_labels,
                "members": [", ".join(self.item_members[k]) for k in self.item_keys],
                "n_trusts": self.mask.sum(axis=0),
            }
        )


def _check_columns(metrics: pd.DataFrame) -> None:
    if not isinstance(metrics, pd.DataFrame):
        raise InputError(
            SOURCE,
            f"got {type(metrics).__name__}",
            expected="a pandas DataFrame in schema.METRIC_COLUMNS",
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in metrics.columns]
    if missing:
        raise InputError(
            SOURCE,
            f"missing column(s) {missing}",
            expected="the tidy NOF table (schema.METRIC_COLUMNS)",
        )


def normalise_quarter(quarter: str) -> str:
    """'q1 2025-26' -> 'Q1 2025/26' where readable; otherwise the text as given."""
    from league_atlas.io.releases import parse_quarter

    return parse_quarter(quarter) or str(quarter).strip()


def quarters(metrics: pd.DataFrame, trust_type: str) -> list[str]:
    """Quarters with summary rows for a trust type, oldest first."""
    _check_columns(metrics)
    m = metrics[metrics["trust_type"] == trust_type]
    q = m[["quarter", "quarter_index"]].drop_duplicates().sort_values(["quarter_index", "quarter"])
    return q["quarter"].tolist()


def _first_texts(
    rows: pd.DataFrame, cols: tuple[str, ...], index: pd.Index
) -> dict[str, np.ndarray]:
    """First non-empty text of each column per trust (names and labels as published)."""
    out = {}
    present = [c for c in cols if c in rows]
    first = rows.groupby("trust_code")[present].first() if present else pd.DataFrame(index=index)
    for c in cols:
        v = first[c].reindex(index) if c in first else pd.Series("", index=index)
        out[c] = v.fillna("").astype(str).to_numpy()
    return out


def _modes(rows: pd.DataFrame, key: str, col: str) -> dict[str, str]:
    """Most common non-empty text of `col` per `key` (labels can vary between rows)."""
    if col not in rows or rows.empty:
        return {}
    d = pd.DataFrame({"k": rows[key].astype(str), "v": rows[col].astype(str).str.strip()})
    d = d[rows[col].notna().to_numpy() & (d["v"] != "").to_numpy()]
    n = d.groupby(["k", "v"], sort=True).size().reset_index(name="n")
    n = n.sort_values(["k", "n"], ascending=[True, False], kind="stable").drop_duplicates("k")
    return dict(zip(n["k"], n["v"], strict=True))


def _quarter_rows(
    metrics: pd.DataFrame, trust_type: str, quarter: str | None
) -> tuple[pd.DataFrame, str, str]:
    """The rows of one trust type and quarter (newest when None) and its single framework year;
    refused with the choices there are, so a wrong pick says what to pick instead."""
    of_type = metrics[metrics["trust_type"] == trust_type]
    if of_type.empty:
        have = sorted(metrics["trust_type"].dropna().unique().tolist())
        raise InputError(
            SOURCE, f"no rows for trust type {trust_type!r}", expected=f"one of {have}"
        )
    if quarter is None:
        quarter = str(of_type["quarter"].to_numpy()[np.argmax(of_type["quarter_index"].to_numpy())])
    else:
        quarter = normalise_quarter(quarter)
    sub = of_type[of_type["quarter"] == quarter]
    if sub.empty:
        raise InputError(
            SOURCE,
            f"no {trust_type} rows for quarter {quarter!r}",
            expected=f"one of {quarters(metrics, trust_type)}",
        )
    years = sub["framework_year"].dropna().unique().tolist()
    if len(years) != 1:
        raise InputError(
            SOURCE,
            f"{trust_type} {quarter}: framework years {years}",
            expected="one framework year per quarter",
        )
    return sub, str(quarter), str(years[0])


def _league_wide(
    sub: pd.DataFrame, rules: RuleSet, notes: list[str], trust_type: str, quarter: str
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """One row per trust in the league (it has the average score and segment), one column per
    metric, and the trusts left out; the adjusted segment is derived when the rules allow."""
    dup = sub.duplicated(["trust_code", "metric_id"], keep=False)
    if dup.any():
        first = sub[dup].iloc[0]
        raise InputError(
            SOURCE,
            f"{trust_type} {quarter}: {int(dup.sum())} duplicate rows, e.g. {first['trust_code']} {first['metric_id']}",
            expected="one row per trust and metric (a newer release must supersede an older one)",
        )
    wide = sub.pivot(index="trust_code", columns="metric_id", values="value").astype(float)
    avg_id, seg_id = rules.average_id, rules.segment_id
    unadj_id, flag_id = rules.unadjusted_segment_id, rules.override_flag_id
    if seg_id not in wide and unadj_id in wide and flag_id in wide:
        # The rules allow it: adjusted segment = unadjusted, floored for flagged trusts.
        wide[seg_id] = np.where(
            wide[flag_id] == 1, np.maximum(wide[unadj_id], rules.override_floor), wide[unadj_id]
        )
        notes.append(
            f"no {seg_id} (adjusted segment) rows: derived from {unadj_id} and the financial override {flag_id}"
        )
    for mid, what in ((avg_id, "average metric score"), (seg_id, "adjusted segment")):
        if mid not in wide:
            raise InputError(
                SOURCE,
                f"{trust_type} {quarter}: no {mid} ({what}) rows, so there is no league table to reproduce",
                expected=f"summary rows {avg_id} and {seg_id}",
            )
    in_league = wide[avg_id].notna() & wide[seg_id].notna()
    excluded = tuple(sorted(wide.index[~in_league]))
    if excluded:
        notes.append(
            f"{len(excluded)} trust(s) without {avg_id}/{seg_id} left out: {', '.join(excluded)}"
        )
    wide = wide[in_league].sort_index()
    return wide, excluded


def _item_groups(
    sub: pd.DataFrame,
    wide: pd.DataFrame,
    rules: RuleSet,
    notes: list[str],
    trust_type: str,
    quarter: str,
) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    """The scored items (metrics grouped by the rules' item key), each item's domain and the
    items in framework domain order; a label the framework lacks is kept as its own domain."""
    metric_ids = [m for m in wide.columns if rules.is_item_metric(str(m)) and wide[m].notna().any()]
    domain_label = _modes(sub, "metric_id", "domain")
    groups: dict[str, list[str]] = {}
    for m in sorted(metric_ids):
        groups.setdefault(rules.item_of(m), []).append(m)
    domain_of: dict[str, str] = {}
    for key, members in groups.items():
        labels = [domain_label.get(m, "") for m in members]
        canon = [rules.canonical_domain(lab) for lab in labels if lab]
        canon = [c for c in canon if c]
        if canon:
            domain_of[key] = max(set(canon), key=canon.count)
        else:
            fallback = next((lab for lab in labels if lab), "") or "Unassigned"
            domain_of[key] = fallback
            notes.append(
                f"item {key}: domain label {fallback!r} is not a {rules.framework_year} domain; kept as its own domain"
            )
    order = {d: i for i, d in enumerate(rules.domains)}
    keys = sorted(
        groups, key=lambda k: (order.get(domain_of[k], len(order)), domain_of[k], groups[k][0])
    )
    if not keys:
        raise InputError(
            SOURCE,
            f"{trust_type} {quarter}: no metric-score rows",
            expected=f"ids matching {rules.item_pattern}",
        )
    return groups, domain_of, keys


def _item_matrix(wide: pd.DataFrame, groups: dict[str, list[str]], keys: list[str]) -> np.ndarray:
    """Trusts x items; an item of several metrics is the mean of the members a trust has."""
    cols = []
    for key in keys:
        members = groups[key]
        block = wide[members].to_numpy(dtype=float)
        if len(members) == 1:
            cols.append(block[:, 0])
        else:  # mean of the members the trust has (NaN when it has none)
            have = (~np.isnan(block)).sum(axis=1)
            total = np.nansum(block, axis=1)
            cols.append(np.where(have > 0, total / np.maximum(have, 1), np.nan))
    matrix = np.column_stack(cols) if len(cols) > 1 else cols[0][:, None]
    return matrix


def _item_labels(sub: pd.DataFrame, groups: dict[str, list[str]], keys: list[str]) -> list[str]:
    """A reader's label per item: the release's description, or the members it averages."""
    desc = _modes(sub, "metric_id", "description")
    item_labels = []
    for key in keys:
        members = groups[key]
        if len(members) > 1 or key != members[0]:
            item_labels.append(f"{key.capitalize()} (mean of {', '.join(members)})")
        else:
            item_labels.append(desc.get(key, "") or key)
    return item_labels


def _published_domain_scores(sub: pd.DataFrame, rules: RuleSet, codes: pd.Index) -> pd.DataFrame:
    """The release's own domain scores per trust (by canonical domain), to compare against."""
    dom_rows = sub[sub["metric_id"].astype(str).str.match(rules.domain_score_pattern)]
    dom_scores = pd.DataFrame(index=codes)
    if not dom_rows.empty and "domain" in dom_rows:
        dom_wide = dom_rows.pivot(index="trust_code", columns="metric_id", values="value")
        for mid, label in _modes(dom_rows, "metric_id", "domain").items():
            canon = rules.canonical_domain(label) or label
            dom_scores[canon] = dom_wide[mid].reindex(codes).to_numpy(dtype=float)
    dom_scores.index.name = "trust_code"
    return dom_scores


def _published_summary(
    sub: pd.DataFrame, wide: pd.DataFrame, rules: RuleSet, notes: list[str]
) -> tuple:
    """The release's own summary values per trust (average, segments, override, rank, support);
    a missing override flag or unadjusted segment is inferred and the inference noted."""
    codes = wide.index
    seg_id = rules.segment_id

    def col(mid: str) -> np.ndarray:
        return wide[mid].to_numpy(dtype=float) if mid in wide else np.full(len(codes), np.nan)

    avg = col(rules.average_id)
    seg = col(seg_id)
    unadj = col(rules.unadjusted_segment_id)
    flag = col(rules.override_flag_id)
    if np.isnan(flag).any():
        inferred = ~np.isnan(unadj) & (unadj < seg)
        flag = np.where(np.isnan(flag), inferred.astype(float), flag)
        notes.append(
            f"{rules.override_flag_id} (financial override) missing for some trusts; inferred from {rules.unadjusted_segment_id} < {seg_id}"
        )
    if np.isnan(unadj).any():
        unadj = np.where(np.isnan(unadj) & (flag == 0), seg, unadj)
        notes.append(
            f"{rules.unadjusted_segment_id} (unadjusted segment) missing for some trusts; taken from {seg_id} where not overridden"
        )
    rank_rows = sub[sub["metric_id"] == seg_id].set_index("trust_code")
    pub_rank = (
        rank_rows["rank"].reindex(codes).to_numpy(dtype=float)
        if "rank" in rank_rows
        else np.full(len(codes), np.nan)
    )
    final_pub = col(rules.final_segment_id)
    support = col(rules.support_flag_id)
    support = np.where(
        np.isnan(support) & ~np.isnan(final_pub),
        (final_pub == rules.support_segment).astype(float),
        support,
    )
    has_support = bool((~np.isnan(support)).any())
    if not has_support:
        notes.append(
            f"no {rules.support_flag_id}/{rules.final_segment_id} rows: segment 5 (Recovery Support Programme) unknown"
        )

    return avg, seg, unadj, flag, pub_rank, final_pub, support, has_support


def prepare(
    metrics: pd.DataFrame,
    trust_type: str,
    quarter: str | None = None,
    rules: RuleSet | None = None,
) -> Prepared:
    """Build the dense matrices and official values for one trust type and quarter.

    `metrics` is the tidy NOF table (schema.METRIC_COLUMNS) of any number of releases; the newest
    quarter is used when `quarter` is None. `rules` defaults to the rule set of the quarter's
    framework year. Raises InputError when the table cannot give a league table.
    """
    _check_columns(metrics)
    sub, quarter, framework_year = _quarter_rows(metrics, trust_type, quarter)
    rules = rules or rules_or_provisional(framework_year)
    notes: list[str] = [rules.provisional_notice()] if rules.provisional else []

    wide, excluded = _league_wide(sub, rules, notes, trust_type, quarter)
    avg_id, seg_id = rules.average_id, rules.segment_id
    codes = wide.index
    if len(codes) == 0:
        raise InputError(SOURCE, f"{trust_type} {quarter}: no trust has both {avg_id} and {seg_id}")

    # ---- items
    groups, domain_of, keys = _item_groups(sub, wide, rules, notes, trust_type, quarter)
    matrix = _item_matrix(wide, groups, keys)
    mask = ~np.isnan(matrix)
    scores = np.where(mask, matrix, 0.0)
    mask_f = mask.astype(float)
    n_items = mask.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        recomputed = scores.sum(axis=1) / n_items
    recomputed = np.where(n_items > 0, recomputed, np.nan)
    if (n_items == 0).any():
        notes.append(
            f"{int((n_items == 0).sum())} trust(s) have no metric scores; their published score is kept"
        )
    item_labels = _item_labels(sub, groups, keys)
    item_domains = tuple(domain_of[k] for k in keys)
    domains = tuple(dict.fromkeys(item_domains))

    # ---- published summary values
    avg, seg, unadj, flag, pub_rank, final_pub, support, has_support = _published_summary(
        sub, wide, rules, notes
    )

    # ---- cut-points
    if rules.cut_points is None:
        quarter_rows = metrics[metrics["quarter"] == quarter]
        cuts = _cut_points_from_release(
            quarter_rows, trust_type, rules, notes, to_steps(avg, rules.score_decimals), unadj
        )
    else:
        cuts = _fixed_cut_points(rules)

    # ---- published domain scores
    dom_scores = _published_domain_scores(sub, rules, codes)

    trusts = pd.DataFrame(
        {
            "trust_code": codes.to_numpy(),
            **_first_texts(sub, ("trust_name", "trust_subtype", "region_label"), codes),
        }
    )
    release_ids = (
        tuple(sorted(sub["release_id"].dropna().astype(str).unique()))
        if "release_id" in sub
        else ()
    )

    arrays = dict(
        scores=scores,
        mask=mask,
        mask_f=mask_f,
        n_items=n_items,
        recomputed=recomputed,
        published_average=avg,
        published_steps=to_steps(avg, rules.score_decimals),
        published_unadjusted=unadj,
        published_segment=seg,
        published_rank=pub_rank,
        override_flag=flag == 1,
        final_segment_published=final_pub,
        in_support=support,
    )
    for a in arrays.values():
        a.setflags(write=False)
    return Prepared(
        framework_year=framework_year,
        quarter=str(quarter),
        quarter_index=int(sub["quarter_index"].iloc[0]),
        trust_type=trust_type,
        rules=rules,
        trusts=trusts,
        trust_codes=codes.to_numpy(),
        item_keys=tuple(keys),
        item_domains=item_domains,
        item_labels=tuple(item_labels),
        item_members={k: tuple(groups[k]) for k in keys},
        domains=domains,
        cut_points=cuts,
        published_domain_scores=dom_scores,
        release_ids=release_ids,
        has_support_rows=has_support,
        notes=tuple(notes),
        excluded=excluded,
        **arrays,
    )

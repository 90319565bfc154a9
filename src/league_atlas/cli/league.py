"""`league`: the league table of one trust type and quarter, optionally re-weighted, with rank
uncertainty. Official weights (the default) print the published table exactly."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from league_atlas import config
from league_atlas.cli._common import (
    add_data_dir,
    add_format,
    add_method_options,
    add_view,
    add_weights_file,
    emit,
    load_store,
)
from league_atlas.scoring import engine, likely_range, preparation, uncertainty
from league_atlas.scoring.weights import Weights

BASE_COLUMNS = [
    "rank",
    "trust_code",
    "trust_name",
    "average_score",
    "segment",
    "final_segment",
    "official_rank",
    "official_segment",
    "official_average_score",
    "rank_change",
    "segment_change",
    "financial_override",
    "drivers",
]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "league",
        help="league table for one trust type and quarter (re-weighted with --weights)",
        description="One row per trust, in league order. Official weights reproduce NHS England's table.",
    )
    add_view(p)
    add_weights_file(p)
    p.add_argument(
        "--uncertainty",
        type=int,
        default=0,
        metavar="N",
        help="add rank intervals from N Monte Carlo draws of the weights",
    )
    p.add_argument(
        "--spread",
        type=float,
        default=uncertainty.DEFAULT_SPREAD,
        help="weight spread for --uncertainty: coefficient of variation of an average item (default 0.25)",
    )
    p.add_argument(
        "--concentration",
        type=float,
        default=None,
        help="Dirichlet concentration (overrides --spread)",
    )
    p.add_argument(
        "--likely-range",
        action="store_true",
        help="add NHS England's likely ranges (95%%), reproduced by the bootstrap over each trust's "
        "metric scores: score_low, score_high, rank_low, rank_high (under the current weights)",
    )
    p.add_argument(
        "--draws",
        type=int,
        default=likely_range.DEFAULT_DRAWS,
        help=f"bootstrap draws for --likely-range (default {likely_range.DEFAULT_DRAWS:,})",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="random seed for --uncertainty and --likely-range"
    )
    add_method_options(p)
    add_format(p)
    add_data_dir(p)
    p.set_defaults(func=run)


def build_table(
    metrics: pd.DataFrame,
    trust_type: str,
    *,
    quarter: str | None = None,
    weights: Weights | None = None,
    n_draws: int = 0,
    spread: float = uncertainty.DEFAULT_SPREAD,
    concentration: float | None = None,
    seed: int = 0,
    segment_method: preparation.SegmentMethod = "release",
    financial_override: bool = True,
    league_files: pd.DataFrame | None = None,
    likely_draws: int = 0,
) -> tuple[pd.DataFrame, preparation.Prepared]:
    """The table the command prints (also usable from the app or a notebook)."""
    prepared = preparation.prepare(metrics, trust_type, quarter)
    if weights is not None:
        weights = weights.validate(prepared)
    opts = dict(segment_method=segment_method, financial_override=financial_override)
    table = engine.reweight(prepared, weights, **opts)[BASE_COLUMNS]
    if n_draws:
        ri = uncertainty.rank_intervals(
            prepared,
            weights,
            n_draws,
            spread=spread,
            concentration=concentration,
            seed=seed,
            league_files=league_files,
            **opts,
        )
        keep = [
            c
            for c in ri.columns
            if c.startswith(("rank_p", "rank_median", "p_segment_", "published_"))
        ]
        table = table.merge(
            ri[["trust_code", "mean_abs_rank_shift", *keep]], on="trust_code", how="left"
        )
        table.attrs.update(ri.attrs)
    if likely_draws:
        lr = likely_range.likely_ranges(
            prepared, weights, likely_draws, seed=seed, league_files=league_files, **opts
        )
        pub = [
            c
            for c in lr.columns
            if c.startswith("published_") and c not in table.columns and lr[c].notna().any()
        ]
        table = table.merge(
            lr[["trust_code", *likely_range.RANGE_COLUMNS, *pub]], on="trust_code", how="left"
        )
        table.attrs["likely_range"] = {
            **lr.attrs,
            **likely_range.width_summary(lr),
            **likely_range.compare_with_published(lr),
        }
    table = table.sort_values(["rank", "trust_code"], kind="stable", na_position="last")
    return table.reset_index(drop=True), prepared


def run(args: argparse.Namespace) -> int:
    if args.uncertainty < 0:
        print("error: --uncertainty N needs N >= 0", file=sys.stderr)
        return 2
    store = load_store(config.data_dir(args.data_dir))
    if args.likely_range and not 1 <= args.draws <= likely_range.MAX_DRAWS:
        print(f"error: --draws N needs 1 <= N <= {likely_range.MAX_DRAWS:,}", file=sys.stderr)
        return 2
    wants_ranges = args.uncertainty or args.likely_range
    league_files = getattr(store, "league_files", None) if wants_ranges else None
    weights = Weights.from_json(args.weights) if args.weights else None
    table, prepared = build_table(
        store.metrics,
        args.trust_type,
        quarter=args.quarter,
        weights=weights,
        n_draws=args.uncertainty,
        spread=args.spread,
        concentration=args.concentration,
        seed=args.seed,
        segment_method=args.segments,
        financial_override=not args.no_financial_override,
        league_files=league_files,
        likely_draws=args.draws if args.likely_range else 0,
    )
    scenario = (
        "official weights"
        if weights is None or weights.is_official_for(prepared)
        else "re-weighted"
    )
    msg = f"{prepared.label}: {prepared.n_trusts} trusts, {scenario}; cut-points {prepared.cut_points.describe()}"
    if args.uncertainty:
        a = table.attrs
        msg += (
            f"; {a['n_draws']} draws, concentration {a['concentration']:.1f} (spread {a['spread']:.2f}),"
            f" average absolute rank shift {a['mean_abs_rank_shift']:.2f}"
        )
    if args.likely_range:
        lr = table.attrs["likely_range"]
        msg += (
            f"; likely ranges ({lr['level']:.0%}) from {lr['n_draws']:,} bootstrap draws (seed {lr['seed']}):"
            f" rank range median {lr['rank_width_median']:.0f} places"
            f" (narrowest {lr['rank_width_min']:.0f}, widest {lr['rank_width_max']:.0f}),"
            f" score half-width median {lr['score_half_width_median']:.2f}"
        )
        if lr.get("trusts_compared"):
            msg += (
                f"; against NHS England's published ranges ({lr['trusts_compared']} trusts):"
                f" rank ends within 2 places for {lr['rank_ends_within_2']:.0%}"
            )
            if "score_ends_within_0_03" in lr:
                msg += f", score ends within 0.03 for {lr['score_ends_within_0_03']:.0%}"
    print(msg, file=sys.stderr)
    for note in prepared.notes:
        print(f"note: {note}", file=sys.stderr)
    emit(table, args.format)
    return 0

"""`regions`: regional disparities of one trust type and quarter, optionally re-weighted.

stdout: one row per area (NHS region by default, or any boundary layer: --geography ID) with the
number of trusts, the segment mix, mean / median / SD of the average score and the mean rank
change under the weights; trusts with no area are counted in a "Not located" row, so `trusts`
adds up to the trusts in the release. stderr: the headline figures as sentences (London and South
East against the rest with a bootstrap CI, the share of score variance between areas, and score
against distance to central London). With --summary the headline figures are printed to stdout
as a table instead of the per-area rows.
"""

from __future__ import annotations

import argparse
import sys

from league_atlas import config
from league_atlas.analysis import disparities
from league_atlas.cli._common import (
    add_data_dir,
    add_format,
    add_method_options,
    add_view,
    add_weights_file,
    emit,
    load_store,
)
from league_atlas.places import registry
from league_atlas.scoring import preparation
from league_atlas.scoring.weights import Weights
from league_atlas.views import explorer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "regions",
        help="regional disparities: per-area counts and scores, London+SE vs rest, variance share",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_view(p)
    add_weights_file(p)
    p.add_argument(
        "--geography",
        default="region",
        metavar="ID",
        help="areas: any boundary layer of the store, by trust field or layer id: region (NHS "
        "region of record, NHS England's own, default; located_region, the region containing the trust's location), icb23, icb26, lad, sicbl23, utla23, cauth23, or one added with "
        "add-boundaries",
    )
    p.add_argument(
        "--summary",
        action="store_true",
        help="print the headline figures (with CIs and methods) to stdout instead of the areas",
    )
    p.add_argument(
        "--n-resamples",
        type=int,
        default=disparities.N_RESAMPLES,
        help=f"bootstrap resamples for the London+SE CI (default {disparities.N_RESAMPLES})",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=disparities.SEED,
        help=f"bootstrap random seed (default {disparities.SEED})",
    )
    add_method_options(p)
    add_format(p)
    add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.n_resamples < 100:
        print("error: --n-resamples needs at least 100", file=sys.stderr)
        return 2
    store = load_store(config.data_dir(args.data_dir))
    layer = registry.resolve_geography(args.geography, store.layers())
    prepared = preparation.prepare(store.metrics, args.trust_type, args.quarter)
    weights = Weights.from_json(args.weights).validate(prepared) if args.weights else None
    view = explorer.league_view(
        prepared,
        store.trusts,
        weights,
        financial_override=not args.no_financial_override,
        segment_method=args.segments,
    )
    report = disparities.disparity_report(
        view,
        store.context_table(),
        layer.trust_field,
        n_resamples=args.n_resamples,
        seed=args.seed,
        area_label=layer.area_name,
    )
    scenario = (
        "official weights"
        if weights is None or weights.is_official_for(prepared)
        else "re-weighted (not the official NOF table)"
    )
    print(
        f"{prepared.label}: {len(view)} trusts in {len(report.table)} rows "
        f"({layer.area_name}), {scenario}",
        file=sys.stderr,
    )
    if prepared.rules.provisional:
        print(f"notice: {prepared.rules.provisional_notice()}", file=sys.stderr)
    for line in report.lines():
        print(line, file=sys.stderr)
    out = report.summary() if args.summary else report.table
    emit(out.round(6), args.format)
    return 0

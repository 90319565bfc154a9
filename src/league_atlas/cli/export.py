"""`export pptx|png|csv`: the app's export buttons from the command line, for the slides someone
builds every quarter. The files are those the map page's buttons make for the same view."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from league_atlas import config
from league_atlas.cli._common import (
    add_data_dir,
    add_method_options,
    add_view,
    add_weights_file,
    load_store,
)
from league_atlas.io import atomic
from league_atlas.scoring.weights import Weights

KINDS = ("pptx", "png", "csv")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the map PNG, table CSV or PowerPoint deck of a view (as the app's buttons)",
        description="The export the app's map page makes for the same trust type, quarter, "
        "focus and weights: a 16:10 map PNG, the table behind the map as CSV, or a deck.",
    )
    p.add_argument("kind", choices=KINDS)
    add_view(p, trust_type_default="acute")
    p.add_argument(
        "--focus",
        default=None,
        metavar="LEVEL:CODE",
        help="an area: region:E40000006, icb23:E54000036 or icb26:CODE (a name works too); "
        "default all England",
    )
    add_weights_file(p)
    add_method_options(p)
    p.add_argument("--out", required=True, metavar="FILE", help="where to write the file")
    add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from league_atlas.render import board_pack

    out = Path(args.out)
    if out.suffix.lower() != f".{args.kind}":
        print(
            f"note: writing {args.kind} to {out} (its name does not end in .{args.kind})",
            file=sys.stderr,
        )
    store = load_store(config.data_dir(args.data_dir))
    pack = board_pack.board_pack(
        store,
        trust_type=args.trust_type,
        quarter=args.quarter,
        focus=board_pack.focus_from_text(args.focus, store),
        weights=Weights.from_json(args.weights) if args.weights else None,
        financial_override=not args.no_financial_override,
        segment_method=args.segments,
    )
    data = pack.export(args.kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(out, data)
    print(f"{out}: {pack.title} ({len(data):,} bytes)", file=sys.stderr)
    return 0

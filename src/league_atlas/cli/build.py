"""`build`: fetch what is missing and publish a new prepared store atomically."""

from __future__ import annotations

import argparse
import sys

from league_atlas import config
from league_atlas.cli._common import add_data_dir, add_mirror
from league_atlas.store import writer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="fetch missing sources and build the prepared store")
    add_mirror(p)
    add_data_dir(p)
    p.add_argument(
        "--if-stale", action="store_true", help="do nothing when the store is up to date"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data_dir = config.data_dir(args.data_dir)
    if args.if_stale:
        stale, why = writer.is_stale(data_dir)
        if not stale:
            print(f"store at {config.store_dir(data_dir)}: {why}", file=sys.stderr)
            return 0
        print(f"building: {why}", file=sys.stderr)
    result = writer.build(data_dir, config.default_mirror(args.mirror))
    print("\n".join(result.report), file=sys.stderr)
    return 0

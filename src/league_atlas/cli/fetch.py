"""`fetch`: copy every source from a mirror (or download it) into DATA_DIR/raw/."""

from __future__ import annotations

import argparse
import sys

from league_atlas import config
from league_atlas.cli._common import add_data_dir, add_mirror
from league_atlas.io import fetch as fetching


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fetch", help="fetch all sources into DATA_DIR/raw/")
    add_mirror(p)
    add_data_dir(p)
    p.add_argument("--only", nargs="*", help="fetch only these source ids")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data_dir = config.data_dir(args.data_dir)
    mirror = config.default_mirror(args.mirror)
    results = fetching.fetch_all(data_dir, mirror, only=args.only)
    missing = fetching.missing_required(results)
    ok = sum(r.status != "failed" for r in results)
    print(f"fetched {ok}/{len(results)} sources into {config.raw_dir(data_dir)}", file=sys.stderr)
    if missing:
        print(f"error: required sources missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0

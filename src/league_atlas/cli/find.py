"""`find TEXT`: the trusts a name, ODS code, town or hospital points to, best first.

The same search as every search box in the app (league_atlas.views.search).
"""

from __future__ import annotations

import argparse
import sys

from league_atlas import config
from league_atlas.cli._common import add_data_dir, emit, load_store
from league_atlas.views import search


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "find",
        help="find trusts by name, ODS code, town or hospital site (best first)",
        description="One row per trust, best match first: trust_code, trust_name, trust_type, "
        "town (headquarters), matched (what matched) and score.",
    )
    p.add_argument("text", help='what to look for, e.g. "Liverpool", "RBT", "Leighton Hospital"')
    p.add_argument("--format", choices=["csv", "json", "table"], default="table")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N rows")
    add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = load_store(config.data_dir(args.data_dir))
    found = search.find_trusts(args.text, search.build_index(store), limit=args.limit)
    if found.empty:
        print(f"no trust matches {args.text!r}", file=sys.stderr)
    emit(found, args.format)
    return 0 if len(found) else 1

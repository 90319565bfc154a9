"""`add-release FILE`: validate a new NOF release and merge it into the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from league_atlas import config
from league_atlas.cli._common import add_data_dir
from league_atlas.store import writer
from league_atlas.views import release_checks


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "add-release", help="validate a new NOF release file and merge it into the store"
    )
    p.add_argument("file", type=Path, help="NOF metric-data or league-table CSV")
    p.add_argument(
        "--quarter", help="quarter such as 'Q2 2025/26', used only when the file does not say"
    )
    p.add_argument(
        "--trust-type", help="override the file's Trust_type labels (acute, non-acute, ambulance)"
    )
    add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data_dir = config.data_dir(args.data_dir)
    before = release_checks.metric_ids_before(data_dir)
    info, result = writer.add_release(
        data_dir, args.file, quarter=args.quarter, trust_type=args.trust_type
    )
    if result.unchanged:
        print(f"{info.file}: {result.report[0]}", file=sys.stderr)
        return 0
    supplies = next(
        (r["supplies"] for r in result.manifest["releases"] if r["sha256"] == info.sha256), ""
    )
    print(
        f"added {info.file} ({info.kind}, sha256 {info.sha256[:12]}): {info.rows} rows, {info.trusts} trusts, "
        f"{', '.join(info.quarters)} {', '.join(info.trust_types)}; now supplies: {supplies or 'nothing'}",
        file=sys.stderr,
    )
    for note in info.notes:
        print(f"note: {note}", file=sys.stderr)
    for line in release_checks.check_lines(data_dir, info, before):
        print(line, file=sys.stderr)
    return 0

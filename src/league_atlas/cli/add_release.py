"""`add-release FILE`: validate a new NOF release and merge it into the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from league_atlas import config
from league_atlas.cli._common import add_data_dir
from league_atlas.errors import LeagueAtlasError
from league_atlas.scoring import recompute
from league_atlas.store import reader, writer


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
    before = _metric_ids_before(data_dir)
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
    for line in release_checks(data_dir, info, before):
        print(line, file=sys.stderr)
    return 0


def _metric_ids_before(data_dir) -> pd.DataFrame:
    try:
        return reader.open_store(data_dir).metrics[["trust_type", "metric_id"]].drop_duplicates()
    except LeagueAtlasError:
        return pd.DataFrame(columns=["trust_type", "metric_id"])


def release_checks(data_dir, info, before: pd.DataFrame) -> list[str]:
    """The add-release summary's checks: new metric ids (and whether they enter the composite),
    then the recompute-and-compare result for each quarter and trust type the file supplies."""
    store = reader.open_store(data_dir)
    mine = store.metrics[store.metrics["release_id"] == info.release_id]
    lines = []
    for trust_type, mid, item, desc in recompute.new_metric_ids(before, mine):
        what = "enters the composite score" if item else "does not enter the composite score"
        lines.append(f"new metric id {mid} ({trust_type}): {what}" + (f" - {desc}" if desc else ""))
    for s in store.manifest.get("recompute", []):
        mine_ = s["quarter"] in info.quarters and s["trust_type"] in info.trust_types
        if mine_ and s["rules_provisional"]:
            lines.append(
                f"notice: no re-weighting rules for framework year {s['framework_year']} yet; "
                "published values are shown as released"
            )
    prefixes = tuple(
        f"{kind} {t} {q}:"
        for kind in ("recompute", "disagreement")
        for t in info.trust_types
        for q in info.quarters
    )
    lines += [
        line.strip()
        for line in store.manifest.get("report", [])
        if line.strip().startswith(prefixes)
    ]
    return lines

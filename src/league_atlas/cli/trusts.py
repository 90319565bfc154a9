"""`trusts`: one row per trust with its type, location, region, ICBs and local authority."""

from __future__ import annotations

import argparse

from league_atlas import config
from league_atlas.cli._common import add_data_dir, add_format, emit
from league_atlas.places import locate
from league_atlas.schema import TRUST_COLUMNS
from league_atlas.store import reader


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("trusts", help="list trusts with location, region, ICBs and LAD")
    add_format(p)
    p.add_argument("--all-columns", action="store_true", help="include the ODS check columns")
    add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    trusts = reader.open_store(config.data_dir(args.data_dir)).trusts
    cols = (
        list(trusts.columns)
        if args.all_columns
        else [c for c in TRUST_COLUMNS if c in trusts.columns]
        # ... and the area of every other boundary layer (sub-ICB, upper-tier LA, added layers).
        + [
            f"{f}_{part}"
            for f in locate.area_fields(trusts)
            for part in ("code", "name")
            if f"{f}_code" not in TRUST_COLUMNS
        ]
    )
    emit(trusts[cols].sort_values("trust_code"), args.format)
    return 0

"""`proxies`: staff-attraction and area context proxies, one row per trust, with the attraction index.

The trusts are those of --trust-type in the chosen (default: newest) quarter of the NOF metrics.
Values come from the store's context stage; --join location (or a store without context) rebuilds
them from the raw sources. The index is re-standardised over the trusts listed, so it compares a
trust with its peers of the same type.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from league_atlas import config
from league_atlas.cli._common import (
    add_data_dir,
    add_format,
    add_view,
    emit,
    load_store,
)
from league_atlas.context import proxies
from league_atlas.errors import LeagueAtlasError, StoreMissingError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "proxies",
        help="staff-attraction and area context proxies per trust, with the attraction index",
        description=(
            "One row per trust of a type in a quarter: each proxy (see --metadata for sources, periods, "
            "directions and joins) and the staff-attraction index."
        ),
    )
    add_view(p)
    p.add_argument(
        "--join",
        choices=proxies.JOINS,
        default=None,
        help="area values by admission catchment (default, as stored) or by the trust location's LAD",
    )
    p.add_argument(
        "--weights",
        default=None,
        metavar="KEY=W,...",
        help="index weights, e.g. 'recommend_place_to_work=2,leaver_rate=1' (default: "
        + ", ".join(f"{k}={w:g}" for k, w in proxies.DEFAULT_WEIGHTS.items())
        + ")",
    )
    p.add_argument(
        "--min-present",
        type=int,
        default=proxies.DEFAULT_MIN_PRESENT,
        help=f"index needs at least this many chosen proxies present (default {proxies.DEFAULT_MIN_PRESENT})",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--coverage", action="store_true", help="print per-proxy coverage instead")
    out.add_argument(
        "--metadata",
        action="store_true",
        help="print the proxy registry instead (with periods read and coverage when a store exists)",
    )
    add_format(p)
    add_data_dir(p)
    p.set_defaults(func=run)


def parse_weights(text: str | None) -> dict[str, float] | None:
    """'a=1,b=2' -> {'a': 1.0, 'b': 2.0}; None keeps the default weights."""
    if text is None:
        return None
    out: dict[str, float] = {}
    for part in filter(None, (s.strip() for s in text.split(","))):
        key, sep, value = part.partition("=")
        try:
            out[key.strip()] = float(value) if sep else float("nan")
        except ValueError:
            raise LeagueAtlasError(f"--weights: {part!r} is not KEY=NUMBER") from None
        if not sep:
            raise LeagueAtlasError(f"--weights: {part!r} is not KEY=NUMBER")
    return out


def select_trusts(
    metrics: pd.DataFrame, trust_type: str, quarter: str | None
) -> tuple[pd.DataFrame, str]:
    """Trusts (code, name) of a type in a quarter (default: the type's newest quarter)."""
    m = metrics[metrics["trust_type"] == trust_type]
    if m.empty:
        have = sorted(metrics["trust_type"].unique())
        raise LeagueAtlasError(
            f"no {trust_type} trusts in the store; trust types: {', '.join(have) or 'none'}"
        )
    order = m.drop_duplicates("quarter").sort_values("quarter_index")["quarter"].tolist()
    if quarter is None:
        quarter = order[-1]
    elif quarter not in order:
        raise LeagueAtlasError(
            f"no {trust_type} data for {quarter!r}; quarters: {', '.join(order)}"
        )
    rows = m[m["quarter"] == quarter].drop_duplicates("trust_code")
    return rows[["trust_code", "trust_name"]].sort_values("trust_code").reset_index(
        drop=True
    ), quarter


def proxies_for(
    store,
    data_dir: Path,
    trust_type: str,
    *,
    quarter: str | None = None,
    join: str | None = None,
    weights: dict[str, float] | None = None,
    min_present: int = proxies.DEFAULT_MIN_PRESENT,
) -> tuple[pd.DataFrame, str, str]:
    """(table, quarter, join): the proxies of the selected trusts with the index over them."""
    chosen, quarter = select_trusts(store.metrics, trust_type, quarter)
    table = store.context_table()
    stored_join = (table.attrs.get("join") or "catchment") if table is not None else None
    join = join or stored_join or "catchment"
    if table is None or join != stored_join:
        table = proxies.build_proxies(data_dir, store.trusts, join=join)
    periods = table.attrs.get("periods", {})
    rows = table.set_index("trust_code").reindex(chosen["trust_code"])
    rows["trust_name"] = rows["trust_name"].fillna(chosen.set_index("trust_code")["trust_name"])
    rows = rows.reset_index()
    rows[proxies.INDEX_COLUMN] = proxies.attraction_index(rows, weights, min_present)
    rows[proxies.INDEX_COUNT_COLUMN] = proxies.present_count(rows, weights)
    rows.attrs.update(periods=periods, join=join)
    return rows, quarter, join


def run(args: argparse.Namespace) -> int:
    data_dir = config.data_dir(args.data_dir)
    try:
        store = load_store(data_dir)
    except StoreMissingError:
        if not args.metadata:
            raise
        emit(proxies.proxy_table(join=args.join or "catchment"), args.format)
        return 0
    table, quarter, join = proxies_for(
        store,
        data_dir,
        args.trust_type,
        quarter=args.quarter,
        join=args.join,
        weights=parse_weights(args.weights),
        min_present=args.min_present,
    )
    print(
        f"{args.trust_type} trusts, {quarter}: {len(table)} trusts; area values joined by {join}",
        file=sys.stderr,
    )
    if args.metadata:
        cov = proxies.coverage(table, table["trust_code"])
        emit(proxies.proxy_table(table.attrs.get("periods"), join, cov), args.format)
    elif args.coverage:
        emit(proxies.coverage(table, table["trust_code"]), args.format)
    else:
        emit(table, args.format)
    return 0

"""Arguments and output helpers shared by several commands."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from league_atlas import config


def add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        default=None,
        help=f"data folder (default: ${config.DATA_DIR_ENV}, else ./data)",
    )


def add_mirror(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mirror",
        default=None,
        help=f"local mirror folder (default: ${config.MIRROR_ENV}, else ../shared/data if present)",
    )


def add_view(p: argparse.ArgumentParser, *, trust_type_default: str | None = None) -> None:
    """--trust-type and --quarter: which league a command reads (required type unless defaulted)."""
    from league_atlas.schema import TRUST_TYPES

    if trust_type_default is None:
        p.add_argument("--trust-type", required=True, choices=TRUST_TYPES)
    else:
        p.add_argument("--trust-type", default=trust_type_default, choices=TRUST_TYPES)
    p.add_argument("--quarter", default=None, help="e.g. 'Q1 2025/26' (default: the newest)")


def add_weights_file(p: argparse.ArgumentParser) -> None:
    """--weights FILE.json, the scenario format the app saves."""
    p.add_argument(
        "--weights",
        default=None,
        metavar="FILE.json",
        help='weight scenario {"domains": {name: w}, "metrics": {item: w}} (default: official)',
    )


def add_format(p: argparse.ArgumentParser, default: str = "csv") -> None:
    p.add_argument("--format", choices=["csv", "json", "table"], default=default)


def add_method_options(p: argparse.ArgumentParser) -> None:
    """--segments and --no-financial-override, as the scoring engine takes them."""
    from league_atlas.scoring import preparation

    p.add_argument(
        "--segments",
        choices=preparation.SEGMENT_METHODS,
        default="release",
        help="cut-points: the release's own (default) or quartiles within the trust type",
    )
    p.add_argument(
        "--no-financial-override",
        action="store_true",
        help="do not hold trusts in financial deficit at segment 3 or below",
    )


def load_store(data_dir):
    """The prepared store (league_atlas.store.reader.open_store); commands call it through their own
    module attribute so tests can monkeypatch one command's loader."""
    from league_atlas.store.reader import open_store

    return open_store(data_dir)


def emit(df: pd.DataFrame, fmt: str, out=None) -> None:
    """Write a table to stdout as CSV, JSON records or an aligned text table."""
    out = out or sys.stdout
    if fmt == "csv":
        df.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        out.write(json.dumps(json.loads(df.to_json(orient="records")), indent=2) + "\n")
    else:
        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200
        ):
            out.write(df.to_string(index=False) + "\n")

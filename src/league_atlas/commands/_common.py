"""Arguments and output helpers shared by several commands."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from league_atlas import paths


def add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        default=None,
        help=f"data folder (default: ${paths.DATA_DIR_ENV}, else ./data)",
    )


def add_mirror(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mirror",
        default=None,
        help=f"local mirror folder (default: ${paths.MIRROR_ENV}, else ../shared/data if present)",
    )


def add_format(p: argparse.ArgumentParser, default: str = "csv") -> None:
    p.add_argument("--format", choices=["csv", "json", "table"], default=default)


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

"""Exports of the current view: CSV now, PNG and PowerPoint in later stages.

Every export is stamped with the release, the weights in use (and "not the official NOF table"
when they differ) and the attribution. CSV cells that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) are neutralised with a leading apostrophe
(OWASP CSV injection guidance), because trust names and descriptions come from data files.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would treat as a formula; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and header) made safe to open in a spreadsheet."""
    out = df.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


def stamp_lines(
    *, release: str, weights_note: str, attribution: str, extra: list[str] | None = None
) -> list[str]:
    """The provenance lines every export carries."""
    return [release, weights_note, *(extra or []), attribution]


def to_csv_bytes(df: pd.DataFrame, stamp: list[str] | None = None) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads the pound sign and accents), stamp as leading '#' lines.

    Read it back with `pd.read_csv(f, comment="#")`.
    """
    buf = io.StringIO()
    for line in stamp or []:
        buf.write("# " + str(line).replace("\n", " ") + "\n")
    neutralise_formulas(df).to_csv(buf, index=False, lineterminator="\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")

"""NHS sickness absence rates: the 2024/25 rate per trust from the twelve monthly files.

A year's rate is Σ FTE days lost ÷ Σ FTE days available over every month the trust reported (so a
large trust's month weighs more than a small trust's, and a trust that merged mid-year is rated on
the months it existed). The monthly published percentage is not averaged: a mean of monthly rates
would weight a short month like a long one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from league_atlas.context.tables import clean_codes, find_column, numeric, read_csv
from league_atlas.errors import InputError

COLUMNS = ["trust_code", "sickness_absence", "days_lost", "days_available", "months"]


def read_month(path: Path) -> pd.DataFrame:
    """One monthly file as (trust_code, month, days_lost, days_available)."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    code = find_column(raw.columns, file, "the organisation code", exact=["ORG_CODE"])
    lost = find_column(raw.columns, file, "FTE days lost", exact=["FTE_DAYS_LOST"])
    avail = find_column(raw.columns, file, "FTE days available", exact=["FTE_DAYS_AVAILABLE"])
    date = find_column(raw.columns, file, "the month", exact=["DATE"])
    out = pd.DataFrame(
        {
            "trust_code": clean_codes(raw[code]),
            "month": pd.to_datetime(raw[date], dayfirst=True, errors="coerce"),
            "days_lost": numeric(raw[lost]),
            "days_available": numeric(raw[avail]),
        }
    )
    if out["month"].isna().all():
        raise InputError(
            file, "no readable dates", column=str(date), expected="dates like 30/04/2024"
        )
    return out.dropna(subset=["trust_code"])


def read_sickness(paths: Sequence[Path]) -> tuple[pd.DataFrame, str]:
    """Per trust: sickness absence rate (%) over all months, and the period covered."""
    if not paths:
        raise InputError(
            "sickness_absence", "no monthly files given", expected="12 monthly CSV files"
        )
    months = pd.concat([read_month(p) for p in paths], ignore_index=True)
    months = months.dropna(subset=["days_lost", "days_available"])
    months = months[months["days_available"] > 0]
    grouped = months.groupby("trust_code")
    out = pd.DataFrame(
        {
            "days_lost": grouped["days_lost"].sum(),
            "days_available": grouped["days_available"].sum(),
            "months": grouped["month"].nunique(),
        }
    )
    out["sickness_absence"] = 100.0 * out["days_lost"] / out["days_available"]
    lo, hi = months["month"].min(), months["month"].max()
    period = f"{lo:%b %Y} to {hi:%b %Y} ({months['month'].nunique()} months)"
    return out.reset_index()[COLUMNS], period

"""ONS Explore Local Statistics indicators by local authority: median pay and housing affordability.

The ELS files share one long layout (areacd, geography, period, observation, ...); the same
reader serves qualifications (education.py). English LAD rows are chosen by code type
(E06/E07/E08/E09), not by the `geography` label, which files unitaries under 'County or Unitary
Authority'. The latest period present is used. The files are on LAD 2023 codes, equal to LAD 2024
in England; they still pass through the crosswalk so an older vintage would map, not vanish.

  median_pay              gross median weekly pay of residents (ASHE table 8), £ per week
  housing_affordability   median house price ÷ median residence-based annual earnings (a ratio,
                          although the file's `unit` column says '%')
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from league_atlas.context import lad_vintages
from league_atlas.context.tables import ENGLAND_LAD, AreaValues, find_column, numeric, read_csv
from league_atlas.errors import InputError


def read_els(path: Path, period: str | None = None) -> tuple[pd.Series, str]:
    """English LAD observations of one ELS indicator for `period` (default: the latest)."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    code = find_column(raw.columns, file, "the area code", exact=["areacd"])
    per = find_column(raw.columns, file, "the period", exact=["period"])
    obs = find_column(raw.columns, file, "the observation", exact=["observation"])
    lads = raw[raw[code].str.strip().str.match(ENGLAND_LAD.pattern, na=False)]
    if lads.empty:
        raise InputError(
            file, "no English local-authority rows", column=str(code), expected="codes E06-E09..."
        )
    chosen = period or max(lads[per].dropna().unique())
    rows = lads[lads[per] == chosen]
    if rows.empty:
        raise InputError(
            file,
            f"no rows for period {chosen!r}",
            column=str(per),
            expected=str(sorted(lads[per].unique())),
        )
    values = pd.Series(numeric(rows[obs]).to_numpy(), index=rows[code].str.strip())
    return values[~values.index.duplicated(keep="first")], str(chosen)


def _year(period: str) -> str:
    return period[:4]


def area_proxies(median_pay_csv: Path, affordability_csv: Path, weights) -> dict[str, AreaValues]:
    pay, pay_period = read_els(median_pay_csv)
    aff, aff_period = read_els(affordability_csv)
    return {
        "median_pay": AreaValues(
            lad_vintages.to_lad24(pay, weights, what="median pay"),
            f"ASHE {_year(pay_period)} ({pay_period})",
        ),
        "housing_affordability": AreaValues(
            lad_vintages.to_lad24(aff, weights, what="housing affordability"),
            f"{_year(aff_period)}",
        ),
    }

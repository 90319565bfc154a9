"""NHS workforce turnover benchmarking: a monthly leaver rate per trust (a flow proxy).

Each file gives one month's flows per organisation and staff group. The proxy is, for 'All staff
groups', leavers ÷ headcount at the start of the period, as a percentage per month, averaged over
the months available (two in the catalogued files). It is a monthly flow proxy, not the annual
turnover rate or stability index (which were not obtainable). A month without a leavers row for a
trust counts as missing, not as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from league_atlas.context.tables import clean_codes, find_column, norm, numeric, read_csv
from league_atlas.errors import InputError

ALL_STAFF = "All staff groups"
LEAVERS = "Leavers"
START = "Denominator at start of period"
COLUMNS = ["trust_code", "leaver_rate", "months"]


def read_turnover_file(path: Path, measure: str = "HC") -> pd.DataFrame:
    """Leaver rate (% per month) for 'All staff groups' per organisation and period in one file."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    code = find_column(raw.columns, file, "the organisation code", exact=["REPORTING_ORG_CODE"])
    kind = find_column(raw.columns, file, "the flow type", exact=["TYPE"])
    group = find_column(raw.columns, file, "the staff group", exact=["STAFF_GROUP_1_NAME"])
    period = find_column(raw.columns, file, "the period", exact=["PERIOD"])
    value = find_column(raw.columns, file, f"the {measure} count", exact=[measure])
    for col, label in ((group, ALL_STAFF), (kind, LEAVERS), (kind, START)):
        if norm(label) not in set(raw[col].map(norm)):
            found = sorted(raw[col].dropna().unique())[:20]
            raise InputError(
                file, f"no {label!r} rows (found {found})", column=str(col), expected=label
            )
    rows = raw[raw[group].map(norm) == norm(ALL_STAFF)]
    tidy = pd.DataFrame(
        {
            "trust_code": clean_codes(rows[code]),
            "period": rows[period].str.strip(),
            "type": rows[kind].map(norm),
            "value": numeric(rows[value]),
        }
    )
    wide = tidy.pivot_table(
        index=["trust_code", "period"], columns="type", values="value", aggfunc="sum"
    )
    wide = wide.reindex(columns=[norm(LEAVERS), norm(START)])
    rate = 100.0 * wide[norm(LEAVERS)] / wide[norm(START)].where(wide[norm(START)] > 0)
    return rate.rename("leaver_rate").reset_index()


def read_turnover(paths: Sequence[Path], measure: str = "HC") -> tuple[pd.DataFrame, str]:
    """Per trust: mean monthly leaver rate over the files' periods, and the periods covered."""
    if not paths:
        raise InputError(
            "turnover", "no turnover files given", expected="monthly turnover benchmarking CSVs"
        )
    monthly = pd.concat([read_turnover_file(p, measure) for p in paths], ignore_index=True)
    monthly = monthly.drop_duplicates(["trust_code", "period"], keep="last").dropna(
        subset=["leaver_rate"]
    )
    grouped = monthly.groupby("trust_code")["leaver_rate"]
    out = pd.DataFrame({"leaver_rate": grouped.mean(), "months": grouped.size()}).reset_index()
    periods = sorted(monthly["period"].unique())
    return out[COLUMNS], "; ".join(periods) + f" (mean of {len(periods)} monthly rates, {measure})"

"""UK Foundation Programme first-preference ratios, by NHS England region.

The UKFPO publishes, per foundation school and recruitment year, the number of programmes and the
number of applicants who ranked the school first. Schools are mapped to NHS England regions with
geo/foundation_schools.csv (schools outside England, and the pre-2023 South Thames school that
spanned two regions, have no region). A region's ratio is Σ first preferences ÷ Σ programmes over
its schools for the chosen year (the latest by default), i.e. the programme-weighted mean of the
schools' ratios. Higher = more new doctors want to train there.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from league_atlas.config import GEO_DIR
from league_atlas.context.tables import find_column, norm, numeric, read_csv
from league_atlas.errors import InputError

SCHOOLS_FILE = "foundation_schools.csv"
SCHOOL_COLUMNS = ["school", "region_code", "region_name", "area", "origin"]


def read_ukfpo(path: Path) -> pd.DataFrame:
    """Rows of (year, school, programmes, preferences)."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    year = find_column(raw.columns, file, "the recruitment year", exact=["year"])
    school = find_column(raw.columns, file, "the foundation school", exact=["school"])
    progs = find_column(raw.columns, file, "the number of programmes", exact=["programmes"])
    prefs = find_column(raw.columns, file, "the first preferences", exact=["preferences"])
    out = pd.DataFrame(
        {
            "year": numeric(raw[year]),
            "school": raw[school].str.strip(),
            "programmes": numeric(raw[progs]),
            "preferences": numeric(raw[prefs]),
        }
    ).dropna(subset=["year", "school"])
    out["year"] = out["year"].astype(int)
    return out


def read_school_regions(path: Path | None = None) -> pd.DataFrame:
    """Foundation school -> NHS region code ('' for schools without an English region)."""
    path = Path(path or GEO_DIR / SCHOOLS_FILE)
    if not path.is_file():
        raise InputError(
            str(path), "crosswalk file not found", expected=f"columns {SCHOOL_COLUMNS}"
        )
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in SCHOOL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                str(path), f"missing columns {missing}", line=1, expected=str(SCHOOL_COLUMNS)
            )
        rows = list(reader)
    for i, r in enumerate(rows, start=2):
        if not r["origin"].strip():
            raise InputError(str(path), "no origin given", line=i, column="origin")
        code = r["region_code"].strip()
        if code and not (code.startswith("E40") and len(code) == 9):
            raise InputError(
                str(path), f"{code!r} is not an NHS region code", line=i, column="region_code"
            )
    frame = pd.DataFrame(rows)[["school", "region_code", "region_name"]].apply(
        lambda s: s.str.strip()
    )
    frame["key"] = frame["school"].map(norm)
    if frame["key"].duplicated().any():
        raise InputError(str(path), "a school is listed twice", column="school")
    return frame


def region_first_preference(
    ukfpo: pd.DataFrame, schools: pd.DataFrame, year: int | None = None
) -> tuple[pd.DataFrame, int]:
    """Per NHS region: programmes, first preferences and their ratio for `year` (default: latest)."""
    year = int(year if year is not None else ukfpo["year"].max())
    rows = ukfpo[ukfpo["year"] == year].assign(key=lambda d: d["school"].map(norm))
    unknown = sorted(set(rows.loc[~rows["key"].isin(set(schools["key"])), "school"]))
    if unknown:
        raise InputError(
            f"geo/{SCHOOLS_FILE}",
            f"foundation schools of {year} not in the crosswalk: {unknown}",
            expected="a row (with its NHS region, or blank region outside England) for every school",
        )
    rows = rows.merge(schools[["key", "region_code"]], on="key")
    rows = rows[rows["region_code"] != ""]
    agg = rows.groupby("region_code")[["programmes", "preferences"]].sum()
    agg["foundation_first_preference"] = agg["preferences"] / agg["programmes"].where(
        agg["programmes"] > 0
    )
    return agg.reset_index(), year

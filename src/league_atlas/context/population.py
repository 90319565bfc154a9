"""ONS mid-2022 population estimates by local authority: density, share aged 65+, merge weights.

MYE5 gives area and population density; MYE2 (persons) gives single years of age, from which the
share aged 65 and over is summed (ages 65 to 89 plus '90+'). Columns are found by label: the
density and population columns of the latest year in the sheet, and age columns whose label is a
number or 'N+'. Geography is LAD 2023, which equals LAD 2024 in England.

The same estimates are the first population basis for merging old districts (see lad_vintages);
the 2011 Census totals of the RUC table are the second, for districts abolished before 2022.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from league_atlas.context import lad_vintages
from league_atlas.context.tables import (
    AreaValues,
    find_column,
    find_table,
    frame_from_rows,
    norm,
    numeric,
)
from league_atlas.errors import InputError

_YEAR = re.compile(r"(19|20)\d{2}")
_AGE = re.compile(r"^(\d+)(?:\.0+)?(\+)?$")


def _latest(columns, pattern: str, file: str, what: str) -> tuple[object, str]:
    """The column matching `pattern` with the latest year in its label, and that year."""
    rx = re.compile(pattern)
    hits = [
        (int(_YEAR.search(norm(c)).group(0)), c)
        for c in columns
        if rx.search(norm(c)) and _YEAR.search(norm(c))
    ]
    if not hits:
        raise InputError(
            file, f"no {what} column; columns are {[str(c) for c in columns]}", expected=pattern
        )
    year, col = max(hits, key=lambda t: t[0])
    return col, str(year)


def read_density(path: Path) -> tuple[pd.DataFrame, str]:
    """Per area code: population and people per sq. km of the latest year (MYE5)."""
    sheet, header, rows = find_table(
        path, ["code", "area (sq km)"], what="population density (MYE5)"
    )
    frame = frame_from_rows(rows, header)
    file = f"{path} [{sheet}]"
    code = find_column(frame.columns, file, "the area code", exact=["Code"])
    dens, year = _latest(frame.columns, r"people per sq\.? ?km", file, "people per sq. km")
    pop, _ = _latest(frame.columns, r"^estimated population mid-", file, "estimated population")
    out = pd.DataFrame(
        {
            "population": numeric(frame[pop]).to_numpy(),
            "population_density": numeric(frame[dens]).to_numpy(),
        },
        index=frame[code].astype(str).str.strip(),
    )
    return out[out.index.str.len() == 9], f"mid-{year}"


def read_age_share(path: Path, min_age: int = 65) -> tuple[pd.Series, str]:
    """Per area code: % of all ages aged `min_age` and over (MYE2, persons)."""

    def persons(_name: str, top: list[tuple]) -> bool:
        title = " ".join(norm(v) for v in top[0] if v is not None) if top else ""
        return "persons" in title or "persons" in norm(_name)

    sheet, header, rows = find_table(
        path, ["code", "all ages"], sheet_filter=persons, what="population by age (MYE2 persons)"
    )
    frame = frame_from_rows(rows, header)
    file = f"{path} [{sheet}]"
    code = find_column(frame.columns, file, "the area code", exact=["Code"])
    total = find_column(frame.columns, file, "all ages", exact=["All ages"])
    old = []
    for c in frame.columns:
        m = _AGE.match(norm(c))
        if m and int(m.group(1)) >= min_age:
            old.append(c)
    if not any(_AGE.match(norm(c)) and _AGE.match(norm(c)).group(2) for c in frame.columns):
        raise InputError(file, "no open-ended top age column", expected="a column like '90+'")
    if not old:
        raise InputError(
            file, f"no single-year age columns from {min_age}", expected="age labels 0 ... 90+"
        )
    older = sum(numeric(frame[c]).fillna(0) for c in old)
    share = 100.0 * older / numeric(frame[total])
    share.index = frame[code].astype(str).str.strip()
    title = norm(rows[0][0]) if rows and rows[0] else ""
    year = _YEAR.search(title)
    return share[share.index.str.len() == 9].rename(
        "share_aged_65_plus"
    ), f"mid-{year.group(0)}" if year else ""


def read_population(path: Path) -> tuple[pd.DataFrame, str]:
    """Population, density and share aged 65+ per area code, and the period (e.g. 'mid-2022')."""
    dens, period = read_density(path)
    share, _ = read_age_share(path)
    out = dens.join(share, how="outer")
    out.index.name = "area_code"
    return out, period


def area_proxies(frame: pd.DataFrame, period: str, weights) -> dict[str, AreaValues]:
    """Density and 65+ share on LAD 2024 codes (the source is LAD 2023: unchanged in England)."""
    return {
        key: AreaValues(lad_vintages.to_lad24(frame[key].dropna(), weights, what=key), period)
        for key in ("population_density", "share_aged_65_plus")
    }


def weight_bases(population: pd.DataFrame, census_2011: pd.Series) -> list[pd.Series]:
    """Population bases for merges, in order: mid-2022 estimates, then 2011 Census totals extended
    to codes created since 2011 (sum of their predecessors)."""
    return [
        population["population"].dropna(),
        lad_vintages.extend_with_successors(census_2011.dropna()),
    ]

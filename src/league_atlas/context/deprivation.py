"""English Indices of Deprivation: the IMD average score of each local authority, 2019 and 2025.

The LAD summary's 'average score' is the population-weighted mean of its LSOAs' IMD scores, so a
merged district's score is the population-weighted mean of its parts (mid-2022 populations where
the parts still exist, else 2011 Census). Higher score = more deprived. Scores of IoD2019 and
IoD2025 are not on a common scale; each is its own proxy.

  IoD2019 File 10 (xlsx, LAD 2019): the sheet whose header has 'IMD - Average score'.
  IoD2025 File 10 reshaped long (csv, LAD 2024): rows whose index_domain is 'Index of Multiple
  Deprivation', column average_score.
"""

from __future__ import annotations

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
    read_csv,
)
from league_atlas.errors import InputError

IMD2019_SCORE = "IMD - Average score"
IMD_DOMAIN = "Index of Multiple Deprivation"


def read_imd2019(path: Path) -> pd.Series:
    """IMD 2019 average score by LAD 2019 code."""
    sheet, header, rows = find_table(path, [IMD2019_SCORE], what="the IMD 2019 average score")
    frame = frame_from_rows(rows, header)
    file = f"{path} [{sheet}]"
    code = find_column(
        frame.columns, file, "the LAD code", pattern=r"^local authority district code"
    )
    score = find_column(frame.columns, file, "the IMD average score", exact=[IMD2019_SCORE])
    frame = frame.dropna(subset=[code])
    return pd.Series(
        numeric(frame[score]).to_numpy(),
        index=frame[code].astype(str).str.strip(),
        name="imd_2019_score",
    )


def read_imd2025(path: Path) -> pd.Series:
    """IMD 2025 average score by LAD 2024 code (long-format LAD summaries)."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    code = find_column(raw.columns, file, "the area code", exact=["area_code"])
    domain = find_column(raw.columns, file, "the index/domain", exact=["index_domain"])
    score = find_column(raw.columns, file, "the average score", exact=["average_score"])
    rows = raw[raw[domain].map(norm) == norm(IMD_DOMAIN)]
    if rows.empty:
        found = sorted(raw[domain].dropna().unique())
        raise InputError(
            file, f"no {IMD_DOMAIN!r} rows (found {found})", column=str(domain), expected=IMD_DOMAIN
        )
    return pd.Series(
        numeric(rows[score]).to_numpy(), index=rows[code].str.strip(), name="imd_2025_score"
    )


def area_proxies(imd2019: pd.Series, imd2025: pd.Series, weights) -> dict[str, AreaValues]:
    return {
        "imd_2019_score": AreaValues(
            lad_vintages.to_lad24(imd2019, weights, what="IMD 2019"), "IoD2019"
        ),
        "imd_2025_score": AreaValues(
            lad_vintages.to_lad24(imd2025, weights, what="IMD 2025"), "IoD2025"
        ),
    }

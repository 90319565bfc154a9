"""Which local authorities contain a university campus (HE provider campus list, LAD 2022).

A campus counts when its `contains_university` label is 'University' (the list also holds other
higher-education providers such as further-education colleges, labelled differently). Presence
carries forward through the LAD crosswalk: a 2024 district contains a university if any district
it was formed from did. The list is a third-party compilation, not a list of medical schools.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from league_atlas.context import lad_vintages
from league_atlas.context.tables import find_column, find_table, frame_from_rows, norm
from league_atlas.errors import InputError

UNIVERSITY_LABEL = "University"


def read_university_lads(path: Path) -> set[str]:
    """LAD 2024 codes containing at least one university campus."""
    sheet, header, rows = find_table(
        path, ["LAD22CD", "contains_university"], what="the campus list"
    )
    frame = frame_from_rows(rows, header)
    file = f"{path} [{sheet}]"
    code = find_column(frame.columns, file, "the LAD 2022 code", exact=["LAD22CD"])
    kind = find_column(frame.columns, file, "the provider type", exact=["contains_university"])
    labels = frame[kind].map(norm)
    if norm(UNIVERSITY_LABEL) not in set(labels):
        found = sorted(frame[kind].dropna().astype(str).unique())
        raise InputError(
            file, f"no campus labelled {UNIVERSITY_LABEL!r} (found {found})", column=str(kind)
        )
    codes = frame.loc[labels == norm(UNIVERSITY_LABEL), code].dropna().astype(str).str.strip()
    return lad_vintages.any_to_lad24(pd.unique(codes))

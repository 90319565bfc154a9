"""Qualifications: % of people aged 16-64 with RQF Level 3 or above (APS, ONS Explore Local Statistics).

Level 3+, not Level 4+ (no LAD-level Level 4+ after 2011 was obtainable). Official statistics in
development; the latest year present is used.
"""

from __future__ import annotations

from pathlib import Path

from league_atlas.context import lad_vintages
from league_atlas.context.earnings import read_els
from league_atlas.context.tables import AreaValues


def area_proxies(qualifications_csv: Path, weights) -> dict[str, AreaValues]:
    values, period = read_els(qualifications_csv)
    return {
        "qualifications_l3": AreaValues(
            lad_vintages.to_lad24(values, weights, what="Level 3+ share"),
            f"APS {period[:4]} ({period})",
        )
    }

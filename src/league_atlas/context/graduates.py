"""Young-graduate retention by local authority (ONS LEO towns data, aggregated to LAD 2011).

The rate is the share of graduates from an area's 2008-2011 GCSE cohorts who lived there in
2018-19. The LAD file is a third-party aggregation of the ONS town-level counts; London appears
only as 'Inner London BUA' and 'Outer London BUA', which reach the boroughs through
geo/london_inner_outer.csv (each borough takes its group's rate). Merged districts combine
exactly: Σ retained ÷ Σ graduates (the crosswalk mean weighted by graduate counts).

The ONS net-gain rate exists only per town (BUA 2011), with no town-to-LAD lookup in the sources,
so it is not given at trust level.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from league_atlas.context import lad_vintages
from league_atlas.context.tables import AreaValues, find_column, numeric, read_csv

PERIOD = "GCSE cohorts 2008-2011, location in 2018-19"


def read_retention(path: Path) -> pd.DataFrame:
    """Per LAD 2011 (or London group) code: graduates, retained graduates and the rate."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    code = find_column(raw.columns, file, "the LAD 2011 code", exact=["lad11cd"])
    grads = find_column(raw.columns, file, "the number of graduates", exact=["number_of_graduates"])
    rate = find_column(raw.columns, file, "the retention rate", exact=["graduate_retention_rate"])
    out = pd.DataFrame(
        {
            "graduates": numeric(raw[grads]).to_numpy(),
            "graduate_retention": numeric(raw[rate]).to_numpy(),
        },
        index=raw[code].str.strip(),
    )
    out.index.name = "source_code"
    return out[~out.index.duplicated(keep="first")]


def area_proxies(retention: pd.DataFrame) -> dict[str, AreaValues]:
    values = lad_vintages.to_lad24(
        100.0 * retention["graduate_retention"], retention["graduates"], what="graduate retention"
    )
    return {"graduate_retention": AreaValues(values, PERIOD)}

"""Rural-Urban Classification 2011 of local authority districts: rural population share and class.

The continuous measure is the published 'rural including hub towns ... as % of total population
2011' (the quantity the classification is cut from). It is keyed by LAD 2018 code and carried to
LAD 2024 through the crosswalk, merged districts weighted by their 2011 total population (the
share's own denominator, so a merged share is exactly Σ rural ÷ Σ total).

The class of a LAD 2024 is the broad (three-fold) RUC2011 class re-derived from that share with
the classification's own cut-offs: rural including hub towns >= 50% 'Predominantly Rural',
26-49% 'Urban with Significant Rural', under 26% 'Predominantly Urban'. For districts that did not
change this reproduces the published broad class; for the 2019-2023 merged unitaries (for which
no RUC2011 class was published) it is the class their combined population would have had. The
six-fold urban classes depend on conurbation membership and cannot be re-derived, so only the
broad class is given.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from league_atlas.context import lad_vintages
from league_atlas.context.tables import AreaValues, find_column, numeric, read_csv

PERIOD = "2011 Census (RUC2011)"
CLASS_CUTS = (
    (50.0, "Predominantly Rural"),
    (26.0, "Urban with Significant Rural"),
    (0.0, "Predominantly Urban"),
)


def read_ruc(path: Path) -> pd.DataFrame:
    """Per LAD 2018 code: LAD 2011 code, 2011 total population, rural %, published broad class."""
    raw = read_csv(path, dtype=str)
    file = str(path)
    lad11 = find_column(raw.columns, file, "the LAD 2011 code", exact=["LAD11CD"])
    lad18 = find_column(raw.columns, file, "the LAD 2018 code", exact=["LAD18CD"])
    total = find_column(
        raw.columns, file, "the 2011 total population", exact=["Total population 2011"]
    )
    share = find_column(
        raw.columns, file, "the rural population share", pattern=r"as % of total population"
    )
    broad = find_column(raw.columns, file, "the broad RUC11 class", exact=["Broad RUC11"])
    out = pd.DataFrame(
        {
            "lad11_code": raw[lad11].str.strip().to_numpy(),
            "population_2011": numeric(raw[total]).to_numpy(),
            "rural_population_pct": numeric(raw[share]).to_numpy(),
            "broad_class": raw[broad].str.strip().to_numpy(),
        },
        index=raw[lad18].str.strip(),
    )
    out.index.name = "lad18_code"
    return out


def census_2011_population(ruc: pd.DataFrame) -> pd.Series:
    """2011 Census totals keyed by both LAD 2011 and LAD 2018 codes (a population basis)."""
    by18 = ruc["population_2011"]
    by11 = pd.Series(ruc["population_2011"].to_numpy(), index=ruc["lad11_code"])
    both = pd.concat([by18, by11])
    return both[~both.index.duplicated(keep="first")]


def broad_class(share: float) -> str | None:
    """Broad RUC2011 class for a rural population share (%)."""
    if pd.isna(share):
        return None
    return next(label for cut, label in CLASS_CUTS if share >= cut)


def area_proxies(ruc: pd.DataFrame) -> dict[str, AreaValues]:
    share = lad_vintages.to_lad24(
        ruc["rural_population_pct"], ruc["population_2011"], what="rural share"
    )
    return {"rural_population_pct": AreaValues(share, PERIOD)}

"""Tables of the staff-attraction and context page, built without Streamlit so unit tests reach them.

The page (pages/context/attraction.py) and its drawing blocks (league_atlas_ui.context_sections)
show these frames as they are; the column labels live here once.
"""

from __future__ import annotations

import pandas as pd

from league_atlas.context import proxies
from league_atlas.views import presentation as ui

INDEX_LABEL = "Staff-attraction index (SD units, higher = more attractive)"

CORRELATION_COLUMNS = {
    "label": "Proxy",
    "n": "Trusts (n)",
    "pearson_r": "Pearson r",
    "pearson_low": "r 95% CI low",
    "pearson_high": "r 95% CI high",
    "spearman_rho": "Spearman rho",
    "spearman_low": "rho 95% CI low",
    "spearman_high": "rho 95% CI high",
    "spearman_p": "rho p-value",
    "note": "Note",
}


def index_table(joined: pd.DataFrame) -> pd.DataFrame:
    """Trusts by staff-attraction index, most attractive first, trusts without one last."""
    return (
        joined[
            [
                "trust_name",
                "trust_code",
                "region_name",
                proxies.INDEX_COLUMN,
                proxies.INDEX_COUNT_COLUMN,
                "average_score",
                "official_rank",
            ]
        ]
        .sort_values(proxies.INDEX_COLUMN, ascending=False, na_position="last")
        .rename(
            columns={
                **ui.COLUMN_LABELS,
                proxies.INDEX_COLUMN: INDEX_LABEL,
                proxies.INDEX_COUNT_COLUMN: "Proxies present",
            }
        )
    )


def correlation_display(table: pd.DataFrame) -> pd.DataFrame:
    """The correlation table with reader-facing column names (the internal key dropped)."""
    return table.drop(columns=["key"]).rename(columns=CORRELATION_COLUMNS)

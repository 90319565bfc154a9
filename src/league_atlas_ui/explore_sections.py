"""Drawing blocks of the explore pages (pages/explore/): the league page's likely-rank chart and its
table, and the map page's peer comparison: drawn exactly as the pages drew them, so the page
scripts stay short lists of sections."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from league_atlas.views import explorer, likely_ranges
from league_atlas.views import presentation as ui


def likely_rank_chart(
    cat: pd.DataFrame, ranges: pd.DataFrame, weight_layer: pd.DataFrame | None, current_weights
) -> None:
    """Caterpillar chart of likely ranks (and the weights layer), then the same as a table."""
    seg_domain = [s.label for s in ui.SEGMENTS.values()]
    seg_range = [s.fill for s in ui.SEGMENTS.values()]
    tips = [
        alt.Tooltip("trust_name:N", title="Trust"),
        alt.Tooltip("rank:Q", title="Rank (current weights)"),
        alt.Tooltip("likely_rank:N", title="Likely rank (95%)"),
        alt.Tooltip("likely_score:N", title="Likely score (95%)"),
        alt.Tooltip("segment_label:N", title="Segment"),
    ]
    if "published_rank" in cat:
        tips.append(alt.Tooltip("published_rank:N", title="NHS England's published likely rank"))
    y = alt.Y(
        "trust_name:N",
        sort=alt.EncodingSortField("rank"),
        title=None,
        # Every trust named in full: no label dropped for overlap, none cut short.
        axis=alt.Axis(labelLimit=600, labelOverlap=False, labelFontSize=12),
    )
    base = alt.Chart(cat).encode(y=y, tooltip=tips)
    layers = [
        base.mark_rule(strokeWidth=3, color=ui.NHS_MID_GREY).encode(
            x=alt.X("rank_low:Q", title="League position (1 = best)"), x2="rank_high:Q"
        )
    ]
    if weight_layer is not None:
        layers.append(
            base.mark_rule(strokeWidth=7, color=ui.NHS_DARK_BLUE, opacity=0.6).encode(
                x="rank_p5:Q", x2="rank_p95:Q"
            )
        )
    if likely_ranges.has_published(ranges):
        layers.append(
            base.mark_tick(color=ui.NHS_TEXT, thickness=2, size=12).encode(x="published_rank_low:Q")
        )
        layers.append(
            base.mark_tick(color=ui.NHS_TEXT, thickness=2, size=12).encode(
                x="published_rank_high:Q"
            )
        )
    layers.append(
        base.mark_point(filled=True, size=70, stroke=ui.NHS_TEXT, strokeWidth=1).encode(
            x="rank:Q",
            color=alt.Color(
                "segment_label:N",
                scale=alt.Scale(domain=seg_domain, range=seg_range),
                title="Segment",
            ),
            shape=alt.Shape("segment_label:N", scale=alt.Scale(domain=seg_domain), title="Segment"),
        )
    )
    st.altair_chart(alt.layer(*layers).properties(height=alt.Step(18)), width="stretch")
    st.caption(
        "Grey bar: likely rank (95%, NHS England's method"
        + ("" if current_weights else ", at the official weights")
        + "); dot: rank under the current weights, shaped and coloured by segment"
        + (
            "; thick blue bar: 5th-95th percentile under weight uncertainty"
            if weight_layer is not None
            else ""
        )
        + (
            "; black ticks: NHS England's published likely rank"
            if likely_ranges.has_published(ranges)
            else ""
        )
        + "."
    )
    cols = {
        "trust_name": "Trust",
        "trust_code": "ODS code",
        "rank": "Rank (current weights)",
        "likely_rank": "Likely rank (95%)",
        "likely_score": "Likely score (95%)",
    }
    if "published_rank" in cat and likely_ranges.has_published(ranges):
        cols["published_rank"] = "NHS England's published likely rank"
    cols.update(
        {f"p_segment_{k}": f"P(segment {k})" for k in range(1, 5) if f"p_segment_{k}" in cat}
    )
    if weight_layer is not None:
        cols.update({"rank_p5": "Weights: rank, 5th pct", "rank_p95": "Weights: rank, 95th pct"})
    with st.expander("Likely ranges as a table"):
        st.dataframe(
            cat[list(cols)].rename(columns=cols),
            hide_index=True,
            width="stretch",
            column_config={
                f"P(segment {k})": st.column_config.NumberColumn(format="percent")
                for k in range(1, 5)
            },
        )


def peer_comparison(view: pd.DataFrame, shown: pd.DataFrame, where: str) -> None:
    """The focus area's trusts against their peer groups in England, in an expander."""
    with st.expander(f"{where} against its peers"):
        peers = explorer.peer_comparison(view, shown)
        st.dataframe(
            peers.rename(
                columns={
                    "trust_name": "Trust",
                    "trust_code": "ODS code",
                    "trust_subtype": "Peer group (subtype)",
                    "rank": "Rank",
                    "peer_median_rank": "Peer median rank",
                    "peers": "Peers in England",
                    "england_median_rank": "England median rank",
                    "average_score": "Average score",
                    "peer_median_score": "Peer median score",
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "Average score": st.column_config.NumberColumn(format="%.2f"),
                "Peer median score": st.column_config.NumberColumn(format="%.2f"),
            },
        )

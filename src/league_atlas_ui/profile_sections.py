"""Drawing blocks of the trust profile page (pages/trusts/profile.py): the metric spine chart and
the rank trend, drawn exactly as the page drew them so the page stays a short list of sections."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from league_atlas.analysis import change
from league_atlas.views import presentation as ui
from league_atlas_ui import shared


def metric_spine(c, version: str, code: str, compare: str | None, peers: list[str], names) -> None:
    """Each metric against the trust type: spine chart (quartile band, medians, trust) and table."""
    tm = shared.trust_metrics(version, c.trust_type, c.quarter, code, tuple(peers))
    if tm.empty:
        st.info("No metric rows for this trust in this release.")
    else:
        tm = tm.assign(metric=tm["metric_id"] + " " + tm["description"].str.slice(0, 60))
        if compare:
            other = shared.trust_metrics(version, c.trust_type, c.quarter, compare, tuple(peers))
            tm = tm.merge(
                other[["metric_id", "value", "pos_value"]].rename(
                    columns={"value": "compare_value", "pos_value": "pos_compare"}
                ),
                on="metric_id",
                how="left",
            )
        y = alt.Y("metric:N", sort=list(tm["metric"]), title=None, axis=alt.Axis(labelLimit=420))
        x_scale = alt.Scale(domain=[0, 1])
        band = (
            alt.Chart(tm)
            .mark_bar(height=10, color=ui.NHS_PALE_GREY, stroke=ui.NHS_MID_GREY)
            .encode(
                y=y,
                x=alt.X(
                    "pos_lower_quartile:Q",
                    scale=x_scale,
                    title="Position in the trust type (worst - best →)",
                ),
                x2="pos_upper_quartile:Q",
            )
        )
        median = (
            alt.Chart(tm)
            .mark_tick(color=ui.NHS_TEXT, thickness=2, size=14)
            .encode(y=y, x="pos_median:Q")
        )
        layers = [band, median]
        if peers:
            layers.append(
                alt.Chart(tm)
                .mark_point(
                    shape="diamond",
                    filled=True,
                    size=70,
                    color=ui.NHS_WARM_YELLOW,
                    stroke=ui.NHS_TEXT,
                )
                .encode(y=y, x="pos_peer_median:Q")
            )
        layers.append(
            alt.Chart(tm)
            .mark_point(filled=True, size=110, color=ui.NHS_BLUE, stroke=ui.NHS_TEXT, strokeWidth=1)
            .encode(
                y=y,
                x="pos_value:Q",
                tooltip=[
                    alt.Tooltip("description:N", title="Metric"),
                    alt.Tooltip("value:Q", title="Value"),
                    alt.Tooltip("units:N", title="Units"),
                    alt.Tooltip("median:Q", title="Type median"),
                    alt.Tooltip("rank:Q", title="Rank (1 = best)"),
                ],
            )
        )
        if compare:
            layers.append(
                alt.Chart(tm)
                .mark_point(
                    shape="square", filled=True, size=80, color=ui.NHS_DARK_PINK, stroke=ui.NHS_TEXT
                )
                .encode(y=y, x="pos_compare:Q")
            )
        st.altair_chart(alt.layer(*layers).properties(height=24 * len(tm) + 40), width="stretch")
        st.caption(
            "Spine chart: grey bar = middle half of the trust type (quartiles), black tick = median, blue dot = this trust"
            + (", yellow diamond = peer median" if peers else "")
            + (", pink square = comparison trust" if compare else "")
            + ". Each row is oriented so that right is better."
        )
        cols = {
            "metric_id": "Metric",
            "description": "Description",
            "units": "Units",
            "value": "Value",
            "median": "Type median",
            "lower_quartile": "Lower quartile",
            "upper_quartile": "Upper quartile",
            "peer_median": "Peer median",
            "score": "Score (1 best - 4 worst)",
            "rank": "Metric rank (1 = best)",
            "n_ranked": "Of",
            "direction": "Direction",
        }
        if compare:
            cols["compare_value"] = f"{names[compare]} value"
        st.dataframe(tm[list(cols)].rename(columns=cols), hide_index=True, width="stretch")


def rank_trend(trend_df: pd.DataFrame, quarters: list[str]) -> None:
    """The official rank per quarter with its likely range; beyond-noise changes marked."""
    chart_df = trend_df.assign(
        rank=trend_df["rank"].astype(float),
        rank_low=trend_df["rank_low"].astype(float),
        rank_high=trend_df["rank_high"].astype(float),
        beyond=trend_df["status"] == change.BEYOND,
    )
    x = alt.X("quarter:N", sort=quarters, title="Quarter")
    y_title = "Official league position (1 = best)"
    band = (
        alt.Chart(chart_df)
        .mark_rule(strokeWidth=6, color=ui.NHS_PALE_GREY)
        .encode(
            x=x,
            y=alt.Y("rank_low:Q", scale=alt.Scale(reverse=True), title=y_title),
            y2="rank_high:Q",
        )
    )
    line = alt.Chart(chart_df).mark_line(color=ui.NHS_BLUE).encode(x=x, y="rank:Q")
    pts = (
        alt.Chart(chart_df)
        .mark_point(filled=True, size=90, stroke=ui.NHS_TEXT)
        .encode(
            x=x,
            y="rank:Q",
            shape=alt.Shape(
                "beyond:N",
                scale=alt.Scale(domain=[False, True], range=["circle", "diamond"]),
                legend=alt.Legend(title="Change beyond noise"),
            ),
            color=alt.Color(
                "beyond:N",
                scale=alt.Scale(domain=[False, True], range=[ui.NHS_MID_GREY, ui.NHS_BLUE]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip("rank:Q", title="Official rank"),
                alt.Tooltip("rank_low:Q", title="Likely rank, low"),
                alt.Tooltip("rank_high:Q", title="Likely rank, high"),
                alt.Tooltip("change:N", title="Change"),
            ],
        )
    )
    st.altair_chart(band + line + pts, width="stretch")
    st.caption(
        "Grey bars: likely rank (95%, NHS England's method) in each quarter. A blue diamond marks "
        "a quarter whose change (score, segment or rank) is beyond noise; see "
        "'Since last quarter' for how changes are tested."
    )

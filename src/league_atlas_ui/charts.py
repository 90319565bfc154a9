"""Chart builders shared by pages (Altair, bundled with Streamlit): one look for one kind of chart."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from league_atlas.views import presentation as ui


def score_scatter_with_fit(
    points: pd.DataFrame,
    line,
    *,
    x: str,
    x_title: str,
    tooltips: list[alt.Tooltip],
    height: int = 360,
) -> alt.LayerChart:
    """Average score against `x` with the least-squares line and its 95% band.

    `line` is a disparities.LineFit; trusts with `in_focus` True are drawn larger, in pink.
    """
    xs = points[x].astype(float)
    band = line.band(np.linspace(float(xs.min()), float(xs.max()), 51))
    pts = (
        alt.Chart(points)
        .mark_point(filled=True, opacity=0.8)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y(
                "average_score:Q",
                title="Average score (1 best - 4 worst)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.condition(
                "datum.in_focus", alt.value(ui.NHS_DARK_PINK), alt.value(ui.NHS_BLUE)
            ),
            size=alt.condition("datum.in_focus", alt.value(90), alt.value(40)),
            tooltip=tooltips,
        )
    )
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.25, color=ui.NHS_LIGHT_BLUE)
        .encode(x="x:Q", y="low:Q", y2="high:Q")
    )
    fit = (
        alt.Chart(band).mark_line(color=ui.NHS_DARK_BLUE, strokeWidth=2).encode(x="x:Q", y="fit:Q")
    )
    return (area + fit + pts).properties(height=height)

"""Staff-attraction and context page: a map of any proxy or the index, the index with its own
weights, performance against the index, correlations, and the context-adjusted league."""

from __future__ import annotations

import altair as alt
import streamlit as st

from league_atlas.analysis import adjustment, disparities
from league_atlas.context import proxies
from league_atlas.errors import LeagueAtlasError
from league_atlas.render import legends, mapview
from league_atlas.views import context_tables, explorer, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import charts, context_sections, session_areas, shared

store, c = shared.page_context()
version, prep, view = shared.current_view(c)
type_label = ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)
title = f"Staff attraction and area context: {type_label}, {c.quarter}"
head = st.empty()  # the title, or in presenter mode the finding, once the index is computed
shared.param_notices()
shared.weights_banner(prep, c)
finding_slot = st.empty()

context = shared.context_table(version)
if context is None:
    with head.container():
        shared.page_title(c, title, f"No staff-attraction context for {type_label.lower()} yet")
    st.info(
        "This store has no context proxies (staff survey, sickness, leavers, foundation "
        "preferences, pay, deprivation, rurality, population, distances), so there is nothing to "
        "show here yet. Put the context sources in the data mirror and run "
        "`python -m league_atlas build` to add them; `python -m league_atlas proxies --metadata` "
        "lists the sources.",
        icon=":material/info:",
    )
    st.stop()

periods = context.attrs.get("periods", {})
focus_codes = set(explorer.in_focus(view, c.focus)["trust_code"]) if c.focus.code else set()
joined = disparities.with_context(view, context)
joined["in_focus"] = joined["trust_code"].isin(focus_codes)
st.caption(
    "Area and workforce facts beside each trust, to test the reading that some trusts score well "
    "because they attract staff more easily. Average score runs from 1 (best) to 4 (worst). "
    "Everything here is context: the official rank is shown beside it, never replaced."
)

# ------------------------------------------------------------------ index weights (on the page)
weight_keys = {k: f"{ui.INDEX_WEIGHT.key}_{k}" for k in proxies.PROXIES}


def _reset_index_weights() -> None:
    for k, key in weight_keys.items():
        st.session_state[key] = proxies.DEFAULT_WEIGHTS.get(k, 0.0)


weights_box = (
    shared.controls_area(c)
    if c.present
    else st.expander("Staff-attraction index: weights of the proxies", expanded=False)
)
weights_box.button("Reset index weights", on_click=_reset_index_weights, key="p_reset")
slider_cols = weights_box.columns(3)
sliders = {}
for i, (k, p) in enumerate(proxies.PROXIES.items()):
    sliders[k] = shared.spec_slider(
        slider_cols[i % 3],
        ui.INDEX_WEIGHT,
        ui.INDEX_WEIGHT.label.format(proxy=p.label),
        weight_keys[k],
        default=float(proxies.DEFAULT_WEIGHTS.get(k, 0.0)),
        help=f"{ui.INDEX_WEIGHT.help} {p.direction_label}.",
    )
index_weights = adjustment.index_weights(sliders)
joined[proxies.INDEX_COLUMN] = adjustment.index_for_view(joined, index_weights)
joined[proxies.INDEX_COUNT_COLUMN] = (
    proxies.present_count(joined, index_weights) if index_weights else 0
)

# ------------------------------------------------------------------ the finding first
scatter = joined.dropna(subset=[proxies.INDEX_COLUMN, "average_score"])
try:
    line = disparities.fit_line(scatter[proxies.INDEX_COLUMN], scatter["average_score"])
    corr = disparities.correlation(
        scatter[proxies.INDEX_COLUMN],
        scatter["average_score"],
        x_name="staff-attraction index",
        y_name="Average score",
    )
except LeagueAtlasError as exc:
    line = corr = None
    finding = f"Not enough trusts with a staff-attraction index to compare: {exc}"
else:
    finding = narrative.attraction_finding(
        line.slope, line.slope_low, line.slope_high, line.n, line.confidence
    )
with head.container():
    shared.page_title(c, title, finding)
if not c.present:
    finding_slot.header(finding, anchor=False)

# ------------------------------------------------------------------ map
st.header("Map")
options = [proxies.INDEX_COLUMN, *proxies.PROXIES]
label_of = {k: adjustment.value_label(k)[0] for k in options}
key = shared.controls_area(c).selectbox(
    "Colour trusts by", options, format_func=label_of.get, key="amap", bind="query-params"
)
label, unit, direction = adjustment.value_label(key)
legend = legends.ramp_legend(joined[key], key)
st.markdown(
    legends.legend_html(
        f"{label} ({unit})",
        legend,
        f"Darker = less attractive ({direction}), as darker means worse on every map.",
    ),
    unsafe_allow_html=True,
)
points = legends.proxy_points(mapview.trust_points(view, n_trusts=len(view)), joined, key)
bounds, _ = session_areas.focus_frame(store, version, c.focus)
polygons = (
    mapview.boundary_geojson(shared.boundary(version, "nhs_region"), None)
    if "nhs_region" in store.boundary_ids()
    else None
)
st.pydeck_chart(
    mapview.build_deck(
        points,
        polygons,
        mapview.view_for_bounds(bounds),
        selected=c.trust,
    ),
    key="attraction_map",
    height=520,
    alt=f"Map of trusts coloured by {label}; the same values are in the table below the map.",
)
n_have = int(joined[key].notna().sum())
st.caption(
    f"{n_have} of {len(joined)} trusts have a value; hollow grey rings have none. "
    + (
        f"Period: {periods.get(key, proxies.PROXIES[key].period)}."
        if key in proxies.PROXIES
        else ""
    )
)
with st.expander("Values on the map as a table"):
    st.dataframe(
        joined[["trust_name", "trust_code", "region_name", key]]
        .sort_values(key, na_position="last")
        .rename(columns={**ui.COLUMN_LABELS, key: f"{label} ({unit})"}),
        hide_index=True,
        width="stretch",
    )

# ------------------------------------------------------------------ index
st.header("Staff-attraction index")
chosen = ", ".join(f"{proxies.PROXIES[k].label} x{w:g}" for k, w in index_weights.items())
need = min(proxies.DEFAULT_MIN_PRESENT, len(index_weights))
n_index = int(joined[proxies.INDEX_COLUMN].notna().sum())
if not index_weights:
    st.info(
        "Every index weight is 0: set at least one under 'Staff-attraction index: weights of the "
        "proxies' at the top of the page to build the index."
    )
else:
    st.write(
        f"Weights in use: {chosen}. Each proxy is standardised over the "
        f"{len(joined)} trusts of this type (z = (x - mean) / SD), turned so higher = more "
        f"attractive, and averaged with these weights over the proxies a trust has; a trust needs "
        f"at least {need} of them. {n_index} of {len(joined)} trusts have an index."
    )
index_table = context_tables.index_table(joined)
with st.expander("Index by trust", expanded=False):
    st.dataframe(index_table, hide_index=True, width="stretch", key="index_table")

st.header("Performance against the index")
if line is None:
    st.info(finding)
else:
    chart = charts.score_scatter_with_fit(
        scatter,
        line,
        x=proxies.INDEX_COLUMN,
        x_title="Staff-attraction index (higher = more attractive)",
        tooltips=[
            alt.Tooltip("trust_name:N", title="Trust"),
            alt.Tooltip(f"{proxies.INDEX_COLUMN}:Q", title="Index", format=".2f"),
            alt.Tooltip("average_score:Q", title="Average score", format=".2f"),
        ],
    )
    st.altair_chart(chart, width="stretch")
    st.markdown(finding + ".")
    st.expander("Method and statistics (for analysts)").write(
        f"{corr.describe()}. Line: least squares, slope {line.slope:+.3f} score points per unit of "
        f"the index ({line.confidence:.0%} CI {line.slope_low:+.3f} to {line.slope_high:+.3f}); "
        "shaded: 95% confidence band for the fitted mean. A negative slope means more attractive "
        "places score better. Pink = in the sidebar focus area. Table alternative: 'Index by trust' "
        "above."
    )

context_sections.proxy_correlations(joined, label_of)
context_sections.context_adjusted_league(c, store, prep, joined, type_label)
context_sections.about_the_proxies(context, view, type_label, c)

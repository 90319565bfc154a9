"""Staff-attraction and context page: a map of any proxy or the index, the index with its own
weights, performance against the index, correlations, and the context-adjusted league."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from league_atlas.analysis import adjustment, disparities
from league_atlas.context import proxies
from league_atlas.errors import LeagueAtlasError
from league_atlas.render import legends, mapview
from league_atlas.views import explorer, exports, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import charts, session_areas, shared

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
    sliders[k] = slider_cols[i % 3].slider(
        ui.INDEX_WEIGHT.label.format(proxy=p.label),
        ui.INDEX_WEIGHT.min_value,
        ui.INDEX_WEIGHT.max_value,
        float(proxies.DEFAULT_WEIGHTS.get(k, 0.0)),
        ui.INDEX_WEIGHT.step,
        key=weight_keys[k],
        bind="query-params",
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
bounds = None
if c.focus.code and c.focus.layer in session_areas.all_layers(store):
    fg = session_areas.boundary(version, c.focus.layer)
    sel = fg[fg["code"] == c.focus.code]
    if len(sel):
        bounds = tuple(sel.total_bounds)
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
index_table = (
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
            proxies.INDEX_COLUMN: "Staff-attraction index (SD units, higher = more attractive)",
            proxies.INDEX_COUNT_COLUMN: "Proxies present",
        }
    )
)
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

st.header("Each proxy against the average score")
corr_keys = [k for k in proxies.PROXIES if k in joined.columns] + [proxies.INDEX_COLUMN]
ct = disparities.correlation_table(joined, corr_keys, {**label_of})
corr_box = st.expander("Correlations of each proxy with the score (for analysts)")
corr_box.dataframe(
    ct.drop(columns=["key"]).rename(
        columns={
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
    ),
    hide_index=True,
    width="stretch",
    column_config={
        col: st.column_config.NumberColumn(format="%.2f")
        for col in (
            "Pearson r",
            "r 95% CI low",
            "r 95% CI high",
            "Spearman rho",
            "rho 95% CI low",
            "rho 95% CI high",
        )
    }
    | {"rho p-value": st.column_config.NumberColumn(format="%.4f")},
    height=38 + 35 * (len(ct) + 1),
)
corr_box.caption(
    f"Positive = higher proxy values go with worse (higher) scores. {disparities.Correlation.METHOD}. "
    "Each row uses the trusts that have that proxy."
)

# ------------------------------------------------------------------ context-adjusted league
st.header("Context-adjusted league (beside the official one)")
available = [k for k in proxies.PROXIES if k in joined.columns and joined[k].notna().any()]
x_keys = shared.controls_area(c).multiselect(
    "Context proxies in the model",
    available,
    default=[k for k in adjustment.DEFAULT_PROXIES if k in available],
    format_func=lambda k: proxies.PROXIES[k].label,
    key="adjx",
    bind="query-params",
)
model_box = st.expander("Model and statistics (for analysts)")
model_box.markdown(f"**Method.** {adjustment.METHOD}")
st.warning(
    "**What adjustment can hide as well as reveal.**\n\n"
    + "\n".join(f"- {line}" for line in adjustment.CAVEATS),
    icon=":material/warning:",
)
try:
    adj = adjustment.adjusted_league(joined, x_keys)
except LeagueAtlasError as exc:
    st.info(f"No model for these proxies: {exc}.")
else:
    f = adj.fit
    a1, a2, a3, a4 = model_box.columns(4)
    a1.metric("Trusts in the model (n)", f"{f.n}", help=f"of {adj.n_total}")
    a2.metric("R²", f"{f.r2:.3f}", help="Share of score variance the proxies account for")
    a3.metric("Adjusted R²", f"{f.adj_r2:.3f}", help="R² penalised for the number of proxies")
    a4.metric("Left out (missing a proxy)", f"{len(adj.excluded)}")
    coef = adj.coefficient_table()
    model_box.dataframe(
        coef.drop(columns=["term"]).rename(
            columns={
                "label": "Term",
                "per": "Scale",
                "estimate": "Coefficient (score points per SD)",
                "ci_low": "95% CI low",
                "ci_high": "95% CI high",
                "se": "SE",
                "t": "t",
                "p": "p-value",
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            col: st.column_config.NumberColumn(format="%.3f")
            for col in ("Coefficient (score points per SD)", "95% CI low", "95% CI high", "SE", "t")
        }
        | {"p-value": st.column_config.NumberColumn(format="%.4f")},
    )
    t = adj.table.merge(joined[["trust_code", "in_focus"]], on="trust_code", how="left")
    ev = (
        alt.Chart(t)
        .mark_point(filled=True, opacity=0.8)
        .encode(
            x=alt.X(
                "expected_score:Q",
                title="Expected score given context",
                scale=alt.Scale(zero=False),
            ),
            y=alt.Y(
                "average_score:Q",
                title="Actual average score (1 best - 4 worst)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.condition(
                "datum.in_focus", alt.value(ui.NHS_DARK_PINK), alt.value(ui.NHS_BLUE)
            ),
            tooltip=[
                alt.Tooltip("trust_name:N", title="Trust"),
                alt.Tooltip("expected_score:Q", title="Expected", format=".2f"),
                alt.Tooltip("average_score:Q", title="Actual", format=".2f"),
                alt.Tooltip("context_rank:Q", title="Rank given context"),
                alt.Tooltip("official_rank:Q", title="Official rank"),
            ],
        )
    )
    lo = float(min(t["expected_score"].min(), t["average_score"].min()))
    hi = float(max(t["expected_score"].max(), t["average_score"].max()))
    diag = (
        alt.Chart(pd.DataFrame({"x": [lo, hi], "y": [lo, hi]}))
        .mark_line(strokeDash=[4, 4], color=ui.NHS_TEXT)
        .encode(x="x:Q", y="y:Q")
    )
    st.altair_chart((diag + ev).properties(height=340), width="stretch")
    st.caption(
        "Below the dashed line = better (lower) score than expected given context. Table below."
    )
    rename = {
        "trust_name": "Trust",
        "trust_code": "ODS code",
        "official_rank": "Official rank",
        "rank": "Rank (current weights)",
        "rank_modelled": "Rank by score among modelled",
        "context_rank": "Rank given context",
        "context_move": "Move given context (places, + = up)",
        "average_score": "Actual score",
        "expected_score": "Expected score given context",
        "residual": "Residual (actual - expected; < 0 = better)",
    }
    cols = list(rename)
    st.markdown("**Trusts that move most once context is allowed for**")
    st.dataframe(
        adjustment.moved_most(adj, 10)[cols].rename(columns=rename),
        hide_index=True,
        width="stretch",
        column_config={
            rename[k]: st.column_config.NumberColumn(format="%.3f")
            for k in ("expected_score", "residual")
        },
    )
    with st.expander("Every modelled trust", expanded=False):
        full = t[cols + ["in_focus"]].rename(columns={**rename, "in_focus": "In focus area"})
        st.dataframe(full, hide_index=True, width="stretch")
        stamp = exports.stamp_lines(
            release=f"NHS Oversight Framework {c.quarter}, {type_label}; store built {store.manifest['built_at']}",
            weights_note=shared.view_status(prep, c).text,
            attribution=ui.ATTRIBUTION,
            extra=[
                adj.describe(),
                adjustment.METHOD,
                "Not an official ranking: context-adjusted illustration.",
            ],
        )
        if not c.present:
            st.download_button(
                "Download the context-adjusted table (CSV)",
                exports.to_csv_bytes(full.drop(columns=["In focus area"]), stamp),
                file_name=f"league-atlas-context-adjusted-{c.trust_type}-{c.quarter.replace(' ', '-').replace('/', '-')}.csv",
                mime="text/csv",
                key="adjusted_download",
            )
    if len(adj.excluded):
        n_out = len(adj.excluded)
        with st.expander(
            f"{n_out} {'trust' if n_out == 1 else 'trusts'} left out for a missing proxy"
        ):
            st.dataframe(
                adj.excluded.rename(
                    columns={"trust_name": "Trust", "trust_code": "ODS code", "missing": "Missing"}
                ),
                hide_index=True,
                width="stretch",
            )

# ------------------------------------------------------------------ metadata
st.header("About the proxies")
cov = proxies.coverage(context, view["trust_code"])
meta = proxies.proxy_table(periods, context.attrs.get("join") or "catchment", cov)
st.dataframe(
    meta[
        [
            "label",
            "direction",
            "unit",
            "coverage",
            "period",
            "geography",
            "source",
            "join_method",
            "description",
        ]
    ].rename(
        columns={
            "label": "Proxy",
            "source": "Source",
            "period": "Period",
            "geography": "Geography",
            "direction": "Direction",
            "unit": "Unit",
            "coverage": f"Coverage ({type_label.lower()})",
            "join_method": "How it reaches a trust",
            "description": "Description",
        }
    ),
    hide_index=True,
    width="stretch",
    height=38 + 35 * (len(meta) + 1),
)
st.caption(f"Data: NHS Oversight Framework {c.quarter} and the sources listed. {ui.ATTRIBUTION}")

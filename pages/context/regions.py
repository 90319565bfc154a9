"""Regional disparities page: areas coloured by score, London and South East against the rest,
score against distance from London, the share of variance between regions, and the table."""

from __future__ import annotations

import streamlit as st

from league_atlas.analysis import disparities
from league_atlas.render import legends, mapview
from league_atlas.scoring.weights import Weights
from league_atlas.views import explorer, exports, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import context_sections, session_areas, shared

store, c = shared.page_context()
version, prep, view = shared.current_view(c)


@st.cache_data(show_spinner="Bootstrapping the London and South East difference...", max_entries=64)
def report(
    version: str,
    trust_type: str,
    quarter: str,
    weights_json: str,
    override: bool,
    method: str,
    geography: str,
    area_label: str,
) -> disparities.DisparityReport:
    st_ = shared.current_store()
    v = explorer.league_view(
        shared.prepared(version, trust_type, quarter),
        st_.trusts,
        Weights.loads(weights_json),
        financial_override=override,
        segment_method=method,
    )
    return disparities.disparity_report(
        v, shared.context_table(version), geography, area_label=area_label
    )


type_label = ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)
focus_names = (
    explorer.focus_options(session_areas.trusts(store), c.focus.level) if c.focus.code else {}
)
where = focus_names.get(c.focus.code, "")

title = f"Regional disparities: {type_label}, {c.quarter}"
head = st.container()  # title and finding, written once the report is computed
# The geography registry: the store's layers and this session's own, keyed by trust field.
layer_specs = {s.trust_field: s for s in session_areas.all_layers(store).values()}
geo_labels = {k: s.area_name for k, s in layer_specs.items()}
if "region" in layer_specs and "located_region_code" in view:
    # NHS England groups by region of record ("region"); this is where the trusts' points fall.
    layer_specs["located_region"] = layer_specs["region"]
    geo_labels["located_region"] = ui.LOCATED_REGION_LABEL
col1, col2 = shared.controls_area(c).columns(2)
geography = col1.selectbox(
    "Areas", list(geo_labels), format_func=geo_labels.get, key="rgeo", bind="query-params"
)
measure_labels = {k: v[0] for k, v in disparities.AREA_MEASURES.items()}
measure = col2.selectbox(
    "Colour areas by",
    list(measure_labels),
    format_func=measure_labels.get,
    key="rmeasure",
    bind="query-params",
)

if geography in session_areas.session_layers():
    # A visitor's own layer: computed for this session only, never in the shared cache.
    rep = disparities.disparity_report(
        view, shared.context_table(version), geography, area_label=geo_labels[geography]
    )
else:
    rep = report(
        version,
        *c.view_key,
        geography,
        geo_labels[geography],
    )
table = rep.table
code_col = f"{geography}_code"

# ------------------------------------------------------------------ the finding first
d = rep.difference
var = rep.variance
finding = (
    narrative.disparity_finding(d)
    if d is not None
    else " ".join(n for n in rep.notes if n.startswith("London")) or title
)
with head:
    shared.page_title(c, title, finding)
    shared.param_notices()
    shared.weights_banner(prep, c)
    if not c.present:
        st.header(finding, anchor=False)
    if var is not None:
        st.markdown(
            narrative.variance_finding(
                var.share, var.chance_level, var.p_value, f"areas ({geo_labels[geography]})"
            )
            + "."
        )
head.caption(
    "Average score runs from 1 (best) to 4 (worst). All trusts of this type are included; the "
    "sidebar focus only highlights" + (f" (highlighted: {where})." if where else ".")
)

# ------------------------------------------------------------------ map
layer = layer_specs[geography].id
stat = legends.area_stat(table, measure)
if layer in session_areas.all_layers(store):
    gdf = session_areas.boundary(version, layer)
    counts = table[table["area_code"] != ""].set_index("area_code")["trusts"]
    polygons = mapview.boundary_geojson(gdf, stat, counts)
else:
    polygons = None
bounds, focus_outline = session_areas.focus_frame(store, version, c.focus)
# Neutral dots over the choropleth (segment colours would compete with the area ramp); the
# tooltip still gives each trust's segment, score and rank.
points = (
    mapview.trust_points(view, n_trusts=len(view))
    .drop(columns="ring")
    .assign(
        fill=[ui.rgba(ui.NHS_WHITE)] * len(view.dropna(subset=["lat", "lon"])),
        line=[ui.rgba(ui.NHS_TEXT)] * len(view.dropna(subset=["lat", "lon"])),
        line_width=1,
        radius=2500,
    )
)
st.markdown(
    legends.legend_html(
        stat.label,
        legends.area_legend(stat),
        "White dots: trusts (hover for segment, score and rank).",
    ),
    unsafe_allow_html=True,
)
st.pydeck_chart(
    mapview.build_deck(
        points,
        polygons,
        mapview.view_for_bounds(bounds),
        selected=c.trust,
        focus_outline=focus_outline,
    ),
    key="regions_map",
    height=560,
    alt=f"Map of {geo_labels[geography]} areas coloured by {stat.label}; the same figures are in the table below.",
)
st.caption("Hover an area for its figures. The table below has every number on the map.")

# ------------------------------------------------------------------ headline figures
st.header("London and South East against the rest of England")
if d is None:
    st.info(" ".join(n for n in rep.notes if n.startswith("London")) or "Not computed.")
else:
    context_sections.london_gap(c, view, d)

context_sections.score_against_distance(c, version, view, rep)

st.header("How much of the variation lies between areas?")
if var is None:
    st.info(" ".join(n for n in rep.notes if n.startswith("variance")))
else:
    v1, v2 = st.columns(2)
    v1.metric(
        f"Share of score variance between areas ({geo_labels[geography]})", f"{var.share:.1%}"
    )
    v2.metric(
        "Expected by chance alone", f"{var.chance_level:.1%}", help="(groups - 1) / (trusts - 1)"
    )
    st.expander("Method and statistics (for analysts)").write(var.describe())

# ------------------------------------------------------------------ table
st.header(f"By {geo_labels[geography]}")
shown = table[[*table.columns[1:], "area_code"]].rename(columns=disparities.SUMMARY_LABELS)
if c.focus.code and c.focus.column == code_col:
    shown.insert(0, "In focus", ["yes" if a == c.focus.code else "" for a in table["area_code"]])
shared.show_table(
    c,
    shown,
    {
        disparities.SUMMARY_LABELS[k]: f
        for k, f in (
            ("mean_score", "{:.2f}"),
            ("median_score", "{:.2f}"),
            ("sd_score", "{:.2f}"),
            ("share_s34_pct", "{:.0f}%"),
            ("mean_rank_change", "{:+.1f}"),
        )
    },
    column_config={
        disparities.SUMMARY_LABELS[k]: st.column_config.NumberColumn(format=f)
        for k, f in (
            ("mean_score", "%.2f"),
            ("median_score", "%.2f"),
            ("sd_score", "%.2f"),
            ("share_s34_pct", "%.0f%%"),
            ("mean_rank_change", "%+.1f"),
        )
    },
)
st.caption(
    f"{int(table['trusts'].sum())} trusts in {len(table)} rows; trusts with no area are counted "
    f'in a "{disparities.NOT_LOCATED}" row. Same figures as `python -m league_atlas regions '
    f"--trust-type {c.trust_type} --geography {geography}`."
)
stamp = exports.stamp_lines(
    release=f"NHS Oversight Framework {c.quarter}, {type_label}, by {geo_labels[geography]}; store built {store.manifest['built_at']}",
    weights_note=shared.view_status(prep, c).text,
    attribution=ui.ATTRIBUTION,
    extra=rep.lines(),
)
if not c.present:
    st.download_button(
        "Download this table (CSV)",
        exports.to_csv_bytes(table, stamp),
        file_name=f"league-atlas-regions-{geography}-{c.trust_type}-{c.quarter.replace(' ', '-').replace('/', '-')}.csv",
        mime="text/csv",
        key="regions_download",
    )
st.caption(f"Data: NHS Oversight Framework {c.quarter}. {ui.ATTRIBUTION}")

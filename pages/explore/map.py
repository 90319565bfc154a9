"""Map page: trusts as segment-coloured points over boundaries, with the table behind the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from league_atlas.render import mapview
from league_atlas.views import explorer, exports, likely_ranges, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import session_areas, shared
from league_atlas_ui.export_panel import export_panel

store, c = shared.page_context()
version, prep, view = shared.current_view(c)
shown = explorer.in_focus(view, c.focus)
area_names = (
    explorer.focus_options(session_areas.trusts(store), c.focus.level) if c.focus.code else {}
)
where = area_names.get(c.focus.code, "England")

if c.present:
    st.title(narrative.active_title(shown, c.trust_type, c.quarter, where))
    st.button(
        "Leave presenter mode", on_click=shared.leave_present, icon=":material/close_fullscreen:"
    )
else:
    st.title(f"{ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)} in {where}, {c.quarter}")
shared.param_notices()
shared.weights_banner(prep, c)
if c.focus.code and not shown.empty:
    with st.container(border=True):
        st.markdown(f"**{where} at a glance**")
        for line in narrative.focus_summary(view, shown, where, c.trust_type):
            st.markdown(f"- {ui.md_escape(line)}")
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

if shown.empty:
    st.info(
        f"No {ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type).lower()} in {where} in {c.quarter}."
    )

layer_specs = session_areas.all_layers(store)  # the geography registry: store's and session's
layers = {k: spec.display_name for k, spec in layer_specs.items()}
col1, col2, col3 = st.columns([2, 3, 1])
layer = col1.selectbox(
    "Boundaries", list(layers), format_func=layers.get, key="layer", bind="query-params"
)
measure = col2.selectbox(
    "Colour areas by",
    list(ui.CHOROPLETHS),
    format_func=ui.CHOROPLETHS.get,
    key="choro",
    bind="query-params",
)
labels = col3.checkbox(
    "S-labels", value=c.present, key="labels", help="Write S1-S5 beside each trust"
)

gdf = session_areas.boundary(version, layer)
code_col = f"{layer_specs[layer].trust_field}_code"
if code_col == "region_code" and "located_region_code" in view:
    # Region polygons are coloured by where trusts are (the region of record is NHS England's).
    code_col = "located_region_code"
stat = mapview.area_stats(view, code_col, measure)
counts = view.groupby(code_col).size() if code_col in view else None
polygons = mapview.boundary_geojson(gdf, stat, counts)

focus_outline = None
bounds = None
if c.focus.code:
    fg = session_areas.boundary(version, c.focus.layer)
    sel = fg[fg["code"] == c.focus.code]
    if len(sel):
        bounds = tuple(sel.total_bounds)
        focus_outline = mapview.boundary_geojson(sel, None)
ranges = shared.likely_ranges(  # official weights: cached per quarter, never per slider move
    version,
    c.trust_type,
    c.quarter,
    shared.OFFICIAL_WEIGHTS_JSON,
    c.financial_override,
    c.segment_method,
)
official_weights = c.weights.is_official_for(prep)
view = likely_ranges.with_likely_rank(view, ranges, official_weights=official_weights)
shown = likely_ranges.with_likely_rank(shown, ranges, official_weights=official_weights)
points = mapview.trust_points(view, n_trusts=len(view))


def _on_select() -> None:
    event = st.session_state.get("map")
    code = mapview.selected_trust(
        getattr(event, "selection", None) or (event or {}).get("selection"), points
    )
    if code:
        st.session_state["trust"] = code


st.markdown(shared.legend_html(), unsafe_allow_html=True)
deck = mapview.build_deck(
    points,
    polygons,
    mapview.view_for_bounds(bounds),
    labels=labels,
    selected=c.trust,
    focus_outline=focus_outline,
)
st.pydeck_chart(
    deck,
    on_select=_on_select,
    selection_mode="single-object",
    key="map",
    height=620 if c.present else 540,
    alt=f"Map of {len(points)} trusts coloured by segment; the same data is in the table below.",
)
if stat is not None:
    st.caption(
        f"Areas coloured by {stat.label}. Hover an area or a trust for its figures; click a trust for details."
    )
unplaced = shown[~shown["on_map"]]
if len(unplaced):
    st.caption(
        f"{len(unplaced)} trust(s) could not be placed on the map and appear only in the table: "
        + ", ".join(unplaced["trust_name"])
    )

if c.trust and c.trust in set(view["trust_code"]):
    t = view.set_index("trust_code").loc[c.trust]
    st.header(f"{ui.md_escape(t['trust_name'])} ({c.trust})")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        "Segment",
        ui.segment_style(
            5 if pd.notna(t["final_segment"]) and t["final_segment"] == 5 else t["segment"]
        ).label,
        help=ui.segment_style(t["segment"]).meaning,
    )
    m2.metric(
        "Rank",
        f"{t['rank']} of {len(view)}",
        delta=f"{int(t['rank_change'])} places vs official" if t["rank_change"] else None,
    )
    m3.metric("Average score (1 best - 4 worst)", f"{t['average_score']:.2f}")
    m4.metric("Official rank", f"{t['official_rank']}")
    st.write(
        f"{t.get('region_name') or 'Region unknown'} · {t.get('icb23_name') or 'ICB unknown'} (2023) · "
        f"{t.get('icb26_name') or 'ICB unknown'} (2026) · {t.get('lad_name') or 'LAD unknown'}"
    )
    if t["drivers"]:
        st.write(f"What moved it under these weights: {t['drivers']} (score change; + is worse)")

st.header("Table behind the map")
# The same table the exports carry (and `python -m league_atlas export csv` writes).
table = exports.board_table(shown)
area_col = f"{layer_specs[layer].trust_field}_name"
area_label = layer_specs[layer].area_name
if area_col in shown and area_label not in table:
    # The chosen boundary layer's area name (a visitor's own areas too), before "On map".
    table.insert(len(table.columns) - 1, area_label, shown.sort_values("rank")[area_col].to_numpy())
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={ui.COLUMN_LABELS["average_score"]: st.column_config.NumberColumn(format="%.2f")},
)
st.caption(f"Data: NHS Oversight Framework {c.quarter}. {ui.ATTRIBUTION}")
export_panel(
    view=view,
    prep=prep,
    controls=c,
    store=store,
    table=table,
    key="map",
)

"""Map page: trusts as segment-coloured points over boundaries, with the table behind the map."""

from __future__ import annotations

import streamlit as st

from league_atlas.render import live_payload, mapview
from league_atlas.views import explorer, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui.live_map import live_map, released_weights
from pages import _shared
from pages._export_panel import export_panel

store, c = _shared.page_context()
version, prep, view = _shared.current_view(c)
shown = explorer.in_focus(view, c.focus)
area_names = explorer.focus_options(store.trusts, c.focus.level) if c.focus.code else {}
where = area_names.get(c.focus.code, "England")

if c.present:
    st.title(narrative.active_title(shown, c.trust_type, c.quarter, where))
    st.button(
        "Leave presenter mode", on_click=_shared.leave_present, icon=":material/close_fullscreen:"
    )
else:
    st.title(f"{ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)} in {where}, {c.quarter}")
_shared.param_notices()
_shared.weights_banner(prep, c)
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

layers = {k: v for k, v in ui.BOUNDARY_LAYERS.items() if k in store.boundary_ids()}
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

gdf = _shared.boundary(version, layer)
code_col = {
    "nhs_region": "region_code",
    "icb23": "icb23_code",
    "icb26": "icb26_code",
    "lad": "lad_code",
}[layer]
stat = mapview.area_stats(view, code_col, measure)
counts = view.groupby(code_col).size() if code_col in view else None
polygons = mapview.boundary_geojson(gdf, stat, counts)

focus_outline = None
bounds = None
if c.focus.code:
    fg = _shared.boundary(version, c.focus.layer)
    sel = fg[fg["code"] == c.focus.code]
    if len(sel):
        bounds = tuple(sel.total_bounds)
        focus_outline = mapview.boundary_geojson(sel, None)
points = mapview.trust_points(view, n_trusts=len(view))


def _on_live_select() -> None:
    code = (st.session_state.get("live_map") or {}).get("select")
    if code:
        st.session_state["trust"] = code


def _on_live_weights() -> None:
    """Slider released in the live map: the sidebar sliders (bound to the URL) take its weights,
    so the URL, the tables, the other pages and the exports follow."""
    sent = released_weights(
        st.session_state.get("live_map"),
        prep.domains,
        ui.DOMAIN_WEIGHT.min_value,
        ui.DOMAIN_WEIGHT.max_value,
    )
    for domain, w in sent.items():
        st.session_state[_shared.domain_key(domain)] = w


st.markdown(_shared.legend_html(), unsafe_allow_html=True)
deck = mapview.build_deck(
    points,
    polygons,
    mapview.view_for_bounds(bounds),
    labels=labels,
    selected=c.trust,
    focus_outline=focus_outline,
)
frame = bounds or tuple(_shared.boundary(version, "nhs_region").total_bounds)
live_map(
    live_payload.live_map_payload(
        prep,
        view,
        deck,
        weights=c.weights,
        segment_method=c.segment_method,
        financial_override=c.financial_override,
        code_col=code_col,
        measure=measure,
        area_stat=stat,
        focus_codes=list(shown["trust_code"]),
        bounds=frame,
        labels=live_payload.area_labels(gdf),
        selected=c.trust,
        where=where,
    ),
    key="live_map",
    on_weights=_on_live_weights,
    on_select=_on_live_select,
    height=680 if c.present else 600,
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
        ui.segment_style(t["final_segment"] if t["final_segment"] == 5 else t["segment"]).label,
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
MAP_TABLE_COLUMNS = [
    "rank",
    "trust_name",
    "trust_code",
    "segment_label",
    "average_score",
    "official_rank",
    "rank_change_text",
    "region_name",
    "icb23_name",
    "on_map",
]
table = _shared.table_for_display(
    shown.assign(on_map=shown["on_map"].map({True: "yes", False: "not on map"})).sort_values(
        "rank"
    ),
    MAP_TABLE_COLUMNS,
).rename(columns={"segment_label": "Segment", "rank_change_text": "Rank change"})
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
    title=narrative.active_title(shown, c.trust_type, c.quarter, where),
    table=table,
    where=where,
    key="map",
)

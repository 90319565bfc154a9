"""Map page: trusts as segment-coloured points over boundaries, with the table behind the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from league_atlas.render import live_payload, mapview
from league_atlas.views import explorer, exports, likely_ranges, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import explore_sections, session_areas, shared
from league_atlas_ui.export_panel import export_panel
from league_atlas_ui.live_map import live_map, released_weights

store, c = shared.page_context()
version, prep, view = shared.current_view(c)
shown = explorer.in_focus(view, c.focus)
area_names = (
    explorer.focus_options(session_areas.trusts(store), c.focus.level) if c.focus.code else {}
)
where = area_names.get(c.focus.code, "England")

type_label = ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)
headline = narrative.active_title(shown, c.trust_type, c.quarter, where)
# The map first: the map on the left from the top of the page, its controls, legend, the
# selected trust and the area summary beside it (at 1280x720 all of it in the first screen).
# Presenting, the headline moves beside the map too, so the whole map fits the first screen.
if c.present:
    map_col, side = st.columns([2, 1], gap="medium")
    head = side.container(key="la-map-side")
else:
    head = st.container()
with head:
    shared.page_title(c, f"{type_label} in {where}, {c.quarter}", headline)
    shared.param_notices()
    shared.weights_banner(prep, c)
    if shown.empty:
        st.info(f"No {type_label.lower()} in {where} in {c.quarter}: the map shows England.")
if not c.present:
    map_col, side = st.columns([3, 1], gap="medium")
layer_specs = session_areas.all_layers(store)  # the geography registry: store's and session's
layers = {k: spec.display_name for k, spec in layer_specs.items()}
with side:
    details_box = st.container()  # the selected trust first, beside the top of the map
    ctrl = shared.controls_area(c)
layer = ctrl.selectbox(
    "Boundaries", list(layers), format_func=layers.get, key="layer", bind="query-params"
)
measure = ctrl.selectbox(
    "Colour areas by",
    list(ui.CHOROPLETHS),
    format_func=ui.CHOROPLETHS.get,
    key="choro",
    bind="query-params",
)
labels = ctrl.checkbox(
    "S-labels",
    value=c.present,
    key="labels",
    bind="query-params",
    help="Write S1-S5 beside each trust (only labels that fit without overlapping)",
)

gdf = session_areas.boundary(version, layer)
code_col = f"{layer_specs[layer].trust_field}_code"
if code_col == "region_code" and "located_region_code" in view:
    # Region polygons are coloured by where trusts are (the region of record is NHS England's).
    code_col = "located_region_code"
stat = mapview.area_stats(view, code_col, measure)
counts = view.groupby(code_col).size() if code_col in view else None
polygons = mapview.boundary_geojson(gdf, stat, counts)

bounds, focus_outline = session_areas.focus_frame(store, version, c.focus)
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
MAP_HEIGHT = 560 if c.present else 520


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
        st.session_state[shared.domain_key(domain)] = w


deck = mapview.build_deck(
    points,
    polygons,
    mapview.view_for_bounds(
        bounds or mapview.ENGLAND_BOUNDS,
        width_px=760 if c.present else 640,
        height_px=MAP_HEIGHT,
    ),
    labels=labels,
    selected=c.trust,
    focus_outline=focus_outline,
)
frame = bounds or mapview.ENGLAND_BOUNDS
with map_col:
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
            labels=session_areas.area_labels(version, layer),
            selected=c.trust,
            where=where,
        ),
        key="live_map",
        on_weights=_on_live_weights,
        on_select=_on_live_select,
        height=MAP_HEIGHT,
    )
with side:
    st.markdown(
        f'<div class="la-legend-stack">{shared.legend_html()}</div>', unsafe_allow_html=True
    )
    if stat is not None:
        st.caption(f"Areas coloured by {stat.label}; darker = worse.")
    if c.trust and c.trust in set(view["trust_code"]):
        t = view.set_index("trust_code").loc[c.trust]
        with details_box.container(border=True, key="la-selected-trust"):
            st.markdown(f"**{ui.md_escape(t['trust_name'])}** ({c.trust})")
            in_rsp = pd.notna(t["final_segment"]) and t["final_segment"] == 5  # NA: unpublished
            seg = ui.segment_style(5 if in_rsp else t["segment"])
            moved = (
                f" ({ui.rank_change_arrow(t['rank_change'])} vs official {t['official_rank']})"
                if t["rank_change"]
                else ""
            )
            st.markdown(
                f"Segment **{seg.label}** · rank **{t['rank']}** of {len(view)}{moved} · "
                f"average score **{t['average_score']:.2f}** (1 best - 4 worst)"
            )
            why = narrative.rank_reasons(view[view["trust_code"] == c.trust])[0]
            if why:
                st.markdown(f"Why: {why}")
            if isinstance(t.get("likely_rank"), str) and t.get("likely_rank"):
                st.markdown(f"Likely rank (95%, NHS England's method): {t['likely_rank']}")
            approx = bool(t.get("location_approximate")) if "location_approximate" in t else False
            st.caption(
                f"{t.get('region_name') or 'Region unknown'} · {t.get('icb23_name') or 'ICB unknown'} (2023) · "
                f"{t.get('lad_name') or 'LAD unknown'}"
                + (" · location approximate" if approx else "")
            )
            if t["drivers"] and not c.present:
                st.caption(f"What moved it under these weights: {t['drivers']} (+ is worse)")
    elif not c.present:
        st.caption("Click a trust on the map, or choose one in the sidebar, for its details here.")
    if c.focus.code and not shown.empty and not c.present:
        with st.expander(f"{where} at a glance", expanded=True):
            for line in narrative.focus_summary(view, shown, where, c.trust_type):
                st.markdown(f"- {ui.md_escape(line)}")
unplaced = shown[~shown["on_map"]]
if len(unplaced):
    n_un = len(unplaced)
    st.caption(
        f"{n_un} {'trust' if n_un == 1 else 'trusts'} could not be placed on the map and "
        f"{'appears' if n_un == 1 else 'appear'} only in the table: "
        + ", ".join(unplaced["trust_name"])
    )
if c.focus.code and not shown.empty and not c.present:
    explore_sections.peer_comparison(view, shown, where)

st.header("Table behind the map")
# The same table the exports carry (and `python -m league_atlas export csv` writes): key
# columns first, with a Why column where the order needs explaining.
table = exports.board_table(shown)
area_col = f"{layer_specs[layer].trust_field}_name"
area_label = layer_specs[layer].area_name
if area_col in shown and area_label not in table:
    # The chosen boundary layer's area name (a visitor's own areas too), before "On map".
    table.insert(
        len(table.columns) - 1,
        area_label,
        shown.sort_values(["rank", "trust_code"])[area_col].to_numpy(),
    )
st.caption(narrative.RANK_ORDER_NOTE)
shared.show_table(
    c,
    table.iloc[:, :7] if c.present else table,
    {ui.COLUMN_LABELS["average_score"]: "{:.2f}"},
    height=38 + 35 * min(len(table), 16),
    column_config={
        ui.COLUMN_LABELS["rank"]: st.column_config.NumberColumn(
            "Rank", width="small", help="Rank under the current weights (1 = best)"
        ),
        ui.COLUMN_LABELS["trust_name"]: st.column_config.TextColumn(width="large"),
        "Segment": st.column_config.TextColumn(width="small"),
        "Rank change": st.column_config.TextColumn(width="small", help="▲ = moved up"),
        "Why": st.column_config.TextColumn(width="medium"),
        ui.COLUMN_LABELS["average_score"]: st.column_config.NumberColumn(format="%.2f"),
    },
)
st.caption(f"Data: NHS Oversight Framework {c.quarter}. {ui.ATTRIBUTION}")
if not c.present:
    export_panel(
        view=view,
        prep=prep,
        controls=c,
        store=store,
        table=table,
        key="map",
    )

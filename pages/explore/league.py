"""League table page: official vs re-weighted side by side, rank intervals, search, CSV download."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from league_atlas.scoring import recompute
from league_atlas.views import explorer, likely_ranges, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import explore_sections, search_box, session_areas, shared
from league_atlas_ui.export_panel import export_panel

store, c = shared.page_context()
version, prep, view = shared.current_view(c)
view = explorer.in_focus(view, c.focus)
where = (
    explorer.focus_options(session_areas.trusts(store), c.focus.level).get(c.focus.code, "England")
    if c.focus.code
    else "England"
)

shared.page_title(
    c,
    f"League table: {ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)}, {where}, {c.quarter}",
    narrative.league_headline(view, c.trust_type, c.quarter, where),
)
shared.param_notices()
shared.weights_banner(prep, c)

f1, f2, f3 = shared.controls_area(c).columns([3, 2, 2])
search = f1.text_input(
    "Search by trust name, ODS code, town or hospital",
    key="search",
    bind="query-params",
    placeholder="e.g. Leeds, RR8 or Crewe",
)
segs = f2.multiselect(
    "Segments (current weights)",
    [1, 2, 3, 4],
    key="seg",
    bind="query-params",
    format_func=lambda s: ui.SEGMENTS[s].label,
)
changed_only = f3.checkbox("Only trusts whose rank changed", key="changed", bind="query-params")

shown = view
if search.strip():
    shown = shown[
        shown["trust_code"].isin(
            search_box.find(store, search, list(shown["trust_code"]))["trust_code"]
        )
    ]
if segs:
    shown = shown[shown["segment"].isin(segs)]
if changed_only:
    shown = shown[shown["rank_change"].fillna(0) != 0]

seg_change = np.where(
    shown["segment_change"].fillna(0).to_numpy() != 0,
    [
        f"S{int(o)} → S{int(n)}"
        for o, n in zip(
            shown["official_segment"].fillna(0), shown["segment"].fillna(0), strict=True
        )
    ],
    "",
)
official_segment = [
    ui.segment_style(s).label
    for s in shown["official_segment"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
]
final_segment = [
    ("S5" if s == 5 else "" if s == s else "not published")
    for s in shown["final_segment"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
]
_flags = recompute.flags_by_trust(store.recompute, c.quarter, c.trust_type)
# Official and re-weighted side by side: rank, segment and score pairs, then what moved it.
# Key columns first (position, trust, segment, move, why), then official against re-weighted.
table = pd.DataFrame(
    {
        "Rank (current weights)": shown["rank"],
        "Trust": shown["trust_name"],
        "Segment (current weights)": shown["segment_label"],
        "Rank change": shown["rank_change_text"],
        "Why": narrative.rank_reasons(shown),
        "Score (current weights)": shown["average_score"].round(3),
        "Official rank": shown["official_rank"],
        "Official segment": official_segment,
        "Segment change": seg_change,
        "Official score": shown["official_average_score"].round(2),
        "Check (recomputed)": shown["trust_code"].map(
            lambda t: f"{ui.RECOMPUTE_FLAG}: {_flags[t]}" if t in _flags else "agrees"
        ),
        "Final segment (5 = RSP)": final_segment,
        "What moved it": shown["drivers"],
        "ODS code": shown["trust_code"],
        "NHS region": shown.get("region_name"),
        "On map": np.where(
            ~shown["on_map"],
            "not on map",
            np.where(
                shown.get("location_approximate", pd.Series(False, index=shown.index))
                .fillna(False)
                .astype(bool),
                "yes (approximate location)",
                "yes",
            ),
        ),
    }
).sort_values(["Rank (current weights)", "ODS code"])


HIGHLIGHTED = ["Segment (current weights)", "Segment change"]


def _highlight(cells: pd.DataFrame) -> pd.DataFrame:
    """Segment changes highlighted, the whole column at once (a per-row apply cost a rerun
    ~130 Python calls)."""
    changed = cells["Segment change"].fillna("").astype(bool).to_numpy()
    style = np.where(changed, "background-color: #FFF3C4; font-weight: bold", "")
    return pd.DataFrame({col: style for col in cells.columns}, index=cells.index)


st.caption(
    f"{len(table)} of {len(view)} trusts shown. Rank 1 is best; rank change ▲ = moved up under "
    f"the current weights. Segment changes are highlighted and written out. {narrative.RANK_ORDER_NOTE}"
)
if table.empty:
    filters = [f'search "{search.strip()}"' if search.strip() else ""]
    filters += [f"segments {', '.join(ui.SEGMENTS[x].label for x in segs)}" if segs else ""]
    filters += ["only changed ranks" if changed_only else ""]
    st.info(
        f"No trusts in {where} match {' and '.join(f for f in filters if f) or 'these settings'}: "
        "clear a filter above to see them."
    )
elif c.present:
    shared.show_table(
        c,
        table[
            [
                "Rank (current weights)",
                "Trust",
                "Segment (current weights)",
                "Rank change",
                "Why",
                "Score (current weights)",
                "Official rank",
            ]
        ],
        {"Official score": "{:.2f}", "Score (current weights)": "{:.3f}"},
    )
else:
    st.dataframe(
        table.style.apply(_highlight, axis=None, subset=HIGHLIGHTED).format(
            {"Official score": "{:.2f}", "Score (current weights)": "{:.3f}"}, na_rep=""
        ),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 560),
        column_config={
            "Rank (current weights)": st.column_config.NumberColumn(
                "Rank", width="small", help="Rank under the current weights (1 = best)"
            ),
            "Trust": st.column_config.TextColumn(width="large"),
            "Segment (current weights)": st.column_config.TextColumn(
                "Segment", width="small", help="Segment under the current weights"
            ),
            "Rank change": st.column_config.TextColumn(width="small", help="▲ = moved up"),
            "Why": st.column_config.TextColumn(width="medium"),
        },
    )

st.header("How sure is each rank?")
ranges, current_weights = shared.likely_ranges_for_view(version, prep, c, "likely_follow")
st.write(likely_ranges.METHOD_NOTE.format(draws=ui.LIKELY_RANGE_DRAWS))
agreement = likely_ranges.published_agreement(ranges)
if agreement:
    st.write(agreement)
weight_layer = None
if shared.controls_area(c).checkbox(
    "Add the uncertainty from the weights (second layer)",
    key="weight_layer",
    bind="query-params",
    help="Monte Carlo over the weights around the current ones: how much the choice of weights matters.",
):
    spread = shared.spec_slider(
        shared.controls_area(c),
        ui.UNCERTAINTY_SPREAD,
        ui.UNCERTAINTY_SPREAD.label,
        ui.UNCERTAINTY_SPREAD.key,
    )
    weight_layer = shared.intervals(
        version,
        *c.view_key,
        spread,
    )
    st.write(
        likely_ranges.WEIGHT_LAYER_NOTE.format(draws=ui.UNCERTAINTY_DRAWS, spread=spread)
        + f" Average absolute rank shift: {weight_layer.attrs.get('mean_abs_rank_shift', float('nan')):.1f} places."
    )
cat = likely_ranges.caterpillar_frame(shown, ranges, weight_layer)
if len(cat):
    explore_sections.likely_rank_chart(cat, ranges, weight_layer, current_weights)
if not c.present:
    export_panel(
        view=view,
        prep=prep,
        controls=c,
        store=store,
        table=table,
        key="league",
    )

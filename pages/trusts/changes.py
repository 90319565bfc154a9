"""What changed since last quarter: movers on a map and in a table, each beyond or within noise."""

from __future__ import annotations

import os

import streamlit as st

from league_atlas.analysis import change
from league_atlas.render import mapview
from league_atlas.views import explorer, exports, likely_ranges
from league_atlas.views import presentation as ui
from league_atlas_ui import shared

store, c = shared.page_context()
version, prep, view = shared.current_view(c)
label = ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)
where = (
    explorer.focus_options(store.trusts, c.focus.level).get(c.focus.code, "England")
    if c.focus.code
    else "England"
)
previous = change.previous_quarter(store.quarters(c.trust_type), c.quarter)

st.title(f"What changed since last quarter: {label}, {where}")
shared.param_notices()
if previous is None:
    st.info(
        f"The store holds no quarter before {c.quarter} for {label.lower()}, so there is nothing to "
        "compare with. Choose a later quarter in the sidebar, or add an earlier release with "
        "`python -m league_atlas add-release`."
    )
    st.stop()

changes = shared.quarter_changes(version, c.trust_type, previous, c.quarter)
table = explorer.in_focus(likely_ranges.change_table(changes, view), c.focus)

st.caption(
    f"{previous} → {c.quarter}, published tables (official weights, whatever the sidebar weights "
    "are): the question is what NHS England's own tables did."
)
with st.container(border=True):
    st.markdown(ui.md_escape(change.sentence(changes)))
    st.caption(
        "NHS England's own note on Q2 2025/26 found 14 of 38 segment changes significant "
        "(6 from the financial override, 8 from significant score changes)."
    )

show = st.radio(
    "Show",
    ["Beyond noise only", "Every change", "All trusts"],
    horizontal=True,
    key="changes_show",
    bind="query-params",
)
if show == "Beyond noise only":
    shown = table[table["status"] == change.BEYOND]
elif show == "Every change":
    shown = table[table["status"] != change.NO_CHANGE]
else:
    shown = table

points = likely_ranges.change_points(shown)
st.markdown(
    "**Map key:** filled blue = better, beyond noise · filled red = worse, beyond noise · "
    "pale with a blue or red ring = better or worse, within noise · white = no change. "
    "Labels: places moved in the league (+3 = up three), **!** = a change beyond noise. "
    "The same data is in the table below."
)
if len(points):
    st.pydeck_chart(
        mapview.build_deck(
            points,
            mapview.boundary_geojson(shared.boundary(version, "nhs_region"), None)
            if "nhs_region" in store.boundary_ids()
            else None,
            mapview.view_for_bounds(None),
            basemap=os.environ.get("LEAGUE_ATLAS_BASEMAP", "1") != "0",
            labels=True,
        ),
        key="changes_map",
        height=520,
        alt=f"Map of {len(points)} trusts marked by their change since {previous}; the same data is in the table below.",
    )
else:
    st.info("No trust to show with this filter.")
unplaced = shown[shown["lat"].isna()] if "lat" in shown else shown.iloc[0:0]
if len(unplaced):
    st.caption(
        f"{len(unplaced)} trust(s) have no location and appear only in the table: "
        + ", ".join(unplaced["trust_name"].astype(str))
    )

st.header("Movers, beyond noise first")
display = likely_ranges.change_display(shown)
st.dataframe(
    display,
    hide_index=True,
    width="stretch",
    column_config={
        col: st.column_config.NumberColumn(format="%.2f")
        for col in display.columns
        if col.startswith("Score ") and "interval" not in col and "is" not in col.split()
    },
)
stamp = exports.stamp_lines(
    release=f"NHS Oversight Framework {previous} → {c.quarter}, {label}, {where}; store built {store.manifest['built_at']}",
    weights_note=ui.OFFICIAL_NOTE,
    attribution=ui.ATTRIBUTION,
)
st.download_button(
    "Download this table (CSV)",
    exports.to_csv_bytes(display, stamp),
    file_name=f"league-atlas-changes-{c.trust_type}-{c.quarter.replace(' ', '-').replace('/', '-')}.csv",
    mime="text/csv",
    key="download_changes_csv",
)

with st.expander("How is 'beyond noise' decided?"):
    st.markdown(
        f"""
The noise is the data's own, the same that NHS England's *likely ranges* measure: which metrics a
trust happens to be scored on. {ui.LIKELY_RANGE_DRAWS:,} bootstrap draws resample each trust's
metrics with replacement, **paired across the two quarters** (a metric is compared with itself).

- **Score**: beyond noise when the 95% interval of the change of the average over the draws
  excludes 0 (a bootstrap test at the 5% level; Efron & Tibshirani 1993).
- **League position**: the same test on the ranks, every trust re-ranked in every draw.
- **Segment**: as NHS England counts it, a segment change is significant when it comes from the
  financial override being applied or removed, or from a score change beyond noise.

Asking whether the two quarters' likely ranges overlap would be far too strict: overlapping
intervals can hide a real difference (Schenker & Gentleman 2001).
"""
    )
st.caption(ui.ATTRIBUTION)

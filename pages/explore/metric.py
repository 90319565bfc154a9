"""One metric: all trusts of a type on it (the individual-metric ranking), mapped and ranked."""

from __future__ import annotations

import altair as alt
import streamlit as st

from league_atlas.render import mapview
from league_atlas.views import explorer, metric_catalogue, narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import session_areas, shared

store, c = shared.page_context()
version = shared.store_version()
label = ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)
dic = shared.metric_dictionary(version, c.trust_type, c.quarter)

title = f"One metric across {label.lower()}, {c.quarter}"
head = st.container()  # the title or headline, once the metric is chosen
shared.param_notices()
st.caption(
    "The individual-metric ranking (IMR): each metric ranked on its own, as NHS England publishes it. Weights do not apply here."
)
if dic.empty:
    head.title(title)
    st.info(f"No scored metrics for {label.lower()} in {c.quarter}.")
    st.stop()
where = (
    explorer.focus_options(store.trusts, c.focus.level).get(c.focus.code, "England")
    if c.focus.code
    else "England"
)

ids = list(dic["metric_id"])
desc = dict(zip(dic["metric_id"], dic["description"], strict=True))
metric_id = shared.controls_area(c).selectbox(
    "Metric", ids, key="metric", bind="query-params", format_func=lambda m: f"{m}: {desc[m]}"
)
info = dic.set_index("metric_id").loc[metric_id]
ranking = metric_catalogue.metric_ranking(store.metrics, c.trust_type, c.quarter, metric_id)
trusts = session_areas.trusts(store)
places = trusts[explorer.place_columns(trusts)]
ranked = ranking.merge(places, on="trust_code", how="left")
focused = explorer.in_focus(ranked, c.focus)
with head:
    shared.page_title(
        c,
        title,
        narrative.metric_headline(
            focused, metric_id, str(info["units"]), where, str(desc[metric_id])
        ),
    )

if focused.empty:
    st.info(f"No {label.lower()} in {where} in {c.quarter}: choose another focus in the sidebar.")
    st.stop()
d1, d2, d3, d4 = st.columns(4)
d1.metric("Units", info["units"])
d2.metric("Period", info["period"])
d3.metric("Direction", info["direction"])
d4.metric("Trusts with data", f"{info['n_trusts']}")
st.write(
    f"**How it is scored:** {info['scoring']}. Domain: {info['domain']} ({info['subdomain']})."
)

better = "higher" if info["direction"] == "higher is better" else "lower"
pts = mapview.value_points(
    focused, "value", label=metric_id, unit=info["units"], better=better, detail_col=None
)
pts["tt_l2"] = [
    f"Rank {int(r)} of {len(ranking)} (1 = best)" if r == r else ""
    for r in focused.dropna(subset=["lat", "lon"]).sort_values("trust_code")["rank"]
]
deck = mapview.build_deck(
    pts,
    None,
    mapview.view_for_bounds(mapview.ENGLAND_BOUNDS, width_px=900, height_px=480),
)
st.pydeck_chart(
    deck,
    key="metric_map",
    height=480,
    alt=f"Map of {len(pts)} trusts coloured by {metric_id}; the ranked chart and table below hold the same values.",
)
st.caption(
    f"Darker blue = worse end ({better} is better), as on every map. Hover a trust for its value "
    "and rank."
)

st.header("Ranked, with the median and quartiles")
med, lq, uq = info["median"], info["lower_quartile"], info["upper_quartile"]
chart_df = focused.assign(label=focused["trust_name"] + " (" + focused["trust_code"] + ")")
bars = (
    alt.Chart(chart_df)
    .mark_bar(color=ui.NHS_BLUE)
    .encode(
        y=alt.Y(
            "label:N",
            sort=alt.EncodingSortField("rank"),
            title=None,
            # Every trust named in full: no label dropped for overlap, none cut short.
            axis=alt.Axis(labelLimit=600, labelOverlap=False, labelFontSize=12),
        ),
        x=alt.X("value:Q", title=f"{metric_id} ({info['units']})"),
        tooltip=[
            alt.Tooltip("label:N", title="Trust"),
            alt.Tooltip("value:Q", title="Value"),
            alt.Tooltip("rank:Q", title="Rank"),
        ],
    )
)
rules = []
for v, name, dash in (
    (med, "median", []),
    (lq, "lower quartile", [4, 3]),
    (uq, "upper quartile", [4, 3]),
):
    if v == v:
        rules.append(
            alt.Chart({"values": [{"v": v, "name": name}]})
            .mark_rule(color=ui.NHS_TEXT, strokeDash=dash, strokeWidth=2)
            .encode(x="v:Q", tooltip=["name:N", "v:Q"])
        )
st.altair_chart(alt.layer(bars, *rules).properties(height=alt.Step(18)), width="stretch")
st.caption(
    "Solid line: median of the trust type; dashed: lower and upper quartiles (as published)."
)
shared.show_table(
    c,
    focused[["rank", "trust_name", "trust_code", "value", "score", "region_name"]].rename(
        columns={
            "rank": "Rank (1 = best)",
            "trust_name": "Trust",
            "trust_code": "ODS code",
            "value": f"Value ({info['units']})",
            "score": "Score (1 best - 4 worst)",
            "region_name": "NHS region",
        }
    ),
)
with st.expander("Metric dictionary: every scored metric of this trust type"):
    st.dataframe(dic, hide_index=True, width="stretch")
st.caption(f"Data: NHS Oversight Framework {c.quarter}. {ui.ATTRIBUTION}")

"""Trust profile: one trust against its peers and England, metric by metric, with its rank's uncertainty."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from league_atlas.analysis import change
from league_atlas.scoring import engine, recompute
from league_atlas.views import likely_ranges, narrative, profile_context
from league_atlas.views import presentation as ui
from league_atlas_ui import profile_sections, search_box, shared

store, c = shared.page_context()
version, prep, view = shared.current_view(c)
by_code = view.set_index("trust_code")
label = ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type)

code = c.trust if c.trust in view["trust_code"].values else None
shared.page_title(
    c,
    "Trust profile",
    narrative.profile_headline(view, code, c.trust_type)
    if code
    else f"Trust profile: {len(view)} {label.lower()}, {c.quarter}",
)
shared.param_notices()
ctrl = shared.controls_area(c)

names = dict(zip(view["trust_code"], view["trust_name"], strict=True))
search_box.trust_search(
    ctrl,
    store,
    codes=list(by_code.index),
    labels={k: f"{n} ({k})" for k, n in names.items()},
    key="profile_find",
    bound=False,
    profile_link=False,
)
if not code:
    st.info(
        f"Choose a trust above, in the sidebar, or by clicking it on the map. {len(view)} {label.lower()} in {c.quarter}."
    )
    st.stop()

t = by_code.loc[code]
st.header(f"{ui.md_escape(t['trust_name'])} ({code})")
shared.weights_banner(prep, c)
place = " · ".join(
    str(x)
    for x in (t.get("region_name"), t.get("icb23_name"), t.get("lad_name"))
    if isinstance(x, str)
)
st.caption(
    ui.md_escape(f"{t['trust_subtype']} · {place} · located by {t.get('located_by', 'n/a')}")
    + (f" · {ui.APPROXIMATE_LOCATION}" if bool(t.get("location_approximate", False)) else "")
)

subtypes = prep.trusts.set_index("trust_code")["trust_subtype"]
default_peers = [p for p in subtypes.index[subtypes == subtypes.get(code)] if p != code]
names = view.set_index("trust_code")["trust_name"].to_dict()
col_a, col_b = ctrl.columns([3, 2])
# The peer set is in the link (bound to the URL); a new trust starts from its own default peers,
# a link that carries a peer set keeps it.
peer_options = [p for p in view["trust_code"] if p != code]
if st.session_state.get("_peers_for") != code and (
    "_peers_for" in st.session_state or "peers" not in st.query_params
):
    st.session_state["peers"] = default_peers
st.session_state["_peers_for"] = code
peers = col_a.multiselect(
    f"Peer set (default: the other {subtypes.get(code)} trusts)",
    peer_options,
    key="peers",
    bind="query-params",
    format_func=lambda p: f"{names.get(p, p)} ({p})",
)
peers = [p for p in peers if p in peer_options]
compare = col_b.selectbox(
    "Compare side by side with",
    [p for p in view["trust_code"] if p != code],
    index=None,
    key="compare",
    bind="query-params",
    format_func=lambda p: f"{names.get(p, p)} ({p})",
    placeholder="Optional second trust",
)

# ------------------------------------------------------------------ headline
ranges, current_weights = shared.likely_ranges_for_view(version, prep, c, "profile_likely_follow")
ranges = ranges.set_index("trust_code")
weight_layer = ctrl.checkbox(
    "Also show the uncertainty from the weights (second layer)",
    key="profile_weight_layer",
    help="Monte Carlo over the weights (±25% each) around the current ones.",
)
iv = (
    shared.intervals(
        version,
        *c.view_key,
        ui.UNCERTAINTY_SPREAD.default,
    ).set_index("trust_code")
    if weight_layer
    else None
)
recompute_flags = recompute.flags_by_trust(store.recompute, c.quarter, c.trust_type)
gaps = engine.segment_gaps(
    prep, c.weights, segment_method=c.segment_method, financial_override=c.financial_override
).set_index("trust_code")


def headline(code: str) -> None:
    r = by_code.loc[code]
    seg_shown = 5 if pd.notna(r["final_segment"]) and r["final_segment"] == 5 else r["segment"]
    m1, m2, m3 = st.columns(3)
    m1.metric(
        "Segment", ui.segment_style(seg_shown).label, help=ui.segment_style(seg_shown).meaning
    )
    m2.metric(
        f"League position of {len(view)}",
        f"{r['rank']}",
        delta=f"{int(r['rank_change'])} vs official" if r["rank_change"] else None,
    )
    m3.metric("Average score (1 best - 4 worst)", f"{r['average_score']:.2f}")
    if code in recompute_flags:
        st.warning(
            f"{ui.RECOMPUTE_FLAG} with the published values shown above: {recompute_flags[code]}.",
            icon=":material/report:",
        )
    lr = ranges.loc[code]
    st.write(
        likely_ranges.trust_sentence(
            lr,
            len(view),
            official_weights=c.weights.is_official_for(prep),
            current_weights=current_weights,
        )
        + f" Chance of each segment over the draws: {likely_ranges.segment_chances(lr)}."
    )
    if iv is not None:
        i = iv.loc[code]
        st.write(
            f"Second layer, weight uncertainty only (±25% per weight, {ui.UNCERTAINTY_DRAWS:,} draws): "
            f"rank {likely_ranges.rank_range_text(i['rank_p5'], i['rank_p95'])} (5th-95th percentile)."
        )
    g = gaps.loc[code]
    if pd.notna(g["improvement_needed"]):
        msg = (
            f"To reach segment {int(g['segment_unadjusted']) - 1} before the financial override, its average score "
            f"would need to fall to {g['target_score']:.2f} or below (an improvement of {g['improvement_needed']:.2f}; cut-point {g['next_cut']:.3f})."
        )
        if bool(g["override_caps"]):
            msg += " The financial override would still hold it at segment 3."
        st.write(msg)
    else:
        st.write("It is already in segment 1 before the financial override.")


if compare:
    left, right = st.columns(2)
    with left:
        st.subheader(ui.md_escape(names[code]))
        headline(code)
    with right:
        st.subheader(ui.md_escape(names[compare]))
        headline(compare)
else:
    headline(code)

# ------------------------------------------------------------------ domains
st.subheader("Domain scores")
dom = engine.domain_scores(prep, c.weights)
dom_rows = {"This trust": dom.loc[code]}
if compare:
    dom_rows[names[compare]] = dom.loc[compare]
if peers:
    dom_rows[f"Peer median ({len(peers)})"] = dom.loc[[p for p in peers if p in dom.index]].median()
dom_rows[f"{label} median"] = dom.median()
st.dataframe(pd.DataFrame(dom_rows).T.round(2), width="stretch")
st.caption(
    "Mean of the trust's metric scores in each domain (1 best - 4 worst), with the current item weights."
)

# ------------------------------------------------------------------ metrics: spine chart + table
st.subheader("Each metric against the trust type")
profile_sections.metric_spine(c, version, code, compare, peers, names)

# ------------------------------------------------------------------ trend
st.subheader("Across quarters")
quarters = store.quarters(c.trust_type)
preps = [shared.prepared(version, c.trust_type, q) for q in quarters]
trend_ranges = {
    q: shared.likely_ranges(version, c.trust_type, q, shared.OFFICIAL_WEIGHTS_JSON, True, "release")
    for q in quarters
}
trend_changes = {
    q: shared.quarter_changes(version, c.trust_type, prev, q)
    for prev, q in zip(quarters, quarters[1:], strict=False)
}
trend_df = change.trust_trend(preps, code, trend_ranges, trend_changes)
if len(trend_df) >= 2:
    profile_sections.rank_trend(trend_df, quarters)
st.dataframe(likely_ranges.trend_frame(trend_df), hide_index=True, width="stretch")
if len(trend_df) < 2:
    st.caption(
        "The store holds one quarter for this trust; add later releases with `python -m league_atlas add-release` to see a trend."
    )

# ------------------------------------------------------------------ context
st.subheader("Staff-attraction and area context")
ctx = store.context_table()
if ctx is None or code not in set(ctx["trust_code"]):
    st.info(
        "No context proxies in the store for this trust (build the store with the context sources in the mirror)."
    )
else:
    st.dataframe(
        profile_context.proxy_rows(ctx, view["trust_code"], code),
        hide_index=True,
        width="stretch",
        column_config={
            "Percentile among the type": st.column_config.NumberColumn(format="percent")
        },
    )
st.caption(ui.ATTRIBUTION)

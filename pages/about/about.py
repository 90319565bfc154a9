"""About and method: sources, dates and licences, how NHS England builds the tables, what League
Atlas adds (re-weighting, rank intervals, context) and what the tables cannot tell you."""

from __future__ import annotations

import streamlit as st

from league_atlas.io import provenance
from league_atlas.views import narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import shared

store, c = shared.page_context()
m = store.manifest
counts = m.get("counts", {})

holdings = {
    t: (int((store.trusts["trust_type"] == t).sum()), list(store.quarters(t)))
    for t in store.trust_types()
}
shared.page_title(c, "About League Atlas", narrative.store_headline(holdings))
st.write(ui.APP_TAGLINE + ".")
st.write(
    "League Atlas puts NHS England's NHS Oversight Framework (NOF) trust league tables on a map. "
    "It shows the official table first, and lets you see how much each position depends on "
    "choices in the method: the weights, the cut-points between segments and the financial "
    "override. Every view says whether it is the official table."
)

st.header("What is in this store")
types = ", ".join(ui.TRUST_TYPE_LABELS.get(t, t) for t in counts.get("trust_types", [])) or "none"
st.markdown(
    f"- Releases (quarters): {', '.join(counts.get('quarters', [])) or 'none'}\n"
    f"- Trust types: {types}\n"
    f"- Trusts placed on the map: {counts.get('trusts', 0):,}\n"
    f"- Store built {str(m.get('built_at', 'at an unknown time'))[:19].replace('T', ' ')} UTC "
    f"by League Atlas {m.get('code_version', '')}"
)
added = m.get("added_releases") or []
if added:
    st.caption(
        f"{len(added)} release file(s) were added after the first build (see Add a release)."
    )

st.header("Data sources, dates and licences")
st.write(
    "Every dataset comes from its publisher under an open licence, mostly the Open Government "
    "Licence v3.0 (OGL). The table gives each source's publisher, licence and official address, "
    "whether the copy League Atlas read is byte-for-byte the publisher's file, and when it was "
    "fetched. Optional context sources are used only on the context pages."
)
table = provenance.sources_table(m)
first = ["Source", "Publisher", "Licence", "Fetched", "Mirror copy vs publisher's"]
st.dataframe(
    table[first + [c for c in table.columns if c not in first]],
    hide_index=True,
    width="stretch",
    height=38 + 35 * len(table),
    column_config={
        "Source": st.column_config.TextColumn(width="large"),
        "Mirror copy vs publisher's": st.column_config.TextColumn(width="large"),
        "Official address": st.column_config.LinkColumn("Official address", width="medium"),
    },
)
st.subheader("Attribution")
st.write(
    f"Every map, table and export carries this attribution: {ui.ATTRIBUTION} Each source's own "
    "attribution line follows."
)
with st.expander(f"Attribution lines of the {len(provenance.used_attributions(m))} sources used"):
    for line in provenance.used_attributions(m):
        st.text(line)

st.header("How NHS England builds the tables")
st.markdown(
    """
NHS England compares each trust only with trusts of the same type: acute trusts, mental health
and community trusts, and ambulance trusts. For each quarter it works in four steps.

1. **Score each metric from 1 to 4.** 1 is best, 4 is worst. Most scores come from a trust's
   rank on the metric within its type; some metrics score 1 when a standard is met (for example
   the four-hour A&E standard) and spread the rest from 2 to 4; finance and inspection scores are
   whole numbers.
2. **Average the scores.** Every metric counts equally. The three infection metrics (MRSA,
   E. coli, C. difficile) are averaged into one item first, and finance counts once, through the
   combined finance score.
3. **Cut the average into segments 1 to 4.** Segment 1 means the narrowest range of challenges,
   segment 4 the broadest. The cut-points are not published as numbers: League Atlas reads them
   back from each release, where the segments and averages bracket them.
4. **Apply the financial override and segment 5.** A trust with a deficit plan, or receiving
   deficit support, cannot be above segment 3: a trust that would be in segment 1 or 2 is moved to
   3. Segment 5 marks trusts in the Recovery Support Programme (intensive support); it is decided
   by NHS England, not computed from the metrics.

**League position** orders trusts first by segment, then by average score, lower being better;
trusts with the same segment and the same average (to two decimal places) share a position.
"""
)

st.header("What League Atlas adds")
st.subheader("Re-weighting")
st.write(
    "The sliders change how much each domain or metric counts in the average. A trust's score "
    "becomes the weighted average of the metric scores it has. With every weight at 1 you see "
    "NHS England's table exactly; any other setting is labelled 'not the official NOF table', in "
    "the app and in every export. Weights are a value judgement, not a fact: re-weighting shows "
    "how much a position rests on that judgement."
)
st.subheader("Rank intervals")
st.write(
    "A single rank hides how fragile it can be. Following Saisana, Saltelli and Tarantola "
    "(Journal of the Royal Statistical Society A, 2005), League Atlas treats the weights as "
    "uncertain: it draws 1,000 sets of weights around the chosen ones (about ±25% each by "
    "default), re-runs the whole method for each (score, segment, override, rank) and shows "
    "each trust's median rank, the range from the 5th to the 95th percentile rank, and the chance "
    "of landing in each segment. Overlapping ranges mean the table cannot tell those trusts apart. "
    "These intervals cover the choice of weights only, not measurement error in the metrics."
)
st.subheader("Context")
st.write(
    "Some differences between trusts come from where they are: deprivation, an older or more "
    "rural population, distance from a big labour market, local pay and housing costs. The "
    "context pages show these measures beside the league table, and a context-adjusted view fits "
    "a simple, stated model (least squares of the average score on the chosen context measures) "
    "to show how each trust scores against what its context would predict. The adjusted view is "
    "always shown beside the official one, never instead of it: adjusting too much can excuse "
    "poor care."
)

st.header("What the tables cannot tell you")
st.markdown(
    """
- **Trust type matters.** Specialist trusts (for example eye, heart or cancer hospitals) have no
  A&E and fewer metrics, and they fill the top of the acute table. Compare like with like.
- **Data dates differ.** Each metric has its own reporting period, from a single month to a
  whole year, and some are more than a year old when the table is published.
- **Mergers and acquisitions** change what a trust is between quarters, so a change in position
  may reflect a change in organisation rather than in performance.
- **Confidence intervals and volatility.** NHS England asks readers to allow for the uncertainty
  around each score and rank. Positions close together are often not really different, and they
  can move from quarter to quarter for reasons of chance.
- **One number hides a lot.** The King's Fund called the overall rankings "too simplified": a
  trust's rank on A&E, on planned care and on cancer diagnosis often disagree, and one rank hides
  differences between departments and between the sites of a multi-site trust.
- **Coverage and gaming.** The Nuffield Trust points out that the tables cover only certain
  things, leaving out outcomes such as cancer survival, and warns that trusts may chase the
  measures that move their rank rather than what matters most to patients.
- **Finance weighs heavily.** The financial override can move a trust down two segments whatever
  its care, which NHS Providers has asked NHS England to refine.
"""
)
st.caption(
    "Sources: NHS England's NOF 2025/26 methodology manual, league-table process page and CSV "
    "metadata; King's Fund and Nuffield Trust commentary; NHS Providers, 'NHS league tables: why "
    "thoughtful design is essential'; Saisana, Saltelli and Tarantola (2005)."
)

"""About and method: sources, licences, how the tables are built, and what they cannot tell you."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from league_atlas import presentation as ui
from league_atlas import sources
from pages import _shared

store, _ = _shared.page_context()
st.title("About League Atlas")
st.write(ui.APP_TAGLINE)
m = store.manifest
st.markdown(
    f"Store built {m['built_at']} (code {m['code_version']}); releases: "
    + ", ".join(m["counts"]["quarters"])
    + "."
)
st.subheader("Data sources and licences")
rows = [
    {
        "Source": s.title,
        "Publisher": s.publisher,
        "Licence": s.licence,
        "Official address": s.official_url or s.landing_page,
        "This copy": s.mirror_vs_official,
    }
    for s in sources.catalogue().values()
]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(ui.ATTRIBUTION)

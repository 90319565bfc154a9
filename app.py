"""League Atlas: the Streamlit entry point. Shared sidebar controls, then the chosen page.

Thin by design: widgets and layout here and in pages/, every computation in `league_atlas`.
"""

from __future__ import annotations

import streamlit as st

from league_atlas import presentation as ui
from pages import _shared

st.set_page_config(page_title=ui.APP_TITLE, page_icon=":material/map:", layout="wide")

store = _shared.current_store()
if store is None:
    page = st.navigation(
        [
            st.Page(
                "pages/onboarding.py", title="Get started", icon=":material/explore:", default=True
            )
        ]
    )
    page.run()
    st.stop()

controls = _shared.sidebar(store)
st.session_state["controls"] = controls
if controls.present:
    _shared.present_css()

page = st.navigation(
    {
        "Explore": [
            st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
            st.Page(
                "pages/league.py",
                title="League table",
                icon=":material/table_rows:",
                url_path="league",
            ),
        ],
        "About": [
            st.Page(
                "pages/about.py", title="About and method", icon=":material/info:", url_path="about"
            )
        ],
    },
    position="top" if controls.present else "sidebar",
)
page.run()

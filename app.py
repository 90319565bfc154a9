"""League Atlas: the Streamlit entry point. Shared sidebar controls, then the chosen page.

Thin by design: widgets and layout here and in pages/, every computation in `league_atlas`.
"""

from __future__ import annotations

import streamlit as st

from league_atlas.views import presentation as ui
from league_atlas_ui import shared

st.set_page_config(page_title=ui.APP_TITLE, page_icon=":material/map:", layout="wide")

shared.deployment_limits()
store = shared.begin_run()
if store is None:
    page = st.navigation(
        [
            st.Page(
                "pages/about/onboarding.py",
                title="Get started",
                icon=":material/explore:",
                default=True,
            )
        ]
    )
    page.run()
    st.stop()

# One line per page: (script, title, Material icon, url path). The first page is the default.
NAVIGATION = {
    "Explore": [
        ("pages/explore/map.py", "Map", "map", ""),
        ("pages/explore/league.py", "League table", "table_rows", "league"),
        ("pages/explore/metric.py", "One metric", "bar_chart", "metric"),
    ],
    "Trusts": [
        ("pages/trusts/profile.py", "Trust profile", "person_search", "profile"),
        ("pages/trusts/changes.py", "Since last quarter", "compare_arrows", "changes"),
    ],
    "Context": [
        ("pages/context/regions.py", "Regional disparities", "public", "regions"),
        ("pages/context/attraction.py", "Staff attraction and context", "groups", "attraction"),
    ],
    "About": [
        ("pages/about/about.py", "About and method", "info", "about"),
        ("pages/about/upload.py", "Add a release", "upload_file", "upload"),
        ("pages/about/boundaries.py", "Your own areas", "polyline", "boundaries"),
    ],
}
pages = {
    section: [
        st.Page(
            script,
            title=title,
            icon=f":material/{icon}:",
            default=(script == NAVIGATION["Explore"][0][0]),
            **({"url_path": path} if path else {}),
        )
        for script, title, icon, path in entries
    ]
    for section, entries in NAVIGATION.items()
}
# Streamlit's own sectioned menu nests <div>s in its <ul> (an axe "list" violation), so the menu
# is drawn here from page links under plain section labels instead.
page = st.navigation(pages, position="hidden")
with st.sidebar:
    shared.page_menu(pages)
controls = shared.sidebar(store, page=page.url_path)
st.session_state["controls"] = controls
shared.base_css()
if controls.present:
    shared.present_css()
    shared.presenter_bar(pages)
shared.private_banner()
page.run()

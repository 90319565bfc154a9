"""First run with no store: say what is missing and the command that fixes it."""

from __future__ import annotations

import streamlit as st

from league_atlas import config
from league_atlas.views import presentation as ui
from league_atlas_ui import shared

st.title(f"Welcome to {ui.APP_TITLE}")
st.write(ui.APP_TAGLINE)
data_dir = shared.data_dir()
mirror = config.default_mirror()
st.warning(
    f"No prepared data yet: there is no store under `{data_dir}`.", icon=":material/warning:"
)
st.markdown("Prepare the data with one command from the project folder, then reload this page:")
st.code("make run", language="sh")
st.markdown("or, with the app already installed:")
st.code(
    f"python -m league_atlas build --data-dir {data_dir}"
    + (f" --mirror {mirror}" if mirror else ""),
    language="sh",
)
if mirror is None:
    st.info(
        "No local data mirror was found (set `LEAGUE_ATLAS_MIRROR` or put the data in `../shared/data`); "
        "the build will try the official download addresses instead.",
        icon=":material/info:",
    )

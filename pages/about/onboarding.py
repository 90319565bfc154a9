"""First run with no store: say what is missing and the command that fixes it.

Visitors of a shared server see this page too, so it names no server path: the operator knows
where the data folder is (`LEAGUE_ATLAS_DATA_DIR`, else `data/` in the project).
"""

from __future__ import annotations

import streamlit as st

from league_atlas import config
from league_atlas.views import presentation as ui

st.title(f"Welcome to {ui.APP_TITLE}")
st.write(ui.APP_TAGLINE)
st.warning(
    "No prepared data yet: this server's data folder holds no store.", icon=":material/warning:"
)
st.markdown(
    "If you run this server, prepare the data with one command from the project folder, then "
    "reload this page:"
)
st.code("make run", language="sh")
st.markdown(
    f"or, with the app already installed (the data folder is `${config.DATA_DIR_ENV}`, "
    "else `data/` in the project):"
)
st.code(f"python -m league_atlas build --data-dir ${config.DATA_DIR_ENV}", language="sh")
st.info(
    f"The build copies the sources from a local mirror when one is set (`{config.MIRROR_ENV}`, "
    "or `../shared/data` beside the project), else from the official download addresses.",
    icon=":material/info:",
)

"""First run with no store: say what is missing and the command that fixes it.

Visitors of a shared server see this page too, so it names no server path: the operator knows
where the data folder is (`LEAGUE_ATLAS_DATA_DIR`, else `data/` in the project).
"""

from __future__ import annotations

import streamlit as st

from league_atlas import config
from league_atlas.io import fetch
from league_atlas.views import presentation as ui
from league_atlas_ui import shared

DATA = f"${config.DATA_DIR_ENV}"  # named, never resolved: visitors see no server path

st.title(f"Welcome to {ui.APP_TITLE}")
st.write(ui.APP_TAGLINE)
st.warning(
    "No prepared data yet: this server's data folder holds no store.", icon=":material/warning:"
)

needed = fetch.still_needed(shared.data_dir())
by_hand = [(src, how) for src, how in needed if not src.downloadable]
automatic = [src for src, _ in needed if src.downloadable]
if by_hand:
    st.subheader("Files to fetch by hand")
    st.markdown(
        "These sources have no direct download address, so the build cannot fetch them. "
        "Download each from its publisher's page and save it under the exact name shown, then "
        "run the build again (or point the build at a mirror folder that holds them)."
    )
    for src, _ in by_hand:
        with st.container(border=True):
            st.markdown(f"**{ui.md_escape(src.title)}** ({ui.md_escape(src.publisher)})")
            st.markdown(f"From: {src.landing_page or 'the publisher'}")
            st.markdown("Save as:")
            for f in src.files:
                st.code(f"{DATA}/raw/{src.id}/{f.name}", language=None)
            if src.url_source:
                st.caption(ui.md_escape(src.url_source))
if automatic:
    with st.expander(f"{len(automatic)} sources the build downloads itself"):
        for src in automatic:
            url = src.official_url or src.files[0].url
            st.markdown(f"- {ui.md_escape(src.title)}: {url}")

st.subheader("Build the data")
st.markdown(
    "If you run this server, prepare the data with one command from the project folder, then "
    "reload this page:"
)
st.code("make run", language="sh")
st.markdown("or, with the app already installed:")
st.code(f"python -m league_atlas build --data-dir {DATA} [--mirror DIR]", language="sh")
st.info(
    f"The data folder is `{DATA}` (else `data/` in the project). The build copies the sources "
    f"from a local mirror when one is set (`{config.MIRROR_ENV}`, or `../shared/data` beside the "
    "project), downloads what has an address, and lists the rest here.",
    icon=":material/info:",
)

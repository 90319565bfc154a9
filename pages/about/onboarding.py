"""First run with no store: say what is missing, where each missing file comes from, and the
command that builds the data (the same words the build prints when it fails)."""

from __future__ import annotations

import streamlit as st

from league_atlas import config
from league_atlas.io import fetch
from league_atlas.views import presentation as ui
from league_atlas_ui import shared

st.title(f"Welcome to {ui.APP_TITLE}")
st.write(ui.APP_TAGLINE)
data_dir = shared.data_dir()
mirror = config.default_mirror()
st.warning(
    f"No prepared data yet: there is no store under `{data_dir}`.", icon=":material/warning:"
)

needed = fetch.still_needed(data_dir)
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
                st.code(str(config.raw_dir(data_dir) / src.id / f.name), language=None)
            if src.url_source:
                st.caption(ui.md_escape(src.url_source))
if automatic:
    with st.expander(f"{len(automatic)} sources the build downloads itself"):
        for src in automatic:
            url = src.official_url or src.files[0].url
            st.markdown(f"- {ui.md_escape(src.title)}: {url}")

st.subheader("Build the data")
st.markdown("From the project folder, then reload this page:")
st.code("make run", language="sh")
st.markdown("or, with the app already installed:")
st.code(
    f"python -m league_atlas build --data-dir {data_dir}"
    + (f" --mirror {mirror}" if mirror else " --mirror DIR"),
    language="sh",
)
if mirror is None:
    st.info(
        "No local data mirror was found (set `LEAGUE_ATLAS_MIRROR` or put the data in "
        "`../shared/data`); the build downloads what has an address and lists the rest here.",
        icon=":material/info:",
    )

"""Add a new NOF release from the browser: the same checks and merge as `add-release`.

A bad file is refused with the exact problem (file, line, column, what was expected) and the store
is left byte-for-byte as it was; a good one is merged and a new store version published, which
every cached view picks up through the store version key. Shared deployments can switch uploads
off with LEAGUE_ATLAS_ALLOW_UPLOAD=0 (releases are then added with the command line).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from league_atlas import config
from league_atlas.errors import LeagueAtlasError
from league_atlas.io import provenance
from league_atlas.io.sources import catalogue
from league_atlas.schema import TRUST_TYPES
from league_atlas.store import writer
from league_atlas.views import narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import shared

ALLOW_ENV = config.ALLOW_UPLOAD_ENV
CLI = "python -m league_atlas add-release FILE [--quarter 'Q2 2025/26'] [--trust-type acute]"

store, c = shared.page_context()
shared.page_title(
    c,
    "Add a new NOF release",
    narrative.store_headline(
        {
            t: (int((store.trusts["trust_type"] == t).sum()), list(store.quarters(t)))
            for t in store.trust_types()
        }
    ),
)
if c.present:
    st.info("Leave presenter mode to add a release.", icon=":material/info:")
    st.stop()

if not config.flag(ALLOW_ENV):
    st.info(
        f"Uploading releases is switched off on this deployment ({ALLOW_ENV}=0). "
        "Releases are added by whoever runs it, with the command line instead:",
        icon=":material/lock:",
    )
    st.code(CLI, language="bash")
    st.stop()

landing = next(
    (s.landing_page for s in catalogue().values() if s.kind == "nof_release" and s.landing_page),
    "",
)
st.write(
    "NHS England publishes the NHS Oversight Framework data every quarter as CSV files: one "
    "metric-data file per trust type (long format, one row per trust and metric), and league-table "
    "files. Upload one here and League Atlas checks it and merges it into the store, exactly as "
    f"`{CLI.split(' [')[0]}` does. A later file for the same quarter and trust type replaces the "
    "earlier one; nothing changes if the file has a problem."
    + (f" Files and their metadata: {landing}" if landing else "")
)

done = st.session_state.pop("_upload_done", None)
if done:
    st.success(
        # The file name (user text) goes in the table below, not in this Markdown message.
        f"Release added: {done['Rows']} rows, {done['Trusts']} trusts, "
        f"{done['Quarters']} ({done['Trust types']}). Every page now uses the new store: choose "
        "the quarter in the sidebar's Quarter menu.",
        icon=":material/check_circle:",
    )
    st.table(pd.DataFrame({"": list(done), "This release": list(done.values())}).set_index(""))

up = st.file_uploader(
    "NOF release file (CSV as published)",
    type=["csv"],
    key="release_upload",
    help="Metric-data or league-table CSV from NHS England",
)
col1, col2 = st.columns(2)
quarter = col1.text_input(
    "Quarter, only if the file does not say",
    key="release_quarter",
    placeholder="e.g. Q2 2025/26",
    help="Used only when the file has no Quarter column and no summary rows that name it.",
)
types = ["", *TRUST_TYPES]
trust_type = col2.selectbox(
    "Trust type, only to override the file's labels",
    types,
    key="release_type",
    format_func=lambda t: "As written in the file" if not t else ui.TRUST_TYPE_LABELS.get(t, t),
)

if st.button(
    "Check and add this release",
    type="primary",
    disabled=up is None,
    icon=":material/upload_file:",
    key="release_add",
):
    old_manifest = store.manifest
    status = st.status("Checking the file and rebuilding the store...")
    try:
        info, result = writer.add_release(
            shared.data_dir(),
            data=up.getvalue(),
            name=up.name,
            quarter=quarter.strip() or None,
            trust_type=trust_type or None,
            progress=status.write,
        )
    except (LeagueAtlasError, ValueError, UnicodeError) as exc:
        status.update(label="Not added", state="error", expanded=False)
        st.error(
            "This file was not added and the store is unchanged. The problem:",
            icon=":material/error:",
        )
        st.code(str(exc), language=None, wrap_lines=True)
    else:
        status.update(label="Release added", state="complete", expanded=False)
        # Cached data and resources are keyed by the store version, which has just changed,
        # so the rerun (sidebar included) reads the new store.
        st.session_state["_upload_done"] = provenance.release_summary(
            info, old_manifest, result.manifest
        )
        st.rerun()

st.header("Releases in the store")
if store.releases.empty:
    st.info("No releases in the store yet.")
else:
    st.dataframe(
        provenance.release_table(store.releases, store.manifest), hide_index=True, width="stretch"
    )

"""Check a new NOF release in the browser, explore it privately, and (operators only) publish it.

Visitors of a shared server are anonymous, so an upload never changes the shared store by itself:
a file that passes the same checks as `add-release` becomes a private view in the visitor's own
session (every page labelled "your file, not published"; nobody else sees it; it ends with the
session). Publishing it to everyone needs the operator's secret, LEAGUE_ATLAS_ADMIN_TOKEN
(compared in constant time; no token configured means publishing from the browser is off), or
the command line. Each publication is recorded in the store manifest (when, file sha256, route).
LEAGUE_ATLAS_ALLOW_UPLOAD=0 switches the page off altogether.
"""

from __future__ import annotations

import hmac

import pandas as pd
import streamlit as st

from league_atlas import config
from league_atlas.errors import LeagueAtlasError
from league_atlas.io import provenance
from league_atlas.io.sources import catalogue
from league_atlas.schema import TRUST_TYPES
from league_atlas.store import overlay, writer
from league_atlas.views import narrative
from league_atlas.views import presentation as ui
from league_atlas_ui import shared

CLI = "python -m league_atlas add-release FILE [--quarter 'Q2 2025/26'] [--trust-type acute]"

settings = config.settings()
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

if not settings.allow_upload:
    st.info(
        f"Uploading releases is switched off on this deployment ({config.ALLOW_UPLOAD_ENV}=0). "
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
    "files. Upload one here and League Atlas checks it exactly as "
    f"`{CLI.split(' [')[0]}` does. A file that passes opens as **your private view**: every page "
    "shows your file merged over the published data, labelled 'your file, not published'. Nobody "
    "else sees it, and it ends when you close the tab."
    + (f" Files and their metadata: {landing}" if landing else "")
)
if settings.admin_token:
    st.info(
        "Publishing is **on** for operators: whoever holds this server's admin token can publish "
        "a checked file to everyone. Without the token, uploads stay private.",
        icon=":material/admin_panel_settings:",
    )
else:
    st.info(
        "Publishing from the browser is **off** on this server (no admin token is configured): "
        "uploads stay private to your session. The operator adds releases with the command line.",
        icon=":material/lock:",
    )
st.caption(
    f"Limits: files up to {settings.max_file_mb:,} MB, {settings.max_rows:,} rows and "
    f"{settings.max_trusts_per_type:,} trusts of one type (a real release has about 9,000 rows "
    "and at most 134 trusts of a type)."
)

done = st.session_state.pop("_upload_done", None)
if done:
    verb, summary = done
    st.success(
        # The file name (user text) goes in the table below, not in this Markdown message.
        f"{verb}: {summary['Rows']} rows, {summary['Trusts']} trusts, "
        f"{summary['Quarters']} ({summary['Trust types']}). "
        + (
            "Every page now shows it, in your session only: choose the quarter in the sidebar."
            if verb == "Checked, private view open"
            else "Every visitor now sees it: choose the quarter in the sidebar's Quarter menu."
        ),
        icon=":material/check_circle:",
    )
    st.table(
        pd.DataFrame({"": list(summary), "This release": list(summary.values())}).set_index("")
    )

up = st.file_uploader(
    "NOF release file (CSV as published)",
    type=["csv"],
    key="release_upload",
    help="Metric-data or league-table CSV from NHS England",
    max_upload_size=settings.max_file_mb,
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


def _refuse(exc: Exception, what: str) -> None:
    st.error(f"{what} The problem:", icon=":material/error:")
    st.code(str(exc), language=None, wrap_lines=True)


if st.button(
    "Check and explore privately",
    type="primary",
    disabled=up is None,
    icon=":material/upload_file:",
    key="release_add",
):
    current = shared.current_store()
    base = current.base if overlay.is_private(current) else current
    try:
        if up.size > settings.max_file_bytes:
            raise LeagueAtlasError(
                f"{up.name}: the file is over the {settings.max_file_mb:,} MB limit"
            )
        with st.spinner("Checking the file..."):
            view = overlay.private_view(
                base,
                up.getvalue(),
                up.name,
                quarter=quarter.strip() or None,
                trust_type=trust_type or None,
                data_dir=shared.data_dir(),
            )
    except (LeagueAtlasError, ValueError, UnicodeError) as exc:
        _refuse(exc, "This file was not opened; nothing changed, for you or anyone else.")
    else:
        shared.set_private_view(view)
        summary = provenance.release_summary(
            view.release.info,
            base.manifest,
            view.manifest | {"releases": view.releases.to_dict("records")},
        )
        st.session_state["_upload_done"] = ("Checked, private view open", summary)
        st.rerun()

view = shared.private_view()
st.header("Publish to everyone")
if view is None:
    st.write("Check a file first: publishing applies to the file open in your private view.")
elif not settings.admin_token:
    st.write(
        "Publishing from the browser is off on this server. The operator can publish the same "
        "file with the command line:"
    )
    st.code(CLI, language="bash")
else:
    st.write(
        "Operators only: publishing merges the file open in your private view into the shared "
        "store for every visitor, and records it in the manifest (when, the file's sha256, "
        "'admin-upload')."
    )
    token = st.text_input("Admin token", type="password", key="admin_token")
    if st.button("Publish this file to everyone", key="release_publish", icon=":material/public:"):
        if not hmac.compare_digest(token.encode("utf-8"), settings.admin_token.encode("utf-8")):
            st.error("Wrong admin token: nothing was published.", icon=":material/error:")
        else:
            old_manifest = view.base.manifest
            status = st.status("Publishing: rebuilding the shared store...")
            try:
                info, result = writer.add_release(
                    shared.data_dir(),
                    data=view.data,
                    name=view.file,
                    quarter=view.options.get("quarter"),
                    trust_type=view.options.get("trust_type"),
                    progress=status.write,
                    route="admin-upload",
                )
            except (LeagueAtlasError, ValueError, UnicodeError) as exc:
                status.update(label="Not published", state="error", expanded=False)
                _refuse(exc, "This file was not published and the shared store is unchanged.")
            else:
                status.update(label="Published", state="complete", expanded=False)
                shared.set_private_view(None)
                st.session_state["_upload_done"] = (
                    "Published to everyone",
                    provenance.release_summary(info, old_manifest, result.manifest),
                )
                st.rerun()

st.header("Releases in the store")
store = shared.current_store()
if store.releases.empty:
    st.info("No releases in the store yet.")
else:
    st.dataframe(
        provenance.release_table(store.releases, store.manifest), hide_index=True, width="stretch"
    )
publications = (store.base if overlay.is_private(store) else store).manifest.get("publications")
if publications:
    st.subheader("Publications")
    st.dataframe(
        pd.DataFrame(publications).rename(
            columns={"at": "When (UTC)", "file": "File", "sha256": "sha256", "route": "Route"}
        ),
        hide_index=True,
        width="stretch",
    )

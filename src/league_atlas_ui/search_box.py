"""The trust search box, as drawn in the sidebar and on the profile page.

Widgets only: the matching and the ranking are `league_atlas.views.search.find_trusts`, the same
function as `python -m league_atlas find`. Typing a query picks its best match at once (the
chosen trust shows on top, with a link to its profile); the other matches stay in the list
below it, best first. The list itself cannot be typed into, so there is one search, not two.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from league_atlas.views import presentation as ui
from league_atlas.views import search

PROFILE_PAGE = "pages/trusts/profile.py"
PLACEHOLDER = "Name, ODS code, town or hospital"


@st.cache_resource(show_spinner=False, max_entries=2)
def _index(version: str, _store) -> search.SearchIndex:
    return search.build_index(_store)


def index(store) -> search.SearchIndex:
    """The search index of this store version (built once per version)."""
    return _index(store.path.name, store)


def find(store, query: str, codes: list[str] | None = None) -> pd.DataFrame:
    return search.find_trusts(query or "", index(store), codes=codes)


def _pick_best(store, codes: list[str], query_key: str) -> None:
    found = find(store, st.session_state.get(query_key, ""), codes)
    if len(found):
        st.session_state["trust"] = found["trust_code"].iloc[0]


def _copy_pick(pick_key: str) -> None:
    if st.session_state.get(pick_key):
        st.session_state["trust"] = st.session_state[pick_key]


def trust_search(
    box,
    store,
    *,
    codes: list[str],
    labels: dict[str, str],
    key: str,
    bound: bool,
    profile_link: bool = True,
) -> str | None:
    """A query box and the matching trusts; returns the chosen trust code (or None).

    `bound`: the list is the app's `trust` control itself, bound to the URL (the sidebar);
    otherwise (the profile page) choosing from the list sets that control.
    """
    query_key = f"{key}_query"
    query = box.text_input(
        "Find a trust",
        key=query_key,
        type="search",
        live="300ms",
        placeholder=PLACEHOLDER,
        on_change=_pick_best,
        args=(store, codes, query_key),
        help="Matches whole words of the trust's name, its ODS code, its headquarters town or "
        "postcode, and the hospitals it runs; exact code and town matches first.",
    )
    found = find(store, query, codes) if (query or "").strip() else None
    current = st.session_state.get("trust")
    if found is None:
        options = sorted(codes, key=lambda c: labels.get(c, c))
    else:
        options = found["trust_code"].tolist()
        if current in codes and current not in options:
            options = [current, *options]
    common = dict(
        index=None,
        format_func=lambda c: labels.get(c, c),
        filter_mode=None,
        placeholder="Choose a trust" if found is None else f"{len(found)} matches, best first",
    )
    if bound:
        trust = box.selectbox("Trust", options, key="trust", bind="query-params", **common)
    else:
        pick_key = f"{key}_pick"
        if st.session_state.get(pick_key) not in options:
            st.session_state.pop(pick_key, None)
        box.selectbox(
            "Matching trusts" if found is not None else "Trust",
            options,
            key=pick_key,
            on_change=_copy_pick,
            args=(pick_key,),
            **common,
        )
        trust = current if current in codes else None
    if found is not None:
        if found.empty:
            elsewhere = find(store, query)
            hint = (
                f" {len(elsewhere)} of another trust type match: change the trust type to see "
                + ("it." if len(elsewhere) == 1 else "them.")
                if len(elsewhere)
                else " Try a town, a hospital or an ODS code."
            )
            box.caption(f"No trust of this type matches “{ui.md_escape(query.strip())}”.{hint}")
        else:
            why = dict(zip(found["trust_code"], found["matched"], strict=True))
            shown = found["trust_code"].head(5).tolist()
            box.caption(
                " · ".join(ui.md_escape(f"{c}: {why[c]}") for c in shown)
                + (f" · and {len(found) - 5} more" if len(found) > 5 else "")
            )
    if trust and profile_link:
        box.page_link(
            PROFILE_PAGE,
            label=ui.md_escape(f"Profile: {labels.get(trust, trust)}"),
            icon=":material/person_search:",
        )
    return trust

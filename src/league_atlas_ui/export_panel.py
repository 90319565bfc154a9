"""Export buttons for the current view: the map as PNG, the table as CSV, a PowerPoint deck.

Showing the panel costs nothing: each button hands Streamlit a callable that runs only when it is
clicked (in its own thread, without rerunning the page), and the PNG and the deck are cached per
view (store version, trust type, quarter, weights, method, focus), so a second click is instant.
Every file is stamped with the release and data dates, the weights in use and the attribution.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from league_atlas.render import board_pack
from league_atlas.scoring import preparation
from league_atlas.store import reader
from league_atlas.views import exports
from league_atlas_ui import session_areas, shared


def _view_key(c, version: str | None) -> tuple:
    """Everything that decides what the map and the deck show, as a hashable cache key."""
    return (
        version,
        *c.view_key,
        c.focus.level,
        c.focus.code,
        session_areas.fingerprint(),  # a visitor's own layers never share a cached export
    )


def _pack(view, prep, c, store, table) -> board_pack.BoardPack:
    """The package's board pack of this view: the same files `python -m league_atlas export`
    writes (the app only hands over what it already holds, cached)."""
    layer = c.focus.layer
    areas = (
        session_areas.boundary(shared.store_version(), layer)
        if layer in session_areas.all_layers(store)
        else None
    )
    return board_pack.board_pack(
        store,
        trust_type=c.trust_type,
        quarter=c.quarter,
        focus=c.focus,
        weights=c.weights,
        financial_override=c.financial_override,
        segment_method=c.segment_method,
        prepared=prep,
        view=view,
        table=table,
        areas=areas,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _png(key: tuple, _pack: board_pack.BoardPack) -> bytes:
    return _pack.png()


@st.cache_data(show_spinner=False, max_entries=32)
def _pptx(key: tuple, table_hash: str, _pack: board_pack.BoardPack) -> bytes:
    _pack._png = _png(key, _pack)  # the deck's map is the PNG already made for this view
    return _pack.pptx()


def _table_hash(table: pd.DataFrame) -> str:
    digest = hashlib.sha256(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    digest.update("\x1f".join(map(str, table.columns)).encode())
    return digest.hexdigest()


def export_panel(
    *,
    view: pd.DataFrame,
    prep: preparation.Prepared,
    controls,
    store: reader.Store,
    table: pd.DataFrame,
    key: str,
) -> None:
    """Three download buttons (map PNG, table CSV, PowerPoint) for the view on this page.

    `view` is the whole league view (every trust of the type: the map greys those outside the
    focus), `table` the table as shown (display labels, display order), `key` unique per page.
    Title, headline and stamp come from the package (render/board_pack.py), as on the command line.
    """
    c = controls
    vkey = _view_key(c, shared.store_version())
    pack = _pack(view, prep, c, store, table)
    official = pack.official
    stem = pack.file_stem()

    def png() -> bytes:
        return _png(vkey, pack)

    def csv() -> bytes:
        return pack.csv()

    def pptx() -> bytes:
        return _pptx(vkey, _table_hash(table), pack)

    with st.container(border=True):
        st.markdown("**Export this view**")
        buttons = (  # label, data, file suffix, mime, icon, kind
            ("Map image (PNG)", png, "map.png", "image/png", "image", "png"),
            ("Table data (CSV)", csv, "table.csv", "text/csv", "table_view", "csv"),
            (
                "Slides (PowerPoint)",
                pptx,
                "slides.pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "slideshow",
                "pptx",
            ),
        )
        for col, (label, data, suffix, mime, icon, kind) in zip(
            st.columns(len(buttons)), buttons, strict=True
        ):
            col.download_button(
                label,
                data=data,
                file_name=f"{stem}-{suffix}",
                mime=mime,
                icon=f":material/{icon}:",
                key=f"export_{kind}_{key}",
                on_click="ignore",
                width="stretch",
            )
        st.caption(
            "Each file says which release, data dates and weights it shows"
            + ("" if official else f" ({exports.NOT_OFFICIAL})")
            + ", with the sources' attribution. The slides hold a title, the map, the top of "
            "the table, key messages and the method."
        )

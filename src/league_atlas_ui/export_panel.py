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

from league_atlas.io import provenance
from league_atlas.scoring import preparation
from league_atlas.store import reader
from league_atlas.views import explorer, exports
from league_atlas.views import presentation as ui
from league_atlas_ui import shared


def _view_key(c, version: str | None) -> tuple:
    """Everything that decides what the map and the deck show, as a hashable cache key."""
    return (
        version,
        c.trust_type,
        c.quarter,
        c.weights.to_json(),
        c.financial_override,
        c.segment_method,
        c.focus.level,
        c.focus.code,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _stamp(key: tuple, where: str, _prep: preparation.Prepared, _store: reader.Store, _c):
    c = _c
    note = explorer.weights_note(c.weights, _prep)
    official, note = exports.view_status(
        note,
        weights_official=c.weights.is_official_for(_prep),
        financial_override=c.financial_override,
        segment_method=c.segment_method,
    )
    return exports.make_stamp(
        manifest=_store.manifest,
        release_rows=_store.releases,
        metrics=_store.metrics,
        trust_type=c.trust_type,
        quarter=c.quarter,
        where=where,
        release_ids=_prep.release_ids,
        weights_note=note,
        official=official,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _png(key: tuple, title: str, where: str, _view: pd.DataFrame, _prep, _store, _c) -> bytes:
    c = _c
    stamp = _stamp(key, where, _prep, _store, c)
    layer = c.focus.layer
    areas = shared.boundary(key[0], layer) if layer in _store.boundary_ids() else None
    shown = explorer.in_focus(_view, c.focus)
    others = _view[~_view["trust_code"].isin(shown["trust_code"])] if c.focus.code else None
    from league_atlas.render import static_map

    return static_map.render_png(
        shown,
        areas,
        static_map.map_text(title, stamp),
        focus_code=c.focus.code or None,
        context_points=others,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _pptx(
    key: tuple, table_hash: str, title: str, where: str, _view, _table, _prep, _store, _c
) -> bytes:
    c = _c
    stamp = _stamp(key, where, _prep, _store, c)
    shown = explorer.in_focus(_view, c.focus)
    cp = _prep.cut_points
    from league_atlas.render import deck_export

    return deck_export.build_pptx(
        title=title,
        map_png=_png(key, title, where, _view, _prep, _store, c),
        table=_table,
        messages=exports.key_messages(
            shown,
            where=where,
            type_label=ui.TRUST_TYPE_LABELS.get(c.trust_type, c.trust_type),
            quarter=c.quarter,
            official=stamp.official,
        ),
        method=exports.method_lines(
            c.weights,
            cut_points=", ".join(f"{x:.3f}" for x in cp.cut) + f"; read from the {cp.source}",
            changes=exports.method_changes(
                financial_override=c.financial_override, segment_method=c.segment_method
            ),
        ),
        attributions=provenance.used_attributions(_store.manifest),
        stamp=stamp,
    )


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
    title: str,
    table: pd.DataFrame,
    where: str,
    key: str,
) -> None:
    """Three download buttons (map PNG, table CSV, PowerPoint) for the view on this page.

    `view` is the whole league view (every trust of the type: the map greys those outside the
    focus), `table` the table as shown (display labels, display order), `key` unique per page.
    """
    c = controls
    vkey = _view_key(c, shared.store_version())
    official = c.weights.is_official_for(prep) and not exports.method_changes(
        financial_override=c.financial_override, segment_method=c.segment_method
    )
    stem = exports.file_stem(c.trust_type, c.quarter, where, official=official)

    def png() -> bytes:
        return _png(vkey, title, where, view, prep, store, c)

    def csv() -> bytes:
        return exports.to_csv_bytes(table, _stamp(vkey, where, prep, store, c).lines())

    def pptx() -> bytes:
        return _pptx(vkey, _table_hash(table), title, where, view, table, prep, store, c)

    with st.container(border=True):
        st.markdown("**Export this view**")
        b1, b2, b3 = st.columns(3)
        b1.download_button(
            "Map image (PNG)",
            data=png,
            file_name=f"{stem}-map.png",
            mime="image/png",
            icon=":material/image:",
            key=f"export_png_{key}",
            on_click="ignore",
            width="stretch",
        )
        b2.download_button(
            "Table data (CSV)",
            data=csv,
            file_name=f"{stem}-table.csv",
            mime="text/csv",
            icon=":material/table_view:",
            key=f"export_csv_{key}",
            on_click="ignore",
            width="stretch",
        )
        b3.download_button(
            "Slides (PowerPoint)",
            data=pptx,
            file_name=f"{stem}-slides.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            icon=":material/slideshow:",
            key=f"export_pptx_{key}",
            on_click="ignore",
            width="stretch",
        )
        st.caption(
            "Each file says which release, data dates and weights it shows"
            + ("" if official else f" ({exports.NOT_OFFICIAL})")
            + ", with the sources' attribution. The slides hold a title, the map, the top of "
            "the table, key messages and the method."
        )

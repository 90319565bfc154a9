"""A visitor's own boundary layers, held in their session only, beside the store's layers.

A visitor may load a boundary file for themselves (pages/boundaries.py): it is checked and joined to
the trusts exactly as `add-boundaries` does, but lives in `st.session_state`, so no other session
sees it and nothing stored changes. Every page asks here for the layer list, the trust table (with
the session layers' area columns) and a layer's polygons, so a session layer is a choice everywhere
a published one is. Nothing here goes into a cache shared between sessions.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from league_atlas.places import own_areas
from league_atlas.places.registry import LayerSpec
from league_atlas.render import live_payload, mapview
from league_atlas.store import reader

SESSION_KEY = "_own_layers"


def _held() -> dict:
    return st.session_state.setdefault(SESSION_KEY, {})


def session_layers() -> dict[str, LayerSpec]:
    """This session's own layers, by id (empty for almost every visitor)."""
    return {k: v["spec"] for k, v in _held().items()}


def all_layers(store: reader.Store) -> dict[str, LayerSpec]:
    """The store's layers (official, then added) followed by this session's own.

    A session layer whose id the operator has since published is shadowed by the published one.
    """
    published = store.layers()
    taken = set(published) | {s.trust_field for s in published.values()}
    return {**published, **{k: v for k, v in session_layers().items() if k not in taken}}


def keep(layer, joins: pd.DataFrame, join_lines: list[str], version: str) -> None:
    """Hold a checked own_areas.AreaLayer and its trust joins (made on store `version`)."""
    _held()[layer.spec.id] = {
        "spec": layer.spec,
        "layer": layer,
        "web": layer.web,
        "joins": joins,
        "version": version,
        "notes": list(layer.notes),
        "join": list(join_lines),
    }


def drop(layer_id: str) -> None:
    _held().pop(layer_id, None)


def details(layer_id: str) -> dict | None:
    return _held().get(layer_id)


def trusts(store: reader.Store) -> pd.DataFrame:
    """The store's trust table with each session layer's <id>_code / <id>_name columns."""
    table = store.trusts
    for item in _held().values():
        if item["version"] != store.path.name:
            # A release was added since: join the new store's trusts to the layer again.
            item["joins"], item["join"] = own_areas.join_trusts(store.trusts, item["layer"])
            item["version"] = store.path.name
        if f"{item['spec'].trust_field}_code" in table.columns:
            continue  # published since under the same id: the store's columns win
        table = table.merge(item["joins"], on="trust_code", how="left")
    return table


def _own(layer_id: str) -> dict | None:
    """This session's own layer `layer_id`, unless the operator has since published that id (the
    published one wins)."""
    from league_atlas_ui import shared

    item = _held().get(layer_id)
    if item is None or layer_id in shared.current_store().boundary_ids():
        return None
    return item


def boundary(version: str, layer_id: str):
    """A layer's web polygons: this session's own, else the store's (cached per store version)."""
    from league_atlas_ui import shared

    item = _own(layer_id)
    return item["web"] if item is not None else shared.boundary(version, layer_id)


def focus_frame(store: reader.Store, version: str, focus) -> tuple[tuple | None, dict | None]:
    """The focus area's bounds (minx, miny, maxx, maxy) to frame a map on, and its outline as map
    GeoJSON; (None, None) for England, or for an area no layer of this session knows."""
    if not focus.code or focus.layer not in all_layers(store):
        return None, None
    fg = boundary(version, focus.layer)
    sel = fg[fg["code"] == focus.code]
    if not len(sel):
        return None, None
    return tuple(sel.total_bounds), mapview.boundary_geojson(sel, None)


def area_labels(version: str, layer_id: str) -> list[dict]:
    """The area names drawn on the live map: this session's own layer's (worked out once and held
    with it), else the store's (cached per store version)."""
    from league_atlas_ui import shared

    item = _own(layer_id)
    if item is None:
        return shared.area_labels(version, layer_id)
    if "labels" not in item:
        item["labels"] = live_payload.area_labels(item["web"])
    return item["labels"]


def fingerprint() -> str:
    """A digest of this session's own layers, for cache keys shared between sessions (exports)."""
    held = _held()
    if not held:
        return ""
    h = hashlib.sha256()
    for layer_id, item in sorted(held.items()):
        h.update(layer_id.encode())
        for wkb in item["web"].geometry.to_wkb():
            h.update(wkb)
        h.update(pd.util.hash_pandas_object(item["joins"], index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]

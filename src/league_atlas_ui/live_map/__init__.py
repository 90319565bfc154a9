"""The live map: a Streamlit Components v2 component that draws the map with deck.gl and holds the
domain weight sliders beside it, re-scoring the league in the browser while a slider moves.

Python describes each view once (league_atlas.render.live_payload); the browser recomputes scores,
segments, league positions and colours on every slider step with no server round trip, and
returns the weights once, on release. The built assets (frontend/dist, made by `make frontend`)
ship inside this package, so running the app needs no Node.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

PACKAGE_DIR = Path(__file__).resolve().parent
FRONTEND_DIR = PACKAGE_DIR / "frontend"
DIST_DIR = FRONTEND_DIR / "dist"
ASSET_DIR = "frontend/dist"  # relative to PACKAGE_DIR, as a component manifest declares it
PROJECT = "league_atlas_ui"
COMPONENT = "live_map"
NAME = f"{PROJECT}.{COMPONENT}"
HTML = '<div class="la-live-root"></div>'


def _register() -> Callable[..., Any]:
    """Register the component with its asset folder on the active runtime's component manager.

    Streamlit finds asset folders of installed components by scanning distributions for a
    `[tool.streamlit.component]` manifest, which an editable install of this project does not
    expose; registering the same manifest here serves frontend/dist from this package in every
    install mode (the assets are then fetched once over HTTP and cached by the browser, rather
    than sent inline with every rerun).
    """
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

    manager = get_bidi_component_manager()
    if manager.get_component_asset_root(NAME) is None:
        manifest = ComponentManifest(
            name=PROJECT,
            version="1",
            components=[ComponentConfig(name=COMPONENT, asset_dir=ASSET_DIR)],
        )
        manager.register_from_manifest(manifest, PACKAGE_DIR)
    return st.components.v2.component(
        NAME, html=HTML, js="live-map.js", css="live-map.css", isolate_styles=False
    )


def released_weights(
    state: Any, domains: tuple[str, ...] | list[str], lo: float, hi: float
) -> dict[str, float]:
    """Domain -> weight from the state the browser returned on release ({"weights": {"domains":
    {...}}}), clipped to the slider range; names not in this release and non-numbers are dropped
    (the state comes from the browser, so it is checked like any input)."""
    sent = (state or {}).get("weights") or {}
    raw = sent.get("domains") if isinstance(sent, dict) else None
    out: dict[str, float] = {}
    for name, w in (raw or {}).items() if isinstance(raw, dict) else ():
        number = isinstance(w, (int, float)) and not isinstance(w, bool) and w == w  # not NaN
        if name in domains and number:
            out[name] = min(max(float(w), lo), hi)
    return out


def live_map(
    payload: dict,
    *,
    key: str,
    on_weights: Callable[[], None] | None = None,
    on_select: Callable[[], None] | None = None,
    height: int = 620,
) -> Any:
    """Mount the live map for one view (`payload` from live_payload.live_map_payload).

    `on_weights` runs when the user lets go of a slider (the result's `weights` is then
    {"domains": {name: w}}); `on_select` when a trust is clicked (`select` is its ODS code).
    The key alone identifies the element, so a new payload updates the mounted map in place.
    """
    mount = _register()
    return mount(
        key=key,
        data=payload,
        height=height,
        on_weights_change=on_weights or (lambda: None),
        on_select_change=on_select or (lambda: None),
    )

"""AppTest for the live map's Python side: the payload it mounts, and the weights it returns.

AppTest cannot run the browser, so the component's state is played back as the browser would
send it (the callback's input), and the page must carry it to the sidebar, the URL and the view.
"""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from league_atlas.views import presentation as ui


def domain_key(domain: str) -> str:
    """The sidebar slider's key (and URL parameter) for a domain, as pages/_shared names it."""
    return f"{ui.DOMAIN_WEIGHT.key}_{re.sub(r'[^a-z0-9]+', '-', domain.lower()).strip('-')}"


def _live_map_protos(at: AppTest) -> list:
    return [e.proto for e in at.get("bidi_component")]


def _payload(at: AppTest) -> dict:
    protos = _live_map_protos(at)
    assert len(protos) == 1, "the map page mounts one live map"
    p = protos[0]
    assert p.component_name == "league_atlas_ui.live_map"
    assert p.js_source_path and not p.js_content, "the bundle is served as a file, not inlined"
    field = p.WhichOneof("data")
    assert field in ("json", "mixed")
    return json.loads(p.json if field == "json" else p.mixed.json)


def test_map_page_mounts_the_live_map_with_the_league(app):
    at = app.run()
    assert not at.exception
    data = _payload(at)
    league = data["league"]
    assert league["trustCodes"] == sorted(league["trustCodes"])
    assert len(league["scores"]) == len(league["trustCodes"]) == len(data["names"])
    assert set(data["weights"]["domains"].values()) == {1.0}
    assert data["bounds"] and len(data["bounds"]) == 4
    ids = {layer["id"] for layer in data["deck"]["layers"]}
    assert data["layerIds"]["trusts"] in ids and data["layerIds"]["areaLabels"] in ids


def test_weights_set_by_a_release_reach_the_url_and_the_live_map(app):
    """A release sets the sidebar keys (pages/explore/map.py _on_live_weights); the URL, the banner and
    the next payload follow."""
    at = app.run()
    domain = _payload(at)["league"]["domains"][0]
    key = domain_key(domain)
    at.session_state[key] = 2.5
    at.run()
    assert not at.exception
    assert at.slider(key=key).value == 2.5
    assert _payload(at)["weights"]["domains"][domain] == 2.5
    assert any("Re-weighted" in w.value for w in at.warning)


def test_sidebar_weights_are_the_live_map_weights(app):
    at = app.run()
    domain = _payload(at)["league"]["domains"][-1]
    at.slider(key=domain_key(domain)).set_value(0.5).run()
    assert _payload(at)["weights"]["domains"][domain] == 0.5

"""The live map in real Chromium on the real store: sliders re-rank and recolour in the browser
before any server message, release updates the URL and the other pages, links restore the
weights, clicks select, and the focus area is framed whole.

Screenshots go to test-artifacts/ (look at them).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from league_atlas.store import reader
from support.browser import LIVE_MAP, project, wait_for_app, wait_for_live_map

pytestmark = pytest.mark.browser

DOMAIN = "Patient safety"
DETAILS = ".st-key-la-selected-trust"


def _live_slider(page, label: str):
    return page.locator(f'{LIVE_MAP} input[type="range"][aria-label="{label}"]').first


def _order(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{LIVE_MAP} [data-trust]", "els => els.map(e => e.dataset.trust)"
    )


def _frame(page) -> str:
    return page.locator(LIVE_MAP).first.get_attribute("data-frame")


SENT_PROBE = """(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (d) { window.__sent.push(performance.now()); return send.call(this, d); };
})();"""


def _watch_sent(page) -> None:
    """Timestamp (page clock) every websocket message the page sends to the server."""
    page.add_init_script(SENT_PROBE)


def _now(page) -> float:
    return page.evaluate("() => performance.now()")


def _sent_since(page, t0: float) -> int:
    return page.evaluate("(t0) => window.__sent.filter(t => t > t0).length", t0)


def test_keyboard_steps_rerank_and_recolour_before_any_server_message(server, page, artifacts_dir):
    _watch_sent(page)
    page.goto(server + "/")
    wait_for_app(page)
    root = wait_for_live_map(page)
    page.screenshot(path=str(artifacts_dir / "live-map-1400x1000.png"))
    before_order, before_frame = _order(page), _frame(page)
    before_map = page.locator(f"{LIVE_MAP} .la-live-map").screenshot()
    assert len(before_order) == 134
    slider = _live_slider(page, "Finance and productivity")
    t0 = _now(page)
    slider.focus()
    slider.press("Home")  # weight 0: finance left out
    page.wait_for_function(
        f"(f) => document.querySelector('{LIVE_MAP}').dataset.frame !== f", arg=before_frame
    )
    # Repainted and re-ranked, and the server has not heard of it yet.
    assert _sent_since(page, t0) == 0, "a weight step reached the server before the release"
    after_order = _order(page)
    assert after_order != before_order
    assert page.locator(f"{LIVE_MAP} .la-live-map").screenshot() != before_map
    # After a short pause the weights go to the server once; the URL follows.
    page.wait_for_function(
        "() => window.location.search.includes('w_finance-and-productivity=0')", timeout=30_000
    )
    wait_for_app(page)
    assert page.get_by_text("Re-weighted: not the official NOF table").count() > 0
    sidebar = page.locator(
        '[data-testid="stSidebar"] input[type="range"][aria-label="Finance and productivity"]'
    )
    assert sidebar.get_attribute("aria-valuetext") == "0.00"
    status = root.locator('[role="status"]').inner_text()
    assert " moved from " in status, status
    root.screenshot(path=str(artifacts_dir / "live-map-after-keyboard.png"))
    # The ranking Python computes under the returned weights is the one the browser showed.
    assert _order(page) == after_order


def test_a_drag_updates_live_and_sends_the_weights_once_on_release(server, page, artifacts_dir):
    _watch_sent(page)
    page.goto(server + "/")
    wait_for_app(page)
    wait_for_live_map(page)
    slider = _live_slider(page, DOMAIN)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    x0 = box["x"] + box["width"] / 3  # weight 1 sits a third of the way along 0-3
    t0 = _now(page)
    frames = [_frame(page)]
    orders = [_order(page)]
    page.mouse.move(x0, y)
    page.mouse.down()
    value = None
    for k in range(1, 9):
        page.mouse.move(x0 + k * box["width"] / 12, y)
        now = slider.input_value()
        if now == value:
            continue  # this step of the pointer did not cross a weight step: nothing to repaint
        value = now
        page.wait_for_function(
            f"(f) => document.querySelector('{LIVE_MAP}').dataset.frame !== f", arg=frames[-1]
        )
        frames.append(_frame(page))
        orders.append(_order(page))
    assert _sent_since(page, t0) == 0, "the drag talked to the server before the release"
    assert len({tuple(o) for o in orders}) > 2, "the ranking did not move during the drag"
    page.locator(LIVE_MAP).screenshot(path=str(artifacts_dir / "live-map-mid-drag.png"))
    t1 = _now(page)
    page.mouse.up()
    page.wait_for_function("() => window.location.search.includes('w_patient-safety=3')")
    wait_for_app(page)
    assert _sent_since(page, t1) == 1, "the release should send the weights exactly once"
    assert _live_slider(page, DOMAIN).input_value() == "3"


def test_release_updates_the_league_table_page_and_a_copied_url_restores(
    server, browser, page, artifacts_dir
):
    page.goto(server + "/")
    wait_for_app(page)
    wait_for_live_map(page)
    slider = _live_slider(page, "Effectiveness and experience")
    slider.focus()
    slider.press("End")
    page.wait_for_function(
        "() => window.location.search.includes('w_effectiveness-and-experience=3')"
    )
    wait_for_app(page)
    url = page.url
    page.get_by_role("link", name="League table").first.click()
    page.wait_for_function("() => window.location.pathname.endsWith('/league')")
    wait_for_app(page)
    page.get_by_text("Re-weighted: not the official NOF table").first.wait_for(timeout=30_000)
    assert "effectiveness-and-experience" in page.url
    page.screenshot(path=str(artifacts_dir / "live-map-league-page-after.png"), full_page=True)

    other = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    other.goto(url)
    wait_for_app(other)
    wait_for_live_map(other)
    assert _live_slider(other, "Effectiveness and experience").input_value() == "3"
    assert _live_slider(other, DOMAIN).input_value() == "1"
    other.screenshot(path=str(artifacts_dir / "live-map-from-link-1280x720.png"))
    other.context.close()


def test_clicking_a_trust_on_the_live_map_opens_its_details(server, page, real_store_dir):
    trusts = reader.open_store(real_store_dir).trusts
    acute = trusts[(trusts["trust_type"] == "acute") & trusts["lat"].notna()].reset_index(drop=True)
    page.goto(server + "/")
    wait_for_app(page)
    root = wait_for_live_map(page)
    view = json.loads(root.get_attribute("data-view"))
    canvas = page.locator(f"{LIVE_MAP} canvas").first.bounding_box()
    xy = np.array(
        [project(r.lat, r.lon, view, canvas["width"], canvas["height"]) for r in acute.itertuples()]
    )
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) + np.eye(len(xy)) * 1e9
    inside = (xy[:, 0] > 20) & (xy[:, 0] < canvas["width"] - 20)
    inside &= (xy[:, 1] > 20) & (xy[:, 1] < canvas["height"] - 20)
    i = int(np.argmax(np.where(inside, d.min(axis=1), -1)))
    target = acute.iloc[i]
    # The details open in the bordered box beside the map: bold name, then "(CODE)".
    heading = page.locator(DETAILS).filter(has_text=f"({target.trust_code})")
    for _ in range(5):  # deck.gl picks once its first frame has drawn
        page.mouse.click(canvas["x"] + xy[i, 0], canvas["y"] + xy[i, 1])
        try:
            heading.first.wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - retry the click
            continue
    heading.first.wait_for(timeout=10_000)
    page.wait_for_function(
        f"() => window.location.search.includes('{target.trust_code}')", timeout=10_000
    )
    # The ranked list selects too (a real button per row).
    row = page.locator(f'{LIVE_MAP} [data-trust]:not([data-trust="{target.trust_code}"]) button')
    code = row.first.locator("xpath=..").get_attribute("data-trust")
    row.first.click()
    page.locator(DETAILS).filter(has_text=f"({code})").first.wait_for(timeout=15_000)


FOCUS = [
    ("region", "South West", "nhs_region"),
    ("icb23", "NHS Cornwall and the Isles of Scilly Integrated Care Board", "icb23"),
    ("icb23", "NHS Cheshire and Merseyside Integrated Care Board", "icb23"),
]


@pytest.mark.parametrize(("level", "name", "layer"), FOCUS, ids=[f[1] for f in FOCUS])
@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)], ids=["1400x900", "1280x720"])
def test_the_focus_area_is_framed_whole(
    server, browser, real_store_dir, artifacts_dir, level, name, layer, size
):
    store = reader.open_store(real_store_dir)
    gdf = store.boundary(layer)
    area = gdf[gdf["name"] == name]
    if area.empty:
        pytest.skip(f"{name} is not in the {layer} layer of this store")
    minx, miny, maxx, maxy = area.total_bounds
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    level_label = {"region": "NHS region", "icb23": "ICB (April 2023 boundaries)"}[level]
    from urllib.parse import urlencode

    page.goto(server + "/?" + urlencode({"level": level_label, "area": name}))
    wait_for_app(page)
    root = wait_for_live_map(page)
    page.wait_for_function(
        f"() => document.querySelector('{LIVE_MAP}').dataset.view.includes('latitude')"
    )
    view = json.loads(root.get_attribute("data-view"))
    canvas = page.locator(f"{LIVE_MAP} canvas").first.bounding_box()
    corners = [
        project(la, lo, view, canvas["width"], canvas["height"])
        for la, lo in ((miny, minx), (maxy, maxx), (miny, maxx), (maxy, minx))
    ]
    tag = name.split(" ")[1 if name.startswith("NHS") else 0].lower()
    page.locator(LIVE_MAP).screenshot(
        path=str(artifacts_dir / f"live-map-focus-{tag}-{size[0]}x{size[1]}.png")
    )
    for x, y in corners:
        assert 0 <= x <= canvas["width"] and 0 <= y <= canvas["height"], (name, view, corners)
    # Framed, not lost in the middle: the area spans most of the map one way or the other.
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert (max(xs) - min(xs)) / canvas["width"] > 0.5 or (max(ys) - min(ys)) / canvas[
        "height"
    ] > 0.5
    page.context.close()

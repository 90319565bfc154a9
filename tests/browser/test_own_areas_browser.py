"""A visitor loads their own areas (a made-up zipped shapefile in British National Grid) into their
session in real Chromium: the map draws them and the focus menu offers them; a second browser
context (another visitor) sees neither. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from shapely.geometry import box

from support.browser import LIVE_MAP, project, wait_for_app, wait_for_live_map, wait_for_map

pytestmark = pytest.mark.browser
LAYER = "Test halves"
# Two points at sea inside the made-up boxes (North Sea off Norfolk, Irish Sea off Lancashire):
# the official layers leave them blank, a layer of boxes fills them.
SEA = [(53.3, 1.8), (54.0, -3.9)]
# The live map's background (live-map.css, .la-live-map) and, over it, an uncoloured area's fill
# (mapview.boundary_geojson: NHS pale grey at alpha 110).
MAP_BACKGROUND = np.array([0xF0, 0xF4, 0xF5])
_FILL, _ALPHA = np.array([0xE8, 0xED, 0xEE]), 110 / 255
AREA_OVER_BACKGROUND = MAP_BACKGROUND * (1 - _ALPHA) + _FILL * _ALPHA


@pytest.fixture
def halves_zip(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"HALF23CD": ["E99000001", "E99000002"], "HALF23NM": ["West half", "East half"]},
        geometry=[box(0, 0, 450_000, 700_000), box(450_000, 0, 700_000, 700_000)],
        crs="EPSG:27700",
    )
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "halves.shp", engine="pyogrio")
    target = tmp_path / "halves.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    return target


def _sea_pixels(page) -> np.ndarray:
    """The colours at the sea points on the map page's live map, projected with its own view."""
    wait_for_map(page)  # drawn and steady
    view = json.loads(wait_for_live_map(page).get_attribute("data-view"))
    shot = page.locator(f"{LIVE_MAP} canvas").first.screenshot()
    img = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)
    h, w, _ = img.shape
    out = []
    for lat, lon in SEA:
        x, y = project(lat, lon, view, w, h)
        assert 2 <= x < w - 2 and 2 <= y < h - 2, f"({lat}, {lon}) is off the map at {view}"
        out.append(
            img[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3].reshape(-1, 3).mean(axis=0)
        )
    return np.array(out), shot


def _selectbox(page, label: str):
    """The selectbox whose own label is `label` (not one whose current value merely shows it)."""
    return (
        page.locator('[data-testid="stSelectbox"]')
        .filter(has=page.locator("label", has_text=label))
        .first
    )


def _options(page, label: str) -> list[str]:
    box_ = _selectbox(page, label)
    box_.click()
    page.locator('[role="option"]').first.wait_for()
    names = page.locator('[role="option"]').all_inner_texts()
    page.keyboard.press("Escape")
    return [n.strip() for n in names]


def _choose(page, label: str, option: str) -> None:
    """Pick an option; a rerun that lands while the list is open closes it, so open it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(5):
        wait_for_app(page)
        _selectbox(page, label).click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        wait_for_app(page)
        return
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def test_own_areas_are_private_to_the_session(server, browser, page, halves_zip, artifacts_dir):
    # The server's very first run of a page URL answers "Page not found" until app.py has run
    # st.navigation once (a fresh server, as when this test runs alone): open the app first.
    page.goto(server + "/")
    wait_for_app(page)
    page.goto(server + "/boundaries")
    wait_for_app(page)
    page.locator(
        '[data-testid="stMain"] [data-testid="stFileUploader"] input[type="file"]'
    ).set_input_files(str(halves_zip))
    page.get_by_text("halves.zip").first.wait_for()
    name = page.get_by_label("Name of the layer")
    name.fill(LAYER)
    name.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Check and load for this session").click()
    page.get_by_text(f"Loaded 2 areas as '{LAYER}'").wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts_dir / "own-areas-loaded.png"), full_page=True)

    # Same session, in-app navigation: the map offers the layer and draws it.
    page.get_by_role("link", name="Open the map").click()
    wait_for_app(page)
    wait_for_map(page)
    assert LAYER in _options(page, "Boundaries")
    _choose(page, "Boundaries", LAYER)
    page.wait_for_function(
        "() => decodeURIComponent(window.location.search.replace(/\\+/g, ' ')).includes('layer=Test halves')"
    )
    mine, shot = _sea_pixels(page)
    (artifacts_dir / "own-areas-map.png").write_bytes(shot)
    # ... and focuses on one of its areas.
    _choose(page, "Focus", LAYER)
    _choose(page, LAYER, "West half")
    page.get_by_role("heading", name="West half").first.wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "own-areas-focus.png"), full_page=True)

    # Another visitor: neither the map nor the focus menu knows the layer.
    other_ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = other_ctx.new_page()
        other.goto(server + "/")
        wait_for_app(other)
        wait_for_map(other)
        assert LAYER not in _options(other, "Boundaries")
        assert LAYER not in _options(other, "Focus")
        theirs, shot = _sea_pixels(other)
        (artifacts_dir / "own-areas-other-session-map.png").write_bytes(shot)
        other.goto(server + "/boundaries")
        wait_for_app(other)
        assert other.get_by_text("Loaded in this session").count() == 0
    finally:
        other_ctx.close()
    # The boxes fill the sea points in the owner's map only: there the sea shows the areas' pale
    # fill over the live map's background, in the other visitor's map the bare background. (The
    # two are close, 10 levels apart in all, so each is checked against its own colour.)
    assert (np.abs(theirs - MAP_BACKGROUND).max(axis=1) <= 2).all(), (theirs, MAP_BACKGROUND)
    assert (np.abs(mine - AREA_OVER_BACKGROUND).max(axis=1) <= 2).all(), (
        mine,
        AREA_OVER_BACKGROUND,
    )
    assert (np.abs(mine - theirs).sum(axis=1) >= 6).all(), (mine, theirs)

"""The explorer in real Chromium on the real store: map renders, sliders re-rank, links restore, clicks select.

Screenshots of each page go to test-artifacts/ (look at them).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from league_atlas.store import reader
from support.browser import LIVE_MAP, project, wait_for_app, wait_for_live_map

pytestmark = pytest.mark.browser


def _slider(page, label: str):
    """The range input of a sidebar slider (react-aria renders a labelled input type=range)."""
    return page.locator(
        f'[data-testid="stSidebar"] input[type="range"][aria-label="{label}"]'
    ).first


def _download_table(page) -> pd.DataFrame:
    with page.expect_download() as dl:
        page.get_by_role("button", name="Table data (CSV)").click()
    data = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    return pd.read_csv(
        io.StringIO(data),
        comment=None,
        skiprows=[i for i, line in enumerate(data.splitlines()) if line.startswith("# ")],
    )


def test_map_canvas_renders_non_blank(server, page, artifacts_dir):
    page.goto(server + "/")
    wait_for_app(page)
    chart = wait_for_live_map(page).locator(".la-live-map")
    shot = chart.screenshot()
    (artifacts_dir / "map-page-chart.png").write_bytes(shot)
    page.screenshot(path=str(artifacts_dir / "map-page.png"), full_page=True)
    img = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).reshape(-1, 3)
    colours = {tuple(c) for c in img[:: max(1, len(img) // 20000)]}
    assert len(colours) > 20, "the map canvas is blank"
    # Segment fills of the trust points are present (NHS-blue ramp).
    s3 = np.array([0x1A, 0x74, 0xBA])
    assert (np.abs(img.astype(int) - s3).sum(axis=1) < 30).sum() > 20


def test_moving_a_weight_slider_changes_the_league_table(server, page, artifacts_dir):
    page.goto(server + "/league")
    wait_for_app(page)
    before = _download_table(page)
    assert (before["Rank (current weights)"] == before["Official rank"]).all()
    thumb = _slider(page, "Finance and productivity")
    thumb.focus()
    thumb.press("Home")  # weight 0: leave finance out
    wait_for_app(page)
    page.wait_for_function("() => window.location.search.includes('w_finance-and-productivity=0')")
    wait_for_app(page)
    expect_text = page.get_by_text("Re-weighted: not the official NOF table")
    expect_text.first.wait_for(timeout=30_000)
    after = _download_table(page)
    page.screenshot(path=str(artifacts_dir / "league-page-reweighted.png"), full_page=True)
    merged = before.merge(after, on="ODS code", suffixes=("_before", "_after"))
    assert len(merged) == len(before) == 134
    assert (
        merged["Rank (current weights)_before"] != merged["Rank (current weights)_after"]
    ).sum() > 10


def test_copied_url_reproduces_the_view(server, browser, page, artifacts_dir):
    page.goto(server + "/")
    wait_for_app(page)
    thumb = _slider(page, "Patient safety")
    thumb.focus()
    thumb.press("End")
    page.wait_for_function("() => window.location.search.includes('w_patient-safety=3')")
    wait_for_app(page)
    title = page.locator("h1").first.inner_text()
    url = page.url
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(url)
    wait_for_app(other)
    wait_for_live_map(other)
    other.screenshot(path=str(artifacts_dir / "map-page-from-link.png"), full_page=True)
    assert other.locator("h1").first.inner_text() == title
    assert _slider(other, "Patient safety").get_attribute("aria-valuetext") == "3.00"
    assert other.get_by_text("Re-weighted: not the official NOF table").count() > 0
    other.context.close()


def test_clicking_a_trust_on_the_map_opens_its_details(server, page, real_store_dir, artifacts_dir):
    trusts = reader.open_store(real_store_dir).trusts
    acute = trusts[(trusts["trust_type"] == "acute") & trusts["lat"].notna()].reset_index(drop=True)
    page.goto(server + "/")
    wait_for_app(page)
    chart = wait_for_live_map(page)
    box = chart.bounding_box()
    view = json.loads(chart.get_attribute("data-view"))
    canvas = page.locator(f"{LIVE_MAP} canvas").first.bounding_box()
    xy = np.array(
        [project(r.lat, r.lon, view, canvas["width"], canvas["height"]) for r in acute.itertuples()]
    )
    # The most isolated trust on screen, so the click cannot hit a neighbour.
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) + np.eye(len(xy)) * 1e9
    inside = (
        (xy[:, 0] > 20)
        & (xy[:, 0] < canvas["width"] - 60)
        & (xy[:, 1] > 20)
        & (xy[:, 1] < canvas["height"] - 20)
    )
    i = int(np.argmax(np.where(inside, d.min(axis=1), -1)))
    target = acute.iloc[i]
    # The details sit beside the map.
    heading = page.locator(".st-key-la-selected-trust").filter(has_text=f"({target.trust_code})")
    for _ in range(5):  # deck.gl attaches its click handler once the first frame has drawn
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
    page.screenshot(path=str(artifacts_dir / "map-page-trust-selected.png"), full_page=True)
    assert box is not None

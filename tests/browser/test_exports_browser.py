"""Exports in real Chromium on the real store: download the PNG, CSV and PowerPoint from the map
and league pages and check each file. The PNG export and the pages are saved to test-artifacts/
(look at them: the PNG is meant for slides).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from league_atlas.render import static_map
from league_atlas.views import exports
from league_atlas.views import presentation as ui
from support.browser import settle, wait_for_app

pytestmark = pytest.mark.browser

BUTTONS = {"png": "Map image (PNG)", "csv": "Table data (CSV)", "pptx": "Slides (PowerPoint)"}


def _download(page, kind: str) -> tuple[str, bytes]:
    button = page.get_by_role("button", name=BUTTONS[kind])
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as dl:
        button.click()
    return dl.value.suggested_filename, Path(dl.value.path()).read_bytes()


def _check_png(data: bytes) -> None:
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.size == static_map.SIZE_PX
    px = np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)
    for s in (3, 5):  # the real acute release has segment-3 trusts and RSP (segment 5) trusts
        rgb = np.array(ui.hex_to_rgb(ui.SEGMENTS[s].fill))
        assert (np.abs(px - rgb).sum(axis=1) < 15).sum() > 100, f"S{s} colour missing"


def _check_csv(data: bytes, *, official: bool) -> pd.DataFrame:
    text = data.decode("utf-8-sig")
    stamp = [line for line in text.splitlines() if line.startswith("# ")]
    assert stamp and stamp[-1] == "# " + ui.ATTRIBUTION
    assert (exports.NOT_OFFICIAL in " ".join(stamp)) is not official
    df = pd.read_csv(io.StringIO(text), skiprows=len(stamp), dtype=str)
    cells = [c for c in df.to_numpy().ravel() if isinstance(c, str)] + list(df.columns)
    assert not [c for c in cells if c.startswith(exports.FORMULA_PREFIXES)]
    return df


def _check_pptx(data: bytes, *, official: bool) -> Presentation:
    prs = Presentation(io.BytesIO(data))
    shapes = [sh for slide in prs.slides for sh in slide.shapes]
    pictures = [sh for sh in shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    tables = [sh.table for sh in shapes if sh.has_table]
    assert len(prs.slides) >= 6 and pictures and tables
    assert all(slide.shapes.title is not None and slide.shapes.title.text for slide in prs.slides)
    assert Image.open(io.BytesIO(pictures[0].image.blob)).size == static_map.SIZE_PX
    assert len(tables[0].rows) > 5
    text = " ".join(sh.text_frame.text for sh in shapes if sh.has_text_frame)
    assert (exports.NOT_OFFICIAL in text) is not official and "Data dates:" in text
    return prs


def test_exports_from_the_map_page(server, page, artifacts_dir):
    page.goto(server + "/")
    wait_for_app(page)
    page.get_by_text("Export this view").scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=str(artifacts_dir / "exports-map-panel.png"))
    name, png = _download(page, "png")
    assert name.endswith("-map.png") and "reweighted" not in name
    _check_png(png)
    (artifacts_dir / "export-map-england.png").write_bytes(png)
    name, csv = _download(page, "csv")
    df = _check_csv(csv, official=True)
    assert len(df) == 134 and "Trust" in df.columns  # every acute trust of Q1 2025/26
    name, pptx = _download(page, "pptx")
    assert name.endswith("-slides.pptx")
    _check_pptx(pptx, official=True)
    (artifacts_dir / "export-slides-england.pptx").write_bytes(pptx)


def test_exports_from_the_league_page_reweighted_and_focused(server, page, artifacts_dir):
    page.goto(server + "/league?w_patient-safety=3&level=NHS+region&area=London")
    wait_for_app(page)
    page.get_by_text("Export this view").scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=str(artifacts_dir / "exports-league-panel.png"))
    name, png = _download(page, "png")
    assert "reweighted" in name and "london" in name
    _check_png(png)
    (artifacts_dir / "export-map-london-reweighted.png").write_bytes(png)
    name, csv = _download(page, "csv")
    df = _check_csv(csv, official=False)
    assert 0 < len(df) < 134 and set(df["NHS region"]) == {"London"}
    name, pptx = _download(page, "pptx")
    prs = _check_pptx(pptx, official=False)
    text = " ".join(
        sh.text_frame.text for slide in prs.slides for sh in slide.shapes if sh.has_text_frame
    )
    assert "Patient safety x3" in text and "London" in text
    (artifacts_dir / "export-slides-london-reweighted.pptx").write_bytes(pptx)

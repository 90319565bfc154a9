"""Board-pack exports on the real store: titled slides, the map on the map slide, sensible headlines."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from league_atlas.cli import main
from league_atlas.render import board_pack
from league_atlas.store import reader

CORNWALL_ICB = "icb23:E54000036"  # NHS Cornwall and the Isles of Scilly ICB: one acute trust


@pytest.mark.parametrize("focus", [None, CORNWALL_ICB, "region:E40000003"])
def test_export_pptx_real(real_store_dir, tmp_path, focus):
    out = tmp_path / "deck.pptx"
    args = ["export", "pptx", "--out", str(out), "--data-dir", str(real_store_dir)]
    assert main.main(args + (["--focus", focus] if focus else [])) == 0
    prs = Presentation(str(out))
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    assert all(t.strip() for t in titles), titles
    map_slide = next(s for s in prs.slides if s.shapes.title.text.startswith("Map"))
    pic = next(sh for sh in map_slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert Image.open(io.BytesIO(pic.image.blob)).size == (1600, 1000)
    headline = titles[0]
    assert "(s)" not in headline and "0 of 1" not in headline and "(0%)" not in headline
    words = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "trust(s)" not in words


def test_cornwall_headline_names_the_trust(real_store_dir):
    store = reader.open_store(real_store_dir)
    pack = board_pack.board_pack(
        store, trust_type="acute", focus=board_pack.focus_from_text(CORNWALL_ICB, store)
    )
    assert pack.title.startswith("Royal Cornwall Hospitals NHS Trust is in segment ")
    assert "league position" in pack.title


def test_england_png_names_london_clear_of_trusts(real_store_dir):
    from league_atlas.render import static_map

    store = reader.open_store(real_store_dir)
    pack = board_pack.board_pack(store, trust_type="acute")
    others = None
    fig = static_map.map_figure(
        pack.shown, pack.areas, static_map.map_text(pack.title, pack.stamp), context_points=others
    )
    fig.canvas.draw()
    ax = fig.axes[0]
    import numpy as np

    located = pack.shown.dropna(subset=["lat", "lon"])
    pts = ax.transData.transform(np.column_stack(static_map._project(located)))
    london = next(t for t in ax.texts if t.get_text() == "London")
    box = london.get_window_extent(fig.canvas.get_renderer())
    assert not any(box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1 for x, y in pts)

"""`python -m league_atlas export`: the files the app's export buttons make, on the made-up store."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from league_atlas.cli import main
from league_atlas.render import board_pack, static_map
from league_atlas.scoring import preparation
from league_atlas.scoring.weights import Weights
from league_atlas.store import reader
from league_atlas.views import explorer, exports
from support.fixture_store import build_fixture_store


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        return build_fixture_store(tmp_path_factory.mktemp("export-cmd"), mp)
    finally:
        mp.undo()


def _run(data_dir, *args) -> int:
    return main.main(["export", *args, "--data-dir", str(data_dir)])


def test_export_pptx_every_slide_titled_and_the_map_slide_carries_the_map(data_dir, tmp_path):
    out = tmp_path / "deck.pptx"
    assert _run(data_dir, "pptx", "--out", str(out)) == 0
    prs = Presentation(str(out))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert len(titles) == len(prs.slides) and all(t.strip() for t in titles)
    map_slide = next(s for s in prs.slides if s.shapes.title.text.startswith("Map"))
    pics = [sh for sh in map_slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pics) == 1
    assert Image.open(io.BytesIO(pics[0].image.blob)).size == static_map.SIZE_PX


def test_export_csv_is_what_the_app_builds_for_the_same_view(data_dir, tmp_path):
    weights = tmp_path / "w.json"
    weights.write_text('{"domains": {"Patient safety": 3}}')
    out = tmp_path / "t.csv"
    store = reader.open_store(data_dir)
    region = store.trusts["region_code"].dropna().iloc[0]
    rc = _run(
        data_dir, "csv", "--focus", f"region:{region}", "--weights", str(weights), "--out", str(out)
    )
    assert rc == 0
    # The app's way: the sidebar's prepared release and league view, the map page's table.
    prep = preparation.prepare(store.metrics, "acute", None)
    w = Weights.from_json(str(weights)).validate(prep)
    view = explorer.league_view(prep, store.trusts, w)
    focus = explorer.Focus("region", region)
    app_pack = board_pack.board_pack(
        store,
        trust_type="acute",
        quarter=prep.quarter,
        focus=focus,
        weights=w,
        prepared=prep,
        view=view,
        table=exports.board_table(explorer.in_focus(view, focus)),
    )
    assert out.read_bytes() == app_pack.csv()
    df = pd.read_csv(out, comment="#")
    assert len(df) == len(explorer.in_focus(view, focus)) and exports.NOT_OFFICIAL in out.read_text(
        "utf-8-sig"
    )


def test_export_png_and_bad_focus(data_dir, tmp_path, capsys):
    out = tmp_path / "m.png"
    assert _run(data_dir, "png", "--out", str(out)) == 0
    assert Image.open(out).size == static_map.SIZE_PX
    assert _run(data_dir, "png", "--focus", "region:NOPE", "--out", str(tmp_path / "x.png")) == 2
    err = capsys.readouterr().err
    assert "no NHS region with code 'NOPE'" in err
    assert not (tmp_path / "x.png").exists()
    assert _run(data_dir, "png", "--focus", "galaxy:1", "--out", str(tmp_path / "y.png")) == 2

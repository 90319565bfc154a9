"""AppTest: the 'Your own areas' page on the made-up store, and a layer held in the session
becoming a focus level and a map boundary choice (the upload itself is driven in the browser test)."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from league_atlas.io import boundary_files
from league_atlas.places import own_areas
from league_atlas.store import reader


def test_page_lists_published_layers_and_says_uploads_are_private(app, fixture_data_dir):
    app.run()
    app.switch_page("pages/about/boundaries.py").run()
    assert not app.exception, app.exception
    assert any("this browser session only" in i.value for i in app.info)
    assert any("add-boundaries" in c.value for c in app.code)
    published = app.dataframe[0].value
    assert set(published["Id"]) == set(reader.open_store(fixture_data_dir).layers())
    button = app.button(key="own_add")
    assert button.disabled  # nothing uploaded yet


def test_session_layer_is_a_focus_level_and_map_layer(app, fixture_data_dir, tmp_path):
    halves = gpd.GeoDataFrame(
        {"HALF23CD": ["E99000001", "E99000002"], "HALF23NM": ["West half", "East half"]},
        geometry=[box(0, 0, 450_000, 700_000), box(450_000, 0, 700_000, 700_000)],
        crs="EPSG:27700",
    )
    path = tmp_path / "halves.gpkg"
    halves.to_file(path, engine="pyogrio")
    store = reader.open_store(fixture_data_dir)
    layer = own_areas.area_layer(
        boundary_files.read_boundary_file(path), "halves", "Halves", origin="session"
    )
    joins, lines = own_areas.join_trusts(store.trusts, layer)
    app.session_state["_own_layers"] = {
        "halves": {
            "spec": layer.spec,
            "layer": layer,
            "web": layer.web,
            "joins": joins,
            "version": store.path.name,
            "notes": layer.notes,
            "join": lines,
        }
    }
    app.run()
    assert not app.exception, app.exception
    focus = app.sidebar.selectbox(key="level")
    assert "halves" in focus.options or "Halves" in focus.options
    focus.set_value("halves").run()
    area = app.sidebar.selectbox(key="area")
    assert set(area.options) <= {"West half", "East half"} and area.options
    layer_box = app.selectbox(key="layer")
    layer_box.set_value("halves").run()
    assert not app.exception, app.exception
    assert any("Halves" in t.value or "half" in t.value for t in app.title)

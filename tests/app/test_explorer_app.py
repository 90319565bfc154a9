"""AppTest on a made-up store: every page renders, weights move ranks, the URL restores the view."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from league_atlas.views import presentation as ui

PAGES = ["pages/explore/map.py", "pages/explore/league.py", "pages/about/about.py"]
W_SAFETY = "w_patient-safety"


def _rank_table(at: AppTest):
    """The league table page's main table (official vs re-weighted)."""
    for df in at.dataframe:
        v = df.value
        v = getattr(v, "data", v)  # a Styler
        if "Rank (current weights)" in v.columns and "Official rank" in v.columns:
            return v
    raise AssertionError("league table not found")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app, page):
    app.run()
    if page != "pages/explore/map.py":
        app.switch_page(page).run()
    assert not app.exception, app.exception
    assert app.title, "each page has a heading"


def test_map_page_has_table_behind_map_and_marks_unplaced(app):
    app.run()
    assert not app.exception
    assert any(s.value == "Table behind the map" for s in app.header)
    table = app.dataframe[-1].value
    assert len(table) == 7
    # RDD has no postcode or site: placed at its ICB's centroid, said to be approximate
    assert (table["On map"] == "yes (approximate location)").sum() == 1
    assert (table["On map"] == "not on map").sum() == 0


def test_missing_trust_types_are_named_with_the_fix(app):
    app.run()
    text = " ".join(c.value for c in app.sidebar.caption)
    assert "No mental health and community trusts or ambulance trusts in the store yet" in text
    assert "add-release" in text


def test_official_banner_then_reweighted_banner(app):
    app.run()
    assert any(ui.OFFICIAL_NOTE in s.value for s in app.success)
    app.slider(key=W_SAFETY).set_value(3.0).run()
    assert not app.exception
    assert any(ui.REWEIGHTED_NOTE in w.value for w in app.warning)
    assert any("Patient safety x3" in w.value for w in app.warning)


def test_moving_a_weight_changes_ranks(app):
    app.run()
    app.switch_page("pages/explore/league.py").run()
    before = _rank_table(app).set_index("ODS code")["Rank (current weights)"]
    assert (before == _rank_table(app).set_index("ODS code")["Official rank"]).all()
    app.slider(key="w_access-to-services").set_value(0.0)
    app.slider(key=W_SAFETY).set_value(3.0).run()
    assert not app.exception
    after = _rank_table(app).set_index("ODS code")["Rank (current weights)"]
    assert not after.equals(before.loc[after.index]), (
        "re-weighting should reorder the made-up trusts"
    )
    # Reset restores the official ranks.
    app.button[0].click().run()
    again = _rank_table(app).set_index("ODS code")
    assert (again["Rank (current weights)"] == again["Official rank"]).all()


def test_metric_sliders_are_drawn_on_request(app):
    app.run()
    assert not [s for s in app.slider if s.key.startswith("m_")]
    app.toggle(key="items").set_value(True).run()
    assert [s for s in app.slider if s.key.startswith("m_")]


def test_metric_weights_from_a_link_open_the_metric_sliders(app):
    app.query_params.update({"m_OF1013": "0"})
    app.run()
    assert app.toggle(key="items").value is True
    assert app.slider(key="m_OF1013").value == 0.0
    assert any("OF1013 x0" in w.value for w in app.warning)


def test_url_parameters_restore_the_state(app):
    app.query_params.update(
        {W_SAFETY: "2.5", "trust": "RBB", "level": "NHS region", "area": "London"}
    )
    app.run()
    assert not app.exception
    assert app.slider(key=W_SAFETY).value == 2.5
    assert app.selectbox(key="trust").value == "RBB"
    assert app.selectbox(key="level").value == "region"
    assert app.selectbox(key="area").value == "E40000003"
    assert app.title[0].value.endswith("in London, Q1 2025/26")
    # The trust's details sit beside the map.
    assert any(m.value.startswith("**Made-up Hospitals 2") for m in app.markdown)


@pytest.mark.parametrize(
    "params",
    [
        {"type": "Hospices", "q": "Q9 1999/00"},
        {W_SAFETY: "lots", "w_access-to-services": "-4"},
        {"trust": "<script>alert(1)</script>", "level": "galaxy", "area": "nowhere"},
        {"m_OF9999": "2", "unknown": "1", "present": "maybe"},
    ],
)
def test_garbage_parameters_are_ignored_with_a_notice(app, params):
    app.query_params.update(params)
    app.run()
    assert not app.exception, app.exception
    assert any("Some link settings were ignored" in i.value for i in app.info)
    assert app.selectbox(key="type").value == "acute"
    assert app.selectbox(key="trust").value is None


def test_onboarding_when_no_store(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(tmp_path / "empty"))
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30
    ).run()
    assert not at.exception
    assert any("No prepared data yet" in w.value for w in at.warning)
    assert any("python -m league_atlas build" in c.value for c in at.code)

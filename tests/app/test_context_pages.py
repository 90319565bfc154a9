"""AppTest of the regional disparities and staff-attraction pages: a clear empty state on the
made-up store (no context proxies), and live responses on a made-up store with context."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from league_atlas.analysis import adjustment
from league_atlas.context import proxies
from support.fixture_store import TRUST_CODES, build_context_fixture_store

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGES = ["pages/context/regions.py", "pages/context/attraction.py"]
INDEX_COL = "Staff-attraction index (SD units, higher = more attractive)"


@pytest.fixture(scope="module")
def context_data_dir(tmp_path_factory) -> Path:
    """The made-up store plus every made-up context source, with a staff survey covering the
    made-up trusts (so the trust-level proxies have values)."""
    data_dir = tmp_path_factory.mktemp("context-pages")
    mp = pytest.MonkeyPatch()
    try:
        return build_context_fixture_store(data_dir, mp)
    finally:
        mp.undo()


@pytest.fixture
def ctx_app(context_data_dir, monkeypatch):
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(context_data_dir))
    monkeypatch.setenv("LEAGUE_ATLAS_BASEMAP", "0")
    return AppTest.from_file(str(APP), default_timeout=60)


def _open(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _table_with(at: AppTest, column: str):
    for df in at.dataframe:
        v = getattr(df.value, "data", df.value)
        if column in v.columns:
            return v
    raise AssertionError(f"no table with column {column!r}")


def _metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}")


# ---------------------------------------------------------------- no context in the store


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_without_context(app, page):
    _open(app, page)
    assert app.title and not app.exception


def test_attraction_page_empty_state_names_the_fix(app):
    _open(app, "pages/context/attraction.py")
    texts = " ".join(i.value for i in app.info)
    assert "no context proxies" in texts and "python -m league_atlas build" in texts
    assert not [s for s in app.slider if (s.key or "").startswith("p_")]


def test_regions_page_without_context_still_has_the_table(app):
    _open(app, "pages/context/regions.py")
    texts = " ".join(i.value for i in app.info)
    assert "No context proxies" in texts and "python -m league_atlas build" in texts
    table = _table_with(app, "Trusts")
    assert table["Trusts"].sum() == len(TRUST_CODES)
    # every made-up trust is in NHS England's region of record, located or not
    assert "Not located" not in set(table["Area"])
    assert any(m.label.endswith("mean score") for m in app.metric)


def test_regions_page_geography_control(app):
    _open(app, "pages/context/regions.py")
    n_regions = len(_table_with(app, "Trusts"))
    app.selectbox(key="rgeo").set_value("icb23").run()
    assert not app.exception
    icbs = _table_with(app, "Trusts")
    assert icbs["Trusts"].sum() == len(TRUST_CODES) and len(icbs) != n_regions
    assert any("ICB (April 2023" in s.value for s in app.header)


def test_regions_page_reacts_to_the_sidebar_weights(app):
    _open(app, "pages/context/regions.py")
    before = _table_with(app, "Trusts")["Mean rank change (places, + = better)"]
    assert (before == 0).all()
    app.slider(key="w_access-to-services").set_value(0.0)
    app.slider(key="w_patient-safety").set_value(3.0).run()
    assert not app.exception
    after = _table_with(app, "Trusts")["Mean rank change (places, + = better)"]
    assert (after != 0).any()


# ---------------------------------------------------------------- with context


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_with_context(ctx_app, page):
    _open(ctx_app, page)
    assert not ctx_app.exception
    assert not [i for i in ctx_app.info if "no context proxies" in i.value.lower()]


def test_moving_an_index_weight_changes_the_index(ctx_app):
    _open(ctx_app, "pages/context/attraction.py")
    before = _table_with(ctx_app, INDEX_COL).set_index("ODS code")[INDEX_COL]
    assert before.notna().any()
    ctx_app.slider(key="p_qualifications_l3").set_value(3.0).run()
    assert not ctx_app.exception
    after = _table_with(ctx_app, INDEX_COL).set_index("ODS code")[INDEX_COL]
    assert not after.reindex(before.index).equals(before)
    # Reset restores the default index.
    ctx_app.button(key="p_reset").click().run()
    again = _table_with(ctx_app, INDEX_COL).set_index("ODS code")[INDEX_COL]
    assert again.reindex(before.index).equals(before)


def test_changing_the_proxies_changes_r2(ctx_app):
    _open(ctx_app, "pages/context/attraction.py")
    ctx_app.multiselect(key="adjx").set_value(["recommend_place_to_work"]).run()
    assert not ctx_app.exception
    one = _metric(ctx_app, "R²")
    ctx_app.multiselect(key="adjx").set_value(
        ["recommend_place_to_work", "distance_central_london_km"]
    ).run()
    assert not ctx_app.exception
    two = _metric(ctx_app, "R²")
    assert one != two
    # every made-up trust is placed (RDD approximately, at its ICB's centroid), so all have a distance
    assert _metric(ctx_app, "Trusts in the model (n)") == "7"
    assert _metric(ctx_app, "Left out (missing a proxy)") == "0"


def test_default_proxies_with_too_few_trusts_say_so(ctx_app):
    _open(ctx_app, "pages/context/attraction.py")
    assert ctx_app.multiselect(key="adjx").value == list(adjustment.DEFAULT_PROXIES)
    assert any("not enough trusts" in i.value for i in ctx_app.info)


def test_index_weights_and_map_choice_restore_from_the_url(ctx_app):
    ctx_app.query_params.update({"p_median_pay": "2.5", "amap": "Median weekly pay of residents"})
    ctx_app.run()
    ctx_app.switch_page("pages/context/attraction.py").run()
    assert not ctx_app.exception
    assert ctx_app.slider(key="p_median_pay").value == 2.5
    # Page keys are known to the link checker: no "ignored link settings" notice.
    assert not [i for i in ctx_app.info if "link settings were ignored" in i.value]


def test_proxy_metadata_table_lists_every_proxy(ctx_app):
    _open(ctx_app, "pages/context/attraction.py")
    meta = _table_with(ctx_app, "How it reaches a trust")
    assert len(meta) == len(proxies.PROXIES)
    assert {"Direction", "Unit", "Period", "Geography", "Source"} <= set(meta.columns)


def test_focus_area_is_highlighted_in_the_region_table(app):
    app.query_params.update({"level": "NHS region", "area": "London"})
    app.run()
    app.switch_page("pages/context/regions.py").run()
    assert not app.exception
    table = _table_with(app, "In focus")
    assert table.loc[table["In focus"] == "yes", "Area"].tolist() == ["London"]
    assert any("highlighted: London" in m.value for m in app.caption)

"""AppTest: the sidebar's trust search and the league table's search use the one search."""

from __future__ import annotations


def _captions(app) -> str:
    return " ".join(c.value for c in app.sidebar.caption)


def test_sidebar_search_picks_the_best_match_and_links_its_profile(app):
    app.run()
    app.sidebar.text_input(key="sidebar_find_query").set_value("St Mary's Test Hospital").run()
    assert not app.exception
    assert app.selectbox(key="trust").value == "RBB"
    assert app.selectbox(key="trust").options == ["Made-up Hospitals 2 NHS Trust (RBB)"]
    assert "RBB: runs St Mary" in _captions(app)
    links = [p for p in app.get("page_link") if "Profile" in p.proto.label]
    assert links and "RBB" in links[0].proto.label
    assert links[0].proto.page.endswith("profile")


def test_sidebar_search_by_town_lists_every_trust_there_without_unrelated_ones(app):
    app.run()
    app.sidebar.text_input(key="sidebar_find_query").set_value("Testford").run()
    box = app.selectbox(key="trust")
    assert len(box.options) == 7  # every made-up trust has its HQ in Testford
    app.sidebar.text_input(key="sidebar_find_query").set_value("zzqxv").run()
    assert not app.exception
    assert "No trust of this type matches" in _captions(app)
    # The trust chosen before stays chosen; nothing unrelated is offered.
    assert app.selectbox(key="trust").options == [app.selectbox(key="trust").options[0]]


def test_league_table_search_filters_by_hospital(app):
    app.run()
    app.switch_page("pages/explore/league.py").run()
    app.text_input(key="search").set_value("Gamma Community Hospital").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["ODS code"]) == ["RCC"]

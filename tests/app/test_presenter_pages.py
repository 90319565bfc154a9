"""AppTest: presenter mode on every page hides the page's controls, keeps a way out and a page
switcher, and titles the page with a headline computed from the data."""

from __future__ import annotations

import pytest

PAGES = [
    "pages/explore/map.py",
    "pages/explore/league.py",
    "pages/explore/metric.py",
    "pages/trusts/profile.py",
    "pages/context/regions.py",
    "pages/context/attraction.py",
    "pages/about/about.py",
    "pages/about/upload.py",
]
CONTROL_KINDS = (
    "selectbox",
    "multiselect",
    "slider",
    "checkbox",
    "toggle",
    "text_input",
    "radio",
    "download_button",
    "file_uploader",
)
NORMAL_TITLES = {
    "pages/explore/map.py": "Acute trusts in England",
    "pages/explore/league.py": "League table:",
    "pages/explore/metric.py": "One metric across",
    "pages/trusts/profile.py": "Trust profile",
    "pages/context/regions.py": "Regional disparities:",
    "pages/context/attraction.py": "Staff attraction and area context:",
    "pages/about/about.py": "About League Atlas",
    "pages/about/upload.py": "Add a new NOF release",
}


def _main_controls(at) -> list[str]:
    found = []
    for kind in CONTROL_KINDS:
        for w in at.main.get(kind):
            found.append(f"{kind}:{getattr(w, 'key', None) or getattr(w, 'label', '')}")
    return found


def _open(at, page: str, params: dict[str, str]):
    at.query_params.update(params)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_presenter_mode_hides_controls_and_offers_a_way_out(app, page):
    at = _open(app, page, {"present": "1", "trust": "RBB"})
    assert at.toggle(key="present").value is True
    assert _main_controls(at) == [], "page controls must not show in presenter mode"
    leave = [b for b in at.main.button if b.label == "Leave presenter mode"]
    assert len(leave) == 1
    links = at.main.get("page_link")
    assert len(links) >= 6, "a page switcher on every page"
    headline = at.title[0].value
    assert not headline.startswith(NORMAL_TITLES[page]), "a headline, not the plain title"
    for bad in ("0 of 1", "trust(s)", " nan", "(0%)"):
        assert bad not in headline
    leave[0].click().run()
    assert not at.exception
    assert at.toggle(key="present").value is False
    assert at.title[0].value.startswith(NORMAL_TITLES[page])
    assert not at.main.get("page_link")


@pytest.mark.parametrize(
    "page", ["pages/explore/map.py", "pages/explore/league.py", "pages/context/regions.py"]
)
def test_normal_mode_keeps_the_page_controls(app, page):
    at = _open(app, page, {})
    assert _main_controls(at), "the page's own controls show outside presenter mode"
    assert not [b for b in at.main.button if b.label == "Leave presenter mode"]


def test_presenter_tables_are_static_large_type(app):
    at = _open(app, "pages/explore/map.py", {"present": "1"})
    assert not at.main.dataframe
    table = at.main.table[0].value
    assert list(table.columns[:5]) == [
        "Rank (current weights)",
        "Trust",
        "Segment",
        "Rank change",
        "Why",
    ]


def test_map_table_shows_key_columns_first(app):
    at = _open(app, "pages/explore/map.py", {})
    df = at.dataframe[-1]
    assert list(df.value.columns[:5]) == [
        "Rank (current weights)",
        "Trust",
        "Segment",
        "Rank change",
        "Why",
    ]


def test_s_labels_come_from_the_link(app):
    # Presenter mode turns S-labels on by default; a link that says labels=false keeps them off.
    app.query_params.update({"present": "1", "labels": "false"})
    app.run()
    assert not app.exception
    assert app.checkbox(key="labels").value is False


def test_peer_set_comes_from_the_link(app):
    peers = ["Made-up Hospitals 1 NHS Trust (RAA)", "Made-up Hospitals 4 NHS Trust (RDD)"]
    app.query_params.update({"trust": "RBB", "peers": peers})
    app.switch_page("pages/trusts/profile.py").run()
    assert not app.exception
    assert app.multiselect(key="peers").value == ["RAA", "RDD"]

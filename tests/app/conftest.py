"""AppTest fixtures: a made-up store and an AppTest that reruns the st.navigation entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_mod
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from support.fixture_store import build_fixture_store

APP = Path(__file__).resolve().parents[2] / "app.py"


class _NavigationPages(PagesManager):
    """AppTest resets the pages-directory flag before every run, so a project with a `pages/`
    folder is re-run as a v1 multipage app and the st.navigation entry point is skipped on reruns.
    The real server clears the flag once st.navigation is called; do the same here."""

    def __init__(self, *args, **kwargs):
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


@pytest.fixture(autouse=True)
def _v2_navigation(monkeypatch):
    monkeypatch.setattr(app_test_mod, "PagesManager", _NavigationPages)


@pytest.fixture(scope="session")
def fixture_data_dir(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        return build_fixture_store(tmp_path_factory.mktemp("fixture-data"), mp)
    finally:
        mp.undo()


@pytest.fixture
def app(fixture_data_dir, monkeypatch):
    """A fresh AppTest on the fixture store (not yet run)."""
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(fixture_data_dir))
    monkeypatch.setenv("LEAGUE_ATLAS_BASEMAP", "0")
    return AppTest.from_file(str(APP), default_timeout=60)

"""AppTest fixtures: a made-up store and an AppTest that reruns the st.navigation entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from support.fixture_store import build_fixture_store

APP = Path(__file__).resolve().parents[2] / "app.py"


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

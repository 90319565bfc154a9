"""Nothing server-side leaks to visitors: the "no data yet" page names no server path."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_the_no_data_page_shows_no_server_path(tmp_path, monkeypatch):
    secret = tmp_path / "srv-7e1d" / "league-data"
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(secret))
    monkeypatch.setenv("LEAGUE_ATLAS_MIRROR", str(tmp_path / "mirror-9c2f"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    shown = [
        e.value
        for kind in ("warning", "info", "markdown", "code", "caption")
        for e in getattr(at, kind)
    ]
    text = " ".join(str(v) for v in shown)
    assert "No prepared data yet" in text and "python -m league_atlas build" in text
    for leak in ("srv-7e1d", "mirror-9c2f", str(tmp_path)):
        assert leak not in text, leak

"""AppTest: with no data the app opens on Get started, which says what to fetch and where."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from league_atlas.io import sources

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_no_store_opens_get_started_with_exact_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LEAGUE_ATLAS_MIRROR", str(tmp_path / "no-mirror"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value.startswith("Welcome to")
    assert any("No prepared data yet" in w.value for w in at.warning)
    codes = " ".join(c.value for c in at.code)
    text = " ".join(m.value for m in at.markdown)
    by_hand = [s for s in sources.catalogue().values() if s.required and not s.downloadable]
    assert by_hand, "some required sources have no direct download"
    for src in by_hand:
        for f in src.files:
            assert str(tmp_path / "raw" / src.id / f.name) in codes  # where to put it
        assert src.landing_page in text  # from where
    assert "make run" in codes
    # Nothing of the explorer (and no sidebar controls) without data.
    assert not at.sidebar.selectbox


def test_a_file_saved_by_hand_is_no_longer_asked_for(tmp_path, monkeypatch):
    from league_atlas.io import fetch

    src = next(s for s in sources.catalogue().values() if s.required and not s.downloadable)
    before = [s.id for s, _ in fetch.still_needed(tmp_path)]
    assert src.id in before
    target = tmp_path / "raw" / src.id / src.files[0].name
    target.parent.mkdir(parents=True)
    target.write_text("a,b\n1,2\n")
    results = fetch.fetch_all(tmp_path, None, only=[src.id], progress=lambda m: None)
    assert results[0].status == "ok" and results[0].origin == "manual"
    assert src.id not in [s.id for s, _ in fetch.still_needed(tmp_path)]

"""AppTest: adding a release in the app (good file, bad file, switched off) and the About page.

Uploads change the store, so every test builds its own made-up store in tmp_path.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from league_atlas.errors import InputError
from league_atlas.io import releases, sources
from support import nof_factory as nf
from support.fixture_store import TRUST_CODES, build_fixture_store

APP = Path(__file__).resolve().parents[2] / "app.py"
NEW_QUARTER = "Q2 2025/26"


@pytest.fixture
def fresh_app(tmp_path, monkeypatch):
    """An AppTest on a made-up store of its own (uploads change it), on the upload page."""
    data_dir = build_fixture_store(tmp_path / "data", monkeypatch)
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LEAGUE_ATLAS_BASEMAP", "0")
    monkeypatch.delenv("LEAGUE_ATLAS_ALLOW_UPLOAD", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.data_dir = data_dir
    return at


def _good_release() -> bytes:
    trusts = nf.make_trusts(seed=11, codes=TRUST_CODES)
    return nf.to_bytes(nf.release_rows(trusts, quarter=NEW_QUARTER))


def _bad_release() -> tuple[bytes, str]:
    """A release with one non-numeric Value, and the exact message the reader gives for it."""
    lines = _good_release().decode("utf-8-sig").split("\r\n")
    cells = lines[5].split(",")
    cells[nf.HEADER.index("Value")] = "twelve"
    lines[5] = ",".join(cells)
    data = ("\ufeff" + "\r\n".join(lines)).encode("utf-8")
    with pytest.raises(InputError) as exc:
        releases.read_release(Path("bad.csv"), data=data, name="bad.csv")
    return data, str(exc.value)


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file and symlink under `folder`: path -> sha256 (or link target)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _open_upload(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/about/upload.py").run()
    assert not at.exception, at.exception
    return at


def test_upload_a_good_release_adds_the_quarter(fresh_app):
    at = _open_upload(fresh_app)
    assert NEW_QUARTER not in at.selectbox(key="q").options
    at.file_uploader(key="release_upload").upload("nof-q2-made-up.csv", _good_release(), "text/csv")
    at.run()
    at.button(key="release_add").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    done = [s.value for s in at.success]
    assert any(
        v.startswith("Release added:") and f"{len(TRUST_CODES)} trusts" in v and NEW_QUARTER in v
        for v in done
    ), done
    summary = at.table[0].value
    assert summary.loc["File", "This release"] == "nof-q2-made-up.csv"
    assert summary.loc["New in the store", "This release"] == f"{NEW_QUARTER} acute"
    assert summary.loc["Supersedes", "This release"] == "nothing"
    # The sidebar reads the new store version: the quarter is offered (newest first).
    assert at.selectbox(key="q").options[0] == NEW_QUARTER
    # The releases table lists both files.
    files = set(at.dataframe[-1].value["File"])
    assert "nof-q2-made-up.csv" in files and len(files) == 2


def test_upload_a_bad_release_shows_the_problem_and_changes_nothing(fresh_app):
    data, message = _bad_release()
    assert "line" in message and "Value" in message
    at = _open_upload(fresh_app)
    before = _snapshot(at.data_dir)
    at.file_uploader(key="release_upload").upload("bad.csv", data, "text/csv")
    at.run()
    at.button(key="release_add").click().run()
    assert not at.exception, at.exception
    assert any("not added" in e.value and "unchanged" in e.value for e in at.error)
    assert [c.value for c in at.code] == [message]
    assert not at.success
    assert _snapshot(at.data_dir) == before
    assert at.selectbox(key="q").options == ["Q1 2025/26"]


def test_a_quarter_given_in_the_app_is_used_when_the_file_does_not_say(fresh_app):
    trusts = nf.make_trusts(seed=12, codes=TRUST_CODES)
    rows = nf.release_rows(trusts, quarter="")  # no quarter anywhere in the file
    at = _open_upload(fresh_app)
    at.file_uploader(key="release_upload").upload("undated.csv", nf.to_bytes(rows), "text/csv")
    at.text_input(key="release_quarter").input("Q3 2025/26")
    at.run()
    at.button(key="release_add").click().run()
    assert not at.exception, at.exception
    assert not at.error, [c.value for c in at.code]
    assert "Q3 2025/26" in at.selectbox(key="q").options


def test_upload_switched_off_by_the_environment(fresh_app, monkeypatch):
    monkeypatch.setenv("LEAGUE_ATLAS_ALLOW_UPLOAD", "0")
    at = _open_upload(fresh_app)
    assert any("switched off" in i.value and "command line" in i.value for i in at.info)
    assert "add-release" in at.code[0].value
    assert [u.key for u in at.file_uploader] == ["scenario_upload"]  # only the sidebar's
    assert not [b for b in at.button if b.key == "release_add"]


def test_about_page_lists_sources_and_method(fresh_app):
    at = fresh_app
    at.run()
    at.switch_page("pages/about/about.py").run()
    assert not at.exception, at.exception
    assert len(at.title) == 1 and at.title[0].value == "About League Atlas"
    headers = [h.value for h in at.header]
    assert headers == [
        "What is in this store",
        "Data sources, dates and licences",
        "How NHS England builds the tables",
        "What League Atlas adds",
        "What the tables cannot tell you",
    ]
    table = at.dataframe[0].value
    cat = sources.catalogue()
    assert len(table) == len(cat)
    assert list(table["Source"]) == [s.title for s in cat.values()]
    assert {
        "Publisher",
        "Licence",
        "Official address",
        "Mirror copy vs publisher's",
        "Fetched",
    } <= set(table.columns)
    text = " ".join(m.value for m in at.markdown)
    for phrase in ("segment 3", "Recovery Support Programme", "too simplified", "Nuffield Trust"):
        assert phrase in text, phrase
    assert any("Saisana" in m.value for m in at.markdown)

"""Two visitors in real Chromium on the real store: an anonymous upload stays in its own session,
the admin token publishes (recorded in the manifest), and every CSV a visitor can download
neutralises formulas (the tables' own toolbar download is not offered).

Each scenario runs its own server on a copy of the real data folder (the store link is relative,
so a copied folder opens), because publishing changes the store. The uploaded file is the real
acute release with one trust renamed to text a spreadsheet would run as a formula.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from league_atlas.io import sources
from league_atlas.store import reader
from support.browser import settle, start_server, wait_for_app

pytestmark = pytest.mark.browser

TOKEN = "operator-secret-7f3a"
RENAMED = "=1+1 Renamed By A Visitor NHS Trust"


def _changed_release(data_dir: Path) -> tuple[bytes, str, str]:
    """The real acute release with its first trust renamed: (bytes, old name, trust code)."""
    path = sources.raw_files(data_dir, "nof_acute_q1_2526")[0]
    data = path.read_bytes()
    trusts = reader.open_store(data_dir).trusts
    row = trusts[trusts["trust_type"] == "acute"].sort_values("trust_code").iloc[0]
    old = row["trust_name"].encode("utf-8")
    assert old in data
    return data.replace(old, RENAMED.encode("utf-8")), row["trust_name"], row["trust_code"]


@pytest.fixture
def served(real_store_dir, artifacts_dir, tmp_path):
    """Start a server on a fresh copy of the real data folder; yields (url, data_dir)."""
    procs = []

    def start(extra_env: dict | None = None) -> tuple[str, Path]:
        copy = tmp_path / f"data-{len(procs)}"
        shutil.copytree(real_store_dir, copy, symlinks=True)
        log = artifacts_dir / f"shared-deployment-server-{len(procs)}.log"
        proc, url = start_server(copy, log, extra_env)
        procs.append(proc)
        return url, copy

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".writer.lock"
    } | {"store": str((folder / "store").resolve().name)}


def _go(page, title: str) -> None:
    """Follow the in-app page link (a new URL would start a new session)."""
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title).click()
    wait_for_app(page)


def _upload(page, data: bytes) -> None:
    _go(page, "Add a release")
    box = page.locator('[data-testid="stFileUploader"]').filter(has_text="NOF release file")
    box.locator('input[type="file"]').set_input_files(
        files=[{"name": "changed-acute.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_text("changed-acute.csv").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Check and explore privately").click()
    page.get_by_text("Checked, private view open").wait_for(timeout=120_000)
    wait_for_app(page)


def _league_csv(page) -> pd.DataFrame:
    """The league page's CSV, through its export panel (the board pack's table, neutralised)."""
    _go(page, "League table")
    page.get_by_text("Export this view").first.wait_for(timeout=120_000)
    button = page.get_by_role("button", name="Table data (CSV)", exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as dl:
        button.click()
    text = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    stamp = [line for line in text.splitlines() if line.startswith("# ")]
    df = pd.read_csv(io.StringIO(text), skiprows=len(stamp), dtype=str)
    df.attrs["stamp"] = stamp
    return df


def _no_toolbar_csv(page) -> None:
    """The tables' own toolbar offers no 'Download as CSV' (it would bypass the neutraliser)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    grid.hover()
    settle(page)
    toolbar = page.locator('[data-testid="stElementToolbar"]')
    assert toolbar.count() > 0  # the toolbar is there (search, full screen)...
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # ...without export


def test_an_anonymous_upload_never_reaches_another_session(served, browser, artifacts_dir):
    url, data_dir = served()
    data, old_name, code = _changed_release(data_dir)
    before = _tree(data_dir)
    visitor = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        a = visitor.new_page()
        a.goto(url)
        wait_for_app(a)
        _upload(a, data)
        assert a.get_by_text("Publishing from the browser is off").count() > 0
        a.screenshot(path=str(artifacts_dir / "private-upload.png"), full_page=True)
        mine = _league_csv(a)
        assert "Your file, not published" in a.locator('[data-testid="stMain"]').inner_text()
        a.screenshot(path=str(artifacts_dir / "private-view-league.png"), full_page=True)
        # The visitor's own CSV: their renamed trust, neutralised, and labelled as private.
        names = set(mine["Trust"] if "Trust" in mine else mine.iloc[:, 1])
        assert "'" + RENAMED in names and old_name not in names
        assert any("Your file, not published" in line for line in mine.attrs["stamp"])
        _no_toolbar_csv(a)
        # Another visitor, at the same time, sees only the published data.
        b = other.new_page()
        b.goto(url)
        wait_for_app(b)
        theirs = _league_csv(b)
        names = set(theirs["Trust"] if "Trust" in theirs else theirs.iloc[:, 1])
        assert old_name in names and not any(RENAMED in n for n in names)
        assert not any("not published" in line for line in theirs.attrs["stamp"])
        assert "Official NOF table" in b.locator('[data-testid="stMain"]').inner_text()
        assert code  # the renamed trust is a real one
    finally:
        visitor.close()
        other.close()
    assert _tree(data_dir) == before


def test_the_admin_token_publishes_and_the_manifest_records_it(served, browser, artifacts_dir):
    url, data_dir = served({"LEAGUE_ATLAS_ADMIN_TOKEN": TOKEN})
    data, old_name, _ = _changed_release(data_dir)
    operator = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    later = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        a = operator.new_page()
        a.goto(url)
        wait_for_app(a)
        _upload(a, data)
        assert a.get_by_text("Publishing is on for operators").count() > 0
        a.get_by_label("Admin token").fill(TOKEN)
        a.get_by_label("Admin token").press("Enter")
        wait_for_app(a)
        a.get_by_role("button", name="Publish this file to everyone").click()
        a.get_by_text("Published to everyone").wait_for(timeout=300_000)
        a.screenshot(path=str(artifacts_dir / "admin-published.png"), full_page=True)
        manifest = json.loads((data_dir / "store" / "manifest.json").read_text("utf-8"))
        pub = manifest["publications"][-1]
        assert pub["route"] == "admin-upload" and pub["file"] == "changed-acute.csv"
        assert pub["sha256"] == hashlib.sha256(data).hexdigest()
        # A new visitor sees the published file, under the official banner naming it.
        b = later.new_page()
        b.goto(url)
        wait_for_app(b)
        text = b.locator('[data-testid="stMain"]').inner_text()
        assert "Official NOF table" in text and "changed-acute.csv" in text
        theirs = _league_csv(b)
        names = set(theirs["Trust"] if "Trust" in theirs else theirs.iloc[:, 1])
        assert "'" + RENAMED in names and old_name not in names
    finally:
        operator.close()
        later.close()

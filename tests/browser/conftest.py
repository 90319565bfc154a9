"""Browser tests: a real Streamlit server on the real store, driven by Playwright in Debian Chromium.

No browser download (Playwright's own builds cannot be fetched here) and no basemap tiles: the
server runs with LEAGUE_ATLAS_BASEMAP=0, so the map depends only on its own layers.
"""

from __future__ import annotations

import subprocess

import pytest

from support.browser import CHROMIUM, CHROMIUM_ARGS, start_server


@pytest.fixture(scope="session")
def server(real_store_dir, artifacts_dir):
    proc, url = start_server(real_store_dir, artifacts_dir / "streamlit-server.log")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian chromium is not installed (make test installs it: apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()

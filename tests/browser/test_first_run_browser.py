"""A cold start with no data in Chromium: the Get started page, never Streamlit's list of files."""

from __future__ import annotations

import subprocess

import pytest

from support.browser import start_server

FILE_NAMES = ("onboarding", "map", "league", "profile", "attraction", "regions", "upload")


@pytest.fixture
def empty_server(tmp_path, artifacts_dir):
    proc, url = start_server(
        tmp_path / "data",
        artifacts_dir / "streamlit-first-run.log",
        extra_env={"LEAGUE_ATLAS_MIRROR": str(tmp_path / "no-mirror")},
    )
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_cold_start_shows_get_started_and_no_file_names(empty_server, browser, artifacts_dir):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.goto(empty_server + "/")
    # Sample the sidebar from the first paint until the page is ready: Streamlit's own page list
    # (its file names) must never appear, not even for a moment.
    seen_nav = page.evaluate(
        """() => new Promise(resolve => {
            let seen = false;
            const check = () => { if (document.querySelector('[data-testid="stSidebarNav"]')) seen = true; };
            const obs = new MutationObserver(check);
            obs.observe(document, {subtree: true, childList: true});
            check();
            const done = () => document.body.innerText.includes('Files to fetch by hand');
            const t0 = Date.now();
            const tick = () => {
                if (done() || Date.now() - t0 > 30000) { obs.disconnect(); resolve(seen); }
                else setTimeout(tick, 50);
            };
            tick();
        })"""
    )
    assert not seen_nav
    page.get_by_text("Files to fetch by hand").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('pre code')].some(e => e.textContent.includes('/raw/'))"
    )
    sidebar = page.locator('[data-testid="stSidebar"]')
    text = sidebar.inner_text() if sidebar.count() else ""
    assert not any(name in text.lower() for name in FILE_NAMES), text
    assert page.get_by_role("heading", name="Welcome to League Atlas").is_visible()
    page.screenshot(path=str(artifacts_dir / "first-run-get-started-1280x720.png"))
    ctx.close()

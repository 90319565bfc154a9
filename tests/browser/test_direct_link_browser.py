"""A shared link opened on a freshly started server goes straight to its page.

Streamlit runs pages/*.py directly until app.py has called st.navigation once; without the
first-visit entries (pages/<name>.py, league_atlas_ui.entry) the first visitor of a direct link
saw "Page not found". This starts its own server so the visit really is the first.
"""

from __future__ import annotations

import subprocess

from support.browser import start_server, wait_for_app


def test_first_visit_to_a_page_link_opens_that_page(real_store_dir, artifacts_dir, browser):
    proc, url = start_server(real_store_dir, artifacts_dir / "streamlit-direct-link.log")
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 720})
        page = ctx.new_page()
        page.goto(url + "/league")
        wait_for_app(page)
        page.get_by_role("heading", name="League table").first.wait_for(timeout=30_000)
        assert page.get_by_text("Page not found").count() == 0
        assert page.url.rstrip("/").endswith("/league")
        page.screenshot(path=str(artifacts_dir / "direct-link-first-visit.png"))
        ctx.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()

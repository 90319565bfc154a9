"""The regional disparities and staff-attraction pages in real Chromium on the real store.

Screenshots go to test-artifacts/ (regions-page.png, attraction-page.png,
attraction-page-reweighted.png): look at them.
"""

from __future__ import annotations

import pytest

from support.browser import non_blank, settle, wait_for_app, wait_for_map

pytestmark = pytest.mark.browser

TALL = {"width": 1400, "height": 4600}


def _paragraph(page, starts: str) -> str:
    loc = page.locator('[data-testid="stMarkdownContainer"] p', has_text=starts).first
    loc.wait_for(timeout=30_000)
    return loc.inner_text()


def _in_dom(page, starts: str) -> str:
    """A paragraph's text even inside a closed expander (the analysts' statistics)."""
    loc = page.locator('[data-testid="stMarkdownContainer"] p', has_text=starts).first
    loc.wait_for(state="attached", timeout=30_000)
    return loc.text_content()


def test_regions_page_renders(server, page, artifacts_dir):
    page.set_viewport_size(TALL)
    page.goto(server + "/regions")
    wait_for_app(page)
    chart = wait_for_map(page)
    assert non_blank(chart.screenshot()) > 20, "the choropleth canvas is blank"
    page.get_by_text("London and South East against the rest of England").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]:visible').first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    # The finding first, in plain words; the statistics in the analysts' expanders.
    finding = page.locator('[data-testid="stMain"] h2').first.inner_text()
    assert finding.startswith("Trusts in London and South East score") and "95% CI" in finding
    assert "-0." not in finding
    text = _in_dom(page, "London and South East (")
    assert "BCa bootstrap" in text and "95% CI" in text
    assert "Spearman rho" in _in_dom(page, "Average score vs distance")
    settle(page)
    page.screenshot(path=str(artifacts_dir / "regions-page.png"), full_page=True)


def test_attraction_page_renders_and_an_index_weight_moves_it(server, page, artifacts_dir):
    page.set_viewport_size(TALL)
    page.goto(server + "/attraction")
    wait_for_app(page)
    chart = wait_for_map(page)
    assert non_blank(chart.screenshot()) > 20, "the proxy map canvas is blank"
    page.get_by_text("Context-adjusted league (beside the official one)").wait_for()
    settle(page)
    page.screenshot(path=str(artifacts_dir / "attraction-page.png"), full_page=True)
    finding = page.locator('[data-testid="stMain"] h2').first.inner_text()
    assert "staff-attraction index" in finding and "lower scores are better" in finding
    page.get_by_text("Method and statistics (for analysts)").first.click()
    before = _paragraph(page, "Average score vs staff-attraction index")
    weights_before = _paragraph(page, "Weights in use:")
    assert "Median weekly pay of residents" not in weights_before

    # The index weights are on the page (no longer 17 sliders in the sidebar).
    page.get_by_text("Staff-attraction index: weights of the proxies").first.click()
    assert (
        page.locator(
            '[data-testid="stSidebar"] input[aria-label="Median weekly pay of residents"]'
        ).count()
        == 0
    )
    thumb = page.locator(
        '[data-testid="stMain"] input[type="range"][aria-label="Median weekly pay of residents"]'
    ).first
    thumb.scroll_into_view_if_needed()
    thumb.focus()
    thumb.press("End")  # weight 3
    page.wait_for_function("() => window.location.search.includes('p_median_pay=3')")
    wait_for_app(page)
    page.get_by_text("Median weekly pay of residents x3").first.wait_for(timeout=30_000)
    after = _paragraph(page, "Average score vs staff-attraction index")
    assert after != before, "the index correlation did not change with the weight"
    settle(page)
    page.screenshot(path=str(artifacts_dir / "attraction-page-reweighted.png"), full_page=True)

"""'Since last quarter' in real Chromium on the real store, for mental health and community
(non-acute) trusts, Q4 2025/26: the headline, the movers map, and every trust in the table.

Screenshots go to test-artifacts/changes-*.png.
"""

from __future__ import annotations

import io
import subprocess
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from league_atlas.store import reader, writer
from league_atlas.views import presentation as ui
from support.browser import start_server, wait_for_app, wait_for_map

pytestmark = pytest.mark.browser
NON_ACUTE_FILE = "nhs-oversight-framework-mental-health-and-community-trust-data-q4-25-26.csv"


@pytest.fixture(scope="module")
def non_acute_server(request, real_store_dir, real_mirror, artifacts_dir, tmp_path_factory):
    """The session's real server when its store holds non-acute trusts; otherwise a store of its
    own with the real non-acute release added through add-release, and a server on it."""
    if "non-acute" in reader.open_store(real_store_dir).trust_types():
        yield request.getfixturevalue("server")
        return
    release = real_mirror / "nof" / NON_ACUTE_FILE
    if not release.is_file():
        pytest.skip(f"{release} is not in the mirror")
    data_dir = tmp_path_factory.mktemp("real-with-non-acute")
    writer.build(data_dir, real_mirror, progress=lambda m: None)
    writer.add_release(data_dir, release, progress=lambda m: None)
    proc, url = start_server(data_dir, artifacts_dir / "streamlit-server-changes.log")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_changes_view_for_non_acute_q4(non_acute_server, page, artifacts_dir):
    label = urllib.parse.quote_plus(ui.TRUST_TYPE_LABELS["non-acute"])  # bound by its label
    page.goto(f"{non_acute_server}/changes?type={label}&q=Q4+2025%2F26")
    wait_for_app(page, timeout=180_000)
    heading = page.locator('[data-testid="stMain"] h1').first
    assert heading.inner_text().startswith(
        "What changed since last quarter: Mental health and community trusts"
    )
    main = page.locator('[data-testid="stMain"]')
    # The heading is written before the comparison below it: wait for the text, not a fixed time.
    expect(main).to_contain_text("From Q3 2025/26 to Q4 2025/26", timeout=180_000)
    chart = wait_for_map(page)
    chart.screenshot(path=str(artifacts_dir / "changes-map.png"))
    page.screenshot(path=str(artifacts_dir / "changes-page.png"), full_page=True)

    # Every trust, each with a verdict, in the downloadable table behind the map.
    page.get_by_text("All trusts", exact=True).click()
    wait_for_app(page, timeout=120_000)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download this table (CSV)").click()
    text = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    rows = [line for line in text.splitlines() if not line.startswith("# ")]
    table = pd.read_csv(io.StringIO("\n".join(rows)))
    assert len(table) == 61
    assert set(table["Overall"]) <= {"beyond noise", "within noise", "no change"}
    assert (table["Overall"] == "beyond noise").any()
    assert {"Rank Q3 2025/26", "Rank Q4 2025/26", "Why the segment changed"} <= set(table.columns)

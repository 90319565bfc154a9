"""Hostile data text in real Chromium: no dialog fires, no injected element, the text shows literally.

A server runs on a made-up store built from a release whose trust names and metric descriptions
carry `<img src=x onerror=alert(n)>`, `<script>alert(n)</script>`, an SVG onload and a Markdown
`javascript:` link (tests/fixtures/injection/hostile.py). Every page in app.py's NAVIGATION is
opened with a hostile trust selected (`?trust=RAA`); the map's tooltips are hovered for every
hostile trust on the map. Screenshots go to test-artifacts/injection-*.png.
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest

from fixtures.injection import hostile
from league_atlas.store import reader
from support.browser import (
    LIVE_MAP,
    project,
    settle,
    start_server,
    wait_for_app,
    wait_for_live_map,
)

pytestmark = pytest.mark.browser
APP = Path(__file__).resolve().parents[2] / "app.py"

# Anything the hostile text would create if it were parsed as HTML or Markdown.
INJECTED = (
    'img[src="x"], svg[onload], [onerror], [onload], a[href^="javascript:"], '
    "iframe[srcdoc], object, embed"
)
INLINE_SCRIPT_WITH_ALERT = """() => [...document.querySelectorAll('script')]
    .filter(s => (s.textContent || '').includes('alert(')).length"""


def navigation() -> list[tuple[str, str]]:
    """(script, url path) of every page in app.py's NAVIGATION (parsed: app.py runs Streamlit)."""
    tree = ast.parse(APP.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "NAVIGATION" for t in node.targets
        ):
            nav = ast.literal_eval(node.value)
            return [(e[0], e[3]) for entries in nav.values() for e in entries]
    raise AssertionError("app.py has no NAVIGATION dict")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, artifacts_dir):
    mp = pytest.MonkeyPatch()
    try:
        data_dir = hostile.build_store(tmp_path_factory.mktemp("hostile-browser"), mp)
    finally:
        mp.undo()
    proc, url = start_server(data_dir, artifacts_dir / "injection-server.log")
    yield url, data_dir
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def dialogs(page):
    fired: list[str] = []

    def on_dialog(d):
        fired.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", on_dialog)
    return fired


def _assert_clean(page, dialogs, where: str) -> None:
    settle(page)
    assert not dialogs, f"{where}: a dialog fired: {dialogs}"
    injected = page.locator(INJECTED)
    assert injected.count() == 0, (
        f"{where}: injected element(s): {injected.first.evaluate('e => e.outerHTML')}"
    )
    assert page.evaluate(INLINE_SCRIPT_WITH_ALERT) == 0, f"{where}: an injected <script>"
    assert page.locator('[data-testid="stException"]').count() == 0, f"{where}: exception shown"


@pytest.mark.parametrize(("script", "path"), navigation())
def test_hostile_text_never_runs_on_any_page(
    hostile_server, page, dialogs, artifacts_dir, script, path
):
    url, _ = hostile_server
    page.goto(f"{url}/{path}?trust=RAA")
    wait_for_app(page)
    settle(page)
    name = Path(script).stem
    page.screenshot(path=str(artifacts_dir / f"injection-{name}.png"), full_page=True)
    _assert_clean(page, dialogs, script)


def test_hostile_names_show_literally_in_headings_and_choosers(hostile_server, page, dialogs):
    url, _ = hostile_server
    page.goto(f"{url}/?trust=RAA")
    wait_for_app(page)
    wait_for_live_map(page)
    # The selected trust's details heading and the trust chooser show the text as typed.
    literal = page.get_by_text(hostile.NAMES["RAA"], exact=False)
    assert literal.count() > 0, "the hostile name is not shown as text"
    _assert_clean(page, dialogs, "map page with RAA selected")


def test_map_tooltips_show_hostile_names_as_text(hostile_server, page, dialogs, artifacts_dir):
    url, data_dir = hostile_server
    trusts = reader.open_store(data_dir).trusts.set_index("trust_code")
    hovered: set[str] = set()
    # The made-up trusts sit a few pixels apart on the whole-England live map, so hover them on
    # it and, framed larger, with each test region in focus (the focus is framed whole).
    for focus in ("", "London", "East of England"):
        query = "?" + urlencode({"level": "NHS region", "area": focus}) if focus else ""
        page.goto(url + "/" + query)
        wait_for_app(page)
        view = json.loads(wait_for_live_map(page).get_attribute("data-view"))
        box = page.locator(f"{LIVE_MAP} canvas").first.bounding_box()
        for code, name in hostile.NAMES.items():
            if code in hovered or code not in trusts.index:
                continue
            if trusts.loc[code, ["lat", "lon"]].isna().any():
                continue
            x, y = project(trusts.loc[code, "lat"], trusts.loc[code, "lon"], view,
                           box["width"], box["height"])  # fmt: skip
            if not (5 < x < box["width"] - 5 and 5 < y < box["height"] - 5):
                continue
            page.mouse.move(box["x"] + x, box["y"] + y)
            tip = page.locator(".deck-tooltip")
            try:
                page.wait_for_function(
                    "(code) => { const t = document.querySelector('.deck-tooltip');"
                    " return t && t.innerText.includes('(' + code + ')'); }",
                    arg=code,
                    timeout=5_000,
                )
            except Exception:  # noqa: BLE001 - a neighbour may cover the point; others are tried
                continue
            text = tip.first.inner_text()
            assert name in text, f"tooltip of {code} does not show its name literally: {text!r}"
            assert tip.first.locator("img, svg, script, a").count() == 0
            page.screenshot(path=str(artifacts_dir / f"injection-tooltip-{code}.png"))
            hovered.add(code)
            _assert_clean(page, dialogs, f"tooltip of {code}")
    assert len(hovered) >= 2, f"could not hover enough hostile trusts on the map: {hovered}"


def test_markdown_in_a_trust_name_shows_literally(hostile_server, page, dialogs):
    url, _ = hostile_server
    page.goto(f"{url}/profile?trust=RFF")
    wait_for_app(page)
    heading = page.locator('[data-testid="stMain"] h2').first
    heading.wait_for(timeout=30_000)
    assert hostile.NAMES["RFF"] in heading.inner_text()
    # Streamlit adds its own in-page anchor link ("#...") to headers; no other link, no bold.
    assert heading.locator('a:not([href^="#"]), strong').count() == 0

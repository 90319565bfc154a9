"""axe-core on every page of the app (WCAG 2.0-2.2 A and AA rules): zero serious or critical violations.

axe-core comes from the npm registry (`make test` installs it into tests/browser/node_modules).
Every page listed in app.py's NAVIGATION is checked, so a new page is covered without editing this.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from support.browser import ROOT, settle, wait_for_app

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def navigation_paths() -> list[tuple[str, str]]:
    """(title, url path) of every page in app.py's NAVIGATION, read without running Streamlit."""
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "NAVIGATION" for t in node.targets
        ):
            nav = ast.literal_eval(node.value)
            return [(title, path) for entries in nav.values() for _, title, _, path in entries]
    raise AssertionError("NAVIGATION not found in app.py")


PAGES = navigation_paths() + [
    ("Map (presenter mode)", "?present=1"),
    ("Trust profile (a trust)", "profile?trust=RR8"),
]


@pytest.mark.parametrize(("title", "path"), PAGES, ids=[p for _, p in PAGES])
def test_no_serious_or_critical_axe_violations(server, page, artifacts_dir, title, path):
    if not AXE.is_file():
        pytest.skip(
            "axe-core is not installed (make test runs: cd tests/browser && npm install axe-core@4)"
        )
    page.goto(f"{server}/{path}")
    wait_for_app(page)
    settle(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},
             rules: {'heading-order': {enabled: true}, 'page-has-heading-one': {enabled: true}}})""",
        TAGS,
    )
    name = path.replace("?", "_").replace("=", "-").replace("/", "_") or "map"
    (artifacts_dir / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=1))
    page.screenshot(path=str(artifacts_dir / f"page-{name}.png"), full_page=True)
    bad = [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        or v["id"] in ("heading-order", "page-has-heading-one")
    ]
    assert not bad, f"{title}: " + "; ".join(bad)

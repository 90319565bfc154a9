"""URL parameters fuzzed through AppTest on every page: no exception ever reaches the user.

The pages are read from app.py's NAVIGATION when the tests are collected, so a new page is
fuzzed without editing this file. Hypothesis generates query-parameter dicts mixing the app's real
parameter names (sidebar settings, weights, page settings) with garbage values (wrong types,
out-of-range and non-finite numbers, huge strings, odd Unicode, HTML and script) and random
keys. The link is opened on the default page, then on the page under test, as a shared link would
be; `at.exception` must stay empty. Derandomized, no database: the same cases on every machine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from league_atlas.scoring import preparation
from league_atlas.store import reader
from league_atlas.views import presentation as ui

pytestmark = pytest.mark.slow  # every page under fuzzed URLs: make test, not test-fast

APP = Path(__file__).resolve().parents[2] / "app.py"
EXAMPLES_PER_PAGE = 12


def navigation_pages() -> list[str]:
    """Page scripts listed in app.py's NAVIGATION dict (parsed, not imported: app.py runs st)."""
    tree = ast.parse(APP.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "NAVIGATION" for t in node.targets
        ):
            nav = ast.literal_eval(node.value)
            return [entry[0] for entries in nav.values() for entry in entries]
    raise AssertionError("app.py has no NAVIGATION dict")


def real_keys(data_dir: Path) -> list[str]:
    """The app's URL parameter names: the sidebar's, the weights of the made-up release, pages'."""
    import sys

    if str(APP.parent) not in sys.path:  # AppTest puts the app folder on the path the same way
        sys.path.insert(0, str(APP.parent))
    from league_atlas_ui import shared

    st_ = reader.open_store(data_dir)
    prep = preparation.prepare(st_.metrics, st_.trust_types()[0])
    keys = {"type", "q", "level", "area", "trust", "override", "segments", "present", "embed"}
    keys |= {shared.domain_key(d) for d in prep.domains}
    keys |= {shared.item_key(k) for k in prep.item_keys}
    keys |= set(shared.PAGE_PARAMS)
    keys |= {f"{ui.DOMAIN_WEIGHT.key}_no-such-domain", f"{ui.ITEM_WEIGHT.key}_OF9999"}
    return sorted(keys)


GARBAGE = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "3",
            "3.0000001",
            "1e999",
            "-1e999",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "1,5",
            "0x10",
            "true",
            "false",
            "True",
            "None",
            "null",
            "[]",
            "{}",
            "Acute trusts",
            "Q9 2099/00",
            "RAA",
            "raa",
            "All England",
            "NHS regions",
            "E40000003",
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "javascript:alert(1)",
            "%00",
            "\x00",
            "\u202e",
            "名前",
            "😀",
            "../../etc/passwd",
            "' OR 1=1 --",
        ]
    ),  # fmt: skip
    st.integers(1_000, 200_000).map(lambda n: "9" * n),  # huge numbers as text
    st.integers(1_000, 50_000).map(lambda n: "A" * n),  # huge strings
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def params(keys: list[str]):
    key = st.one_of(st.sampled_from(keys), st.sampled_from(keys), st.text(min_size=1, max_size=20))
    return st.dictionaries(key, GARBAGE, max_size=6)


@pytest.fixture(scope="module")
def keys(fixture_data_dir) -> list[str]:
    return real_keys(fixture_data_dir)


@pytest.mark.parametrize("page", navigation_pages())
def test_fuzzed_url_parameters_never_raise(page, keys, fixture_data_dir, monkeypatch):
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(fixture_data_dir))
    monkeypatch.setenv("LEAGUE_ATLAS_BASEMAP", "0")
    default = navigation_pages()[0]
    seen = []

    @settings(
        max_examples=EXAMPLES_PER_PAGE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(query=params(keys))
    def check(query: dict[str, str]) -> None:
        seen.append(query)
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.query_params = dict(query)
        at.run()
        assert not at.exception, f"{query!r} on the default page: {at.exception}"
        if page != default:
            at.switch_page(page)
            at.query_params = dict(query)
            at.run()
            assert not at.exception, f"{query!r} on {page}: {at.exception}"

    check()
    assert len(seen) >= EXAMPLES_PER_PAGE // 2
    print(f"\n{page}: {len(seen)} fuzzed links")

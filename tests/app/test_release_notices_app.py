"""AppTest: a release of a framework year without rules opens on every scoring page with a visible
notice, and a recompute disagreement is flagged beside the published value (made-up store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from league_atlas.store import writer
from league_atlas.views import presentation as ui
from support import nof_factory as nf
from support.fixture_store import TRUST_CODES, build_fixture_store

APP = Path(__file__).resolve().parents[2] / "app.py"
NEXT_YEAR = "Q1 2026/27"


@pytest.fixture(scope="module")
def next_year_dir(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        data_dir = build_fixture_store(tmp_path_factory.mktemp("next-year"), mp)
        rows = nf.release_rows(
            nf.make_trusts(seed=3, codes=TRUST_CODES), quarter=NEXT_YEAR, with_quarter_column=True
        )
        first = TRUST_CODES[0]
        for r in rows:  # plant a restated average for the first trust
            if r[4] == first and r[8] == "OF5002":
                r[12] = "1.40"
        path = data_dir / "next-year.csv"
        path.write_bytes(nf.to_bytes(rows, with_quarter_column=True))
        writer.add_release(data_dir, path, progress=lambda m: None)
        return data_dir
    finally:
        mp.undo()


def _open(monkeypatch, data_dir: Path, page: str, **params) -> AppTest:
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LEAGUE_ATLAS_BASEMAP", "0")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"q": NEXT_YEAR, **params})
    at.run()
    if page != "pages/explore/map.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    "page",
    [
        "pages/explore/map.py",
        "pages/explore/league.py",
        "pages/trusts/profile.py",
        "pages/context/regions.py",
    ],
)
def test_year_without_rules_shows_published_values_with_a_notice(next_year_dir, monkeypatch, page):
    at = _open(monkeypatch, next_year_dir, page, trust=TRUST_CODES[1])
    infos = " ".join(i.value for i in at.info)
    assert "rules for framework year 2026/27 are not known yet" in infos


def test_disagreement_is_flagged_beside_the_published_value(next_year_dir, monkeypatch):
    first = TRUST_CODES[0]
    at = _open(monkeypatch, next_year_dir, "pages/explore/league.py")
    assert any(ui.RECOMPUTE_FLAG in w.value for w in at.warning)
    table = next(d.value for d in at.dataframe if "Check (recomputed)" in d.value.columns)
    table = table.data if hasattr(table, "data") else table
    row = table[table["ODS code"] == first].iloc[0]
    assert row["Official score"] == 1.40  # the published value stays the official one
    assert "average score published 1.40" in row["Check (recomputed)"]
    others = table[table["ODS code"] != first]
    assert (others["Check (recomputed)"] == "agrees").all()
    prof = _open(monkeypatch, next_year_dir, "pages/trusts/profile.py", trust=first)
    assert any("average score published 1.40" in w.value for w in prof.warning)


def test_regions_page_offers_the_located_region(next_year_dir, monkeypatch):
    at = _open(monkeypatch, next_year_dir, "pages/context/regions.py")
    at.selectbox(key="rgeo").set_value("located_region").run()
    assert not at.exception, [e.value for e in at.exception]
    heads = [h.value for h in at.header] + [h.value for h in at.subheader]
    heads += [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("containing the trust's location" in h for h in heads), heads

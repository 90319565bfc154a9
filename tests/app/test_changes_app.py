"""AppTest: the 'Since last quarter' page and the likely ranges on the league page, on a made-up
store with two quarters (a second made-up release added with the real add-release path)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from league_atlas.scoring import preparation
from league_atlas.store import reader, writer
from support import nof_factory as nf
from support.fixture_store import TRUST_CODES, build_fixture_store

APP = Path(__file__).resolve().parents[2] / "app.py"
WORSE = "RAA"  # every metric much worse in Q2: beyond noise
OVERRIDE = "RBB"  # financial override switched on in Q2


@pytest.fixture(scope="module")
def two_quarter_dir(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        data_dir = build_fixture_store(tmp_path_factory.mktemp("two-quarters"), mp)
        trusts = copy.deepcopy(nf.make_trusts(seed=3, codes=TRUST_CODES))
        by_code = {t.code: t for t in trusts}
        worse = by_code[WORSE]
        worse.scores = {
            m: (4.0 if m in ("OF1079", "OF1081", "OF1080") else 3.95) for m in worse.scores
        }
        by_code[OVERRIDE].override = 1 - by_code[OVERRIDE].override
        q2 = nf.write_release(
            data_dir / "q2-upload.csv",
            trusts,
            quarter="Q2 2025/26",
            with_quarter_column=True,
        )
        writer.add_release(data_dir, q2, progress=lambda m: None)
        writer.add_release(data_dir, _league_table_file(data_dir), progress=lambda m: None)
        return data_dir
    finally:
        mp.undo()


def _league_table_file(data_dir: Path) -> Path:
    """A made-up NOF league-table file for Q2 (the real format), with NHS England-style likely
    ranges: every trust "1 to 7" and its score +-0.3."""
    p = preparation.prepare(reader.open_store(data_dir).metrics, "acute", "Q2 2025/26")
    lines = [
        "Quarter,Region,Trust_type,Trust_subtype,Trust_code,Trust_name,Average_score,"
        "Likely_range_of_average_score,Segment,Trust_in_financial_deficit,Rank,Likely_range_of_rank"
    ]
    for i, code in enumerate(p.trust_codes):
        avg = p.published_average[i]
        lines.append(
            f"Q2 2025/26,London,Acute trust,Acute - Teaching,{code},Made-up {i + 1},{avg:.2f},"
            f"{avg - 0.3:.2f} to {avg + 0.3:.2f},{int(p.published_segment[i])},"
            f"{'Yes' if p.override_flag[i] else 'No'},{int(p.published_rank[i])},1 to 7"
        )
    path = data_dir / "league-table-q2.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


@pytest.fixture
def app2(two_quarter_dir, monkeypatch) -> AppTest:
    monkeypatch.setenv("LEAGUE_ATLAS_DATA_DIR", str(two_quarter_dir))
    monkeypatch.setenv("LEAGUE_ATLAS_BASEMAP", "0")
    return AppTest.from_file(str(APP), default_timeout=120)


def _changes_table(at: AppTest):
    for df in at.dataframe:
        if "Overall" in df.value.columns and "Rank change is" in df.value.columns:
            return df.value
    raise AssertionError("changes table not found")


def test_changes_page_marks_movers_beyond_noise(app2):
    app2.run()
    app2.selectbox(key="q").set_value("Q2 2025/26").run()
    app2.switch_page("pages/trusts/changes.py").run()
    assert not app2.exception, app2.exception
    assert app2.title[0].value.startswith("What changed since last quarter")
    text = " ".join(m.value for m in app2.markdown)
    assert "From Q1 2025/26 to Q2 2025/26" in text and "changed segment" in text
    beyond = _changes_table(app2)
    assert WORSE in set(beyond["ODS code"])
    assert (beyond["Overall"] == "beyond noise").all()
    row = beyond.set_index("ODS code").loc[WORSE]
    assert row["Score change is"] == "beyond noise" and row["Change"].startswith("▼")
    app2.radio(key="changes_show").set_value("All trusts").run()
    everyone = _changes_table(app2)
    assert set(everyone["ODS code"]) == set(TRUST_CODES)
    assert set(everyone["Overall"]) <= {"beyond noise", "within noise", "no change"}
    assert len(app2.get("deck_gl_json_chart")) == 1  # the movers map
    assert any(b.label == "Download this table (CSV)" for b in app2.get("download_button"))


def test_changes_page_says_when_there_is_no_earlier_quarter(app2):
    app2.run()
    app2.selectbox(key="q").set_value("Q1 2025/26").run()
    app2.switch_page("pages/trusts/changes.py").run()
    assert not app2.exception, app2.exception
    assert any("no quarter before Q1 2025/26" in i.value for i in app2.info)


def test_league_page_shows_likely_ranges_and_optional_weight_layer(app2):
    app2.run()
    app2.switch_page("pages/explore/league.py").run()
    assert not app2.exception, app2.exception
    assert any("NHS England's own uncertainty, reproduced" in m.value for m in app2.markdown)
    # A league-table file for this quarter is in the store: its ranges are compared and shown.
    assert any(
        "Against NHS England's published ranges (7 trusts)" in m.value for m in app2.markdown
    )
    assert not [s for s in app2.slider if s.key == "spread"]
    tables = [df.value for df in app2.dataframe if "Likely rank (95%)" in df.value.columns]
    assert tables and tables[0]["Likely rank (95%)"].str.match(r"^\d+ to \d+$").all()
    app2.checkbox(key="weight_layer").check().run()
    assert not app2.exception, app2.exception
    assert [s for s in app2.slider if s.key == "spread"]
    tables = [df.value for df in app2.dataframe if "Weights: rank, 5th pct" in df.value.columns]
    assert tables
    official = tables[0]["Likely rank (95%)"].tolist()
    # Moving a weight keeps the official-weight ranges until the reader asks for a re-run.
    assert not [b for b in app2.checkbox if b.key == "likely_follow"]
    app2.slider(key="w_patient-safety").set_value(3.0).run()
    assert not app2.exception, app2.exception
    assert any("at the official weights" in c.value for c in app2.caption)
    app2.checkbox(key="likely_follow").check().run()
    assert not app2.exception, app2.exception
    assert not any("at the official weights" in c.value for c in app2.caption)
    tables = [df.value for df in app2.dataframe if "Likely rank (95%)" in df.value.columns]
    assert len(tables[0]) == len(official)


def test_profile_headline_and_trend_use_likely_ranges(app2):
    app2.query_params.update({"trust": WORSE, "q": "Q2 2025/26"})
    app2.run()
    app2.switch_page("pages/trusts/profile.py").run()
    assert not app2.exception, app2.exception
    assert any("Likely league position (95%" in m.value for m in app2.markdown)
    assert any("NHS England published a likely rank of 1 to 7" in m.value for m in app2.markdown)
    trend = [
        df.value for df in app2.dataframe if "Change since the quarter before" in df.value.columns
    ]
    assert trend and list(trend[0]["Quarter"]) == ["Q1 2025/26", "Q2 2025/26"]
    assert "beyond noise" in trend[0]["Change since the quarter before"].iloc[1]

"""Issue 12 part A on small made-up files: reader cases (legacy encodings, forgiving trust-type
labels, totals rows), recompute-and-compare (planted disagreements, final segment unpublished or
derived), provisional framework years, new metric ids and re-adding an identical file."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

import numpy as np
import pandas as pd
import pytest

from league_atlas.cli import main
from league_atlas.io import releases
from league_atlas.scoring import engine, preparation, recompute
from league_atlas.scoring.rules import rules_or_provisional
from league_atlas.store import reader, writer
from support import nof_factory as nf
from support.fixture_store import TRUST_CODES, build_fixture_store


def _rows(**kw) -> list[list[str]]:
    return nf.release_rows(nf.make_trusts(codes=TRUST_CODES, seed=3), **kw)


def _bytes(rows, **kw) -> bytes:
    return nf.to_bytes(rows, **kw)


def _read(tmp_path, data: bytes, name="release.csv", **kw) -> releases.Release:
    p = tmp_path / name
    p.write_bytes(data)
    return releases.read_release(p, **kw)


def _tidy(rows, **kw) -> pd.DataFrame:
    rel = releases.read_release("made-up.csv", data=_bytes(rows, **kw), name="made-up.csv")
    return releases.merge_releases([rel])[0]


# ---------------------------------------------------------------- reader


def test_windows_1252_en_dash_and_pound_are_decoded_with_a_note(tmp_path):
    text = _bytes(_rows()).decode("utf-8-sig")
    text = text.replace("Made-up Hospitals 2", "Made-up Hospitals 2 – £ Trust")
    rel = _read(tmp_path, text.encode("cp1252"))
    assert any(n.startswith("not UTF-8: decoded as Windows-1252 ") for n in rel.info.notes)
    assert "Made-up Hospitals 2 – £ Trust NHS Trust" in set(rel.table["trust_name"])


def test_latin_1_is_decoded_with_a_note(tmp_path):
    # 0x81 is undefined in Windows-1252, so only Latin-1 reads this file
    text = _bytes(_rows()).decode("utf-8-sig").replace("Made-up Hospitals 2", "Made-up XX 2")
    data = text.encode("latin-1").replace(b"XX", b"\xc9\x81")
    rel = _read(tmp_path, data)
    assert any("decoded as Latin-1 (ISO-8859-1)" in n for n in rel.info.notes)
    assert "Made-up \u00c9\x81 2 NHS Trust" in set(rel.table["trust_name"])


def test_utf8_file_gets_no_encoding_note(tmp_path):
    rel = _read(tmp_path, _bytes(_rows()))
    assert not any("UTF-8" in n for n in rel.info.notes)


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Non-acute trusts", "non-acute"),
        ("NON-ACUTE TRUSTS", "non-acute"),
        ("non acute", "non-acute"),
        ("Mental Health & Community Trusts", "non-acute"),
        ("mental health and community", "non-acute"),
        ("Acute Trusts", "acute"),
        ("NHS ambulance trusts", "ambulance"),
    ],
)
def test_trust_type_labels_are_matched_forgivingly(label, key):
    assert releases.trust_type_key(label) == key


def test_unknown_trust_type_is_still_refused(tmp_path):
    data = _bytes(_rows(trust_type_label="Dental practices"))
    with pytest.raises(Exception, match="unknown trust type 'Dental practices'"):
        _read(tmp_path, data)


def test_file_with_forgiving_label_reads(tmp_path):
    rel = _read(tmp_path, _bytes(_rows(trust_type_label="Non-acute trusts")))
    assert rel.info.trust_types == ("non-acute",)


@pytest.mark.parametrize(
    ("code", "name"), [("", "Total"), ("TOTAL", "All trusts"), ("", "England")]
)
def test_totals_row_is_reported_as_such_and_left_out(tmp_path, code, name):
    rows = _rows()
    total = list(rows[0])
    total[3], total[4] = code, name
    rows.append(total)
    rel = _read(tmp_path, _bytes(rows))
    assert rel.info.trusts == len(TRUST_CODES)
    note = next(n for n in rel.info.notes if "totals row" in n)
    assert f"line {len(rows) + 1}" in note
    assert "not one" in note


def test_a_blank_trust_code_that_is_not_a_total_is_still_an_error(tmp_path):
    rows = _rows()
    rows[5][3] = ""
    with pytest.raises(Exception, match="invalid trust code ''"):
        _read(tmp_path, _bytes(rows))


# ---------------------------------------------------------------- recompute and compare


def test_release_cut_points_pin_a_planted_segment_on_its_trust():
    steps = np.array([150, 180, 200, 220, 240, 260, 280, 300], float)
    seg = np.array([1, 1, 1, 2, 2, 3, 4, 4], float)
    cuts = recompute.release_cut_points(steps, seg, 4)
    assert list(cuts) == [420.0, 500.0, 540.0]  # 2.10, 2.50, 2.70 in doubled steps
    seg_bad = seg.copy()
    seg_bad[0] = 4  # a trust at 1.50 published in segment 4
    cuts_bad = recompute.release_cut_points(steps, seg_bad, 4)
    got = preparation.segments_from_steps(steps, cuts_bad)
    assert list(got == seg_bad) == [False] + [True] * 7


def test_made_up_release_reproduces_with_no_disagreement():
    tidy = _tidy(_rows())
    comp = recompute.compare(tidy, preparation.prepare(tidy, "acute"))
    assert comp.disagreements.empty
    s = comp.summary
    n = len(TRUST_CODES)
    assert (s["segments_match"], s["ranks_match"], s["final_segments_match"]) == (n, n, n)
    assert "no disagreement" in comp.describe()


def _plant(rows, code, metric_id, value, rank=None):
    for r in rows:
        if r[3] == code and r[7] == metric_id:
            r[11] = value
            if rank is not None:
                r[15] = rank
    return rows


def test_planted_disagreements_are_each_named():
    rows = _rows()
    first = TRUST_CODES[0]
    # a restated trust: score 1.40 and rank last, its items unchanged
    _plant(rows, first, "OF5002", "1.40")
    seg = next(r[11] for r in rows if r[3] == first and r[7] == "OF5000")
    _plant(rows, first, "OF5000", seg, rank=f"{len(TRUST_CODES)}.0")
    # another trust: final segment 5 without being in the RSP
    second = TRUST_CODES[1]
    _plant(rows, second, "OF5005", "5.0")
    _plant(rows, second, "OF5007", "0.0")
    tidy = _tidy(rows)
    comp = recompute.compare(tidy, preparation.prepare(tidy, "acute"))
    d = comp.disagreements
    fields = set(zip(d["trust_code"], d["field"], strict=True))
    assert (first, "average_score") in fields
    assert (first, "rank") in fields
    assert (second, "final_segment") in fields
    assert comp.summary["disagreements"] == len(d) > 0
    lines = recompute.report_lines([comp])
    assert any(f"disagreement acute Q1 2025/26: {first}" in line for line in lines)
    flags = recompute.flags_by_trust(d, "Q1 2025/26", "acute")
    assert "average score published 1.40" in flags[first]


def test_final_segment_unpublished_without_rsp_rows_and_derived_from_the_flag():
    tidy = _tidy(_rows(with_rsp=False))
    p = preparation.prepare(tidy, "acute")
    comp = recompute.compare(tidy, p)
    assert set(comp.table["final_segment_status"]) == {"unpublished"}
    assert "final segments unpublished" in comp.describe()
    assert engine.official_table(p)["final_segment"].isna().all()
    # OF5007 alone (no OF5005): the final segment is derived
    rows = [r for r in _rows() if r[7] != "OF5005"]
    tidy = _tidy(rows)
    p = preparation.prepare(tidy, "acute")
    comp = recompute.compare(tidy, p)
    assert set(comp.table["final_segment_status"]) == {"derived"}
    final = engine.official_table(p)["final_segment"]
    assert final.notna().all() and (final == 5).sum() == 1


def test_adjusted_segment_is_derived_when_its_rows_are_absent():
    full = _tidy(_rows())
    tidy = full[full["metric_id"] != "OF5000"]
    p = preparation.prepare(tidy, "acute")
    assert any("derived from OF5003" in n for n in p.notes)
    want = preparation.prepare(full, "acute").published_segment
    assert np.array_equal(p.published_segment, want)


# ---------------------------------------------------------------- framework years


def test_year_without_rules_shows_published_values_with_a_notice():
    tidy = _tidy(_rows(quarter="Q1 2026/27", with_quarter_column=True), with_quarter_column=True)
    p = preparation.prepare(tidy, "acute")
    assert p.rules.provisional and p.rules.framework_year == "2026/27"
    notice = p.rules.provisional_notice()
    assert "rules for framework year 2026/27 are not known yet" in notice
    assert notice in p.notes
    t = engine.official_table(p)
    assert np.array_equal(t["average_score"].to_numpy(), p.published_average)
    assert not rules_or_provisional("2025/26").provisional


# ---------------------------------------------------------------- add-release


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return build_fixture_store(tmp_path / "data", monkeypatch)


def _add(path, data_dir) -> str:
    err = io.StringIO()
    with redirect_stderr(err):
        assert main.main(["add-release", str(path), "--data-dir", str(data_dir)]) == 0
    return err.getvalue()


def test_identical_file_changes_nothing(data_dir, tmp_path):
    raw = next((data_dir / "raw" / "nof_acute_q1_2526").glob("*.csv"))
    copy = tmp_path / "again.csv"
    copy.write_bytes(raw.read_bytes())
    before = (data_dir / "store").resolve()
    out = _add(copy, data_dir)
    assert "identical to" in out and "nothing changed" in out
    assert (data_dir / "store").resolve() == before
    assert writer.added_registry(data_dir) == []


def test_add_release_names_planted_disagreements_and_new_metric_ids(data_dir, tmp_path):
    rows = nf.release_rows(nf.make_trusts(seed=3, codes=TRUST_CODES), quarter="Q2 2025/26")
    first = TRUST_CODES[0]
    _plant(rows, first, "OF5002", "1.40")
    extra = list(next(r for r in rows if r[3] == first and r[7] == "OF1003"))
    extra[7], extra[8] = "OF1999", "A brand-new metric score"
    raw = list(extra)
    raw[7], raw[8], raw[10] = "OF0999", "A brand-new raw metric", "%"
    rows += [extra, raw]
    path = tmp_path / "q2.csv"
    path.write_bytes(nf.to_bytes(rows))
    out = _add(path, data_dir)
    assert "new metric id OF1999 (acute): enters the composite score" in out
    assert "new metric id OF0999 (acute): does not enter the composite score" in out
    assert "recompute acute Q2 2025/26:" in out
    assert f"disagreement acute Q2 2025/26: {first}" in out
    assert "average score published 1.40" in out
    st = reader.open_store(data_dir)
    assert first in set(st.recompute["trust_code"])
    assert "recompute acute Q1 2025/26:" not in out  # only what this file supplies


def test_add_release_of_a_year_without_rules_says_so(data_dir, tmp_path):
    rows = nf.release_rows(
        nf.make_trusts(seed=3, codes=TRUST_CODES), quarter="Q1 2026/27", with_quarter_column=True
    )
    path = tmp_path / "next-year.csv"
    path.write_bytes(nf.to_bytes(rows, with_quarter_column=True))
    out = _add(path, data_dir)
    assert "no re-weighting rules for framework year 2026/27 yet" in out
    st = reader.open_store(data_dir)
    p = preparation.prepare(st.metrics, "acute", "Q1 2026/27")
    assert p.rules.provisional


def test_key_messages_say_s5_is_unpublished_not_zero():
    from league_atlas.views import exports

    tidy = _tidy(_rows(with_rsp=False))
    p = preparation.prepare(tidy, "acute")
    view = engine.reweight(p)
    first = exports.key_messages(
        view, where="England", type_label="Acute trusts", quarter=p.quarter, official=True
    )[0]
    assert "S5 not published this quarter" in first and "S5 0" not in first

"""The NOF reader: every documented file variant reads, every kind of bad input gives a clear error."""

from __future__ import annotations

import pytest

from league_atlas import config
from league_atlas.errors import InputError
from league_atlas.io import releases
from support import nof_factory as nf


def _read(tmp_path, data: bytes, name="release.csv", **kw):
    p = tmp_path / name
    p.write_bytes(data)
    return releases.read_release(p, **kw)


def _good(**kw) -> bytes:
    wq = kw.get("with_quarter_column", False)
    fmt = {k: kw.pop(k) for k in ("bom", "crlf") if k in kw}
    return nf.to_bytes(nf.release_rows(nf.make_trusts(), **kw), with_quarter_column=wq, **fmt)


def test_reads_q1_style_file_quarter_from_summary_rows(tmp_path):
    rel = _read(tmp_path, _good())
    assert rel.info.kind == "metrics"
    assert rel.info.quarters == ("Q1 2025/26",)
    assert rel.info.quarter_from == "summary rows"
    assert rel.info.trust_types == ("acute",)
    t = rel.table
    assert set(t["framework_year"]) == {"2025/26"}
    assert t["value"].dtype == float
    # The OF1084 description's non-breaking space is stripped.
    assert (
        t.loc[t.metric_id == "OF1084", "description"]
        == "NHS staff survey engagement theme sub-score"
    ).all()


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("crlf", [True, False])
def test_bom_and_line_endings_do_not_matter(tmp_path, bom, crlf):
    a = _read(tmp_path, _good(bom=bom, crlf=crlf)).table
    b = _read(tmp_path, _good(), name="b.csv").table
    assert a.drop(columns="release_id").equals(b.drop(columns="release_id"))


def test_quarter_column_wins_and_cumulative_files_split_by_quarter(tmp_path):
    trusts = nf.make_trusts()
    rows = nf.release_rows(
        trusts, quarter="Q2 2025/26", with_quarter_column=True
    ) + nf.release_rows(trusts, quarter="Q3 2025/26", with_quarter_column=True)
    rel = _read(tmp_path, nf.to_bytes(rows, with_quarter_column=True))
    assert rel.info.quarters == ("Q2 2025/26", "Q3 2025/26")
    assert rel.info.quarter_from == "column"
    assert rel.table.groupby("quarter")["trust_code"].nunique().to_dict() == {
        "Q2 2025/26": 8,
        "Q3 2025/26": 8,
    }


def test_renamed_labels_and_units_are_data(tmp_path):
    rel = _read(
        tmp_path, _good(trust_type_label="Mental health and community trusts", units_score="Score")
    )
    assert rel.info.trust_types == ("non-acute",)
    assert set(rel.table["trust_type_label"]) == {"Mental health and community trusts"}


def test_quarter_argument_used_only_when_file_is_silent(tmp_path):
    rows = [r for r in nf.release_rows(nf.make_trusts()) if not r[7].startswith("OF5")]
    rel = _read(tmp_path, nf.to_bytes(rows), quarter="q2 2025-26")
    assert rel.info.quarters == ("Q2 2025/26",) and rel.info.quarter_from == "argument"
    assert any("no summary rows" in n for n in rel.info.notes)
    with pytest.raises(InputError, match="cannot tell which quarter"):
        _read(tmp_path, nf.to_bytes(rows))
    with pytest.raises(InputError, match="disagrees"):
        _read(tmp_path, _good(), quarter="Q2 2025/26")


def test_unknown_metric_ids_are_kept(tmp_path):
    rows = nf.release_rows(nf.make_trusts())
    extra = list(rows[0])
    extra[7], extra[11] = "OF9999", "12.5"
    odd = list(rows[0])
    odd[7], odd[11] = "NEWMETRIC1", "3"
    rel = _read(tmp_path, nf.to_bytes(rows + [extra, odd]))
    assert {"OF9999", "NEWMETRIC1"} <= set(rel.table["metric_id"])
    assert rel.info.unknown_metric_ids == ("NEWMETRIC1",)


def test_trust_type_override(tmp_path):
    rel = _read(tmp_path, _good(trust_type_label="Something new"), trust_type="ambulance")
    assert rel.info.trust_types == ("ambulance",)


# ------------------------------------------------------------------ bad input: one test per case


def _mutate(line_no: int, col: str, value: str, **kw) -> bytes:
    rows = nf.release_rows(nf.make_trusts(), **kw)
    rows[line_no - 2][nf.HEADER.index(col)] = value
    return nf.to_bytes(rows)


def test_missing_column(tmp_path):
    text = _good().decode("utf-8-sig").replace(",Value,", ",Amount,", 1)
    with pytest.raises(InputError, match=r"release\.csv, line 1: missing column\(s\): Value"):
        _read(tmp_path, text.encode())


def test_non_numeric_value_names_line_and_column(tmp_path):
    with pytest.raises(InputError, match=r"line 5, column 'Value': non-numeric value 'n/a'") as e:
        _read(tmp_path, _mutate(5, "Value", "n/a"))
    assert e.value.line == 5 and e.value.column == "Value" and "finite number" in str(e.value)


@pytest.mark.parametrize("bad", ["inf", "nan", "-Infinity"])
def test_non_finite_values(tmp_path, bad):
    with pytest.raises(InputError, match="line 3"):
        _read(tmp_path, _mutate(3, "Value", bad))


def test_out_of_range_score(tmp_path):
    with pytest.raises(InputError, match="out of range.*metric score from 1 to 4"):
        _read(tmp_path, _mutate(2, "Value", "1e300"))


def test_empty_value(tmp_path):
    with pytest.raises(InputError, match="line 4, column 'Value': empty value"):
        _read(tmp_path, _mutate(4, "Value", ""))


def test_unknown_trust_type_lists_synonyms(tmp_path):
    with pytest.raises(
        InputError, match=r"unknown trust type 'Hospice'.*Acute trust.*--trust-type"
    ) as e:
        _read(tmp_path, _mutate(2, "Trust_type", "Hospice"))
    assert e.value.line == 2


def test_duplicate_trust_metric_quarter_rows(tmp_path):
    rows = nf.release_rows(nf.make_trusts())
    with pytest.raises(
        InputError, match=r"duplicate rows for .*trust_code=X01 x metric_id=OF1003 \(lines 2, \d+\)"
    ):
        _read(tmp_path, nf.to_bytes(rows + [rows[0]]))


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match="the file is empty"):
        _read(tmp_path, b"")
    with pytest.raises(InputError, match="header but no data rows"):
        _read(tmp_path, nf.to_bytes([]))


def test_truncated_file(tmp_path):
    data = _good()
    cut = data[: data.rfind(b"\r\n", 0, len(data) - 2) + 40]  # last row cut part-way
    with pytest.raises(
        InputError, match=r"line \d+: row has \d+ fields but the header has 16 \(truncated file\?\)"
    ):
        _read(tmp_path, cut)


def test_windows_1252_is_decoded_with_a_note(tmp_path):
    data = (
        _good()
        .decode("utf-8-sig")
        .replace("Made-up Hospitals 3", "Made-up Hôpital 3")
        .encode("cp1252")
    )
    rel = _read(tmp_path, data)
    assert "Made-up Hôpital 3 NHS Trust" in set(rel.table["trust_name"])
    assert any("decoded as Windows-1252" in n for n in rel.info.notes)


def test_binary_and_huge_non_csv(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="binary file, not CSV"):
        _read(tmp_path, b"PK\x03\x04" + b"\x00" * 100, name="release.xlsx")
    monkeypatch.setenv("LEAGUE_ATLAS_MAX_FILE_MB", "1")
    config.settings.cache_clear()
    with pytest.raises(InputError, match="over the 1 MB limit.*expected a CSV release under"):
        _read(tmp_path, b"x" * 1_100_000)


def test_unrecognised_header(tmp_path):
    with pytest.raises(InputError, match="unrecognised header"):
        _read(tmp_path, b"a,b,c\n1,2,3\n")


def test_invalid_trust_code(tmp_path):
    with pytest.raises(InputError, match="invalid trust code"):
        _read(tmp_path, _mutate(2, "Trust_code", "<script>"))


# ------------------------------------------------------------------ league-table files


LEAGUE_HEADER = "Quarter,Region,Trust_type,Trust_subtype,Trust_code,Trust_name,Average_score,Likely_range_of_average_score,Segment,Trust_in_financial_deficit,Rank,Likely_range_of_rank\r\n"


def test_league_table_file(tmp_path):
    body = (
        "Q3 2025/26,London,Acute trust,Acute - Teaching,X01,Made-up 1,1.85,1.2 to 1.89,1,No,1,1 to 11\r\n"
        "Q3 2025/26,London,Acute trust,Acute - Small,X02,Made-up 2,2.40,2.1 to 2.7,3,Yes,2,2 to 40\r\n"
    )
    rel = _read(tmp_path, (LEAGUE_HEADER + body).encode("utf-8-sig"))
    assert rel.info.kind == "league"
    t = rel.table.set_index("trust_code")
    assert t.loc["X01", "rank_range_high"] == 11 and t.loc["X02", "score_range_low"] == 2.1
    assert bool(t.loc["X02", "in_financial_deficit"]) is True


def test_league_table_bad_range(tmp_path):
    body = "Q3 2025/26,London,Acute trust,Acute - Teaching,X01,Made-up 1,1.85,1.2 to 1.89,1,No,1,about ten\r\n"
    with pytest.raises(InputError, match="line 2, column 'Likely_range_of_rank'"):
        _read(tmp_path, (LEAGUE_HEADER + body).encode())


# ------------------------------------------------------------------ merging


def test_later_file_supersedes_same_quarter_and_type(tmp_path):
    a = _read(tmp_path, _good(), name="a.csv")
    trusts = nf.make_trusts(seed=2)
    b = _read(tmp_path, nf.to_bytes(nf.release_rows(trusts)), name="b.csv")
    c = _read(tmp_path, _good(quarter="Q2 2025/26"), name="c.csv")
    metrics, _, usage = releases.merge_releases([a, b, c])
    q1 = metrics[metrics.quarter == "Q1 2025/26"]
    assert set(q1["release_id"]) == {b.info.release_id}
    assert set(metrics["quarter"]) == {"Q1 2025/26", "Q2 2025/26"}
    assert usage[0]["supplies"] == [] and usage[0]["superseded"] == ["Q1 2025/26 acute"]


def test_parse_quarter_variants():
    assert releases.parse_quarter("Q3 2025/26") == "Q3 2025/26"
    assert releases.parse_quarter("q4 2025-2026") == "Q4 2025/26"
    assert releases.parse_quarter("Jun-25") is None
    assert releases.parse_quarter("Q1 2025/27") is None
    assert releases.quarter_index("Q4 2025/26") > releases.quarter_index("Q1 2025/26")

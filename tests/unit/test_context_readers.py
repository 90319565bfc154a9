"""Context readers on tiny made-up files in the real layouts (tests/fixtures/context)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fixtures.context import workbooks as wb
from league_atlas.context import (
    deprivation,
    earnings,
    foundation,
    graduates,
    population,
    rurality,
    sickness,
    staff_survey,
    tables,
    turnover,
    universities,
)
from league_atlas.errors import InputError

FIX = wb.HERE


# ---------------------------------------------------------------- helpers


def test_find_column_names_the_file_and_the_columns():
    assert tables.find_column(["A", " Code "], "f.csv", "code", exact=["code"]) == " Code "
    with pytest.raises(InputError, match=r"f\.csv: no column for the code.*'A'"):
        tables.find_column(["A", "B"], "f.csv", "the code", exact=["code"])
    with pytest.raises(InputError, match="2 columns"):
        tables.find_column(["x score", "y score"], "f.csv", "a score", pattern="score$")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        tables.read_csv(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="file not found"):
        list(tables.sheet_rows(tmp_path / "absent.xlsx"))


def test_find_table_reports_sheets_when_label_absent(tmp_path):
    path = wb.write_imd2019(tmp_path / "imd.xlsx")
    sheet, header, rows = tables.find_table(path, ["IMD - Average score"])
    assert (sheet, header) == ("IMD", 0)
    with pytest.raises(InputError, match=r"sheets are \['Notes', 'IMD', 'Income'\]"):
        tables.find_table(path, ["Nowhere label"])


# ---------------------------------------------------------------- staff survey


def test_staff_survey_values_and_sectors(tmp_path):
    df = staff_survey.read_staff_survey(wb.write_nss(tmp_path / "nss.xlsx")).set_index("trust_code")
    assert df.loc["RXA", "staff_engagement"] == pytest.approx(7.0)
    assert df.loc["RXA", "recommend_place_to_work"] == pytest.approx(70.0)  # Q25c, not Q25a (60)
    assert df.loc["RXA", "leave_intention"] == pytest.approx((25 + 20 + 15) / 3)
    # RXC has only sector rows RXC1 (base 100) and RXC2 (base 300): base-weighted mean.
    assert "RXC1" not in df.index and "RXC2" not in df.index
    assert df.loc["RXC", "staff_engagement"] == pytest.approx((6.0 * 100 + 7.0 * 300) / 400)
    assert df.loc["RXC", "recommend_place_to_work"] == pytest.approx((60 * 100 + 40 * 300) / 400)
    assert df.loc["RXC", "leave_intention"] == pytest.approx((20 * 100 + 40 * 300) / 400)
    # Suppressed cells ('*') are missing, not zero.
    assert (
        df.loc["RXE", ["staff_engagement", "recommend_place_to_work", "leave_intention"]]
        .isna()
        .all()
    )


def test_staff_survey_missing_question_is_named(tmp_path):
    qs = {k: v for k, v in wb.QUESTIONS.items() if k != "Q26b"}
    orgs = {c: (n, g, e, {q: a[q] for q in qs}) for c, (n, g, e, a) in wb.NSS_ORGS.items()}
    path = wb.write_nss(tmp_path / "nss.xlsx", orgs, questions=qs)
    with pytest.raises(InputError, match="question Q26b"):
        staff_survey.read_staff_survey(path)


def test_sector_rows_kept_when_trust_has_its_own_row():
    value = pd.Series({"RXA": 1.0, "RXA1": 5.0})
    base = pd.Series({"RXA": 10.0, "RXA1": 10.0})
    out = staff_survey.combine_sectors(
        {
            "staff_engagement": (value, base),
            "recommend_place_to_work": (value, base),
            "leave_intention": (value, base),
        }
    )
    assert out.set_index("trust_code").loc["RXA", "staff_engagement"] == 1.0


# ---------------------------------------------------------------- workforce


def test_sickness_is_ratio_of_sums_not_mean_of_rates():
    df, period = sickness.read_sickness([FIX / "sickness_month.csv", FIX / "sickness_month_b.csv"])
    df = df.set_index("trust_code")
    assert df.loc["RXA", "sickness_absence"] == pytest.approx(
        100 * 500 / 11000
    )  # mean of rates would be 7.0
    assert df.loc["RXA", "months"] == 2
    assert df.loc["RXD", "months"] == 1  # the blank month is dropped, not read as zero
    assert df.loc["RXD", "sickness_absence"] == pytest.approx(6.0)
    assert period == "Apr 2024 to May 2024 (2 months)"


def test_sickness_missing_column(tmp_path):
    bad = tmp_path / "s.csv"
    bad.write_text("DATE,ORG_CODE,FTE_DAYS_LOST\n30/04/2024,RXA,1\n")
    with pytest.raises(InputError, match="FTE days available"):
        sickness.read_sickness([bad])


def test_turnover_leaver_rate_all_staff_mean_of_months():
    df, period = turnover.read_turnover([FIX / "turnover_oct.csv", FIX / "turnover_nov.csv"])
    df = df.set_index("trust_code")
    assert df.loc["RXA", "leaver_rate"] == pytest.approx(
        (1.0 + 3.0) / 2
    )  # staff-group rows ignored
    assert df.loc["RXD", "leaver_rate"] == pytest.approx(2.0)  # Oct has no leavers row: missing
    assert df.loc["RXD", "months"] == 1
    assert "202509 to 202510" in period and "mean of 2" in period
    fte, _ = turnover.read_turnover([FIX / "turnover_oct.csv"], measure="FTE")
    assert fte.set_index("trust_code").loc["RXA", "leaver_rate"] == pytest.approx(100 * 9.0 / 900.5)


def test_turnover_label_missing(tmp_path):
    bad = tmp_path / "t.csv"
    text = (FIX / "turnover_oct.csv").read_text().replace("All staff groups", "Everyone")
    bad.write_text(text)
    with pytest.raises(InputError, match="'All staff groups'"):
        turnover.read_turnover([bad])


# ---------------------------------------------------------------- foundation


def test_foundation_region_ratio_is_sum_over_sum():
    ukfpo = foundation.read_ukfpo(FIX / "ukfpo.csv")
    regions, year = foundation.region_first_preference(ukfpo, foundation.read_school_regions())
    r = regions.set_index("region_code")["foundation_first_preference"]
    assert year == 2025
    assert r["E40000012"] == pytest.approx(
        (60 + 120) / (80 + 120)
    )  # Northern + Yorkshire and Humber
    assert r["E40000006"] == pytest.approx((40 + 70) / (50 + 50))
    assert "Scotland" not in set(regions["region_code"])
    old, _ = foundation.region_first_preference(ukfpo, foundation.read_school_regions(), 2024)
    assert old.set_index("region_code").loc[
        "E40000003", "foundation_first_preference"
    ] == pytest.approx(2.4)


def test_foundation_unknown_school_is_an_error(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("year,school,programmes,preferences\n2025,Atlantis,10,5\n")
    with pytest.raises(InputError, match="Atlantis"):
        foundation.region_first_preference(
            foundation.read_ukfpo(path), foundation.read_school_regions()
        )


def test_foundation_crosswalk_rows_have_origins_and_regions():
    schools = foundation.read_school_regions()
    mapped = schools[schools["region_code"] != ""]
    assert set(mapped["region_code"]) == {
        "E40000003",
        "E40000005",
        "E40000006",
        "E40000011",
        "E40000012",
        "E40000013",
        "E40000014",
    }


# ---------------------------------------------------------------- area


def test_els_reader_latest_period_english_lads_only():
    values, period = earnings.read_els(FIX / "els_pay.csv")
    assert period == "2025-04-30"
    assert set(values.index) == {"E06000001", "E06000066", "E08000016", "E09000001", "E09000002"}
    assert values["E06000001"] == 600 and np.isnan(values["E09000001"])
    older, _ = earnings.read_els(FIX / "els_pay.csv", period="2024-04-17")
    assert older["E06000001"] == 550
    with pytest.raises(InputError, match="no rows for period"):
        earnings.read_els(FIX / "els_pay.csv", period="1999")


def test_population_density_and_share_65(tmp_path):
    frame, period = population.read_population(wb.write_mye22(tmp_path / "mye.xlsx"))
    assert period == "mid-2022"
    assert frame.loc["E06000066", "population"] == 400_000
    assert frame.loc["E06000066", "population_density"] == 100
    # Persons sheet (not Females/Males, which have other age mixes).
    assert frame.loc["E06000066", "share_aged_65_plus"] == pytest.approx(25.0)
    assert frame.loc["E09000002", "share_aged_65_plus"] == pytest.approx(9.0)


def test_imd_readers(tmp_path):
    s19 = deprivation.read_imd2019(wb.write_imd2019(tmp_path / "imd.xlsx"))
    assert s19["E07000246"] == 20.0 and len(s19) == len(wb.IMD2019_ROWS)
    s25 = deprivation.read_imd2025(FIX / "iod2025.csv")
    assert s25["E06000001"] == 38.0  # the IMD row, not the income domain
    bad = tmp_path / "i.csv"
    bad.write_text(
        (FIX / "iod2025.csv").read_text().replace("Index of Multiple Deprivation", "Other")
    )
    with pytest.raises(InputError, match="Index of Multiple Deprivation"):
        deprivation.read_imd2025(bad)


def test_rurality_merge_is_exact_and_class_from_cutoffs():
    ruc = rurality.read_ruc(FIX / "ruc_lad.csv")
    share = rurality.area_proxies(ruc)["rural_population_pct"].values
    # Somerset 2023 = Mendip, Sedgemoor, South Somerset + (Taunton Deane + West Somerset, 2019).
    rural = 70_000 + 30_000 + 160_000 + 50_000 + 30_000
    assert share["E06000066"] == pytest.approx(100 * rural / 530_000)
    for pct, label in (
        (50.0, "Predominantly Rural"),
        (49.9, "Urban with Significant Rural"),
        (26.0, "Urban with Significant Rural"),
        (25.9, "Predominantly Urban"),
    ):
        assert rurality.broad_class(pct) == label
    assert rurality.broad_class(np.nan) is None
    # Re-derived classes equal the published broad classes of the unchanged districts.
    for code in ("E06000001", "E07000187", "E07000188", "E07000189", "E08000016"):
        assert (
            rurality.broad_class(ruc.loc[code, "rural_population_pct"])
            == ruc.loc[code, "broad_class"]
        )


def test_census_2011_basis_keys_both_vintages():
    ruc = pd.DataFrame(
        {
            "lad11_code": ["E06000048"],
            "population_2011": [316_000.0],
            "rural_population_pct": [50.0],
            "broad_class": ["Predominantly Rural"],
        },
        index=pd.Index(["E06000057"], name="lad18_code"),
    )
    basis = rurality.census_2011_population(ruc)
    assert basis["E06000048"] == basis["E06000057"] == 316_000


def test_graduate_retention_groups_and_count_weighted_merge():
    ret = graduates.area_proxies(graduates.read_retention(FIX / "graduate_retention.csv"))[
        "graduate_retention"
    ].values
    assert ret["E06000066"] == pytest.approx(100 * 300 / 800)  # Σ retained ÷ Σ graduates
    assert ret["E09000001"] == pytest.approx(80.0)  # Inner London group
    assert ret["E09000002"] == pytest.approx(90.0)  # Outer London group
    assert ret.index.str.startswith("E09").sum() == 33  # every borough gets its group's rate


def test_university_lads_carry_forward(tmp_path):
    lads = universities.read_university_lads(wb.write_campuses(tmp_path / "c.xlsx"))
    assert lads == {
        "E06000066",
        "E09000001",
    }  # Mendip (2022) is in Somerset; a college does not count


def test_university_label_missing(tmp_path):
    rows = [(p, c, "Higher education provider", lad) for p, c, _k, lad in wb.CAMPUS_ROWS]
    with pytest.raises(InputError, match="'University'"):
        universities.read_university_lads(wb.write_campuses(tmp_path / "c.xlsx", rows))


def test_fixture_files_are_small_and_made_up():
    # Guard: fixtures are tiny hand-made files, never copies of the real data.
    for path in FIX.iterdir():
        if path.is_file():
            assert path.stat().st_size < 20_000, path

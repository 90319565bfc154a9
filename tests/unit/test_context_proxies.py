"""The joined proxies table: catchment weighting, the attraction index, coverage and storage,
end to end on a made-up raw folder (tests/fixtures/context/workbooks.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fixtures.context import workbooks as wb
from league_atlas.context import proxies
from league_atlas.errors import InputError, LeagueAtlasError


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return wb.build_raw(tmp_path_factory.mktemp("context-raw"))


@pytest.fixture(scope="module")
def table(data_dir):
    return proxies.build_proxies(data_dir, wb.trust_table()).set_index("trust_code", drop=False)


# ---------------------------------------------------------------- registry


def test_registry_is_complete_and_directed():
    expected = {
        "staff_engagement",
        "recommend_place_to_work",
        "leave_intention",
        "sickness_absence",
        "leaver_rate",
        "foundation_first_preference",
        "median_pay",
        "housing_affordability",
        "qualifications_l3",
        "graduate_retention",
        "rural_population_pct",
        "imd_2019_score",
        "imd_2025_score",
        "population_density",
        "share_aged_65_plus",
        "distance_central_london_km",
        "distance_university_km",
    }
    assert set(proxies.PROXIES) == expected
    from league_atlas.io.sources import catalogue

    for p in proxies.PROXIES.values():
        assert p.direction in (-1, 1)
        for src in p.source.split(","):
            assert src.strip() in catalogue(), p.key
    meta = proxies.proxy_table()
    assert {
        "key",
        "label",
        "source",
        "period",
        "geography",
        "direction",
        "unit",
        "join_method",
        "description",
    } <= set(meta.columns)
    assert meta.set_index("key").loc["leaver_rate", "direction"] == proxies.LESS
    assert "catchment" in meta.set_index("key").loc["median_pay", "join_method"]
    assert (
        "location's LAD"
        in proxies.proxy_table(join="location").set_index("key").loc["median_pay", "join_method"]
    )


# ---------------------------------------------------------------- joins


def test_catchment_weights_follow_the_crosswalk():
    mapping = pd.DataFrame(
        {
            "trust_code": ["T", "T", "T"],
            "geo_code": ["E07000187", "E07000188", "E06000001"],
            "p_trust": [0.5, 0.3, 0.2],
        }
    )
    w = proxies.catchment_weights(mapping).set_index("lad_code")["weight"]
    assert w.to_dict() == pytest.approx(
        {"E06000066": 0.8, "E06000001": 0.2}
    )  # Mendip + Sedgemoor = Somerset


def test_join_area_weights_by_admissions_and_falls_back():
    trusts = pd.DataFrame({"trust_code": ["T1", "T2", "T3"], "lad_code": ["L1", "L2", "L3"]})
    catch = pd.DataFrame(
        {
            "trust_code": ["T1", "T1", "T2", "T2"],
            "lad_code": ["L1", "L9", "L2", "L8"],
            "weight": [0.6, 0.4, 0.3, 0.7],
        }
    )
    values = pd.Series({"L1": 10.0, "L9": 20.0, "L2": 5.0, "L3": 1.0})  # L8 has no value
    out, used = proxies.join_area(trusts, values, catch)
    assert out[0] == pytest.approx(0.6 * 10 + 0.4 * 20)
    assert out[1] == 5.0 and not used[1]  # LADs with values hold 30% < 50%: location
    assert out[2] == 1.0 and not used[2]  # not in the mapping: location
    out2, used2 = proxies.join_area(trusts, values, catch, min_share=0.25)
    assert out2[1] == pytest.approx(5.0) and used2[1]  # re-weighted over the LADs with values
    loc, _ = proxies.join_area(trusts, values, None)
    assert loc.tolist() == [10.0, 5.0, 1.0]


# ---------------------------------------------------------------- end to end


def test_trust_level_values(table):
    assert table.loc["RXA", "recommend_place_to_work"] == pytest.approx(70.0)
    assert table.loc["RXC", "staff_engagement"] == pytest.approx(6.75)  # sectors combined
    assert np.isnan(table.loc["RXD", "recommend_place_to_work"])  # not surveyed
    assert table.loc["RXA", "sickness_absence"] == pytest.approx(
        100 * 3000 / 66000
    )  # 12 months, Σ/Σ
    assert table.loc["RXA", "leaver_rate"] == pytest.approx(2.0)
    assert table.loc["RXA", "foundation_first_preference"] == pytest.approx(0.9)  # region E40000012
    assert table.loc["RXC", "foundation_first_preference"] == pytest.approx(1.8)


def test_area_values_by_catchment(table):
    # RXA: 70% Hartlepool, 30% Barnsley; Barnsley's 2025 code in the affordability file maps back.
    assert table.loc["RXA", "median_pay"] == pytest.approx(0.7 * 600 + 0.3 * 610)
    assert table.loc["RXA", "housing_affordability"] == pytest.approx(0.7 * 4.2 + 0.3 * 5.2)
    # RXB: Mendip + Sedgemoor (old codes) = Somerset 80%, Hartlepool 20%.
    assert table.loc["RXB", "median_pay"] == pytest.approx(0.8 * 650 + 0.2 * 600)
    somerset_imd19 = (
        15 * 100_000 + 25 * 100_000 + 10 * 200_000 + 20 * 130_000
    ) / 530_000  # 2011 weights
    assert table.loc["RXB", "imd_2019_score"] == pytest.approx(0.8 * somerset_imd19 + 0.2 * 35.0)
    assert table.loc["RXB", "graduate_retention"] == pytest.approx(0.8 * 37.5 + 0.2 * 70.0)
    assert table.loc["RXB", "area_join"] == "catchment"
    assert table.loc["RXC", "area_join"] == "location (not in catchment mapping)"
    assert np.isnan(table.loc["RXC", "median_pay"])  # City of London pay is suppressed
    assert table.loc["RXC", "graduate_retention"] == pytest.approx(80.0)  # Inner London
    assert table.loc["RXB", "rural_urban_class"] == "Predominantly Rural"


def test_location_join(data_dir):
    t = proxies.build_proxies(data_dir, wb.trust_table(), join="location").set_index("trust_code")
    assert t.loc["RXB", "median_pay"] == pytest.approx(650.0)
    assert t.loc["RXB", "imd_2019_score"] == pytest.approx((15e5 + 25e5 + 20e5 + 26e5) / 530_000)
    assert set(t["area_join"]) == {"location"}
    assert t.attrs["join"] == "location"


def test_distances(table):
    assert table.loc["RXC", "distance_university_km"] == 0.0  # City has a university
    assert table.loc["RXB", "distance_university_km"] == 0.0  # Somerset, through Mendip (2022)
    assert table.loc["RXC", "distance_central_london_km"] == pytest.approx(2.6, abs=0.3)
    assert table.loc["RXD", "distance_central_london_km"] == pytest.approx(
        18.4, abs=0.5
    )  # LAD centroid


def test_periods_and_columns(table):
    assert table.attrs["periods"]["median_pay"].startswith("ASHE 2025")
    assert table.attrs["periods"]["foundation_first_preference"] == "FP2025"
    assert table.attrs["periods"]["sickness_absence"] == "Apr 2024 to Mar 2025 (12 months)"
    assert list(table.columns[:6]) == proxies.ID_COLUMNS
    assert table.columns[-1] == proxies.INDEX_COUNT_COLUMN


def test_bad_inputs(data_dir):
    with pytest.raises(InputError, match="missing columns"):
        proxies.build_proxies(data_dir, wb.trust_table().drop(columns=["lad_code"]))
    dup = pd.concat([wb.trust_table(), wb.trust_table().head(1)])
    with pytest.raises(InputError, match="repeated"):
        proxies.build_proxies(data_dir, dup)
    with pytest.raises(LeagueAtlasError, match="unknown join"):
        proxies.build_proxies(data_dir, wb.trust_table(), join="nearest")


def test_missing_source_file_is_named(tmp_path):
    data_dir = wb.build_raw(tmp_path)
    from league_atlas.io.sources import raw_file

    raw_file(data_dir, "iod_2025").unlink()
    with pytest.raises(InputError, match="file not found"):
        proxies.build_proxies(data_dir, wb.trust_table())


# ---------------------------------------------------------------- index


def _frame(**cols):
    return pd.DataFrame(cols)


def test_index_direction_and_standardisation():
    t = _frame(recommend_place_to_work=[60.0, 70.0, 80.0], leaver_rate=[3.0, 2.0, 1.0])
    idx = proxies.attraction_index(
        t, {"recommend_place_to_work": 1, "leaver_rate": 1}, min_present=1
    )
    z = np.array([-1, 0, 1]) / np.std([0, 1, 2])  # both proxies give the same directed z
    assert idx.to_numpy() == pytest.approx(z)
    # Scale does not matter (standardised), direction does.
    t2 = t.assign(leaver_rate=t["leaver_rate"] * 100)
    assert proxies.attraction_index(
        t2, {"recommend_place_to_work": 1, "leaver_rate": 1}, 1
    ).to_numpy() == pytest.approx(z)
    only_leavers = proxies.attraction_index(t, {"leaver_rate": 1}, 1)
    assert only_leavers.iloc[0] < 0 < only_leavers.iloc[2]  # fewer leavers = more attractive


def test_index_weights_and_missing_rule():
    t = _frame(
        recommend_place_to_work=[60.0, 70.0, 80.0, np.nan],
        leaver_rate=[1.0, 2.0, 3.0, 2.0],
        graduate_retention=[50.0, 60.0, 70.0, np.nan],
    )
    w = {"recommend_place_to_work": 3.0, "leaver_rate": 1.0, "graduate_retention": 0.0}
    idx = proxies.attraction_index(t, w, min_present=2)
    zr = (t["recommend_place_to_work"] - 70) / np.std([60, 70, 80])
    zl = -(t["leaver_rate"] - 2.0) / t["leaver_rate"].std(ddof=0)
    assert idx.iloc[0] == pytest.approx((3 * zr[0] + zl[0]) / 4)
    assert np.isnan(idx.iloc[3])  # only 1 of the 2 chosen proxies present
    relaxed = proxies.attraction_index(t, w, min_present=1)
    assert relaxed.iloc[3] == pytest.approx(zl[3])  # mean of the available one, re-weighted
    # min_present is capped at the number of proxies chosen.
    assert not proxies.attraction_index(t, {"leaver_rate": 1.0}, min_present=3).isna().any()


def test_index_errors_and_degenerate_cases():
    t = _frame(leaver_rate=[1.0, 1.0, 1.0], recommend_place_to_work=[1.0, 2.0, 3.0])
    assert proxies.standardise(t, ["leaver_rate"])["leaver_rate"].isna().all()  # no spread
    with pytest.raises(LeagueAtlasError, match="unknown proxies"):
        proxies.attraction_index(t, {"charm": 1.0})
    with pytest.raises(LeagueAtlasError, match=">= 0"):
        proxies.attraction_index(t, {"leaver_rate": -1.0})
    assert proxies.attraction_index(t, {"leaver_rate": 0.0}).isna().all()  # nothing chosen


def test_default_index_in_table(table):
    assert table.loc["RXD", proxies.INDEX_COUNT_COLUMN] == 3
    assert not table[proxies.INDEX_COLUMN].isna().any()
    again = proxies.attraction_index(table.reset_index(drop=True))
    assert again.to_numpy() == pytest.approx(table[proxies.INDEX_COLUMN].to_numpy())


# ---------------------------------------------------------------- coverage and storage


def test_coverage(table):
    cov = proxies.coverage(
        table.reset_index(drop=True), ["RXA", "RXB", "RXC", "RXD", "RZZ"]
    ).set_index("proxy")
    assert cov.loc["leaver_rate", "present"] == 4 and cov.loc["leaver_rate", "missing"] == "RZZ"
    assert cov.loc["median_pay", "missing"] == "RXC, RZZ"
    assert cov.loc["recommend_place_to_work", "coverage_pct"] == 60.0
    assert proxies.INDEX_COLUMN in cov.index


def test_write_and_read_context(table, tmp_path):
    proxies.write_context(table.reset_index(drop=True), tmp_path / "context")
    back = proxies.read_context(tmp_path / "context")
    pd.testing.assert_frame_equal(back, table.reset_index(drop=True), check_like=False)
    assert back.attrs["periods"] == table.attrs["periods"]
    assert back.attrs["join"] == "catchment"
    assert not list((tmp_path / "context").glob(".*.tmp"))
    with pytest.raises(InputError, match="no stored context"):
        proxies.read_context(tmp_path / "nowhere")

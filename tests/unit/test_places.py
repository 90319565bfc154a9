"""Places: readers, location rules, spatial joins, nearest fallback and the ODS disagreement report.

The made-up fixture world (tests/fixtures/geo/datadir) is two regions side by side near London:
London (lon -0.4..-0.2) and East of England (-0.2..0.0), lat 51.4..51.6, split into three 2023
ICBs, two 2026 ICBs and four districts. Trusts:
RAA HQ postcode in NSPL via the older ODS extract; RBB NHS site (and an ignored independent one);
RCC only an independent-sector site; RDD nothing (and closed); REE HQ just south of the coast;
RFF HQ postcode at another provider's site; RGG located in the East but ODS says London.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from league_atlas.errors import InputError, LeagueAtlasError
from league_atlas.io.sources import raw_file
from league_atlas.places import boundaries, locate, registry
from league_atlas.schema import TRUST_COLUMNS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "geo"
DATA = FIXTURES / "datadir"


@pytest.fixture(scope="module")
def specs():
    return registry.parse_layers_spec(FIXTURES / "layers.toml")


@pytest.fixture(scope="module")
def layers(specs):
    return boundaries.load_layers(DATA, specs)


def _trusts(**labels: str) -> pd.DataFrame:
    codes = ["RAA", "RBB", "RCC", "RDD", "REE", "RFF", "RGG", "RZZ"]
    return pd.DataFrame(
        {
            "trust_code": codes,
            "trust_name": ["Alpha Hospitals NHS FT", "", "", "", "", "", "", "Zeta Trust"],
            "trust_type": "Acute trust",
            "trust_subtype": "Acute - Small",
            "region_label": [labels.get(c, "") for c in codes],
        }
    )


@pytest.fixture(scope="module")
def built(layers, specs):
    table, report = locate.build_places(
        DATA, _trusts(RAA="London", RBB="East", RGG="London"), layers, specs=specs
    )
    return table.set_index("trust_code", drop=False), report


def _issues(report: pd.DataFrame, code: str) -> set[str]:
    return set(report.loc[report["trust_code"] == code, "issue"])


def test_bng_to_wgs84_known_point():
    # Easting 530000, northing 180000 is by Charing Cross in central London.
    lat, lon = locate.bng_to_wgs84([530000, 400000], [180000, -100000])
    assert lat[0] == pytest.approx(51.504, abs=0.003)
    assert lon[0] == pytest.approx(-0.128, abs=0.003)
    # The grid's true origin (E 400000, N -100000) is 49N 2W on OSGB36, within ~100 m on WGS84.
    assert lat[1] == pytest.approx(49.0, abs=0.002)
    assert lon[1] == pytest.approx(-2.0, abs=0.003)


def test_read_nspl_converts_every_row():
    nspl = locate.read_nspl(raw_file(DATA, "nspl_trust_hq"))
    assert list(nspl["key"]) == ["AA11AA", "EE11EE", "GG11GG"]
    row = nspl.set_index("key").loc["AA11AA"]
    assert row["lat"] == pytest.approx(51.5, abs=1e-4)
    assert row["lon"] == pytest.approx(-0.35, abs=1e-4)


def test_read_nspl_rejects_bad_easting(tmp_path):
    path = tmp_path / "nspl.csv"
    path.write_text("AA1 1AA,514627,0179186\nBB1 1BB,east,0179186\n")
    with pytest.raises(InputError, match=r"nspl\.csv, line 2, column '2'.*easting"):
        locate.read_nspl(path)


def test_read_hospital_sites_decodes_cp1252_and_drops_sites_without_coordinates():
    sites = locate.read_hospital_sites(raw_file(DATA, "nhsuk_hospitals"))
    assert sites.attrs["dropped"] == 1
    assert "St Mary\u2019s Test Hospital" in set(sites["site_name"])
    assert "Caf\u00e9 Lane Clinic" in set(sites["site_name"])
    assert dict(zip(sites["site_code"], sites["kind"], strict=True)) == {
        "RBB01": "nhs",
        "RBB02": "independent",
        "RCC01": "independent",
        "NXX01": "independent",
    }


def test_read_hospital_sites_rejects_unknown_sector(tmp_path):
    text = raw_file(DATA, "nhsuk_hospitals").read_bytes().replace(b"NHS Sector", b"Private")
    path = tmp_path / "Hospital.csv"
    path.write_bytes(text)
    with pytest.raises(InputError, match="line 2, column 'Sector'.*'Private'"):
        locate.read_hospital_sites(path)


def test_read_ods_trusts_uses_the_etr_layout():
    ods = locate.read_ods_trusts(raw_file(DATA, "ods_trusts_2026"))
    rdd = ods.set_index("code").loc["RDD"]
    assert (rdd["region_ods"], rdd["icb_ods"], rdd["postcode"]) == ("Y61", "S1Y5D", "DD1 1DD")
    assert rdd["close_date"] == "20250331"


def test_read_ods_trusts_rejects_a_header_row(tmp_path):
    src = raw_file(DATA, "ods_trusts_2026").read_text()
    path = tmp_path / "etr.csv"
    path.write_text('"Organisation Code",' + ",".join(['"x"'] * 26) + "\n" + src)
    with pytest.raises(InputError, match="etr\\.csv, line 1, column '1'.*no header row"):
        locate.read_ods_trusts(path)


def test_rule_order_for_located_by(built):
    table, _ = built
    assert table["located_by"].to_dict() == {
        "RAA": "hq_postcode",
        "RBB": "nhs_site",
        "RCC": "independent_site",
        "RDD": "approx_icb_centroid",
        "REE": "hq_postcode",
        "RFF": "hq_site_postcode",
        "RGG": "hq_postcode",
        "RZZ": "unlocated",
    }
    # RAA: the newest extract's postcode is unknown, the older extract's is in the NSPL.
    assert table.at["RAA", "postcode"] == "AA1 1AA"
    assert table.at["RAA", "lat"] == pytest.approx(51.5, abs=1e-4)
    # RBB: its NHS site wins over its independent-sector site.
    assert (table.at["RBB", "lon"], table.at["RBB", "lat"]) == (-0.15, 51.5)
    assert table.at["RBB", "n_nhs_sites"] == 1 and table.at["RBB", "n_independent_sites"] == 1
    # RFF: placed at the site sharing its HQ postcode, though another provider runs it.
    assert (table.at["RFF", "lon"], table.at["RFF", "lat"]) == (-0.25, 51.55)


def test_locate_prefers_hq_postcode_over_sites():
    nspl = pd.DataFrame({"postcode": ["X1 1XX"], "easting": [530000.0], "northing": [180000.0]})
    nspl["key"] = nspl["postcode"].map(locate.postcode_key)
    nspl["lat"], nspl["lon"] = locate.bng_to_wgs84(nspl["easting"], nspl["northing"])
    ods = pd.DataFrame({"code": ["R1"], "postcode": ["x11xx"]})
    sites = pd.DataFrame(
        {
            "site_code": ["S1", "S2", "S3"],
            "site_name": ["a", "b", "c"],
            "parent_code": ["R1", "R2", "R2"],
            "kind": ["nhs", "nhs", "nhs"],
            "postcode": ["", "", ""],
            "lat": [52.0, 53.0, 53.2],
            "lon": [-1.0, -2.0, -2.2],
        }
    )
    out = locate.locate_trusts(["R1", "R2"], [ods], nspl, sites).set_index("trust_code")
    assert out.at["R1", "located_by"] == "hq_postcode"
    assert out.at["R1", "n_nhs_sites"] == 1
    assert out.at["R1", "lat"] == pytest.approx(51.504, abs=0.003)
    assert out.at["R2", "located_by"] == "nhs_site"
    assert "central of 2" in out.at["R2", "location_detail"]


def test_hq_site_postcode_prefers_the_trusts_own_site():
    nspl = pd.DataFrame(columns=["postcode", "easting", "northing", "key", "lat", "lon"])
    ods = pd.DataFrame({"code": ["R3"], "postcode": ["Y9 9YY"]})
    sites = pd.DataFrame(
        {
            "site_code": ["N1", "R301"],
            "site_name": ["Other provider", "Own site"],
            "parent_code": ["NXX", "R3"],
            "kind": ["independent", "nhs"],
            "postcode": ["Y9 9YY", "y99yy"],
            "lat": [52.0, 52.001],
            "lon": [-1.0, -1.001],
        }
    )
    out = locate.locate_trusts(["R3"], [ods], nspl, sites).iloc[0]
    assert out["located_by"] == "hq_site_postcode"
    assert (out["lat"], out["lon"]) == (52.001, -1.001)
    assert "R301 Own site" in out["location_detail"]


def test_sjoin_assigns_every_layer(built):
    table, _ = built
    raa, rgg = table.loc["RAA"], table.loc["RGG"]
    assert (raa["region_code"], raa["icb23_code"], raa["icb26_code"], raa["lad_code"]) == (
        "E40000003",
        "E54000027",
        "E54000071",
        "E09000001",
    )
    # region_code is NHS England's region of record (RGG's NOF label "London"); the point's
    # region stays in located_region_code
    assert rgg["region_code"] == "E40000003" and rgg["located_region_code"] == "E40000013"
    assert (
        rgg["located_region_code"],
        rgg["icb23_code"],
        rgg["icb26_code"],
        rgg["lad_code"],
    ) == (
        "E40000013",
        "E54000026",
        "E54000065",
        "E06000002",
    )
    assert table.at["RBB", "lad_name"] == "Test Unitary One"
    assert table.at["RCC", "icb23_code"] == "E54000026"


def test_nearest_fallback_for_a_point_just_off_the_coast(built):
    table, report = built
    ree = table.loc["REE"]
    assert ree["region_code"] == "E40000003" and ree["lad_code"] == "E09000002"
    assert "region: nearest at" in ree["join_notes"]
    assert {"nearest_region", "nearest_icb23", "nearest_icb26", "nearest_lad"} <= _issues(
        report, "REE"
    )
    detail = report.loc[
        (report["trust_code"] == "REE") & (report["issue"] == "nearest_region"), "detail"
    ].iloc[0]
    assert "nearest E40000003 London at 4" in detail  # about 445 m south of the edge


def test_nearest_fallback_has_a_limit(layers, specs):
    table, report = locate.build_places(DATA, _trusts(), layers, specs=specs, nearest_max_m=100)
    assert pd.isna(table.set_index("trust_code").at["REE", "located_region_code"])
    assert table.set_index("trust_code").at["REE", "region_code"] == "E40000003"  # from ODS
    assert "no_region" in _issues(report, "REE")
    assert not locate.fully_joined(table.set_index("trust_code")).loc["REE"]


def test_independent_sector_site_locates_a_trust_without_other_sites(built):
    table, _ = built
    assert table.at["RCC", "located_by"] == "independent_site"
    assert (table.at["RCC", "lon"], table.at["RCC", "lat"]) == (-0.05, 51.45)


def test_disagreement_report(built):
    table, report = built
    assert list(report.columns) == ["trust_code", "trust_name", "issue", "detail"]
    # RGG: located in the East; ODS (region Y56, 2025 ICB QRV) and NOF ("London") say London.
    assert {"region_vs_ods", "region_vs_nof", "icb23_vs_ods"} <= _issues(report, "RGG")
    # RBB: shares ODS 2026 ICB Z9B2Z with three London trusts but falls in the East polygon,
    # and is the only Z9B2Z trust in that polygon.
    rbb = report[(report["trust_code"] == "RBB") & (report["issue"] == "icb26_inconsistent")]
    assert len(rbb) == 2
    assert not _issues(report, "RAA") & {"icb26_inconsistent", "region_vs_nof"}
    assert "approximate_location" in _issues(report, "RDD")
    assert "closed_in_ods" in _issues(report, "RDD")
    assert "region_of_record_vs_located" in _issues(report, "RGG")
    assert {"not_in_ods", "unlocated", "no_region", "no_lad"} <= _issues(report, "RZZ")
    # RCC's 2025 ICB code QM2 is only in the SICBL23 lookup, which is used as a fallback.
    assert "unknown_ods_icb23" not in _issues(report, "RCC")
    assert "icb23_vs_ods" not in _issues(report, "RCC")
    # RBB's NOF label "East" matches its location.
    assert "region_vs_nof" not in _issues(report, "RBB")


def test_unknown_region_label_is_reported(layers, specs):
    _, report = locate.build_places(DATA, _trusts(RAA="Atlantis"), layers, specs=specs)
    row = report[report["issue"] == "unknown_region_label"]
    assert list(row["trust_code"]) == ["RAA"]
    assert "known labels" in row["detail"].iloc[0]


def test_trust_table_columns_and_names(built):
    table, _ = built
    assert list(table.columns[: len(TRUST_COLUMNS)]) == TRUST_COLUMNS
    assert set(locate.EXTRA_COLUMNS) <= set(table.columns)
    assert table.at["RAA", "trust_name"] == "Alpha Hospitals NHS FT"  # NOF name kept
    assert table.at["RFF", "trust_name"] == "King's Test Hospital NHS Foundation Trust"
    assert table.at["RGG", "trust_name"] == "Test Gamma-East University NHS Trust"
    assert table.at["RZZ", "trust_name"] == "Zeta Trust"
    assert table.at["RGG", "region_name"] == "London"  # NHS England's, from the NOF label
    assert table.at["RGG", "located_region_name"] == "East of England"
    assert table.at["RGG", "region_source"] == "release"
    assert table.at["RAA", "location_approximate"] == False  # noqa: E712
    assert table.at["RDD", "location_approximate"] == True  # noqa: E712


def test_summary_counts_rules_and_lists_issues(built):
    table, report = built
    text = locate.summary(report, table)
    assert "8 trusts; 7 fully joined" in text  # all but the unlocated RZZ
    assert (
        "hq_postcode 3, hq_site_postcode 1, nhs_site 1, independent_site 1, "
        "approx_icb_centroid 1, approx_region_centroid 0, unlocated 1"
    ) in text
    assert "region_vs_ods: RGG" in text


def test_build_places_needs_every_layer(layers, specs):
    partial = {k: v for k, v in layers.items() if k != "lad"}
    with pytest.raises(LeagueAtlasError, match="needs boundary layer 'lad'"):
        locate.build_places(DATA, _trusts(), partial, specs=specs)


def test_build_places_rejects_duplicate_trusts(layers, specs):
    trusts = pd.concat([_trusts(), _trusts().head(1)])
    with pytest.raises(LeagueAtlasError, match="RAA appears more than once"):
        locate.build_places(DATA, trusts, layers, specs=specs)


def test_point_on_a_shared_border_takes_a_neighbour_at_about_zero_metres(layers):
    # "within" excludes the boundary itself, so a border point goes to the nearest-polygon step.
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-0.2, -0.3], [51.5, 51.5]), crs=4326)
    out = locate.join_points(pts, layers["nhs_region"], nearest_max_m=1)
    assert list(out["how"]) == ["nearest", "within"]
    assert out.at[0, "code"] in {"E40000003", "E40000013"}
    assert out.at[0, "distance_m"] < 1
    assert out.at[1, "code"] == "E40000003"


def test_no_trusts_gives_empty_tables(layers, specs, tmp_path):
    table, report = locate.build_places(DATA, _trusts().head(0), layers, specs=specs)
    assert list(table.columns) == TRUST_COLUMNS + locate.EXTRA_COLUMNS
    assert table.empty and report.empty
    assert "no issues" in locate.summary(report, table)


def test_tables_round_trip_through_parquet(built, tmp_path):
    table, report = built
    table.to_parquet(tmp_path / "t.parquet")
    report.to_parquet(tmp_path / "r.parquet")
    back = pd.read_parquet(tmp_path / "t.parquet")
    assert back["located_by"].tolist() == table["located_by"].tolist()
    assert pd.read_parquet(tmp_path / "r.parquet").shape == report.shape

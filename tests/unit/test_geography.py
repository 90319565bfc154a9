"""geo/ knowledge: layer definitions and the NHS region crosswalk (real geo/ files + bad made-up ones)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from league_atlas.errors import InputError, LeagueAtlasError
from league_atlas.places import registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "geo"
LOOKUP = FIXTURES / "datadir/raw/lookup_sicbl23/lookup_sicbl23_icb23_nhser23_apr2023.csv"


def test_committed_layers_define_the_seven_layers_with_expected_counts():
    specs = registry.load_layers_spec()
    assert {k: s.expected_count for k, s in specs.items()} == {
        "icb23": 42,
        "icb26": 36,
        "nhs_region": 7,
        "lad": 296,
        "sicbl23": 106,
        "utla23": 153,
        "cauth23": 10,
    }
    assert specs["icb23"].source == "icb_2023"
    assert specs["icb26"].code_column == "ICB26CD"
    assert specs["lad"].code_prefix == "E"
    assert {s.trust_field for s in specs.values()} == {
        *("region", "icb23", "icb26", "lad", "sicbl23", "utla23", "cauth23")
    }
    # One label per layer and one per area, used by every menu (the old labels, so links still work).
    assert specs["nhs_region"].display_name == "NHS regions"
    assert specs["nhs_region"].area_name == "NHS region"
    assert specs["icb23"].area_name == "ICB (April 2023 boundaries)"
    assert specs["cauth23"].nearest_max_m == 500
    assert specs["icb23"].valid_on(dt.date(2025, 6, 30))
    assert not specs["icb23"].valid_on(dt.date(2026, 4, 1))
    assert specs["icb26"].valid_on(dt.date(2026, 4, 1))


def test_region_crosswalk_maps_former_codes_to_2024_codes():
    assert registry.current_region_code("E40000007") == "E40000013"
    assert registry.current_region_code("E40000010") == "E40000014"
    assert registry.current_region_code("E40000003") == "E40000003"
    cw = registry.region_crosswalk()
    assert len(cw) == 7
    assert {"region_code", "region_name", "former_codes", "ods_code", "labels"} <= set(cw.columns)
    assert set(cw["ods_code"]) == {f"Y{n}" for n in range(56, 64) if n != 57}


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("North East", "E40000012"),
        ("North East and Yorkshire", "E40000012"),
        ("north east & yorkshire", "E40000012"),
        ("East", "E40000013"),
        ("  East of England ", "E40000013"),
        ("North West", "E40000014"),
        ("Midlands", "E40000011"),
    ],
)
def test_region_labels_resolve_to_2024_codes(label, code):
    assert registry.region_code_for_label(label) == code


def test_unknown_region_label_lists_known_labels():
    with pytest.raises(LeagueAtlasError, match="Yorkshire and the Humber.*known labels: .*East"):
        registry.region_code_for_label("Yorkshire and the Humber")


def test_ods_region_codes_resolve():
    assert registry.region_code_for_ods("Y61") == "E40000013"
    assert registry.region_code_for_ods("y62") == "E40000014"
    with pytest.raises(LeagueAtlasError, match="Y57"):
        registry.region_code_for_ods("Y57")


def test_crosswalk_agrees_with_a_lookup_and_a_boundary_layer():
    lookup = pd.read_csv(LOOKUP, encoding="utf-8-sig", dtype=str)
    layer = pd.DataFrame(
        {"code": ["E40000003", "E40000013"], "name": ["London", "East of England"]}
    )
    cw = registry.region_crosswalk()
    assert registry.check_region_crosswalk(cw, lookup) == []
    problems = registry.check_region_crosswalk(cw, boundaries=layer)
    assert any("E40000014" in p and "not in the boundary layer" in p for p in problems)
    wrong = lookup.assign(NHSER23CDH=lookup["NHSER23CDH"].replace({"Y61": "Y62"}))
    assert any("E40000007" in p for p in registry.check_region_crosswalk(cw, wrong))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_crosswalk_error_names_file_and_row(tmp_path):
    good = (registry.GEO_DIR / registry.REGIONS_FILE).read_text("utf-8").splitlines()
    bad = [good[0], good[1], good[2].replace("E40000005", "E4000005")]
    path = _write(tmp_path, "regions.csv", "\n".join(bad) + "\n")
    with pytest.raises(InputError, match=r"regions\.csv, line 3, column 'region_code'"):
        registry.parse_region_crosswalk(path)


def test_crosswalk_rejects_a_label_naming_two_regions(tmp_path):
    text = (
        "region_code,region_name,former_codes,ods_code,labels,origin\n"
        "E40000003,London,,Y56,Capital,made up\n"
        "E40000005,South East,,Y59,capital,made up\n"
    )
    with pytest.raises(InputError, match="line 3.*'capital' also names E40000003"):
        registry.parse_region_crosswalk(_write(tmp_path, "r.csv", text))


def test_crosswalk_requires_origin(tmp_path):
    text = "region_code,region_name,former_codes,ods_code,labels,origin\nE40000003,London,,Y56,,\n"
    with pytest.raises(InputError, match="origin"):
        registry.parse_region_crosswalk(_write(tmp_path, "r.csv", text))


def test_layers_spec_error_names_layer_and_key(tmp_path):
    text = (FIXTURES / "layers.toml").read_text("utf-8").replace('code_column = "ICB26CD"\n', "")
    with pytest.raises(InputError, match=r"\[layer\.icb26\]: missing key\(s\) code_column"):
        registry.parse_layers_spec(_write(tmp_path, "layers.toml", text))


def test_layers_spec_rejects_unknown_source_and_bad_date(tmp_path):
    base = (FIXTURES / "layers.toml").read_text("utf-8")
    with pytest.raises(InputError, match="not in the catalogue"):
        registry.parse_layers_spec(
            _write(tmp_path, "a.toml", base.replace('"icb_2026"', '"icb_2099"'))
        )
    with pytest.raises(InputError, match="valid_from.*YYYY-MM-DD"):
        registry.parse_layers_spec(
            _write(tmp_path, "b.toml", base.replace('"2024-05-01"', '"May 2024"'))
        )


def test_fixture_layers_spec_parses():
    specs = registry.parse_layers_spec(FIXTURES / "layers.toml")
    assert specs["lad"].expected_count == 4
    assert registry.layer_for_field("region", specs).id == "nhs_region"

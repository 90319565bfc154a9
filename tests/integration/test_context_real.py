"""Context proxies on the real sources, for the 134 acute trusts of the NOF Q1 2025/26 file.

Fetches the NOF file, the sources locate.build_places needs and every context source from the
shared mirror into a temporary data folder (skipped when the mirror is absent), locates the trusts
with locate.build_places, then builds the proxies both ways (catchment and location) and checks:
coverage per proxy (every proxy reaches all 134 acute trusts on these sources), the crosswalks
against the published facts (the RUC lookups' LAD_Changes sheet, the LAD 2024 boundaries), that
every English local-authority code of every source reaches a LAD 2024 code, and that the
re-derived rural-urban class equals the published one wherever a district did not change.
"""

from __future__ import annotations

import pandas as pd
import pytest

from league_atlas.config import default_mirror
from league_atlas.context import (
    deprivation,
    earnings,
    foundation,
    graduates,
    lad_vintages,
    proxies,
    rurality,
    universities,
)
from league_atlas.context.tables import ENGLAND_LAD, find_table, frame_from_rows
from league_atlas.io import releases
from league_atlas.io.fetch import fetch_all
from league_atlas.io.sources import catalogue, raw_file
from league_atlas.places import boundaries, locate, registry

pytestmark = pytest.mark.realdata

NOF_SOURCE = "nof_acute_q1_2526"
CONTEXT_SOURCES = [s.id for s in catalogue().values() if s.kind in ("context", "lookup")] + [
    "lad_2024"
]
NEEDED = sorted(
    {
        NOF_SOURCE,
        *CONTEXT_SOURCES,
        *(spec.source for spec in registry.load_layers_spec().values()),
        *locate.ODS_SOURCES,
        locate.HOSPITALS_SOURCE,
        locate.NSPL_SOURCE,
        *locate.ICB_LOOKUP_SOURCES,
    }
)
ACUTE_TRUSTS = 134


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    mirror = default_mirror()
    if mirror is None or not (mirror / "context").is_dir():
        pytest.skip(
            "no data mirror with context/ (../shared/data or $LEAGUE_ATLAS_MIRROR): real sources absent"
        )
    base = tmp_path_factory.mktemp("context-real")
    results = fetch_all(base, mirror, only=NEEDED, progress=lambda _msg: None)
    failed = [r.source_id for r in results if r.status == "failed"]
    assert not failed, f"could not fetch {failed} from {mirror}"
    return base


@pytest.fixture(scope="module")
def trusts(data_dir):
    rel = releases.read_release(raw_file(data_dir, NOF_SOURCE))
    seed = (
        rel.table.sort_values("quarter_index")
        .drop_duplicates("trust_code", keep="last")[
            ["trust_code", "trust_name", "trust_type", "trust_subtype", "region_label"]
        ]
        .reset_index(drop=True)
    )
    table, _report = locate.build_places(data_dir, seed, boundaries.load_layers(data_dir))
    assert len(table) == ACUTE_TRUSTS
    return table


@pytest.fixture(scope="module")
def by_catchment(data_dir, trusts):
    return proxies.build_proxies(data_dir, trusts, join="catchment")


@pytest.fixture(scope="module")
def by_location(data_dir, trusts):
    return proxies.build_proxies(data_dir, trusts, join="location")


@pytest.mark.parametrize("join", ["catchment", "location"])
def test_every_proxy_covers_all_acute_trusts(request, trusts, join):
    table = request.getfixturevalue(f"by_{join}")
    cov = proxies.coverage(table, trusts["trust_code"]).set_index("proxy")
    print(
        f"\ncoverage of {ACUTE_TRUSTS} acute trusts ({join}):\n"
        + cov[["present", "coverage_pct", "missing"]].to_string()
    )
    assert (cov["trusts"] == ACUTE_TRUSTS).all()
    # The level reached on these sources: every proxy and the index for all 134 (target >= 90%).
    assert cov["present"].to_dict() == {k: ACUTE_TRUSTS for k in cov.index}


def test_catchment_used_for_mapped_trusts(by_catchment):
    joins = by_catchment["area_join"].value_counts().to_dict()
    # 122 of the 134 are in the 2020 admissions mapping; the 12 others (specialist trusts) use location.
    assert joins.get("catchment", 0) == 122
    assert joins.get("location (not in catchment mapping)", 0) == 12


def test_values_in_published_ranges(by_catchment):
    t = by_catchment.set_index("trust_code")
    assert t["recommend_place_to_work"].between(20, 95).all()
    assert t["leave_intention"].between(5, 50).all()
    assert t["sickness_absence"].between(1, 10).all()
    assert t["leaver_rate"].between(0, 5).all()
    assert t["imd_2019_score"].between(5, 50).all() and t["imd_2025_score"].between(5, 50).all()
    assert t["distance_central_london_km"].between(0, 600).all()
    # Isle of Wight NHS Trust is surveyed as two sectors (R1F1, R1F2): combined into R1F.
    assert pd.notna(t.loc["R1F", "recommend_place_to_work"])
    # London's region has the highest foundation first-preference ratio (FP2025 1.78).
    london = t.loc[t["region_code"] == "E40000003", "foundation_first_preference"]
    assert (
        london.round(2).eq(1.78).all() and london.iloc[0] == t["foundation_first_preference"].max()
    )


def test_crosswalk_agrees_with_published_change_list(data_dir):
    path = raw_file(data_dir, "ruc_2011_lookups")
    sheet, header, rows = find_table(
        path, ["Previous LAD Code", "New LAD Code"], what="LAD_Changes"
    )
    ref = frame_from_rows(rows, header).rename(
        columns={"Previous LAD Code": "old_code", "New LAD Code": "new_code"}
    )
    ref = ref.dropna(subset=["old_code"])
    assert len(ref) == 32
    assert lad_vintages.changes_disagreeing_with(ref) == []


def test_crosswalk_codes_exist_in_the_boundaries(data_dir):
    import geopandas as gpd

    lad24 = set(gpd.read_file(raw_file(data_dir, "lad_2024"))["LAD24CD"])
    ch = lad_vintages.read_changes()
    final = {lad for targets in lad_vintages.lineage(ch).values() for lad, _w in targets}
    assert final <= lad24  # every change ends on a LAD 2024 code
    assert not (
        set(ch.loc[ch["year"] <= lad_vintages.TARGET_YEAR, "old_code"]) & lad24
    )  # old codes are gone
    assert set(lad_vintages.read_groups()["lad_code"]) == {c for c in lad24 if c.startswith("E09")}


def test_every_english_lad_code_reaches_lad2024(data_dir):
    import geopandas as gpd

    lad24 = set(gpd.read_file(raw_file(data_dir, "lad_2024"))["LAD24CD"])
    keyed = {
        "imd_2019": deprivation.read_imd2019(raw_file(data_dir, "iod_2019")).index,
        "imd_2025": deprivation.read_imd2025(raw_file(data_dir, "iod_2025")).index,
        "ruc": rurality.read_ruc(raw_file(data_dir, "ruc_2011_lad")).index,
        "graduates": graduates.read_retention(raw_file(data_dir, "graduate_retention_lad")).index,
        "catchment": proxies.read_catchment(raw_file(data_dir, "trust_ltla_mapping"))[
            "geo_code"
        ].unique(),
    }
    for sid in ("median_pay", "housing_affordability", "qualifications_l3"):
        keyed[sid] = earnings.read_els(raw_file(data_dir, sid))[0].index
    for name, codes in keyed.items():
        english = [c for c in codes if ENGLAND_LAD.match(c) or "London" in c]
        assert lad_vintages.unresolved(english, lad24) == [], name
    assert len(universities.read_university_lads(raw_file(data_dir, "he_campuses")) & lad24) > 100


def test_rural_class_rederivation_matches_published(data_dir):
    ruc = rurality.read_ruc(raw_file(data_dir, "ruc_2011_lad"))
    share = rurality.area_proxies(ruc)["rural_population_pct"].values
    unchanged = [c for c in ruc.index if c in share.index]
    assert len(unchanged) > 250
    mismatched = [
        c for c in unchanged if rurality.broad_class(share[c]) != ruc.loc[c, "broad_class"]
    ]
    assert mismatched == []


def test_foundation_crosswalk_covers_every_school(data_dir):
    ukfpo = foundation.read_ukfpo(raw_file(data_dir, "ukfpo_preferences"))
    schools = foundation.read_school_regions()
    for year in sorted(ukfpo["year"].unique()):
        regions, _ = foundation.region_first_preference(ukfpo, schools, year)
        assert len(regions) == 7 or year <= 2022  # South Thames (to FP2022) spans two regions

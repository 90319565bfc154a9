"""Places on the real sources: the Q1 2025/26 acute NOF trusts located and joined.

Fetches the needed sources from the shared mirror into a temporary data folder (skipped when the
mirror is absent), then checks the real boundary files pass their geo/layers.toml checks, the
region crosswalk agrees with the ONS lookup and boundaries, and at least 130 of the 134 acute
trusts get a point, a region, both ICB vintages and a local authority district.
"""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from league_atlas.config import default_mirror
from league_atlas.io.fetch import fetch_all, missing_required
from league_atlas.io.sources import raw_file
from league_atlas.places import boundaries, locate, registry
from league_atlas.schema import TRUST_COLUMNS

pytestmark = pytest.mark.realdata

NOF_SOURCE = "nof_acute_q1_2526"
NEEDED = [
    NOF_SOURCE,
    *(spec.source for spec in registry.load_layers_spec().values()),
    *locate.ODS_SOURCES,
    locate.HOSPITALS_SOURCE,
    locate.NSPL_SOURCE,
    *locate.ICB_LOOKUP_SOURCES,
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    mirror = default_mirror()
    if mirror is None or not mirror.is_dir():
        pytest.skip("no data mirror (../shared/data or $LEAGUE_ATLAS_MIRROR): real sources absent")
    base = tmp_path_factory.mktemp("places-real")
    results = fetch_all(base, mirror, only=NEEDED, progress=lambda _msg: None)
    assert not missing_required(results), [r.message for r in results if r.status == "failed"]
    return base


@pytest.fixture(scope="module")
def layers(data_dir):
    return boundaries.load_layers(data_dir)


@pytest.fixture(scope="module")
def acute_trusts(data_dir):
    nof = pd.read_csv(raw_file(data_dir, NOF_SOURCE), encoding="utf-8-sig", dtype=str)
    cols = {
        "Trust_code": "trust_code",
        "Trust_name": "trust_name",
        "Trust_type": "trust_type",
        "Trust_subtype": "trust_subtype",
        "Region": "region_label",
    }
    return nof[list(cols)].rename(columns=cols).drop_duplicates("trust_code")


@pytest.fixture(scope="module")
def built(data_dir, acute_trusts, layers):
    return locate.build_places(data_dir, acute_trusts, layers)


def test_real_layers_pass_their_checks(layers):
    specs = registry.load_layers_spec()
    for layer_id, gdf in layers.items():
        assert len(gdf) == specs[layer_id].expected_count
        assert gdf["code"].is_unique
        assert gdf.crs.to_epsg() == 4326
        assert gdf.is_valid.all()


def test_real_layers_simplify_to_valid_coverages(layers, tmp_path):
    web = boundaries.web_layers(layers)
    for layer_id, gdf in web.items():
        assert shapely.coverage_is_valid(gdf.geometry.values), layer_id
        assert not gdf.is_empty.any(), layer_id
        full = shapely.get_num_coordinates(layers[layer_id].geometry.values).sum()
        assert shapely.get_num_coordinates(gdf.geometry.values).sum() < full
    # A 1e-4 degree grid would pinch two LADs' shared border apart: a finer grid is used instead.
    coarse = boundaries.simplify_for_web(layers["lad"], 500, 0.0001)
    assert coarse.attrs["precision"] == pytest.approx(0.00001)
    assert shapely.coverage_is_valid(coarse.geometry.values)
    boundaries.write_layers(web, tmp_path)
    back = boundaries.read_layer(tmp_path, "icb26")
    assert list(back["code"]) == list(web["icb26"]["code"])


def test_region_crosswalk_agrees_with_ons_files(data_dir, layers):
    lookup = pd.read_csv(raw_file(data_dir, "lookup_sicbl23"), encoding="utf-8-sig", dtype=str)
    cw = registry.region_crosswalk()
    assert registry.check_region_crosswalk(cw, lookup, layers["nhs_region"]) == []


def test_nof_region_labels_are_all_known(acute_trusts):
    codes = {registry.region_code_for_label(lab) for lab in acute_trusts["region_label"]}
    assert len(codes) == 7


def test_at_least_130_of_134_acute_trusts_fully_joined(built, acute_trusts):
    table, report = built
    assert len(acute_trusts) == 134
    assert list(table["trust_code"]) == list(acute_trusts["trust_code"])
    assert list(table.columns[: len(TRUST_COLUMNS)]) == TRUST_COLUMNS
    joined = locate.fully_joined(table)
    assert joined.sum() >= 130, locate.summary(report, table)
    # Every trust that is not fully joined is in the report.
    missing = set(table.loc[~joined, "trust_code"])
    assert missing <= set(report["trust_code"])
    assert table.loc[joined, "region_code"].str.fullmatch(r"E40\d{6}").all()
    assert set(table["located_by"]) <= set(locate.LOCATED_BY)


def test_joins_mostly_agree_with_ods(built):
    table, report = built
    disagreements = report[report["issue"].isin(["region_vs_ods", "icb23_vs_ods", "region_vs_nof"])]
    # Acute trusts sit in their own ICB and region; a few disagreements are tolerable and
    # reported, a flood means a broken join or crosswalk.
    assert len(disagreements) <= 5, locate.summary(report, table)
    assert (table["ods_icb23_code"] != "").sum() >= 130

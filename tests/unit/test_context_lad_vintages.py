"""The LAD vintage crosswalk: merges, splits, chains, later recodes, groups and validation."""

from __future__ import annotations

import pandas as pd
import pytest

from league_atlas.context import lad_vintages as lv
from league_atlas.errors import InputError, LeagueAtlasError

HEADER = "old_code,old_name,new_code,new_name,year,change,weight,origin\n"


def changes(tmp_path, rows: str):
    path = tmp_path / "changes.csv"
    path.write_text(HEADER + rows)
    return lv.read_changes(path)


NO_GROUPS = pd.DataFrame(columns=["group_code", "lad_code"])


@pytest.fixture
def world(tmp_path):
    """A and B merge into M; C splits 70/30 into M and N; D -> E (2019) -> F (2023), a chain;
    G is recoded one-to-one in 2025, after the LAD 2024 target."""
    return changes(
        tmp_path,
        "E07000001,A,E06000009,M,2021,merge,1.0,test\n"
        "E07000002,B,E06000009,M,2021,merge,1.0,test\n"
        "E07000003,C,E06000009,M,2021,split,0.7,test\n"
        "E07000003,C,E06000008,N,2021,split,0.3,test\n"
        "E07000004,D,E07000005,E,2019,merge,1.0,test\n"
        "E07000005,E,E06000006,F,2023,merge,1.0,test\n"
        "E08000001,G,E08000099,G,2025,recode,1.0,test\n",
    )


def test_merged_lad_gets_population_weighted_mean(world):
    values = pd.Series({"E07000001": 10.0, "E07000002": 40.0})
    pop = pd.Series({"E07000001": 300.0, "E07000002": 100.0})
    out = lv.to_lad24(values, pop, changes=world, groups=NO_GROUPS)
    assert out["E06000009"] == pytest.approx((10 * 300 + 40 * 100) / 400)


def test_split_district_contributes_its_share(world):
    values = pd.Series({"E07000001": 10.0, "E07000002": 40.0, "E07000003": 100.0})
    pop = pd.Series({"E07000001": 300.0, "E07000002": 100.0, "E07000003": 1000.0})
    out = lv.to_lad24(values, pop, changes=world, groups=NO_GROUPS)
    # M gets 70% of C's people; N gets only C, so takes C's value.
    assert out["E06000009"] == pytest.approx((10 * 300 + 40 * 100 + 100 * 700) / (300 + 100 + 700))
    assert out["E06000008"] == pytest.approx(100.0)


def test_chain_and_unchanged_codes(world):
    out = lv.to_lad24(
        pd.Series({"E07000004": 5.0, "E09000001": 7.0}), None, changes=world, groups=NO_GROUPS
    )
    assert out.to_dict() == {"E06000006": 5.0, "E09000001": 7.0}
    lin = lv.lineage(world)
    assert lin["E07000004"] == [("E06000006", 1.0)]
    assert sorted(lin["E07000003"]) == [
        ("E06000008", pytest.approx(0.3)),
        ("E06000009", pytest.approx(0.7)),
    ]


def test_later_one_to_one_recode_maps_back(world):
    out = lv.to_lad24(pd.Series({"E08000099": 3.0}), None, changes=world, groups=NO_GROUPS)
    assert out.to_dict() == {"E08000001": 3.0}
    # ...and the 2024 code itself is not carried forward past the target year.
    assert lv.code_map(["E08000001"], world, NO_GROUPS)["lad_code"].tolist() == ["E08000001"]


def test_merge_with_a_missing_part_is_missing(world):
    values = pd.Series({"E07000001": 10.0, "E07000002": float("nan")})
    pop = pd.Series({"E07000001": 300.0, "E07000002": 100.0})
    assert pd.isna(lv.to_lad24(values, pop, changes=world, groups=NO_GROUPS)["E06000009"])


def test_population_bases_tried_in_order(world):
    values = pd.Series({"E07000001": 10.0, "E07000002": 40.0})
    mid2022 = pd.Series({"E07000001": 1.0})  # does not cover B: skipped
    census = pd.Series({"E07000001": 100.0, "E07000002": 300.0})
    out = lv.to_lad24(values, [mid2022, census], changes=world, groups=NO_GROUPS)
    assert out["E06000009"] == pytest.approx((10 * 100 + 40 * 300) / 400)
    with pytest.raises(LeagueAtlasError, match="no population basis"):
        lv.to_lad24(values, [mid2022], changes=world, groups=NO_GROUPS)


def test_groups_broadcast_to_members(world):
    groups = pd.DataFrame(
        {
            "group_code": ["Inner", "Inner", "Outer"],
            "lad_code": ["E09000001", "E09000002", "E09000003"],
        }
    )
    out = lv.to_lad24(pd.Series({"Inner": 0.8, "Outer": 0.9}), None, changes=world, groups=groups)
    assert out.to_dict() == {"E09000001": 0.8, "E09000002": 0.8, "E09000003": 0.9}


def test_successor_population_is_sum_of_parts(world):
    basis = lv.extend_with_successors(
        pd.Series({"E07000004": 50.0, "E07000001": 1.0, "E07000002": 2.0}), world
    )
    assert basis["E07000005"] == 50.0
    assert basis["E06000006"] == 50.0  # through the chain
    assert "E06000009" not in basis.index  # C's population unknown: no guess


def test_presence_and_unresolved(world):
    assert lv.any_to_lad24(["E07000003"], changes=world, groups=NO_GROUPS) == {
        "E06000008",
        "E06000009",
    }
    assert lv.unresolved(
        ["E07000001", "E07000099"], {"E06000009"}, changes=world, groups=NO_GROUPS
    ) == ["E07000099"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("E07000001,A,E06000009,M,2021,split,0.5,test\n", "do not sum to 1"),
        ("E07000001,A,E06000009,M,2021,merge,1.5,test\n", "out of range"),
        ("E07000001,A,Somerset,M,2021,merge,1.0,test\n", "not a GSS code"),
        ("E07000001,A,E06000009,M,2021,merge,1.0,\n", "no origin"),
        ("E07000001,A,E06000009,M,soon,merge,1.0,test\n", "not a year"),
        (
            "E07000001,A,E07000002,B,2021,merge,1.0,t\nE07000002,B,E07000001,A,2022,merge,1.0,t\n",
            "loop",
        ),
    ],
)
def test_bad_crosswalk_rows(tmp_path, rows, message):
    with pytest.raises(InputError, match=message):
        changes(tmp_path, rows)


def test_project_crosswalks_are_valid():
    ch = lv.read_changes()
    # Every merger of the brief is there: Buckinghamshire, Northamptonshire, Cumbria, North Yorkshire,
    # Somerset, BCP and Dorset, with whole-district weights.
    targets = set(ch["new_code"])
    for code in (
        "E06000060",
        "E06000061",
        "E06000062",
        "E06000063",
        "E06000064",
        "E06000065",
        "E06000066",
        "E06000058",
        "E06000059",
    ):
        assert code in targets
    assert (ch["weight"] == 1.0).all()
    groups = lv.read_groups()
    assert len(groups) == 33 and groups["group_code"].value_counts().to_dict() == {
        "Outer London BUA": 19,
        "Inner London BUA": 14,
    }
    # Taunton Deane reaches Somerset (2023) through Somerset West and Taunton (2019).
    assert lv.lineage(ch)["E07000190"] == [("E06000066", 1.0)]


def test_published_change_list_check(world):
    ref = pd.DataFrame(
        {
            "old_code": ["E07000001", "E07000112", "E07000077"],
            "new_code": ["E06000009", "E07000112", "E06000077"],
        }
    )
    assert lv.changes_disagreeing_with(ref, world) == ["E07000077 -> E06000077"]

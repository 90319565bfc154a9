"""The one search on the real store: the queries from issue 14, through the `find` command."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pandas as pd
import pytest

from league_atlas.cli import main
from league_atlas.store import reader
from league_atlas.views import search


@pytest.fixture(scope="module")
def index(real_store_dir) -> search.SearchIndex:
    return search.build_index(reader.open_store(real_store_dir))


def find(real_store_dir, text: str) -> tuple[int, pd.DataFrame]:
    out = io.StringIO()
    with redirect_stdout(out):
        rc = main.main(["find", text, "--format", "csv", "--data-dir", str(real_store_dir)])
    out.seek(0)
    return rc, pd.read_csv(out, dtype=str)


def test_liverpool_finds_every_trust_based_there_first(real_store_dir):
    rc, found = find(real_store_dir, "Liverpool")
    assert rc == 0
    names = found["trust_name"].tolist()
    top5 = set(found["trust_code"].head(5))
    # Alder Hey, the Walton Centre, Liverpool Heart and Chest, Liverpool University Hospitals,
    # Liverpool Women's: the five trusts with their headquarters in Liverpool, ranked first.
    assert top5 == {"RBS", "RET", "RBQ", "REM", "REP"}, names
    assert any("Alder Hey" in n for n in names[:5]) and any("Walton Centre" in n for n in names[:5])
    # Anything after them runs a hospital in Liverpool (says which), never an unrelated trust.
    assert found["matched"].iloc[5:].str.contains("Liverpool").all(), found


def test_truro_and_crewe_give_the_local_trust_first(real_store_dir):
    _, truro = find(real_store_dir, "Truro")
    assert truro["trust_name"].iloc[0] == "Royal Cornwall Hospitals NHS Trust"
    _, crewe = find(real_store_dir, "Crewe")
    assert crewe["trust_name"].iloc[0] == "Mid Cheshire Hospitals NHS Foundation Trust"
    assert list(truro.columns[:2]) == ["trust_code", "trust_name"]


def test_code_and_hospital_and_nonsense(real_store_dir, index):
    assert search.find_trusts("RBT", index)["trust_code"].iloc[0] == "RBT"
    assert search.find_trusts("Leighton Hospital", index)["trust_code"].tolist() == ["RBT"]
    assert search.find_trusts("Treliske", index)["trust_code"].iloc[0] == "REF"
    rc, found = find(real_store_dir, "qwzxv blorp")
    assert rc == 1 and found.empty


def test_store_has_sites_for_every_located_trust(real_store_dir):
    st = reader.open_store(real_store_dir)
    sites = st.sites
    assert set(sites["kind"]) == {"hq", "site"}
    from league_atlas.io.sources import raw_file
    from league_atlas.places import locate
    from league_atlas.places import sites as site_module

    # Every trust that ODS lists has its HQ address (a trust ODS does not list, such as a few
    # mental health and community trusts placed by the release's ICB, has no address to give).
    in_ods = set().union(
        *(
            set(site_module.read_ods_addresses(raw_file(real_store_dir, sid))["trust_code"])
            for sid in locate.ODS_SOURCES
        )
    )
    hq = set(sites.loc[sites["kind"] == "hq", "trust_code"])
    assert set(st.trusts["trust_code"]) & in_ods <= hq
    assert len(set(st.trusts["trust_code"]) & in_ods) >= 0.9 * len(st.trusts)
    assert sites["trust_code"].isin(st.trusts["trust_code"]).all()

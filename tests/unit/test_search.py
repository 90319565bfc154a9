"""The one trust search (views/search.py) on made-up trusts and sites."""

from __future__ import annotations

import pandas as pd
import pytest

from league_atlas.places.sites import SITE_COLUMNS
from league_atlas.views import search

TRUSTS = pd.DataFrame(
    [
        (
            "RX1",
            "Portwick University Hospitals NHS Foundation Trust",
            "acute",
            "Portwick",
            "PW7 8XP",
        ),
        ("RX2", "Oak Lane Children's NHS Foundation Trust", "acute", "Portwick", "PW12 2AP"),
        ("RX3", "The Harbour Centre NHS Foundation Trust", "acute", "Portwick", "PW9 7LJ"),
        ("RX4", "Mid Downshire Hospitals NHS Foundation Trust", "acute", "Crossby", "CB1 4QJ"),
        ("RX5", "Royal Westmoor Hospitals NHS Trust", "acute", "Trevay", "TV1 3LJ"),
        ("RX6", "Downshire and Westmoor Partnership NHS Trust", "non-acute", "Eastham", "EH1 1AA"),
        ("RX7", "St. Agnes' Hospital NHS Trust", "acute", "Northby", "NB1 1AA"),
    ],
    columns=["trust_code", "trust_name", "trust_type", "town", "postcode"],
)


def _site(code, kind, name="", address="", town="", county="", postcode="", site_code=""):
    return dict(
        trust_code=code,
        kind=kind,
        source_id="made-up",
        site_code=site_code or code,
        site_name=name,
        address=address,
        town=town,
        county=county,
        postcode=postcode,
    )


SITES = pd.DataFrame(
    [
        _site("RX1", "hq", address="Dock Road", town="Portwick", county="Seashire"),
        _site("RX4", "hq", address="Portwick Road", town="Crossby", county="Downshire"),
        _site(
            "RX4",
            "site",
            "Lyndon Hospital",
            "Middlewich Road",
            "Crossby",
            "Downshire",
            "CB1 4QJ",
            "RX420",
        ),
        _site(
            "RX5",
            "site",
            "Royal Westmoor Hospital (Treliss)",
            "Treliss",
            "Trevay",
            "Westmoor",
            "TV1 3LJ",
            "RX512",
        ),
        _site("RX6", "site", "Harbour View Unit", "", "Portwick", "Seashire", "PW3 1AA", "RX601"),
        _site("RX6", "site", "Moor Clinic", "", "Trevay", "Westmoor", "TV2 2AA", "RX602"),
        # A site whose parent is not a trust here: never offered.
        _site(
            "NZZ",
            "site",
            "Portwick Private Hospital",
            "",
            "Portwick",
            "Seashire",
            "PW1 1ZZ",
            "NZZ01",
        ),
    ],
    columns=SITE_COLUMNS,
)


@pytest.fixture(scope="module")
def index() -> search.SearchIndex:
    return search.SearchIndex(TRUSTS, SITES)


def codes(df: pd.DataFrame) -> list[str]:
    return df["trust_code"].tolist()


def test_town_finds_every_trust_based_there_first_then_those_running_sites(index):
    found = search.find_trusts("Portwick", index)
    assert set(codes(found)[:3]) == {"RX1", "RX2", "RX3"}
    assert codes(found)[3] == "RX6"  # runs a site in Portwick, ranked after the HQ matches
    assert "Harbour View Unit" in found["matched"].iloc[3]
    # "Portwick Road" in another trust's address is a street, not the town: not offered.
    assert "RX4" not in codes(found)
    assert "NZZ" not in codes(found)


def test_exact_town_beats_name_and_sites(index):
    assert codes(search.find_trusts("Trevay", index))[:2] == ["RX5", "RX6"]
    assert codes(search.find_trusts("crossby", index)) == ["RX4"]


def test_exact_code_first_and_case_blind(index):
    found = search.find_trusts("rx4", index)
    assert codes(found) == ["RX4"] and found["score"].iloc[0] == search.CODE
    assert found["matched"].iloc[0] == "ODS code"


def test_site_name_code_and_postcode(index):
    assert codes(search.find_trusts("Lyndon Hospital", index)) == ["RX4"]
    assert codes(search.find_trusts("RX420", index)) == ["RX4"]
    assert codes(search.find_trusts("tv1 3lj", index)) == ["RX5"]
    assert codes(search.find_trusts("Treliss", index)) == ["RX5"]


def test_name_words_punctuation_and_saint(index):
    assert codes(search.find_trusts("oak lane childrens", index)) == ["RX2"]
    assert codes(search.find_trusts("Saint Agnes", index)) == ["RX7"]
    assert codes(search.find_trusts("st agnes'", index)) == ["RX7"]
    # Both Downshire trusts by name; the name that starts with the query first.
    assert codes(search.find_trusts("Downshire", index)) == ["RX6", "RX4"]


def test_partial_last_word_while_typing(index):
    found = search.find_trusts("Portw", index)
    assert set(codes(found)[:3]) == {"RX1", "RX2", "RX3"}
    assert (found["score"] < search.HQ_EXACT).all()
    # Two letters are not a prefix match: "Po" would offer half the country.
    assert search.find_trusts("Po", index).empty


def test_nonsense_and_letters_in_order_find_nothing(index):
    assert search.find_trusts("xqzzy", index).empty
    assert search.find_trusts("", index).empty
    assert search.find_trusts("   ", index).empty
    # Streamlit's fuzzy filter would match "Trevay" letters in order inside other names.
    assert search.find_trusts("tvy", index).empty


def test_words_across_fields_only_as_a_fallback(index):
    found = search.find_trusts("Westmoor Trevay", index)
    assert codes(found)[0] in {"RX5", "RX6"}
    assert (found["score"] == search.WORDS).all()
    # A phrase that names a field wins outright: no word-scatter matches beside it.
    assert codes(search.find_trusts("Royal Westmoor", index)) == ["RX5"]


def test_restricted_to_given_codes_and_limit(index):
    assert codes(search.find_trusts("Portwick", index, codes=["RX2", "RX6"])) == ["RX2", "RX6"]
    assert len(search.find_trusts("Portwick", index, limit=2)) == 2


def test_one_row_per_trust_with_the_columns_the_command_prints(index):
    found = search.find_trusts("Westmoor", index)
    assert list(found.columns) == search.RESULT_COLUMNS
    assert found["trust_code"].is_unique


def test_trust_in_two_types_is_one_row():
    both = pd.concat([TRUSTS, TRUSTS.iloc[[0]].assign(trust_type="non-acute")])
    found = search.find_trusts("RX1", search.SearchIndex(both, SITES))
    assert len(found) == 1 and found["trust_type"].iloc[0] == "acute, non-acute"


def test_index_without_sites_or_towns():
    bare = TRUSTS[["trust_code", "trust_name"]]
    idx = search.SearchIndex(bare)
    assert codes(search.find_trusts("Harbour", idx)) == ["RX3"]
    assert codes(search.find_trusts("Portwick", idx)) == ["RX1"]  # by name only
    assert codes(search.find_trusts("Trevay", idx)) == []

"""Framework-year rule sets: items, merges, finance, domain synonyms, and clear errors."""

from __future__ import annotations

import dataclasses

import pytest

from league_atlas.errors import LeagueAtlasError
from league_atlas.scoring import rules


def test_rules_for_known_and_unknown_year():
    r = rules.rules_for("2025/26")
    assert r.framework_year == "2025/26"
    with pytest.raises(rules.RulesError, match=r"2026/27.*known: 2025/26"):
        rules.rules_for("2026/27")
    assert issubclass(rules.RulesError, LeagueAtlasError)


def test_items_merge_infections_and_count_finance_through_combined():
    r = rules.RULES_2025_26
    assert [r.item_of(m) for m in ("OF1020", "OF1048", "OF1088")] == ["infections"] * 3
    assert r.item_of("OF1003") == "OF1003"
    assert r.is_item_metric("OF1080")
    assert not r.is_item_metric("OF1079") and not r.is_item_metric("OF1081")
    assert r.counted_through["OF1079"] == "OF1080"
    # Raw values, domain scores and summary rows are not items.
    for mid in ("OF0003", "OF4000", "OF4100", "OF5002", "OF5000"):
        assert not r.is_item_metric(mid)


@pytest.mark.parametrize(
    ("label", "domain"),
    [
        ("Access to services", "Access to services"),
        ("ACCESS TO SERVICES ", "Access to services"),
        ("Finance & Productivity", "Finance and productivity"),
        ("Finance\xa0and productivity", "Finance and productivity"),
        ("Workforce", "People and workforce"),
        ("Safety", "Patient safety"),
        ("Effectiveness & experience", "Effectiveness and experience"),
        ("Summary", None),
        ("Something new", None),
    ],
)
def test_domain_labels_map_to_framework_domains(label, domain):
    assert rules.RULES_2025_26.canonical_domain(label) == domain


def test_summary_ids_cover_the_published_summary_rows():
    assert set(rules.RULES_2025_26.summary_ids) == {
        "OF5000",
        "OF5002",
        "OF5003",
        "OF5004",
        "OF5005",
        "OF5007",
    }


def test_a_rule_set_that_contradicts_itself_is_refused():
    base = rules.RULES_2025_26
    with pytest.raises(rules.RulesError, match="cut-points"):
        dataclasses.replace(base, cut_points=(2.0, 2.5))
    with pytest.raises(rules.RulesError, match="unknown domains"):
        dataclasses.replace(base, domain_synonyms={"Money": "Money and things"})
    with pytest.raises(rules.RulesError, match="two merged items"):
        dataclasses.replace(
            base, merged_items={"a": ("OF1020", "OF1048"), "b": ("OF1048", "OF1088")}
        )


def test_a_fixed_threshold_year_is_one_more_rule_set():
    """A 2026/27-style rule set (fixed thresholds) is data: built without touching callers."""
    r = dataclasses.replace(rules.RULES_2025_26, framework_year="2026/27", cut_points=(2, 2.5, 3))
    assert r.cut_points == (2, 2.5, 3)
    assert r.canonical_domain("Workforce") == "People and workforce"
    assert r.item_of("OF1048") == "infections"

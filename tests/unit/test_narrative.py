"""Headlines and findings: computed from the numbers, checked for sense, plain words."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from league_atlas.views import narrative as N


def _view(rows: list[tuple]) -> pd.DataFrame:
    """rows: (code, region, segment, score[, segment_unadjusted[, final_segment]])."""
    out = []
    for r in rows:
        code, region, seg, score = r[:4]
        unadj = r[4] if len(r) > 4 else seg
        final = r[5] if len(r) > 5 else seg
        out.append(
            {
                "trust_code": code,
                "trust_name": f"Trust {code}",
                "region_name": region,
                "segment": seg,
                "segment_unadjusted": unadj,
                "final_segment": final,
                "average_score": score,
                "official_rank": 0,
                "rank_change": 0,
            }
        )
    v = pd.DataFrame(out)
    v = v.sort_values(["segment", "average_score"]).reset_index(drop=True)
    v["rank"] = range(1, len(v) + 1)
    v["official_rank"] = v["rank"]
    return v


def test_one_trust_names_it_never_zero_of_one():
    v = _view([("RCH", "South West", 2, 2.1)])
    t = N.active_title(v, "acute", "Q1 2025/26", "Cornwall")
    assert t == "Trust RCH is in segment 2, ranked 1 in England, Q1 2025/26"
    assert "0 of 1" not in t and "%" not in t


def test_small_counts_have_no_percentage_and_agree_in_number():
    v = _view([("A", "X", 3, 2.5), ("B", "X", 1, 1.5)])
    assert N.active_title(v, "acute", "Q1", "Here") == (
        "1 of 2 acute trusts in Here is in segment 3, 4 or 5, Q1"
    )
    v2 = _view([("A", "X", 1, 1.5), ("B", "X", 2, 1.9)])
    assert N.active_title(v2, "acute", "Q1", "Here").startswith("None of the 2 acute trusts")
    v3 = _view([("A", "X", 3, 2.5), ("B", "X", 4, 3.0)])
    assert N.active_title(v3, "acute", "Q1", "Here").startswith("Both acute trusts in Here are")


def _england(region_worst: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for region, (worst, total) in region_worst.items():
        for i in range(total):
            seg = 4 if i < worst else 2
            rows.append((f"{region[:2]}{i}", region, seg, 2.0 + seg / 10))
    return _view(rows)


def test_england_headline_names_a_region_only_when_it_stands_out():
    # The largest region holding 6 of 24 segment-4 trusts, in line with its size: not news.
    plain = _england({"Midlands": (6, 30), "North": (6, 30), "South": (6, 30), "East": (6, 30)})
    t = N.active_title(plain, "acute", "Q1", "England")
    assert "Midlands" not in t and "holds" not in t
    assert t.startswith("24 of 120 acute trusts in England are in segment 3, 4 or 5 (20%)")
    assert N.notable_region(plain) is None
    # One region with 8 of 10 in segment 4 against 10% elsewhere: worth saying.
    hot = _england({"Midlands": (3, 30), "North": (3, 30), "East": (8, 10)})
    assert N.notable_region(hot) == ("East", 8, 10)
    assert "East has the highest share in segment 4 or 5 (8 of its 10)" in N.active_title(
        hot, "acute", "Q1", "England"
    )


def test_empty_view_says_what_is_empty():
    v = _view([("A", "X", 1, 1.5)]).iloc[0:0]
    assert N.active_title(v, "ambulance", "Q2", "Kent") == "No ambulance trusts in Kent in Q2"


def test_rank_reasons_explain_the_financial_cap_and_s5():
    v = _view(
        [
            ("A", "X", 2, 2.27),
            ("B", "X", 3, 2.18, 2),  # capped: ranks below A despite a better score
            ("C", "X", 3, 2.5, 3, 5),
        ]
    )
    why = dict(zip(v["trust_code"], N.rank_reasons(v), strict=True))
    assert why["A"] == ""
    assert why["B"] == "capped at S3: financial deficit (score alone: S2)"
    assert why["C"] == "S5: Recovery Support Programme"
    rank = dict(zip(v["trust_code"], v["rank"], strict=True))
    assert rank["B"] > rank["A"]  # the order the Why column explains


def test_league_and_profile_headlines():
    v = _view([("A", "X", 1, 1.4), ("B", "X", 3, 2.0, 1), ("C", "X", 3, 2.6)])
    h = N.league_headline(v, "acute", "Q1", "England")
    assert h == (
        "Trust A leads the 3 acute trusts in England (average score 1.40); "
        "1 is capped at segment 3 by a financial deficit, Q1"
    )
    p = N.profile_headline(v, "B", "acute")
    assert p.startswith("Trust B is in segment 3, ranked 2 of 3 acute trusts")
    assert p.endswith("capped at S3: financial deficit (score alone: S1)")


def test_metric_headline_names_best_and_worst():
    r = pd.DataFrame(
        {
            "trust_code": ["A", "B", "C"],
            "trust_name": ["Alpha", "Beta", "Gamma"],
            "value": [0.9, 0.5, None],
            "rank": [1, 2, None],
        }
    )
    assert N.metric_headline(r, "OF1", "%", "England", "Share seen") == (
        "OF1 Share seen: best of 2 in England: Alpha (0.9 %); furthest behind: Beta (0.5 %)"
    )
    tied = pd.DataFrame(
        {
            "trust_code": ["A", "B", "C"],
            "trust_name": ["Alpha", "Beta", "Gamma"],
            "value": [0.0, 0.0, 8.2],
            "rank": [1, 1, 3],
        }
    )
    assert N.metric_headline(tied, "OF3", "percent", "England").startswith(
        "OF3: 2 of 3 trusts in England share the best value (0 percent); furthest behind: Gamma"
    )
    assert (
        N.metric_headline(r.iloc[2:], "OF1", "%", "Kent") == "No trust in Kent has a value for OF1"
    )


@dataclass
class _Diff:
    in_label: str = "London and South East"
    out_label: str = "Rest of England"
    difference: float = -0.239
    ci_low: float = -0.377
    ci_high: float = -0.100
    confidence: float = 0.95


def test_disparity_finding_in_plain_words():
    assert N.disparity_finding(_Diff()) == (
        "Trusts in London and South East score 0.24 better on average than the rest of England "
        "(95% CI 0.10 to 0.38); lower scores are better"
    )
    worse = N.disparity_finding(_Diff(difference=0.2, ci_low=0.05, ci_high=0.35))
    assert "0.20 worse" in worse and "(95% CI 0.05 to 0.35)" in worse
    unclear = N.disparity_finding(_Diff(difference=-0.05, ci_low=-0.2, ci_high=0.1))
    assert unclear.startswith("No clear difference")
    assert "from 0.20 better to 0.10 worse" in unclear
    assert "-0" not in unclear


@pytest.mark.parametrize(
    "slope, low, high, expect",
    [
        (
            -0.12,
            -0.2,
            -0.04,
            "score 0.12 better per SD of the staff-attraction index (95% CI 0.04 to 0.20",
        ),
        (0.1, 0.02, 0.18, "score 0.10 worse per SD"),
        (-0.03, -0.1, 0.04, "No clear link"),
    ],
)
def test_attraction_finding(slope, low, high, expect):
    text = N.attraction_finding(slope, low, high, 120, 0.95)
    assert expect in text
    assert "-0." not in text


def test_variance_finding():
    text = N.variance_finding(0.18, 0.05, 0.001, "NHS regions")
    assert text.startswith("18% of the variation in average score lies between NHS regions")
    assert "more than the 5% chance alone" in text
    assert "no more than chance" in N.variance_finding(0.06, 0.05, 0.4, "ICBs")


def test_distance_finding_per_100_km():
    text = N.distance_finding(0.0006, 0.0002, 0.001, 130, 0.95)
    assert text.startswith("Trusts further from central London score 0.06 worse per 100 km")
    assert "(95% CI 0.02 to 0.10, 130 trusts)" in text


def test_store_headline():
    assert N.store_headline({}) == "No NOF release in the store yet"
    h = N.store_headline(
        {"acute": (134, ["Q1 2025/26"]), "non-acute": (1, ["Q1 2025/26", "Q4 2025/26"])}
    )
    assert h == (
        "League tables for 134 acute trusts (Q1 2025/26) and 1 mental health and community trust "
        "(Q1 2025/26 to Q4 2025/26)"
    )

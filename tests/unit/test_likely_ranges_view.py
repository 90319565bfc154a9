"""The words and tables the pages show for likely ranges and changes (views/likely_ranges.py),
and the likely range in the map tooltip (render/mapview.trust_points)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from league_atlas.analysis import change
from league_atlas.render import mapview
from league_atlas.views import likely_ranges as lr


def _row(**kw) -> pd.Series:
    base = dict(rank_low=3, rank_high=17, score_low=1.81, score_high=2.4)
    return pd.Series({**base, **kw})


def test_trust_sentence_with_and_without_published_ranges():
    text = lr.trust_sentence(_row(), 61)
    assert "**3 to 17** of 61" in text and "1.81 to 2.40" in text
    assert "NHS England published" not in text
    pub = lr.trust_sentence(
        _row(
            published_rank_low=2.0,
            published_rank_high=18.0,
            published_score_low=1.8,
            published_score_high=2.41,
        ),
        61,
        official_weights=False,
    )
    assert "under the current weights" in pub
    frozen = lr.trust_sentence(_row(), 61, official_weights=False, current_weights=False)
    assert "at the official weights" in frozen
    assert (
        "NHS England published a likely rank of 2 to 18 and a likely score of 1.80 to 2.41" in pub
    )
    assert lr.trust_sentence(_row(rank_low=np.nan), 61).count("n/a") == 1


def test_map_tooltip_carries_the_likely_rank():
    view = pd.DataFrame(
        {
            "trust_code": ["RAA", "RBB"],
            "trust_name": ["A Trust", "B Trust"],
            "lat": [52.0, 53.0],
            "lon": [-1.0, -2.0],
            "segment": pd.array([1, 3], dtype="Int64"),
            "final_segment": pd.array([pd.NA, pd.NA], dtype="Int64"),
            "rank": [1, 2],
            "official_rank": [1, 2],
            "rank_change": [0, 0],
            "average_score": [1.5, 2.5],
        }
    )
    ranges = pd.DataFrame(
        {
            "trust_code": ["RAA", "RBB"],
            "rank_low": pd.array([1, pd.NA], dtype="Int64"),
            "rank_high": pd.array([9, pd.NA], dtype="Int64"),
        }
    )
    pts = mapview.trust_points(lr.with_likely_rank(view, ranges))
    assert pts.loc[0, "tt_l2"] == "Rank 1 of 2 (official 1) · Likely rank 1 to 9 (95%)"
    assert pts.loc[1, "tt_l2"] == "Rank 2 of 2 (official 2)"
    rew = mapview.trust_points(lr.with_likely_rank(view, ranges, official_weights=False))
    assert rew.loc[0, "tt_l2"].endswith("Likely rank 1 to 9 (95%) (official weights)")
    assert mapview.trust_points(view).loc[0, "tt_l2"] == "Rank 1 of 2 (official 1)"


def _changes() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "trust_code": ["A", "B", "C", "D"],
            "trust_name": ["A", "B", "C", "D"],
            "previous_quarter": "Q1",
            "quarter": "Q2",
            "previous_score": [2.0, 2.0, 2.0, 2.0],
            "score": [2.0, 2.5, 1.9, 2.0],
            "score_change": [0.0, 0.5, -0.1, 0.0],
            "score_change_low": [0.0, 0.3, -0.3, 0.0],
            "score_change_high": [0.0, 0.7, 0.1, 0.0],
            "score_beyond_noise": [False, True, False, False],
            "previous_segment": pd.array([2, 2, 2, 1], dtype="Int64"),
            "segment": pd.array([2, 3, 2, 3], dtype="Int64"),
            "segment_change": pd.array([0, -1, 0, -2], dtype="Int64"),
            "segment_beyond_noise": [False, True, False, True],
            "segment_reason": ["", "score change beyond noise", "", change.OVERRIDE_ON],
            "previous_rank": pd.array([2, 1, 4, 3], dtype="Int64"),
            "rank": pd.array([2, 4, 1, 3], dtype="Int64"),
            "rank_change": pd.array([0, -3, 3, 0], dtype="Int64"),
            "rank_change_low": [0.0, -3, -1, 0],
            "rank_change_high": [0.0, -1, 4, 0],
            "rank_beyond_noise": [False, True, False, False],
            "previous_override": [False] * 4,
            "override": [False, False, False, True],
        }
    )
    df["beyond_noise"] = df["score_beyond_noise"] | df["segment_beyond_noise"]
    df["status"] = [change.NO_CHANGE, change.BEYOND, change.WITHIN, change.BEYOND]
    return df


def test_change_table_puts_movers_beyond_noise_first_with_words():
    places = pd.DataFrame({"trust_code": ["A", "B", "C"], "lat": [52, 53, 54], "lon": [-1, -1, -1]})
    t = lr.change_table(_changes(), places)
    assert list(t["trust_code"]) == ["B", "D", "C", "A"]
    assert list(t["direction"]) == ["worse", "worse", "better", "same"]
    assert list(t["marker"]) == ["▼!", "▼!", "▲", "="]
    shown = lr.change_display(t)
    assert list(shown["Overall"]) == [change.BEYOND, change.BEYOND, change.WITHIN, change.NO_CHANGE]
    assert shown.loc[0, "Rank change is"] == change.BEYOND and shown.loc[3, "Rank change is"] == ""
    assert shown.loc[1, "Why the segment changed"] == change.OVERRIDE_ON
    assert {"Rank Q1", "Rank Q2", "Score change, 95% interval"} <= set(shown.columns)
    pts = lr.change_points(t)
    assert list(pts["trust_code"]) == ["A", "B", "C"]  # D has no place: table only
    assert list(pts["seg_label"]) == ["=", "-3!", "+3"]
    assert all(label.isascii() for label in pts["seg_label"])
    assert pts.loc[1, "tt_l1"].startswith("beyond noise: ")

"""League page: trusts whose segment changes under the current weights are highlighted (and the
change is written out in its own column, so colour is not the only cue)."""

from __future__ import annotations


def _styles(at) -> list[str]:
    return [e.proto.arrow_data.styler.styles for e in at.dataframe]


def test_segment_changes_are_highlighted_and_written_out(app):
    app.query_params["w_patient-safety"] = "3"
    app.query_params["w_finance-and-productivity"] = "0"
    at = app.run()
    at.switch_page("pages/explore/league.py").run()
    assert not at.exception
    table = next(e.value for e in at.dataframe if "Segment change" in e.value.columns)
    changed = table["Segment change"].fillna("").astype(bool)
    assert changed.any(), "these weights change some segments in the made-up store"
    css = " ".join(_styles(at))
    assert css.count("FFF3C4") >= 1


def test_no_highlight_under_official_weights(app):
    at = app.run()
    at.switch_page("pages/explore/league.py").run()
    assert not at.exception
    table = next(e.value for e in at.dataframe if "Segment change" in e.value.columns)
    assert not table["Segment change"].fillna("").astype(bool).any()
    assert "FFF3C4" not in " ".join(_styles(at))

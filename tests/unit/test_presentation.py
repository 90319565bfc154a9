"""Colours and labels: segment outlines contrast, order and labels are what the UI promises."""

from __future__ import annotations

import pytest

from league_atlas.views import presentation as ui


@pytest.mark.parametrize("seg", [1, 2, 3, 4, 5])
def test_segment_outline_contrasts_at_least_3_to_1(seg):
    s = ui.SEGMENTS[seg]
    assert ui.contrast_ratio(s.fill, s.outline) >= 3.0


def test_segments_1_to_4_are_an_ordered_ramp_and_5_is_distinct():
    lum = [ui.relative_luminance(ui.SEGMENTS[s].fill) for s in (1, 2, 3, 4)]
    assert lum == sorted(lum, reverse=True), "lighter to darker as challenges broaden"
    s5 = ui.SEGMENTS[5]
    assert s5.fill not in {ui.SEGMENTS[s].fill for s in (1, 2, 3, 4)}
    assert s5.outline_width > ui.SEGMENTS[4].outline_width
    assert [ui.SEGMENTS[s].label for s in range(1, 6)] == ["S1", "S2", "S3", "S4", "S5"]


def test_contrast_ratio_reference_values():
    assert ui.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert ui.contrast_ratio(ui.NHS_BLUE, "#FFFFFF") == pytest.approx(6.38, abs=0.01)


def test_missing_segment_has_explicit_state():
    assert ui.segment_style(None).label == "n/a"
    assert ui.segment_style(float("nan")).label == "n/a"
    assert ui.segment_style(7).label == "n/a"


def test_rank_change_arrow_words_not_colour():
    assert ui.rank_change_arrow(3) == "▲ 3"
    assert ui.rank_change_arrow(-2) == "▼ 2"
    assert ui.rank_change_arrow(0) == "0"
    assert ui.rank_change_arrow(float("nan")) == ""


def test_interpolate_endpoints():
    assert ui.interpolate(ui.DIVERGING, 0) == ui.DIVERGING[0].upper()
    assert ui.interpolate(ui.DIVERGING, 1) == ui.DIVERGING[-1].upper()
    assert ui.interpolate(ui.DIVERGING, 0.5) == ui.DIVERGING[1].upper()


def test_md_escape_makes_markdown_literal():
    assert ui.md_escape("[x](http://e) **B** _i_ <b>") == r"\[x\](http://e) \*\*B\*\* \_i\_ \<b\>"
    assert ui.md_escape("Plain NHS Trust") == "Plain NHS Trust"

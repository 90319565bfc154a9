"""One source of truth for what people see: labels, colours, legends and slider specs.

The app, the exports and the tests all import from here, so a label or a colour cannot drift
between the map, the table, a PNG export and the assertion that checks it (as mapa-streamlit keeps
its widget specs in settings.py). Colours follow the NHS identity and NHS England data-viz guidance
(research.md §5): an ordered NHS-blue ramp for segments 1-4, a distinct treatment for segment 5,
outlines that contrast at least 3:1 with each fill, and text labels so colour is never the only cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APP_TITLE = "League Atlas"
APP_TAGLINE = "NHS trust league tables on a map: re-weight them, see how sure each rank is, and put them in context"

OFFICIAL_NOTE = "Official NOF table: NHS England's weights and segments."
REWEIGHTED_NOTE = "Re-weighted: not the official NOF table"
APPROXIMATE_LOCATION = "Location approximate (centre of its ICB or region)"
RSP_UNPUBLISHED = (
    "Segment 5 (Recovery Support Programme) status is not published for this quarter, so the "
    "final segment is unknown; the segment shown is the published adjusted segment."
)
RECOMPUTE_FLAG = "⚠ Recomputation disagrees"

# ------------------------------------------------------------------ NHS identity colours
NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_LIGHT_BLUE = "#41B6E6"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_GREY_5 = "#F0F4F5"
NHS_TEXT = "#212B32"
NHS_SECONDARY_TEXT = "#4C6272"  # NHS secondary text colour: 6.4:1 on white
NHS_WHITE = "#FFFFFF"
NHS_DARK_PINK = "#7C2855"
NHS_PINK = "#AE2573"
NHS_WARM_YELLOW = "#FFB81C"
NHS_RED = "#DA291C"

TRUST_TYPE_LABELS = {
    "acute": "Acute trusts",
    "non-acute": "Mental health and community trusts",
    "ambulance": "Ambulance trusts",
}


@dataclass(frozen=True)
class SegmentStyle:
    """How one segment is drawn: fill, outline, label and the words that explain it."""

    segment: int
    label: str
    fill: str
    outline: str
    outline_width: int
    meaning: str
    ring: str = ""  # a second, outer ring: a cue beyond shade (S4 dark ring, S5 none: its own fill)


# Light to dark: darker means a broader range of challenges. S5 leaves the ramp altogether (NHS
# pink with a thick yellow ring). S4 differs from S3 by more than shade: a thicker white outline
# inside a dark outer ring, drawn the same on the map, the legend and the static exports.
SEGMENTS: dict[int, SegmentStyle] = {
    1: SegmentStyle(1, "S1", "#C3DCF0", NHS_TEXT, 1, "Segment 1: narrowest range of challenges"),
    2: SegmentStyle(2, "S2", "#7FB3DE", NHS_TEXT, 1, "Segment 2"),
    3: SegmentStyle(3, "S3", "#1A74BA", NHS_WHITE, 1, "Segment 3"),
    4: SegmentStyle(
        4, "S4", "#003A78", NHS_WHITE, 2, "Segment 4: broadest range of challenges", ring=NHS_TEXT
    ),
    5: SegmentStyle(
        5,
        "S5",
        NHS_PINK,
        NHS_WARM_YELLOW,
        3,
        "Segment 5: Recovery Support Programme (intensive support)",
    ),
}
NO_SEGMENT = SegmentStyle(0, "n/a", NHS_PALE_GREY, NHS_DARK_GREY, 1, "No segment in this release")

# NHS England DV CoP colours for NHS region boundary maps (context only, never performance).
# Diverging ramp for rank change (NHS DV CoP): red = worse, grey = no change, blue = better.
DIVERGING = ("#DA291C", "#DFDFDF", "#005EB8")
SEQUENTIAL = ("#E8EDEE", "#7FB3DE", "#005EB8", "#003087")


def segment_style(segment: float | int | None) -> SegmentStyle:
    """Style for a segment value; missing or out-of-range values get the explicit 'no data' state."""
    try:
        s = int(segment)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return NO_SEGMENT
    return SEGMENTS.get(s, NO_SEGMENT)


def hex_to_rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def rgba(hex_colour: str, alpha: int = 255) -> list[int]:
    """pydeck colour list."""
    return [*hex_to_rgb(hex_colour), alpha]


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in hex_to_rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ramp_colours(
    values, *, reverse: bool = False, stops: tuple[str, ...] = SEQUENTIAL
) -> list[str | None]:
    """Hex colours along a ramp for numeric values (low -> first stop, or the reverse); None where
    a value is missing, so the caller can draw its explicit no-data state."""
    import math

    xs = [float(x) if x is not None else math.nan for x in values]
    finite = [x for x in xs if math.isfinite(x)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 0.0)
    out: list[str | None] = []
    for x in xs:
        if not math.isfinite(x):
            out.append(None)
            continue
        t = 0.5 if hi == lo else (x - lo) / (hi - lo)
        out.append(interpolate(stops, 1.0 - t if reverse else t))
    return out


def interpolate(stops: tuple[str, ...], t: float) -> str:
    """Colour at position t in [0, 1] along a ramp of hex stops."""
    t = min(max(t, 0.0), 1.0)
    pos = t * (len(stops) - 1)
    i = min(int(pos), len(stops) - 2)
    f = pos - i
    a, b = hex_to_rgb(stops[i]), hex_to_rgb(stops[i + 1])
    return "#" + "".join(f"{round(x + (y - x) * f):02X}" for x, y in zip(a, b, strict=True))


# ------------------------------------------------------------------ widgets


@dataclass(frozen=True)
class SliderSpec:
    """A weight slider: label, range, default and help, shared by the UI and its tests."""

    key: str
    label: str
    min_value: float
    max_value: float
    default: float
    step: float
    help: str


DOMAIN_WEIGHT = SliderSpec(
    key="w",
    label="{domain}",
    min_value=0.0,
    max_value=3.0,
    default=1.0,
    step=0.25,
    help="Weight of this domain's items in the average score. 1 = as NHS England; 0 leaves the domain out.",
)
ITEM_WEIGHT = SliderSpec(
    key="m",
    label="{item}",
    min_value=0.0,
    max_value=3.0,
    default=1.0,
    step=0.25,
    help="Weight of this metric within its domain (multiplied by the domain weight).",
)
INDEX_WEIGHT = SliderSpec(
    key="p",
    label="{proxy}",
    min_value=0.0,
    max_value=3.0,
    default=1.0,
    step=0.5,
    help="Weight of this proxy in the staff-attraction index. 0 leaves it out.",
)
UNCERTAINTY_SPREAD = SliderSpec(
    key="spread",
    label="Weight uncertainty (± share of each weight)",
    min_value=0.05,
    max_value=0.6,
    default=0.25,
    step=0.05,
    help="How much each weight varies between Monte Carlo draws (coefficient of variation of a "
    "Dirichlet around the chosen weights). 0.25 = roughly ±25%, as Saisana et al. (2005).",
)
UNCERTAINTY_DRAWS = 1000
LIKELY_RANGE_DRAWS = 10_000  # bootstrap draws for NHS England's likely ranges (the CLI default too)

CHOROPLETHS = {
    "none": "Boundaries only (context)",
    "share_s34": "Share of trusts in segment 3-4 (%)",
    "mean_score": "Mean average score (1 best - 4 worst)",
    "mean_rank_change": "Mean rank change under current weights (places)",
}
# Boundary layer labels live in the geography registry (geo/layers.toml, Store.layers()).

# Table column labels, with units where a number has them.
COLUMN_LABELS = {
    "official_rank": "Official rank",
    "rank": "Rank (current weights)",
    "rank_change": "Rank change (places, + = better)",
    "official_segment": "Official segment",
    "segment": "Segment (current weights)",
    "segment_change": "Segment change",
    "final_segment": "Final segment (5 = RSP)",
    "average_score": "Average score (1 best - 4 worst)",
    "official_score": "Official average score",
    "trust_code": "ODS code",
    "trust_name": "Trust",
    "region_name": "NHS region",
    "located_region_name": "NHS region of the location",
    "location_approximate": "Location approximate",
    "icb23_name": "ICB (2023)",
    "icb26_name": "ICB (2026)",
    "rank_p5": "Rank, 5th percentile",
    "rank_median": "Rank, median of draws",
    "rank_p95": "Rank, 95th percentile",
    "on_map": "On map",
    "drivers": "What moved it",
    "likely_rank": "Likely rank (95%, NHS England's method)",
    "score_low": "Likely score, low",
    "score_high": "Likely score, high",
    "rank_low": "Likely rank, low",
    "rank_high": "Likely rank, high",
}

ATTRIBUTION = (
    "Contains public sector information from NHS England and the Office for National Statistics, "
    "licensed under the Open Government Licence v3.0. © Crown copyright and database right. "
    "Contains OS data © Crown copyright and database right."
)


def rank_change_arrow(change: float | int | None) -> str:
    """Arrow and words for a rank change (positive = moved up the table), never colour alone."""
    if change is None or change != change:  # NaN
        return ""
    c = int(change)
    if c > 0:
        return f"▲ {c}"
    if c < 0:
        return f"▼ {-c}"
    return "0"  # a plain zero: "= 0" would read as a formula in a spreadsheet


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: a swatch (fill and outline) and the words beside it."""

    fill: str
    outline: str
    text: str
    bold: str = ""  # a short label shown first in bold, e.g. "S1"
    round: bool = True
    ring: str = ""  # outer ring colour (segment 4), as on the map
    outline_width: int = 2


def legend_html(items: list[LegendItem], *, title: str = "", note: str = "") -> str:
    """An always-visible HTML legend (a labelled list, so screen readers announce each entry).

    All text is escaped: labels can come from data files.
    """
    from html import escape

    parts = []
    for it in items:
        shape = "border-radius:50%;" if it.round else ""
        if it.ring:
            shape += f"box-shadow:0 0 0 2px {escape(it.ring)};"
        bold = f"<b>{escape(it.bold)}</b>&nbsp;" if it.bold else ""
        parts.append(
            # Marker centred on the first line (line-height 1.9): a label that wraps stays beside it.
            '<span role="listitem" style="display:inline-flex;align-items:flex-start;margin-right:14px">'
            f'<span aria-hidden="true" style="display:inline-block;flex:none;width:16px;height:16px;{shape}'
            f"background:{escape(it.fill)};border:{it.outline_width}px solid {escape(it.outline)};"
            'margin:calc(0.95em - 8px) 8px 0 0"></span>'
            f"<span>{bold}{escape(it.text)}</span></span>"
        )
    head = f"<b>{escape(title)}</b><br/>" if title else ""
    tail = f'<div style="color:{NHS_SECONDARY_TEXT}">{escape(note)}</div>' if note else ""
    label = escape(title or "Legend")
    return (
        f'<div class="la-legend" style="font-family:Arial;font-size:15px;line-height:1.9">{head}'
        f'<div role="list" aria-label="{label}">{"".join(parts)}</div>{tail}</div>'
    )


def segment_legend_items() -> list[LegendItem]:
    """The S1-S5 legend: swatch with its outline, label, and the meaning at the ends of the scale."""
    return [
        LegendItem(
            s.fill,
            s.outline,
            s.meaning.split(":", 1)[-1].strip() if s.segment in (1, 4, 5) else "",
            bold=s.label,
            ring=s.ring,
            outline_width=max(2, s.outline_width),
        )
        for s in SEGMENTS.values()
    ]


# Only what starts inline Markdown or HTML: links and images ([ ]), emphasis (* _), code (`),
# strikethrough (~), maths ($), tables (|), raw HTML (< >) and the escape character itself.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>~$|])")


def md_escape(text: object) -> str:
    """Text from data files made literal for Streamlit's Markdown (headers, captions, write):
    a trust called "[x](https://...) **Bold**" shows exactly that, never a link or bold text."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


# The region containing a trust's location (spatial join), beside NHS England's region of record.
LOCATED_REGION_LABEL = "NHS region containing the trust's location"

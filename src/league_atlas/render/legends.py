"""Legends and value colourings for the context maps: the region choropleth and the proxy map.

Why here: these pieces turn analysis tables (disparities.area_summary, the context proxies) into
map colours and legend swatches, which is the render stage's job; the analysis stage stays free
of any drawing so it can be read and tested on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from league_atlas.analysis import adjustment, disparities
from league_atlas.context import proxies
from league_atlas.errors import LeagueAtlasError
from league_atlas.render import mapview
from league_atlas.views import presentation as ui


def area_stat(table: pd.DataFrame, measure: str) -> mapview.AreaStat:
    """The area table's `measure` (disparities.area_summary) as a mapview.AreaStat (areas with a code only), so the map and
    the table show the same figures."""
    if measure not in disparities.AREA_MEASURES:
        raise LeagueAtlasError(
            f"unknown area measure {measure!r}; valid: {', '.join(disparities.AREA_MEASURES)}"
        )
    label, unit, diverging = disparities.AREA_MEASURES[measure]
    located = table[table["area_code"] != ""]
    values = pd.Series(
        located[measure].to_numpy(dtype=float), index=located["area_code"].astype(str)
    )
    return mapview.AreaStat(values, label, diverging=diverging, unit=unit)


def area_legend(stat: mapview.AreaStat, n_stops: int = 5) -> pd.DataFrame:
    """Legend stops (colour, value text) for a choropleth drawn by mapview.boundary_geojson, using
    the same colour rule (min-max sequential, or symmetric about 0 when diverging)."""
    v = stat.values.dropna()
    rows = []
    if len(v):
        if stat.diverging:
            m = float(v.abs().max())
            stops = np.linspace(-m, m, n_stops)
        else:
            stops = np.linspace(float(v.min()), float(v.max()), n_stops)
        for x in stops:
            text = f"{x:+.1f} {stat.unit}" if stat.diverging else f"{x:.2f} {stat.unit}"
            rows.append({"colour": mapview._colour_for(stat, float(x)), "text": text})
    rows.append({"colour": mapview._colour_for(stat, float("nan")), "text": "no trusts"})
    return pd.DataFrame(rows)


def legend_html(title: str, stops: pd.DataFrame, note: str = "") -> str:
    """An always-visible legend: a swatch and its value text for every stop (colour never alone)."""
    items = [
        ui.LegendItem(str(c), ui.NHS_DARK_GREY, str(t), round=False)
        for c, t in zip(stops["colour"], stops["text"], strict=True)
    ]
    return ui.legend_html(items, title=title, note=note)


MISSING_FILL = ui.NHS_WHITE  # drawn hollow (transparent fill, grey ring): not a ramp colour
MISSING_LINE = ui.NHS_MID_GREY


def _dark_is_low(key: str) -> bool:
    """Darker means worse on every map: here, the less attractive end of the proxy."""
    if key == proxies.INDEX_COLUMN:
        return True
    p = proxies.PROXIES.get(key)
    return p is not None and p.direction > 0


def ramp_colours(values: pd.Series, key: str | None = None) -> list[str | None]:
    """Hex colours on the NHS sequential ramp, darker = less attractive end of `key` (light =
    low, dark = high when no key is given); None when missing."""
    return ui.ramp_colours(
        pd.to_numeric(values, errors="coerce").astype(float),
        reverse=key is not None and _dark_is_low(key),
    )


def ramp_legend(values: pd.Series, key: str, n_stops: int = 4) -> pd.DataFrame:
    """Legend stops for the ramp: colour and value (with units), plus the no-value swatch."""
    label, unit, direction = adjustment.value_label(key)
    v = pd.to_numeric(values, errors="coerce").astype(float).dropna()
    rows = []
    if len(v):
        lo, hi = float(v.min()), float(v.max())
        for i in range(n_stops):
            t = i / (n_stops - 1)
            x = lo + t * (hi - lo)
            colour = ui.interpolate(ui.SEQUENTIAL, 1.0 - t if _dark_is_low(key) else t)
            rows.append({"colour": colour, "text": f"{x:.3g} {unit}"})
    rows.append({"colour": "transparent", "text": "no value (hollow ring)"})
    out = pd.DataFrame(rows)
    out.attrs.update(label=label, unit=unit, direction=direction)
    return out


def proxy_points(points: pd.DataFrame, joined: pd.DataFrame, key: str) -> pd.DataFrame:
    """Trust points (mapview.trust_points) recoloured by a context proxy or the attraction index,
    with the value in the tooltip; trusts with no value are hollow grey rings and say so.

    Not mapview.value_points: that one builds points from any table with a better-is direction
    and the no-segment fill for missing values; this one recolours existing segment points
    (keeping their tooltip title and lines), orients the ramp by the proxy's direction and
    draws missing values hollow, so the two cannot share one rule without changing either map."""
    label, unit, _ = adjustment.value_label(key)
    vals = joined.set_index("trust_code")[key].reindex(points["trust_code"])
    vals = pd.to_numeric(vals, errors="coerce").astype(float).reset_index(drop=True)
    out = points.drop(columns=["ring"], errors="ignore")  # the S4 ring is a segment cue only
    colours = ramp_colours(vals, key)
    out["fill"] = [ui.rgba(MISSING_FILL, 0) if c is None else ui.rgba(c) for c in colours]
    out["line"] = [ui.rgba(MISSING_LINE if c is None else ui.NHS_DARK_GREY) for c in colours]
    out["line_width"] = [2 if c is None else 1 for c in colours]
    out["radius"] = 3500
    out["tt_l3"] = [
        f"{label}: {x:.3g} {unit}" if np.isfinite(x) else f"{label}: no value" for x in vals
    ]
    return out

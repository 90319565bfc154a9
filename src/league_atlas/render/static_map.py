"""The current map as a static PNG for slides and reports: same colours, legend, title and stamp.

Drawn with matplotlib and geopandas (no browser, no basemap tiles) on the British National Grid,
so England keeps its shape. The size is fixed (1600 x 1000 px at 100 dpi) so a slide layout and a
test can rely on it. Every text from data (trust and area names, titles) is drawn with math-text
parsing off, so `$...$` or markup in a name is printed literally, never interpreted.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass, field
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from matplotlib import font_manager, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import Transformer

from league_atlas.views import presentation as ui
from league_atlas.views.exports import plain_text, s5_note, shown_segment

SIZE_PX = (1600, 1000)
DPI = 100
CRS = "EPSG:27700"  # British National Grid: metres, true shape for England
FONTS = (
    "Arial",
    "Liberation Sans",
    "DejaVu Sans",
)  # NHS identity uses Arial where Frutiger is absent
AREA_FACE = "#DDE3E6"
FOCUS_FACE = ui.NHS_GREY_5
MAX_NAME_LABELS = 15  # name every trust when a focus area holds this many or fewer
MAX_KEY_LABELS = 30  # else number each trust (league order) with a key beside the legend
_TO_BNG = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


@dataclass(frozen=True)
class MapText:
    """The words on the image: title, subtitle (release and weights note) and footer lines."""

    title: str
    subtitle: str
    footer: list[str] = field(default_factory=list)
    official: bool = True


@cache
def font_family() -> str:
    """The first of FONTS that is installed (matplotlib warns on every text for a missing one)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in FONTS if f in installed), "sans-serif")


def _text(fig_or_ax, x, y, s, **kw):
    """Every string goes through here: literal text, never math-text or markup."""
    return fig_or_ax.text(x, y, plain_text(s), parse_math=False, fontfamily=font_family(), **kw)


def _project(points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    x, y = _TO_BNG.transform(points["lon"].to_numpy(float), points["lat"].to_numpy(float))
    return np.asarray(x), np.asarray(y)


def _extent(areas: gpd.GeoDataFrame, focus: gpd.GeoDataFrame, xy: tuple[np.ndarray, np.ndarray]):
    """Bounds to show: the focus area if any, else every area and point, padded by 6%."""
    if len(focus):
        x0, y0, x1, y1 = focus.total_bounds
    elif len(areas):
        x0, y0, x1, y1 = areas.total_bounds
    elif len(xy[0]):
        x0, x1, y0, y1 = xy[0].min(), xy[0].max(), xy[1].min(), xy[1].max()
    else:
        x0, y0, x1, y1 = 80_000, 0, 660_000, 660_000  # England
    if len(focus) and len(xy[0]):  # keep every in-focus trust in view (an HQ may sit outside)
        x0, x1 = min(x0, xy[0].min()), max(x1, xy[0].max())
        y0, y1 = min(y0, xy[1].min()), max(y1, xy[1].max())
    pad = 0.06 * max(x1 - x0, y1 - y0, 5_000)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _place_labels(
    ax, xy, labels: list[str | None], *, right_half: float, halo, placed: list | None = None
) -> list:
    """Write a label beside each point (None: no label), nudged up or down so labels do not
    overlap each other; returns the boxes taken."""
    renderer = ax.figure.canvas.get_renderer()
    placed = [] if placed is None else placed
    order = np.argsort(-xy[1])  # top to bottom
    for i in order:
        if labels[i] is None:
            continue
        left = xy[0][i] > right_half  # labels of eastern points go to their left, inside the map
        t = ax.annotate(
            plain_text(labels[i]),
            (xy[0][i], xy[1][i]),
            xytext=(-9 if left else 9, 0),
            textcoords="offset points",
            ha="right" if left else "left",
            va="center",
            fontsize=10,
            color=ui.NHS_TEXT,
            fontfamily=font_family(),
            zorder=6,
            annotation_clip=False,
        )
        t.set_parse_math(False)
        t.set_path_effects(halo)
        for dy in (0, 10, -10, 20, -20, 30, -30, 40, -40):
            t.xyann = (-9 if left else 9, dy)
            box = t.get_window_extent(renderer).expanded(1.02, 1.1)
            if not any(box.overlaps(b) for b in placed):
                break
        placed.append(t.get_window_extent(renderer))
    return placed


_SUFFIX = re.compile(r"\s+NHS(\s+Foundation)?\s+Trust$", re.IGNORECASE)


def short_name(name: str) -> str:
    """A trust name for a map label: without the "NHS (Foundation) Trust" every name ends with."""
    text = plain_text(name).strip()
    return _SUFFIX.sub("", text) or text


def _points_px(ax, xy) -> np.ndarray:
    """Display (pixel) positions of projected points, for label collision checks."""
    if not len(xy[0]):
        return np.empty((0, 2))
    return ax.transData.transform(np.column_stack([xy[0], xy[1]]))


def _clear_of(box, pts: np.ndarray, margin: float) -> bool:
    if not len(pts):
        return True
    inside = (
        (pts[:, 0] > box.x0 - margin)
        & (pts[:, 0] < box.x1 + margin)
        & (pts[:, 1] > box.y0 - margin)
        & (pts[:, 1] < box.y1 + margin)
    )
    return not inside.any()


def _area_labels(ax, areas_bng: gpd.GeoDataFrame, xy, halo, taken: list) -> None:
    """Name each area where its name covers no trust and no other label: inside the area if a
    clear spot exists, else beside it with a leader line ("London" is full of trusts)."""
    renderer = ax.figure.canvas.get_renderer()
    pts = _points_px(ax, xy)
    frame = ax.get_window_extent(renderer)
    for _, a in areas_bng.iterrows():
        geom = a.geometry
        lx, ly = _label_spot(geom, xy)
        t = _text(
            ax,
            lx,
            ly,
            a["name"],
            fontsize=11,
            color=ui.NHS_DARK_GREY,
            ha="center",
            va="center",
            style="italic",
            fontweight="bold",
            zorder=7,
        )
        t.set_path_effects(halo)
        c = geom.representative_point()
        x0, y0, x1, y1 = geom.bounds
        r = max(x1 - x0, y1 - y0) / 2
        inside = _label_spots(geom, xy)
        outside = [
            (c.x + k * r * np.cos(th), c.y + k * r * np.sin(th))
            for k in (1.3, 1.7, 2.2, 3.0, 4.0, 5.0)
            for th in np.radians([0, 330, 30, 300, 60, 180, 210, 150, 270, 90])
        ]
        chosen = None
        for cx, cy in [(lx, ly), *inside, *outside]:
            t.set_position((cx, cy))
            box = t.get_window_extent(renderer)
            in_frame = (
                box.x0 >= frame.x0
                and box.x1 <= frame.x1
                and box.y0 >= frame.y0
                and box.y1 <= frame.y1
            )
            if in_frame and _clear_of(box, pts, 6) and not any(box.overlaps(b) for b in taken):
                chosen = (cx, cy)
                break
        if chosen is None:
            chosen = (lx, ly)  # no clear spot: inside, drawn above the points with a halo
        t.set_position(chosen)
        if not geom.contains(shapely.Point(chosen)):
            # Outside its area (a small one full of trusts): a leader line to the nearest edge.
            edge = shapely.ops.nearest_points(geom, shapely.Point(chosen))[0]
            ax.annotate(
                "",
                xy=(edge.x, edge.y),
                xytext=chosen,
                arrowprops={"arrowstyle": "-", "color": ui.NHS_DARK_GREY, "linewidth": 1.0},
                zorder=6,
            )
        taken.append(t.get_window_extent(renderer))


def _label_spot(geom, xy: tuple[np.ndarray, np.ndarray], n: int = 24) -> tuple[float, float]:
    """A point inside an area, as far as possible from its trusts and its edge (for a label)."""
    x0, y0, x1, y1 = geom.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    cand = shapely.points(gx.ravel(), gy.ravel())
    inside = shapely.contains(geom, cand)
    if not inside.any():
        p = geom.representative_point()
        return p.x, p.y
    cand = cand[inside]
    cx, cy = shapely.get_x(cand), shapely.get_y(cand)
    edge = shapely.distance(geom.boundary, cand)
    if len(xy[0]):
        d = np.hypot(cx[:, None] - xy[0][None, :], cy[:, None] - xy[1][None, :]).min(axis=1)
    else:
        d = np.full(len(cand), np.inf)
    best = int(np.argmax(np.minimum(d, 1.5 * edge)))
    return float(cx[best]), float(cy[best])


def _label_spots(geom, xy, n: int = 28, keep: int = 60) -> list[tuple[float, float]]:
    """Candidate label positions inside an area, best first (far from trusts and the edge)."""
    x0, y0, x1, y1 = geom.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    cand = shapely.points(gx.ravel(), gy.ravel())
    cand = cand[shapely.contains(geom, cand)]
    if not len(cand):
        return []
    cx, cy = shapely.get_x(cand), shapely.get_y(cand)
    edge = shapely.distance(geom.boundary, cand)
    if len(xy[0]):
        d = np.hypot(cx[:, None] - xy[0][None, :], cy[:, None] - xy[1][None, :]).min(axis=1)
    else:
        d = np.full(len(cand), np.inf)
    order = np.argsort(-np.minimum(d, 1.5 * edge))[:keep]
    return [(float(cx[i]), float(cy[i])) for i in order]


def _fit(bounds, ratio: float):
    """Grow bounds around their centre to the axes' width/height ratio (true scale, no stretch)."""
    x0, y0, x1, y1 = bounds
    w, h = x1 - x0, y1 - y0
    if w / h < ratio:
        grow = (h * ratio - w) / 2
        return x0 - grow, y0, x1 + grow, y1
    grow = (w / ratio - h) / 2
    return x0, y0 - grow, x1, y1 + grow


def _header(fig: Figure, text: MapText) -> float:
    """Title and subtitle (highlighted when the weights are not official); returns the header's
    bottom edge so the map starts below however many lines it took."""
    title_lines = textwrap.wrap(plain_text(text.title), 80) or [""]
    _text(
        fig,
        0.02,
        0.965,
        "\n".join(title_lines),
        fontsize=24,
        fontweight="bold",
        color=ui.NHS_TEXT,
        va="top",
        linespacing=1.1,
    )
    y = 0.965 - 0.042 * len(title_lines) - 0.008
    sub = _text(
        fig,
        0.02,
        y,
        "\n".join(textwrap.wrap(plain_text(text.subtitle), 150)),
        fontsize=13,
        color=ui.NHS_DARK_GREY,
        va="top",
    )
    if not text.official:
        sub.set_bbox(
            {
                "boxstyle": "round,pad=0.35",
                "facecolor": "#FFF3C4",
                "edgecolor": ui.NHS_WARM_YELLOW,
                "linewidth": 1.5,
            }
        )
    header_bottom = y - 0.03 * (1 + text.subtitle.count("\n") + len(text.subtitle) // 150) - 0.02
    return header_bottom


def _segment_points(ax, xy, seg: np.ndarray, size: float) -> None:
    """The trusts by segment, S5 last so it sits on top, with the S4 outer ring as a cue
    beyond shade (as on the app's map)."""
    order = [1, 2, 3, 4, 0, 5]  # S5 last, on top
    for s in order:
        style = ui.segment_style(s) if s else ui.NO_SEGMENT
        pick = np.isnan(seg) if s == 0 else seg == s
        if not pick.any():
            continue
        if style.ring:  # the outer ring (S4): a cue beyond shade, as on the app's map
            ax.scatter(
                xy[0][pick],
                xy[1][pick],
                s=size * 1.9,
                facecolor="none",
                edgecolor=style.ring,
                linewidths=2.0,
                zorder=4,
            )
        ax.scatter(
            xy[0][pick],
            xy[1][pick],
            s=size * (1.45 if s == 5 else 1.0),
            facecolor=style.fill,
            edgecolor=style.outline,
            linewidths=style.outline_width * (1.0 if s == 5 else 0.9),
            zorder=4 + (s == 5),
        )


def _trust_labels(located: pd.DataFrame, seg: np.ndarray) -> tuple[list, list[str], str]:
    """Labels per trust, the numbered key and its title.

    Names when few; else numbers in league order with a key beside the legend (every trust up
    to MAX_KEY_LABELS, else those in segment 5, the ones a board asks about)."""
    key: list[str] = []
    key_title = ""
    labels: list[str | None] = []
    by_rank = list(
        np.lexsort((located["trust_name"].to_numpy(str), located["rank"].to_numpy(float)))
        if "rank" in located
        else range(len(located))
    )
    if 0 < len(located) <= MAX_NAME_LABELS:
        labels = [
            f"{ui.segment_style(sg).label}  "
            + textwrap.shorten(short_name(n), 46, placeholder="...")
            for n, sg in zip(located["trust_name"], seg, strict=True)
        ]
    elif len(located) <= MAX_KEY_LABELS or (seg == 5).any():
        numbered = (
            by_rank if len(located) <= MAX_KEY_LABELS else [i for i in by_rank if seg[i] == 5]
        )
        number = {i: k + 1 for k, i in enumerate(numbered)}
        key = [
            f"{number[i]}  {textwrap.shorten(short_name(located['trust_name'].iloc[i]), 34, placeholder='...')}"
            + (f" ({ui.segment_style(seg[i]).label})" if len(located) <= MAX_KEY_LABELS else "")
            for i in numbered
        ]
        key_title = (
            "Trusts, numbered in league order"
            if len(located) <= MAX_KEY_LABELS
            else "Segment 5 trusts, numbered in league order"
        )
        labels = [str(number[i]) if i in number else None for i in range(len(located))]
    return labels, key, key_title


def _segment_legend(lg, seg: np.ndarray, *, compact: bool) -> float:
    """The segment legend, only the segments present, with counts (and meanings unless compact,
    to leave room for the numbered key); returns the y where the notes go."""
    _text(lg, 0.0, 0.97, "Segment", fontsize=15, fontweight="bold", color=ui.NHS_TEXT, va="top")
    counts = pd.Series(seg).value_counts(dropna=False)
    # Only the segments present: an empty "0 trusts" row tells a board nothing.
    rows = [(s, ui.segment_style(s)) for s in range(1, 6) if counts.get(float(s), 0)]
    if np.isnan(seg).any():
        rows.append((0, ui.NO_SEGMENT))
    yy = 0.89 if compact else 0.87
    for s, style in rows:
        n = int(np.isnan(seg).sum()) if s == 0 else int(counts.get(float(s), 0))
        if style.ring:
            lg.scatter(
                [0.04],
                [yy],
                s=360,
                facecolor="none",
                edgecolor=style.ring,
                linewidths=2.0,
                clip_on=False,
            )
        lg.scatter(
            [0.04],
            [yy],
            s=260 if s == 5 else 190,
            facecolor=style.fill,
            edgecolor=style.outline,
            linewidths=style.outline_width + 0.5,
            clip_on=False,
        )
        _text(
            lg, 0.1, yy, style.label, fontsize=14, fontweight="bold", color=ui.NHS_TEXT, va="center"
        )
        meaning = style.meaning.split(":", 1)[-1].strip() if ":" in style.meaning else ""
        count = f"{n} trust{'s' if n != 1 else ''}"
        if compact:  # compact: one line per segment, so the numbered key fits below
            short = " · intensive support" if s == 5 else ""
            _text(lg, 0.22, yy, count + short, fontsize=13, color=ui.NHS_TEXT, va="center")
            yy -= 0.068
            continue
        _text(lg, 0.22, yy + 0.012, count, fontsize=13, color=ui.NHS_TEXT, va="bottom")
        if meaning:
            _text(
                lg,
                0.22,
                yy - 0.008,
                textwrap.fill(meaning, 44),
                fontsize=10.5,
                color=ui.NHS_DARK_GREY,
                va="top",
            )
        yy -= 0.1
    return yy


def _numbered_key(fig: Figure, lg, note_text, key: list[str], key_title: str) -> None:
    """The numbered trust key in two columns, below wherever the notes ended."""
    renderer = fig.canvas.get_renderer()
    bottom = lg.transAxes.inverted().transform(note_text.get_window_extent(renderer))[0][1]
    top = bottom - 0.03
    _text(lg, 0.0, top, key_title, fontsize=11, fontweight="bold", color=ui.NHS_TEXT, va="top")
    rows = -(-len(key) // 2)
    step = min(0.032, (top - 0.045) / max(rows, 1))
    for k, entry in enumerate(key):
        col, row = divmod(k, rows)
        _text(
            lg,
            0.52 * col,
            top - 0.045 - row * step,
            entry,
            fontsize=9.5,
            color=ui.NHS_TEXT,
            va="top",
        )


def _footer(fig: Figure, text: MapText) -> None:
    """The stamp (data dates, weights, attribution) along the bottom edge."""
    footer = [textwrap.fill(plain_text(line), 185) for line in text.footer]
    _text(
        fig,
        0.02,
        0.012,
        "\n".join(footer),
        fontsize=10.5,
        color=ui.NHS_DARK_GREY,
        va="bottom",
        linespacing=1.25,
    )


def map_figure(
    points: pd.DataFrame,
    areas: gpd.GeoDataFrame | None,
    text: MapText,
    *,
    focus_code: str | None = None,
    context_points: pd.DataFrame | None = None,
    size_px: tuple[int, int] = SIZE_PX,
    dpi: int = DPI,
) -> Figure:
    """The map as a matplotlib Figure (no pyplot state, so it is safe in a server thread).

    `points`: the trusts in view (trust_name, lat, lon, segment, final_segment); rows without a
    location are listed in the side panel instead. `areas`: a boundary layer (code, name, geometry,
    EPSG:4326). `focus_code` outlines one area and zooms to it. `context_points`: trusts of the
    same type outside the focus, drawn small and grey.
    """
    fig = Figure(figsize=(size_px[0] / dpi, size_px[1] / dpi), dpi=dpi, facecolor=ui.NHS_WHITE)
    FigureCanvasAgg(fig)

    located = points.dropna(subset=["lat", "lon"])
    unplaced = points[points["lat"].isna() | points["lon"].isna()]
    xy = _project(located)
    seg = shown_segment(located).to_numpy(dtype=float, na_value=np.nan)

    if areas is None:
        areas = gpd.GeoDataFrame({"code": [], "name": []}, geometry=[], crs="EPSG:4326")
    areas_bng = areas.to_crs(CRS) if len(areas) else areas
    focus = (
        areas_bng[areas_bng["code"] == focus_code]
        if focus_code and len(areas)
        else areas_bng.iloc[:0]
    )

    header_bottom = _header(fig, text)

    # ---- map: as wide as the area needs (up to 60% of the figure), legend right beside it
    height = header_bottom - 0.11
    bounds = _extent(areas_bng, focus, xy)
    natural = (bounds[2] - bounds[0]) / (bounds[3] - bounds[1])
    width = min(0.6, max(0.36, height * size_px[1] * natural / size_px[0]))
    box = (0.02, 0.1, width, height)
    ax = fig.add_axes(box)
    ax.set_axis_off()
    if len(areas_bng):
        others = areas_bng if not len(focus) else areas_bng[areas_bng["code"] != focus_code]
        others.plot(ax=ax, facecolor=AREA_FACE, edgecolor=ui.NHS_WHITE, linewidth=1.2)
        if len(focus):
            focus.plot(ax=ax, facecolor=FOCUS_FACE, edgecolor=ui.NHS_DARK_BLUE, linewidth=2.2)
    x0, y0, x1, y1 = _fit(bounds, box[2] * size_px[0] / (box[3] * size_px[1]))
    span = max(x1 - x0, y1 - y0)
    zoomed = span < 350_000
    halo = [patheffects.withStroke(linewidth=3, foreground=ui.NHS_WHITE)]

    n_context = 0
    if context_points is not None and len(context_points):
        cp = context_points.dropna(subset=["lat", "lon"])
        cx, cy = _project(cp)
        inside = (cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)
        n_context = int(inside.sum())
        ax.scatter(cx, cy, s=22, color=ui.NHS_MID_GREY, alpha=0.7, linewidths=0, zorder=3)

    _segment_points(ax, xy, seg, 170 if zoomed else 80)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")
    labels, key, key_title = _trust_labels(located, seg)
    taken: list = []
    if labels:
        taken = _place_labels(ax, xy, labels, right_half=(x0 + x1) / 2, halo=halo)
    if 0 < len(areas_bng) <= 10 and not zoomed:  # name the regions on an England map
        _area_labels(ax, areas_bng, xy, halo, taken)

    # ---- legend and notes on the right
    lg = fig.add_axes((box[0] + width + 0.04, 0.1, 0.34, height))
    lg.set_axis_off()
    lg.set_xlim(0, 1)
    lg.set_ylim(0, 1)
    yy = _segment_legend(lg, seg, compact=bool(key))
    notes = ["Darker blue = broader range of challenges (NHS England's segments 1-4)."]
    if (seg == 5).any():
        notes.append("S5 trusts: " + s5_note(located))
    if n_context:
        lg.scatter(
            [0.04], [yy], s=40, color=ui.NHS_MID_GREY, alpha=0.7, linewidths=0, clip_on=False
        )
        _text(
            lg,
            0.1,
            yy,
            "Other trusts of this type, outside the focus area",
            fontsize=11,
            color=ui.NHS_DARK_GREY,
            va="center",
        )
        yy -= 0.07
    if len(unplaced):
        names = ", ".join(plain_text(n) for n in unplaced["trust_name"].head(4))
        more = f" and {len(unplaced) - 4} more" if len(unplaced) > 4 else ""
        notes.append(f"Not on the map (no location): {names}{more}.")
    note_text = _text(
        lg,
        0.0,
        yy - 0.01,
        "\n".join(textwrap.fill(n, 58) for n in notes),
        fontsize=10.5,
        color=ui.NHS_DARK_GREY,
        va="top",
        linespacing=1.3,
    )
    if key:
        _numbered_key(fig, lg, note_text, key, key_title)

    _footer(fig, text)
    return fig


def render_png(
    points: pd.DataFrame,
    areas: gpd.GeoDataFrame | None,
    text: MapText,
    *,
    focus_code: str | None = None,
    context_points: pd.DataFrame | None = None,
    size_px: tuple[int, int] = SIZE_PX,
    dpi: int = DPI,
) -> bytes:
    """PNG bytes of `map_figure`, exactly `size_px`, with the stamp also in the PNG metadata."""
    fig = map_figure(
        points,
        areas,
        text,
        focus_code=focus_code,
        context_points=context_points,
        size_px=size_px,
        dpi=dpi,
    )
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        dpi=dpi,
        metadata={
            "Title": plain_text(text.title),
            "Description": " | ".join(plain_text(x) for x in [text.subtitle, *text.footer]),
            "Copyright": ui.ATTRIBUTION,
            "Software": ui.APP_TITLE,
        },
    )
    return buf.getvalue()


def map_text(title: str, stamp) -> MapText:
    """Title, subtitle (release and weights note) and footer (files, data dates, attribution)
    from an exports.Stamp."""
    return MapText(
        title=title,
        subtitle=f"{stamp.release}. {stamp.weights_note}",
        footer=[x for x in (stamp.files, stamp.data_dates, stamp.attribution) if x],
        official=stamp.official,
    )

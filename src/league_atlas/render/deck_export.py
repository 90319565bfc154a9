"""The current view as a PowerPoint deck: title, map, table, key messages, method and sources.

Built with python-pptx from plain values, so nothing from a data file can become markup: every
string is set as literal run text (python-pptx escapes it for XML) after control characters are
dropped. 16:9 slides, NHS colours and a readable type size; every slide carries a footer with the
release and the weights note, and the first and last slides carry the full stamp.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from league_atlas.views import presentation as ui
from league_atlas.views.exports import Stamp, plain_text

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
TABLE_ROWS = 15  # at most; fewer when long names wrap
TABLE_COLUMNS = 7
FONT = "Arial"
BOLD = 1.08  # bold Arial is about this much wider than regular
SOURCE_PT = 12  # sources, stamps and notes: never smaller (readable from the back of a room)
# Layouts of python-pptx's default template with a title placeholder.
TITLE_SLIDE, TITLE_ONLY = 0, 5
# Columns a slide table prefers, by their display labels (first found in each group wins).
SLIDE_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("Rank (current weights)", "Rank", "Official rank"),
    ("Trust",),
    ("ODS code",),
    ("Segment (current weights)", "Segment"),
    ("Score (current weights)", "Average score (1 best - 4 worst)"),
    ("Official rank",),
    ("Rank change", "Rank change (places, + = better)"),
    ("NHS region",),
)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor(*ui.hex_to_rgb(hex_colour))


def _box(
    slide,
    left,
    top,
    width,
    height,
    paragraphs: Sequence[str],
    *,
    size=18,
    bold=False,
    colour=ui.NHS_TEXT,
    bullets=False,
    fill: str | None = None,
    align=PP_ALIGN.LEFT,
):
    """A text box with one paragraph per string (literal text, never parsed)."""
    shape = slide.shapes.add_textbox(left, top, width, height)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    if fill:
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(fill)
    for i, text in enumerate(paragraphs):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        run = p.add_run()
        run.text = ("•  " if bullets else "") + plain_text(text)
        f = run.font
        f.name, f.size, f.bold, f.color.rgb = FONT, Pt(size), bold, _rgb(colour)
        if bullets:
            p.space_after = Pt(10)
    return shape


def fit_size(
    paragraphs: Sequence[str],
    width_in: float,
    height_in: float,
    *,
    sizes=(18, 16, 14, 12, 11, 10),
    gap_pt: float = 10,
    bullet: str = "•  ",
) -> int:
    """The largest type size at which the paragraphs fit the box (word-wrapped, with gaps).

    Bold text is about 8% wider than the regular metrics measured here, hence the margin.
    """
    for size in sizes:
        lines = sum(
            _lines(bullet + plain_text(p), (width_in - 0.2) / BOLD, size) for p in paragraphs
        )
        if lines * size * 1.2 / 72 + len(paragraphs) * gap_pt / 72 + 0.1 <= height_in:
            return size
    return sizes[-1]


def _set_title(
    slide,
    text: str,
    box: tuple,
    *,
    size: int,
    colour: str = ui.NHS_TEXT,
) -> None:
    """Write the slide's real title placeholder (PowerPoint's outline, accessibility checker and
    screen readers take the slide title from it), placed and styled like the rest of the deck."""
    ph = slide.shapes.title
    ph.left, ph.top, ph.width, ph.height = box
    tf = ph.text_frame
    tf.clear()
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = Inches(0.1)
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = plain_text(text)
    f = run.font
    f.name, f.size, f.bold, f.color.rgb = FONT, Pt(size), True, _rgb(colour)


def _title(slide, text: str, *, official: bool, stamp: Stamp) -> None:
    band = slide.shapes.add_shape(1, 0, 0, SLIDE_W, Inches(0.12))  # 1 = rectangle
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(ui.NHS_BLUE)
    band.line.fill.background()
    size = fit_size([text], 12.3, 0.8, sizes=(28, 24, 22, 20), gap_pt=0, bullet="")
    _set_title(slide, text, (Inches(0.5), Inches(0.25), Inches(12.3), Inches(0.85)), size=size)
    note = stamp.weights_note
    _box(
        slide,
        Inches(0.5),
        Inches(6.9),
        Inches(12.3),
        Inches(0.5),
        [f"{stamp.release} · {note}"],
        size=SOURCE_PT,
        colour=ui.NHS_DARK_GREY,
        fill=None if official else "#FFF3C4",
    )


def slide_columns(table: pd.DataFrame, limit: int = TABLE_COLUMNS) -> list[str]:
    """The table's columns to show on a slide: preferred labels first, else the first columns."""
    chosen: list[str] = []
    for group in SLIDE_COLUMNS:
        hit = next((c for c in group if c in table.columns and c not in chosen), None)
        if hit:
            chosen.append(hit)
    if len(chosen) < 3:
        chosen = [str(c) for c in table.columns]
    return chosen[:limit]


def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    return plain_text(v)


@cache
def _font():
    """A font with Arial's metrics (Liberation Sans) to measure text, or any sans as a fallback."""
    from matplotlib import font_manager
    from PIL import ImageFont

    path = font_manager.findfont(
        font_manager.FontProperties(family=["Liberation Sans", "DejaVu Sans"])
    )
    return ImageFont.truetype(path, 100)


def text_width_in(text: str, size_pt: float) -> float:
    """Rendered width of one line of text in inches at `size_pt` (Arial metrics)."""
    return _font().getlength(text) / 100 * size_pt / 72


def _lines(text: str, width_in: float, size_pt: float) -> int:
    """How many lines word wrapping needs for `text` in a box `width_in` wide."""
    lines, current = 1, ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and text_width_in(trial, size_pt) > width_in:
            lines, current = lines + 1, word
        else:
            current = trial
    return lines


def table_layout(
    table: pd.DataFrame, *, width_in: float, height_in: float, size_pt: float, max_rows: int
) -> tuple[list[str], list[float], list[float]]:
    """Columns, column widths and row heights (inches) so the top rows fit the space given.

    Widths follow each column's widest text (headers may wrap onto two lines); rows are added
    while the table still fits `height_in`, so long trust names wrap instead of overflowing.
    """
    cols = slide_columns(table)
    body = [
        [_cell_text(v) for v in row] for row in table[cols].head(max_rows).itertuples(index=False)
    ]
    pad = 0.2
    need = []
    for j, c in enumerate(cols):
        # Headers are bold (about 8% wider) and may wrap onto two lines.
        head = max(text_width_in(w, size_pt) for w in str(c).split()) * BOLD + pad
        half = text_width_in(str(c), size_pt) * BOLD / 2 + pad
        cells = [text_width_in(r[j], size_pt) + pad for r in body] or [0.0]
        need.append(max(head, half * 1.15, max(cells)))
    total = sum(need)
    if total > width_in:  # squeeze the widest column (the trust name) first
        widest = max(range(len(need)), key=need.__getitem__)
        need[widest] = max(need[widest] - (total - width_in), 1.5)
    widths = [w * width_in / sum(need) for w in need]
    line = size_pt * 1.2 / 72

    def height(cells: list[str], bold: bool = False) -> float:
        scale = BOLD if bold else 1.0
        return (
            max(_lines(t, (w - pad) / scale, size_pt) for t, w in zip(cells, widths, strict=True))
            * line
            + 0.08
        )

    heights = [height([str(c) for c in cols], bold=True)]
    for r in body:
        h = height(r)
        if sum(heights) + h > height_in:
            break
        heights.append(h)
    return cols, widths, heights


def _table(slide, table: pd.DataFrame, rows: int, size_pt: float = 12) -> int:
    """A real pptx table of the top rows; returns how many data rows fitted."""
    cols, widths, heights = table_layout(
        table, width_in=12.3, height_in=5.35, size_pt=size_pt, max_rows=rows
    )
    top = table[cols].head(len(heights) - 1)
    shape = slide.shapes.add_table(
        len(heights), len(cols), Inches(0.5), Inches(1.2), Inches(12.3), Inches(sum(heights))
    )
    tbl = shape.table
    for j, w in enumerate(widths):
        tbl.columns[j].width = Emu(int(Inches(w)))
    for i, h in enumerate(heights):
        tbl.rows[i].height = Emu(int(Inches(h)))
        for j, c in enumerate(cols):
            cell = tbl.cell(i, j)
            cell.text = plain_text(c) if i == 0 else _cell_text(top.iloc[i - 1][c])
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            cell.margin_left = cell.margin_right = Inches(0.1)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            for run in cell.text_frame.paragraphs[0].runs:
                run.font.name, run.font.size, run.font.bold = FONT, Pt(size_pt), i == 0
                run.font.color.rgb = _rgb(ui.NHS_WHITE if i == 0 else ui.NHS_TEXT)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(
                ui.NHS_DARK_BLUE if i == 0 else (ui.NHS_GREY_5 if i % 2 else ui.NHS_WHITE)
            )
    return len(heights) - 1


def _pages(paragraphs: Sequence[str], width_in: float, height_in: float) -> list[list[str]]:
    """Split paragraphs into groups that each fit the box at SOURCE_PT (one slide each)."""
    pages: list[list[str]] = [[]]
    for para in paragraphs:
        trial = [*pages[-1], para]
        if pages[-1] and not _fits(trial, width_in, height_in):
            pages.append([para])
        else:
            pages[-1] = trial
    return [p for p in pages if p]


def _fits(paragraphs: Sequence[str], width_in: float, height_in: float) -> bool:
    lines = sum(_lines(plain_text(p), (width_in - 0.2) / BOLD, SOURCE_PT) for p in paragraphs)
    return lines * SOURCE_PT * 1.2 / 72 + len(paragraphs) * 6 / 72 + 0.1 <= height_in


def _set_properties(prs, title: str, stamp: Stamp) -> None:
    """The file's document properties carry the stamp too, so a copied deck still says what it is."""
    core = prs.core_properties
    core.title = plain_text(title)[:250]
    core.subject = plain_text(stamp.release)[:250]
    core.comments = plain_text(stamp.weights_note)[:255]
    core.keywords = plain_text(stamp.data_dates)[:255]
    core.author = ui.APP_TITLE
    core.created = datetime.now(UTC).replace(tzinfo=None)


def _title_slide(prs, title: str, stamp: Stamp) -> None:
    """Slide 1: the title on the NHS blue band, with the whole stamp beneath it."""
    official = stamp.official
    s = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE])
    for ph in list(s.placeholders):  # the title slide's subtitle is drawn as a plain box below
        if ph.placeholder_format.idx != 0:
            ph.element.getparent().remove(ph.element)
    band = s.shapes.add_shape(1, 0, 0, SLIDE_W, Inches(2.9))
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(ui.NHS_BLUE)
    band.line.fill.background()
    # The band is drawn first: move the title placeholder above it in the z-order.
    tree, heading = s.shapes._spTree, s.shapes.title.element
    tree.remove(heading)
    tree.append(heading)
    _set_title(
        s,
        title,
        (Inches(0.7), Inches(0.6), Inches(12), Inches(1.45)),
        size=fit_size([title], 12, 1.45, sizes=(36, 32, 28, 24, 20), gap_pt=0, bullet=""),
        colour=ui.NHS_WHITE,
    )
    _box(
        s,
        Inches(0.7),
        Inches(2.1),
        Inches(12),
        Inches(0.6),
        [stamp.release],
        size=18,
        colour=ui.NHS_WHITE,
    )
    _box(
        s,
        Inches(0.7),
        Inches(3.3),
        Inches(12),
        Inches(0.8),
        [stamp.weights_note],
        size=20,
        bold=not official,
        fill=None if official else "#FFF3C4",
    )
    _box(
        s,
        Inches(0.7),
        Inches(4.4),
        Inches(12),
        Inches(2.6),
        [x for x in (stamp.files, stamp.data_dates, stamp.attribution) if x],
        size=SOURCE_PT,
        colour=ui.NHS_DARK_GREY,
    )
    _box(
        s,
        Inches(0.7),
        Inches(6.8),
        Inches(12),
        Inches(0.4),
        [f"Made with {ui.APP_TITLE} on {datetime.now(UTC):%d %B %Y}"],
        size=SOURCE_PT,
        colour=ui.NHS_MID_GREY,
    )


def _map_slide(prs, titled, title: str, map_png: bytes, stamp: Stamp) -> None:
    """Slide 2: the map PNG (16:10) as large as the slide allows, with alternative text."""
    official = stamp.official
    s = prs.slides.add_slide(titled)
    _title(s, "Map: trusts by segment", official=official, stamp=stamp)
    h = Inches(5.75)
    w = Emu(int(h * 1.6))
    pic = s.shapes.add_picture(io.BytesIO(map_png), int((SLIDE_W - w) / 2), Inches(1.15), w, h)
    # Alternative text for screen readers and PowerPoint's accessibility checker.
    pic._element.nvPicPr.cNvPr.set("descr", plain_text(f"Map. {title}. {stamp.release}.")[:1000])


def _table_slide(prs, titled, table: pd.DataFrame, table_rows: int, stamp: Stamp) -> None:
    """Slide 3: the top of the table, saying how many rows are left for the CSV."""
    official = stamp.official
    s = prs.slides.add_slide(titled)
    if len(table):
        shown = _table(s, table, table_rows)
        heading = (
            f"League table: top {shown} of {len(table)}"
            if shown < len(table)
            else f"League table: {len(table)} {'trust' if len(table) == 1 else 'trusts'} in view"
        )
        _title(s, heading, official=official, stamp=stamp)
        if len(table) > shown:
            _box(
                s,
                Inches(0.5),
                Inches(6.6),
                Inches(12.3),
                Inches(0.35),
                [f"{len(table) - shown} more rows in the CSV export."],
                size=SOURCE_PT,
                colour=ui.NHS_DARK_GREY,
            )
    else:
        _title(s, "League table", official=official, stamp=stamp)
        _box(s, Inches(0.5), Inches(1.4), Inches(12.3), Inches(1), ["No trusts in this view."])


def _bullet_slide(
    prs, titled, heading: str, lines: Sequence[str], height_in: float, stamp: Stamp
) -> None:
    """Slides 4 and 5 (key messages, method): bullets at the largest size that fits."""
    s = prs.slides.add_slide(titled)
    _title(s, heading, official=stamp.official, stamp=stamp)
    size = fit_size(lines, 12.1, height_in, sizes=(20, 18, 16, 14, 12))
    _box(
        s,
        Inches(0.6),
        Inches(1.3),
        Inches(12.1),
        Inches(height_in),
        list(lines),
        size=size,
        bullets=True,
    )


def _sources_slides(prs, titled, attributions: Sequence[str], stamp: Stamp) -> None:
    """Sources and licences at SOURCE_PT or more, continued on further slides when long."""
    official = stamp.official
    credits = [*attributions, stamp.data_dates]
    parts = _pages(credits, 12.1, 5.4)
    size = min(
        fit_size(part, 12.1, 5.4, sizes=(16, 14, 13, SOURCE_PT), gap_pt=6, bullet="")
        for part in parts
    )
    for k, part in enumerate(parts):
        s = prs.slides.add_slide(titled)
        _title(
            s,
            "Sources and licences" + (" (continued)" if k else ""),
            official=official,
            stamp=stamp,
        )
        _box(
            s,
            Inches(0.6),
            Inches(1.3),
            Inches(12.1),
            Inches(5.4),
            part,
            size=size,
            colour=ui.NHS_DARK_GREY,
        )


def build_pptx(
    *,
    title: str,
    map_png: bytes,
    table: pd.DataFrame,
    messages: Sequence[str],
    method: Sequence[str],
    attributions: Sequence[str],
    stamp: Stamp,
    table_rows: int = TABLE_ROWS,
) -> bytes:
    """The five-slide deck as .pptx bytes.

    `table` is the current table with display column labels, already in display order;
    `messages` from exports.key_messages, `method` from exports.method_lines, `attributions`
    the sources' attribution lines.
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    titled = prs.slide_layouts[TITLE_ONLY]
    _set_properties(prs, title, stamp)
    _title_slide(prs, title, stamp)
    _map_slide(prs, titled, title, map_png, stamp)
    _table_slide(prs, titled, table, table_rows, stamp)
    _bullet_slide(prs, titled, "Key messages", messages, 5.5, stamp)
    _bullet_slide(prs, titled, "Method", method, 5.4, stamp)
    _sources_slides(prs, titled, attributions, stamp)

    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()

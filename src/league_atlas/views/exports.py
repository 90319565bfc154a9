"""Exports of the current view (CSV here; PNG in static_map, PowerPoint in deck_export) and the
provenance every export and the About page carry.

Every export is stamped with the release and data dates, the weights in use (and "not the official
NOF table" when they differ) and the attribution. CSV cells that a spreadsheet would run as a
formula (starting with =, +, -, @, tab or carriage return) are neutralised with a leading apostrophe
(OWASP CSV injection guidance), because trust names and descriptions come from data files.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from league_atlas.scoring.weights import Weights
from league_atlas.views import explorer, status
from league_atlas.views import presentation as ui
from league_atlas.views.explorer import shown_segment
from league_atlas.views.status import NOT_OFFICIAL, method_changes  # noqa: F401 (re-exported)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 controls (except tab and newline) and DEL cannot go into an XML slide or a CSV line safely.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would treat as a formula; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and header) made safe to open in a spreadsheet."""
    out = df.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


def stamp_lines(
    *, release: str, weights_note: str, attribution: str, extra: list[str] | None = None
) -> list[str]:
    """The provenance lines every export carries."""
    return [release, weights_note, *(extra or []), attribution]


def to_csv_bytes(df: pd.DataFrame, stamp: list[str] | None = None) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads the pound sign and accents), stamp as leading '#' lines.

    Read it back with `pd.read_csv(f, comment="#")`.
    """
    buf = io.StringIO()
    for line in stamp or []:
        buf.write("# " + str(line).replace("\n", " ") + "\n")
    neutralise_formulas(df).to_csv(buf, index=False, lineterminator="\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def plain_text(value: object) -> str:
    """Data text made safe to place in a slide or an image: a string without control characters.

    Nothing is interpreted: markup such as <b> or $x$ stays literal (the renderers are told not to
    parse it); only characters that XML and fonts cannot carry are dropped.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _CONTROL.sub("", str(value))


# ------------------------------------------------------------------ what the view is


def view_status(
    weights_note: str, *, weights_official: bool, financial_override: bool, segment_method: str
) -> tuple[bool, str]:
    """(official?, the sentence every export prints about it), for operator-added data.

    `weights_note` is explorer.weights_note(...). The decision lives in views.status (which also
    knows private uploads); use status.view_status when the store is at hand.
    """
    s = status.describe(
        weights_note,
        weights_official=weights_official,
        changes=method_changes(
            financial_override=financial_override, segment_method=segment_method
        ),
    )
    return s.official, s.text


@dataclass(frozen=True)
class Stamp:
    """Provenance of one export: what release, which data dates, which weights, whose data."""

    release: str  # "NHS Oversight Framework Q1 2025/26, Acute trusts, England"
    files: str  # "release file X.csv (fetched 2026-01-02)"
    data_dates: str
    weights_note: str
    official: bool
    attribution: str

    def lines(self) -> list[str]:
        return stamp_lines(
            release="; ".join(p for p in (self.release, self.files) if p),
            weights_note=self.weights_note,
            attribution=self.attribution,
            extra=[self.data_dates],
        )


def reporting_periods(metrics: pd.DataFrame, trust_type: str, quarter: str, top: int = 3) -> str:
    """The metric reporting periods behind one table, most common first (as published)."""
    m = metrics[(metrics["trust_type"] == trust_type) & (metrics["quarter"] == quarter)]
    dates = [str(d).strip() for d in m["reporting_date"].dropna() if str(d).strip()]
    if not dates:
        return "metric reporting periods not stated in the release"
    counts = Counter(dates).most_common()
    shown = ", ".join(d for d, _ in counts[:top])
    more = f" ({len(counts)} different periods in all)" if len(counts) > top else ""
    return f"metric reporting periods as published, most often {shown}{more}"


def make_stamp(
    *,
    manifest: dict,
    release_rows: pd.DataFrame,
    metrics: pd.DataFrame,
    trust_type: str,
    quarter: str,
    where: str,
    release_ids: tuple[str, ...],
    weights_note: str,
    official: bool,
    attribution: str = ui.ATTRIBUTION,
) -> Stamp:
    """The stamp for a view of one trust type and quarter, from the store's own records."""
    files = status.release_label(release_rows, release_ids, manifest)
    type_label = ui.TRUST_TYPE_LABELS.get(trust_type, trust_type)
    release = f"NHS Oversight Framework {quarter}, {type_label}, {where}"
    data_dates = (
        f"Data dates: {reporting_periods(metrics, trust_type, quarter)}; "
        f"store built {str(manifest.get('built_at', ''))[:10] or 'date unknown'}."
    )
    return Stamp(
        release=plain_text(release),
        files=plain_text(("release file " + files) if files else ""),
        data_dates=plain_text(data_dates),
        weights_note=weights_note,
        official=official,
        attribution=attribution,
    )


def file_stem(trust_type: str, quarter: str, where: str, *, official: bool) -> str:
    """A file name stem that says what the export shows (and that it is re-weighted)."""
    parts = ["league-atlas", trust_type, quarter, where] + ([] if official else ["reweighted"])
    return re.sub(r"[^a-z0-9]+", "-", " ".join(parts).lower()).strip("-")


# ------------------------------------------------------------------ the table behind the map

# Key columns first (position, trust, segment, move, why), then the detail.
BOARD_TABLE_COLUMNS = [
    "rank",
    "trust_name",
    "segment_label",
    "rank_change_text",
    "why",
    "average_score",
    "official_rank",
    "likely_rank",
    "trust_code",
    "region_name",
    "icb23_name",
    "on_map",
]


def board_table(shown: pd.DataFrame) -> pd.DataFrame:
    """The table behind the map, as the map page shows it and every export carries it: one row
    per trust in view, in league order, with display labels."""
    from league_atlas.views.narrative import rank_reasons

    approx = (
        shown["location_approximate"].fillna(False).astype(bool)
        if "location_approximate" in shown
        else pd.Series(False, index=shown.index)
    )
    df = shown.assign(
        on_map=np.where(
            ~shown["on_map"].astype(bool),
            "not on map",
            np.where(approx, "yes (approximate location)", "yes"),
        ),
        why=rank_reasons(shown),
    )
    df = df.sort_values(["rank", "trust_code"])
    cols = [c for c in BOARD_TABLE_COLUMNS if c in df.columns]
    return (
        df[cols]
        .rename(columns=ui.COLUMN_LABELS)
        .rename(
            columns={"segment_label": "Segment", "rank_change_text": "Rank change", "why": "Why"}
        )
    )


# ------------------------------------------------------------------ words for a board


def trusts_phrase(n: int, type_label: str) -> str:
    """ "1 acute trust", "3 acute trusts": a count with its noun agreeing (never "trust(s)")."""
    plural = type_label.lower()
    singular = re.sub(r"trusts$", "trust", plural)
    return f"{n} {singular if n == 1 else plural}"


def count_phrase(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 trust", "2 trusts"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def place_name(name: str) -> str:
    """A region name as it reads in a sentence: "the Midlands", "the North West", "London"."""
    return f"the {name}" if re.match(r"(North|South|East|West|Midlands)\b", name) else name


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def board_headline(
    view_all: pd.DataFrame,
    shown: pd.DataFrame,
    *,
    where: str,
    type_label: str,
    quarter: str,
) -> str:
    """One sentence that states the finding of the view for a board, checked for sense.

    A single trust gets its own segment and position (never "0 of 1 (0%)"); an area says how
    many of its trusts are in segments 3-5 against England's share (no percentage of a handful);
    England names the region with the most segment-4 trusts only when there are some.
    """
    plural = type_label.lower()
    where = place_name(where)
    n = len(shown)
    if n == 0:
        return f"No {plural} in {where} in {quarter}"
    seg = shown_segment(shown)
    broad = int(seg.ge(3).fillna(False).sum())
    if n == 1:
        t = shown.iloc[0]
        s = seg.iloc[0]
        name = plain_text(t["trust_name"])
        if pd.isna(s):
            return f"{name} has no segment in {quarter}"
        seg_text = "segment 5 (Recovery Support Programme)" if int(s) == 5 else f"segment {int(s)}"
        pos = ""
        if pd.notna(t.get("rank")):
            pos = (
                f", league position {int(t['rank'])} of {trusts_phrase(len(view_all), type_label)}"
            )
        return f"{name} is in {seg_text}{pos}, {quarter}"
    if where == "England":
        lead = f"{broad} of England's {trusts_phrase(n, type_label)} are in segment 3, 4 or 5 in {quarter}"
        s4 = shown[seg.eq(4).fillna(False)]
        if len(s4) and "region_name" in s4:
            by_region = s4["region_name"].dropna().value_counts()
            if len(by_region) and (len(by_region) == 1 or by_region.iloc[0] > by_region.iloc[1]):
                lead += (
                    f"; {place_name(by_region.index[0])} has the most in segment 4 "
                    f"({by_region.iloc[0]} of {len(s4)})"
                )
        return lead
    eng = shown_segment(view_all).ge(3).fillna(False).mean() if len(view_all) else None
    against = f" (England: {eng:.0%})" if eng is not None else ""
    if broad == 0:
        return f"All {trusts_phrase(n, type_label)} in {where} are in segment 1 or 2, {quarter}{against}"
    if broad == n:
        return f"All {trusts_phrase(n, type_label)} in {where} are in segment 3, 4 or 5, {quarter}{against}"
    return (
        f"{broad} of the {trusts_phrase(n, type_label)} in {where} are in segment 3, 4 or 5, "
        f"{quarter}{against}"
    )


# ------------------------------------------------------------------ key messages


def _region_of(view: pd.DataFrame) -> pd.Series:
    name = view["region_name"] if "region_name" in view else pd.Series(pd.NA, index=view.index)
    if "region_label" in view:
        name = name.fillna(view["region_label"])
    return name.fillna("region unknown")


def s5_note(view: pd.DataFrame) -> str:
    """Where the segment-5 trusts sit in segments 1-4 (which their league position still uses)."""
    seg = shown_segment(view)
    under = view.loc[seg.eq(5).fillna(False), "segment"].astype("Float64").dropna().astype(int)
    parts = [f"{n} in S{k}" for k, n in sorted(under.value_counts().items())]
    if not parts:
        return "their segment 1-4 is not known."
    return "in segments 1-4 they are " + ", ".join(parts) + ", which sets their league position."


def key_messages(
    view: pd.DataFrame,
    *,
    where: str,
    type_label: str,
    quarter: str,
    official: bool,
    n_movers: int = 3,
) -> list[str]:
    """What a slide reader should take away, computed from the view (one trust per row)."""
    out: list[str] = []
    n = len(view)
    if n == 0:
        return [f"No {type_label.lower()} in {where} in {quarter}."]
    seg = shown_segment(view)
    counts = seg.value_counts()
    weights_word = "official weights" if official else "current weights"
    if n == 1:
        s = seg.iloc[0]
        out.append(
            f"{plain_text(view['trust_name'].iloc[0])}, {quarter} ({weights_word}): "
            + (f"segment {int(s)}." if pd.notna(s) else "no segment.")
        )
    else:
        # Only the segments that hold trusts: "S1 0" rows tell a board nothing.
        parts = [
            f"S{k} {int(counts.get(float(k), 0))}" for k in range(1, 6) if counts.get(float(k), 0)
        ]
        if "final_segment" in view and view["final_segment"].isna().all():
            parts.append("S5 not published this quarter")  # RSP status unknown, not zero
        missing = int(seg.isna().sum())
        if missing:
            parts.append(f"no segment {missing}")
        out.append(
            f"{trusts_phrase(n, type_label)} in {place_name(where)}, {quarter} ({weights_word}): "
            + ", ".join(parts)
            + "."
        )
    s4 = view[seg.eq(4).fillna(False)]
    if len(s4) and n > 1:
        by_region = _region_of(s4).value_counts()
        top = by_region[by_region == by_region.iloc[0]]
        regions = " and ".join(place_name(r) for r in top.index)
        if len(s4) == 1:
            out.append(f"The only segment-4 trust is in {regions}.")
        elif len(by_region) == 1:
            out.append(f"All {len(s4)} segment-4 trusts are in {regions}.")
        elif len(top) > 1:
            out.append(
                f"{_sentence_start(regions)} have the most segment-4 trusts: {top.iloc[0]} each "
                f"of {len(s4)} (S5 counted separately)."
            )
        else:
            nxt = by_region.iloc[1:2]
            out.append(
                f"{_sentence_start(regions)} has the most segment-4 trusts: {top.iloc[0]} of "
                f"{len(s4)}, then {place_name(nxt.index[0])} ({nxt.iloc[0]}) "
                "(S5 counted separately)."
            )
    s5 = int(counts.get(5.0, 0))
    if s5:
        out.append(
            f"{count_phrase(s5, 'trust is', 'trusts are')} in the Recovery Support Programme "
            "(segment 5, intensive support); " + s5_note(view)
        )
    if "financial_override" in view and "segment_unadjusted" in view:
        unadj = view["segment_unadjusted"].astype("Float64")
        capped = int((view["financial_override"].astype(bool) & unadj.lt(3).fillna(False)).sum())
        if capped:
            out.append(
                f"The financial override moved {count_phrase(capped, 'trust')} from segment 1 "
                "or 2 down to 3."
            )
    best = view.sort_values(["rank", "trust_code"]).iloc[0]
    if pd.notna(best["rank"]):
        out.append(
            f"{'Highest placed' if n > 1 else 'League position'}: {plain_text(best['trust_name'])} "
            f"(rank {int(best['rank'])}, average score {best['average_score']:.2f}, "
            "1 best - 4 worst)."
        )
    if official:
        out.append(
            "Official weights: ranks are NHS England's. Re-weighting in League Atlas shows how "
            "sensitive each rank is to that choice."
        )
    else:
        movers = explorer.moved_most(view, n_movers)
        movers = movers[movers["rank_change"].astype("Float64").fillna(0) != 0]
        if len(movers):
            out.append(
                "Biggest rank movers under the current weights: "
                + "; ".join(
                    f"{plain_text(r.trust_name)} {ui.rank_change_arrow(r.rank_change)} "
                    f"(official {int(r.official_rank)} → {int(r.rank)})"
                    for r in movers.itertuples()
                )
                + "."
            )
        changed = int(view["segment_change"].astype("Float64").fillna(0).ne(0).sum())
        out.append(
            f"{count_phrase(changed, 'trust changes', 'trusts change')} segment; the average rank moves "
            f"{explorer.average_abs_rank_shift(view):.1f} places (mean absolute shift)."
        )
    return out


def method_lines(
    weights: Weights | None, *, cut_points: str, changes: list[str] | None = None
) -> list[str]:
    """How the table was built: the NOF method in two lines, the cut-points and the weights used.

    `changes` are the method departures (see method_changes).
    """
    lines = [
        "NHS England scores each metric 1 (best) to 4, averages a trust's scores and cuts the "
        "average into segments 1-4 at cut-points read back from the release; trusts in financial "
        "deficit are capped at segment 3 and segment 5 marks the Recovery Support Programme.",
        "League position: by segment, then by average score (lower is better), within the trust type.",
        f"Segment cut-points on the average score: {cut_points}.",
    ]
    w = weights or Weights()
    changed = [f"{d} x{v:g}" for d, v in w.domains.items() if v != 1.0]
    changed += [f"{m} x{v:g}" for m, v in w.metrics.items() if v != 1.0]
    if changed:
        lines.append(
            f"Weights in use: {', '.join(changed)}; every other weight 1 ({NOT_OFFICIAL})."
        )
    else:
        lines.append("Weights in use: official (every metric counts equally, as NHS England).")
    if changes:
        lines.append(f"Method changed ({NOT_OFFICIAL}): {', '.join(changes)}.")
    return lines

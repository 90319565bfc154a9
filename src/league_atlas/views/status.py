"""Is this view the official NOF table? The one place that decides, for every page and export.

A view is official only when all three hold: the data come from releases the operator added (the
catalogue's files or `add-release`, never a visitor's private upload), the weights are NHS
England's, and the method is theirs (financial override on, the release's own cut-points). The
sentence returned here is what the page banner shows and what every export prints, so a private
view says "your file, not published" everywhere it appears.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from league_atlas.io import provenance
from league_atlas.scoring import preparation
from league_atlas.scoring.weights import Weights
from league_atlas.store.overlay import OPERATOR_ORIGINS, PRIVATE_ORIGIN
from league_atlas.views import explorer
from league_atlas.views import presentation as ui

NOT_OFFICIAL = "not the official NOF table"
PRIVATE_LABEL = "Your file, not published"


@dataclass(frozen=True)
class ViewStatus:
    """What a view is: official or not, private or not, the sentence to show, the release named."""

    official: bool
    private: bool
    text: str
    release: str  # the files behind the view, e.g. "x.csv (fetched 2026-01-02)"


def method_changes(*, financial_override: bool, segment_method: str) -> list[str]:
    """Departures from NHS England's method other than the weights."""
    changes = []
    if not financial_override:
        changes.append("financial override switched off")
    if segment_method != "release":
        changes.append("segments cut at quartiles within the trust type")
    return changes


def release_label(release_rows: pd.DataFrame, release_ids, manifest: dict | None = None) -> str:
    """The files that supply a view, each with when it was fetched or added."""
    if release_rows is None or release_rows.empty or "release_id" not in release_rows:
        return ""
    names = []
    for rid in release_ids:
        rows = release_rows[release_rows["release_id"] == rid]
        if rows.empty:
            continue
        r = rows.iloc[0]
        origin = r.get("origin")
        if origin == PRIVATE_ORIGIN:
            names.append(f"{r['file']} (your upload, not published)")
            continue
        when = (
            provenance.fetched_on(manifest or {}, r.get("source_id", ""))
            if origin == "catalogue"
            else str(r.get("added_at", ""))[:10]
        )
        verb = "fetched" if origin == "catalogue" else "added by the operator"
        names.append(f"{r['file']} ({verb} {when})" if when else f"{r['file']} ({verb})")
    return ", ".join(names)


def describe(
    weights_note: str,
    *,
    weights_official: bool,
    changes: list[str],
    operator_data: bool = True,
    private_file: str | None = None,
    release: str = "",
) -> ViewStatus:
    """The decision itself, from its parts (`weights_note` is explorer.weights_note(...))."""
    official = operator_data and private_file is None and weights_official and not changes
    if official:
        text = weights_note + (f" Release: {release}." if release else "")
        return ViewStatus(True, False, text, release)
    parts = []
    if private_file is not None:
        parts.append(
            f"{PRIVATE_LABEL}: {private_file}. A private view of your own upload that only you "
            f"can see, {NOT_OFFICIAL}."
        )
    elif not operator_data:
        parts.append(f"Data not from a release the operator added: {NOT_OFFICIAL}.")
    if not weights_official:
        parts.append(
            weights_note + (" Method changed: " + ", ".join(changes) + "." if changes else "")
        )
    elif changes:
        parts.append(f"Official weights, but {NOT_OFFICIAL}: " + ", ".join(changes) + ".")
    elif private_file is not None or not operator_data:
        parts.append("NHS England's weights and segments, applied to these data.")
    return ViewStatus(False, private_file is not None, " ".join(parts), release)


def view_status(
    prepared: preparation.Prepared,
    weights: Weights | None,
    *,
    financial_override: bool,
    segment_method: str,
    release_rows: pd.DataFrame,
    manifest: dict | None = None,
) -> ViewStatus:
    """Official or not, for one view of one trust type and quarter of a store (shared or private)."""
    weights = weights or Weights()
    ids = tuple(prepared.release_ids)
    rows = (
        release_rows[release_rows["release_id"].isin(ids)]
        if release_rows is not None and "release_id" in release_rows
        else pd.DataFrame()
    )
    origins = set(rows["origin"]) if "origin" in rows else set()
    private = rows.loc[rows["origin"] == PRIVATE_ORIGIN, "file"] if "origin" in rows else []
    return describe(
        explorer.weights_note(weights, prepared),
        weights_official=weights.is_official_for(prepared),
        changes=method_changes(
            financial_override=financial_override, segment_method=segment_method
        ),
        operator_data=bool(origins) and origins <= set(OPERATOR_ORIGINS),
        private_file=", ".join(private) if len(private) else None,
        release=release_label(rows, ids, manifest),
    )


def banner_text(status: ViewStatus, trust_type: str, quarter: str) -> str:
    """The page banner: the status sentence, naming the trust type and quarter when official."""
    if status.official:
        return (
            f"{ui.OFFICIAL_NOTE} {ui.TRUST_TYPE_LABELS.get(trust_type, trust_type)}, {quarter}"
            + (f"; release {status.release}." if status.release else ".")
        )
    return status.text

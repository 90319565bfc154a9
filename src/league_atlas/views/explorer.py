"""The explorer's view model: scores joined to places, focus areas, and what the UI must say.

The app's pages call these functions and only lay out what comes back, so every number a user sees
is computed (and tested) here, without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from league_atlas.places import locate
from league_atlas.places.registry import LayerSpec
from league_atlas.scoring import engine, preparation
from league_atlas.scoring.weights import Weights
from league_atlas.views import presentation as ui

ENGLAND = "england"
ENGLAND_LABEL = "All England"
PLACE_COLUMNS = [
    "trust_code",
    "lat",
    "lon",
    "located_by",
    "location_approximate",
    "region_source",
]


def focus_levels(layers: dict[str, LayerSpec]) -> dict[str, str]:
    """Focus level -> label: all England, then one per boundary layer (its trust field and what
    one area is called), in registry order. `layers` is Store.layers() (plus a session's own)."""
    return {ENGLAND: ENGLAND_LABEL, **{s.trust_field: s.area_name for s in layers.values()}}


def place_columns(trusts: pd.DataFrame) -> list[str]:
    """The trust-table columns a view carries: location and every layer's code and name."""
    areas = [f"{f}_{part}" for f in locate.area_fields(trusts) for part in ("code", "name")]
    cols = [c for c in PLACE_COLUMNS if c in trusts.columns] + areas
    return list(dict.fromkeys(cols))  # each column once


@dataclass(frozen=True)
class Focus:
    """Where the user is looking: all England, or one area of a boundary layer.

    `level` is the layer's trust field (the view's `<level>_code` column); `layer_id` the layer
    that draws it (default: the NHS regions for England and regions, else the level itself).
    """

    level: str = ENGLAND
    code: str = ""
    layer_id: str = ""

    @property
    def column(self) -> str | None:
        return None if self.level == ENGLAND else f"{self.level}_code"

    @property
    def layer(self) -> str:
        """The boundary layer that draws this focus level."""
        if self.layer_id:
            return self.layer_id
        return {ENGLAND: "nhs_region", "region": "nhs_region"}.get(self.level, self.level)


def focus_options(trusts: pd.DataFrame, level: str) -> dict[str, str]:
    """code -> display name for the areas of a focus level that hold at least one trust."""
    if level == ENGLAND or f"{level}_code" not in trusts.columns:
        return {}
    pairs = trusts[[f"{level}_code", f"{level}_name"]].dropna().drop_duplicates()
    pairs = pairs.sort_values(f"{level}_name")
    return dict(zip(pairs[f"{level}_code"], pairs[f"{level}_name"], strict=True))


def league_view(
    prepared: preparation.Prepared,
    trusts: pd.DataFrame,
    weights: Weights | None = None,
    *,
    financial_override: bool = True,
    segment_method: str = "release",
) -> pd.DataFrame:
    """The re-weighted league table of one trust type and quarter, joined to each trust's place.

    Every trust in the release is kept; `on_map` is False for trusts with no location, so the
    table can mark them while the map leaves them out.
    """
    table = engine.reweight(
        prepared, weights, financial_override=financial_override, segment_method=segment_method
    )
    places = trusts[place_columns(trusts)]
    out = table.merge(places, on="trust_code", how="left")
    out["on_map"] = out["lat"].notna() & out["lon"].notna()
    out["rank_change_text"] = [
        ui.rank_change_arrow(c)
        for c in out["rank_change"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ]
    out["segment_label"] = [
        ui.segment_style(s).label
        for s in out["segment"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ]
    return out.sort_values("trust_code").reset_index(drop=True)


def shown_segment(view: pd.DataFrame) -> pd.Series:
    """The segment a reader sees: 5 for Recovery Support Programme trusts, else the adjusted 1-4
    (the league position still uses the adjusted segment)."""
    seg = view["segment"].astype("Float64")
    if "final_segment" in view:
        seg = seg.mask(view["final_segment"].astype("Float64").eq(5).fillna(False), 5.0)
    return seg


def in_focus(view: pd.DataFrame, focus: Focus) -> pd.DataFrame:
    """Rows of the view inside the focus area (all rows for England)."""
    if focus.column is None or not focus.code:
        return view
    return view[view[focus.column] == focus.code]


def weights_in_use(prepared: preparation.Prepared, weights: Weights | None) -> pd.DataFrame:
    """The effective weight of every item (domain x item) and its share of the total, for display."""
    w = engine.weight_vector(prepared, weights)
    total = w.sum()
    return pd.DataFrame(
        {
            "item": prepared.item_keys,
            "label": prepared.item_labels,
            "domain": prepared.item_domains,
            "weight": w,
            "share_%": np.round(100 * w / total, 1) if total > 0 else np.nan,
        }
    )


def weights_note(weights: Weights | None, prepared: preparation.Prepared) -> str:
    """The plain statement every view shows: official, or re-weighted with what changed."""
    if weights is None or weights.is_official_for(prepared):
        return ui.OFFICIAL_NOTE
    changed = [f"{d} x{v:g}" for d, v in weights.domains.items() if v != 1.0]
    changed += [f"{m} x{v:g}" for m, v in weights.metrics.items() if v != 1.0]
    return f"{ui.REWEIGHTED_NOTE}. Weights changed: {', '.join(changed)}."


def moved_most(view: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The trusts whose rank moved most under the current weights (largest |rank change|)."""
    rc = view["rank_change"].astype("Float64").fillna(0).abs()
    return (
        view.assign(_abs=rc)
        .sort_values(["_abs", "trust_code"], ascending=[False, True])
        .head(n)
        .drop(columns="_abs")
    )


def average_abs_rank_shift(view: pd.DataFrame) -> float:
    """Saisana et al. (2005) R_S: mean |official rank - current rank| over trusts."""
    rc = view["rank_change"].astype("Float64").dropna()
    return float(rc.abs().mean()) if len(rc) else 0.0


def peer_comparison(view: pd.DataFrame, focus_view: pd.DataFrame) -> pd.DataFrame:
    """Each trust of an area against its peers (same trust type and subtype) and all England.

    Columns: trust_name, trust_code, trust_subtype, rank, peer_median_rank, peers (how many
    trusts share the subtype), england_median_rank, average_score, peer_median_score.
    """
    ranks = view.assign(
        _rank=view["rank"].astype(float), _score=view["average_score"].astype(float)
    )
    by_subtype = ranks.groupby("trust_subtype").agg(
        peer_median_rank=("_rank", "median"),
        peers=("trust_code", "size"),
        peer_median_score=("_score", "median"),
    )
    out = focus_view[["trust_name", "trust_code", "trust_subtype", "rank", "average_score"]].merge(
        by_subtype, left_on="trust_subtype", right_index=True, how="left"
    )
    out["england_median_rank"] = float(ranks["_rank"].median())
    return out.sort_values("rank").reset_index(drop=True)

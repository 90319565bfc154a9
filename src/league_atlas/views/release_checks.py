"""What an added release brought that a reader must not miss: metric ids new to the store (and
whether they enter the composite score), framework years without rules, and the recompute-and-
compare result for every quarter and trust type the file supplies. Shared by `add-release` and the
upload page, so both say the same thing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from league_atlas.errors import LeagueAtlasError
from league_atlas.io.releases import ReleaseInfo
from league_atlas.scoring import recompute
from league_atlas.store import reader


def metric_ids_before(data_dir: Path) -> pd.DataFrame:
    """(trust_type, metric_id) pairs the store holds now, to name the ids a new file adds."""
    try:
        return reader.open_store(data_dir).metrics[["trust_type", "metric_id"]].drop_duplicates()
    except LeagueAtlasError:
        return pd.DataFrame(columns=["trust_type", "metric_id"])


def check_lines(data_dir: Path, info: ReleaseInfo, before: pd.DataFrame) -> list[str]:
    """The add-release summary's checks: new metric ids (and whether they enter the composite),
    then the recompute-and-compare result for each quarter and trust type the file supplies."""
    store = reader.open_store(data_dir)
    mine = store.metrics[store.metrics["release_id"] == info.release_id]
    lines = []
    for trust_type, mid, item, desc in recompute.new_metric_ids(before, mine):
        what = "enters the composite score" if item else "does not enter the composite score"
        lines.append(f"new metric id {mid} ({trust_type}): {what}" + (f" - {desc}" if desc else ""))
    for s in store.manifest.get("recompute", []):
        mine_ = s["quarter"] in info.quarters and s["trust_type"] in info.trust_types
        if mine_ and s["rules_provisional"]:
            lines.append(
                f"notice: no re-weighting rules for framework year {s['framework_year']} yet; "
                "published values are shown as released"
            )
    prefixes = tuple(
        f"{kind} {t} {q}:"
        for kind in ("recompute", "disagreement")
        for t in info.trust_types
        for q in info.quarters
    )
    lines += [
        line.strip()
        for line in store.manifest.get("report", [])
        if line.strip().startswith(prefixes)
    ]
    return lines

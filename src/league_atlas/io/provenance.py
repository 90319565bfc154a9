"""Provenance of what the store holds: sources, their licences and fetch dates, and releases.

Shared by the About page, the upload page and every export's method slide, so the app states one
account of where the data came from.
"""

from __future__ import annotations

import pandas as pd

from league_atlas.io import releases, sources


def fetched_on(manifest: dict, source_id: str) -> str:
    """The date (YYYY-MM-DD) a source was fetched into the store, or ''."""
    entry = (manifest.get("sources") or {}).get(source_id) or {}
    return str(entry.get("fetched_at", ""))[:10]


def sources_table(manifest: dict) -> pd.DataFrame:
    """One row per catalogued source: publisher, licence, address, mirror fidelity, fetch date."""
    fetched = manifest.get("sources") or {}
    rows = []
    for s in sources.catalogue().values():
        entry = fetched.get(s.id) or {}
        rows.append(
            {
                "Source": s.title,
                "Publisher": s.publisher,
                "Licence": s.licence,
                "Official address": s.official_url or s.landing_page,
                "Mirror copy vs publisher's": s.mirror_vs_official,
                "Fetched": fetched_on(manifest, s.id) or "not fetched",
                "Copy from": entry.get("origin", "") or "",
                "Used for": s.kind.replace("_", " "),
                "Required": "yes" if s.required else "no (optional context)",
            }
        )
    return pd.DataFrame(rows)


def used_attributions(manifest: dict) -> list[str]:
    """Distinct attribution lines of the sources this store was built from (catalogue order)."""
    present = set((manifest.get("sources") or {}).keys())
    seen: dict[str, None] = {}
    for s in sources.catalogue().values():
        if not present or s.id in present:
            seen.setdefault(s.attribution, None)
    return list(seen)


def _supplies(manifest: dict) -> dict[str, str]:
    """'Q1 2025/26 acute' -> the file that supplies it, from a manifest's release rows."""
    out = {}
    for r in manifest.get("releases", []):
        for g in str(r.get("supplies", "")).split(", "):
            if g:
                out[g] = r["file"]
    return out


def release_summary(
    info: releases.ReleaseInfo, old_manifest: dict, new_manifest: dict
) -> dict[str, str]:
    """What an added release brought: counts, what it now supplies and what it replaced."""
    mine = next((r for r in new_manifest.get("releases", []) if r.get("sha256") == info.sha256), {})
    supplies = [g for g in str(mine.get("supplies", "")).split(", ") if g]
    before = _supplies(old_manifest)
    replaced = [
        f"{g} (was {before[g]})" for g in supplies if g in before and before[g] != info.file
    ]
    new_groups = [g for g in supplies if g not in before]
    return {
        "File": info.file,
        "Kind": "metric data" if info.kind == "metrics" else "league table",
        "Rows": f"{info.rows:,}",
        "Trusts": f"{info.trusts:,}",
        "Quarters": ", ".join(info.quarters),
        "Trust types": ", ".join(info.trust_types),
        "Quarter read from": info.quarter_from or "file",
        "Now supplies": ", ".join(supplies) or "nothing (a later file supplies the same quarters)",
        "New in the store": ", ".join(new_groups) or "none",
        "Supersedes": ", ".join(replaced) or "nothing",
        "Notes": "; ".join(info.notes) or "none",
        "sha256": info.sha256,
    }


RELEASE_COLUMNS = {
    "file": "File",
    "kind": "Kind",
    "quarters": "Quarters",
    "trust_types": "Trust types",
    "rows": "Rows",
    "trusts": "Trusts",
    "supplies": "Supplies",
    "superseded": "Superseded by a later file",
    "origin": "Added by",
    "added_at": "Added at",
}


def release_table(release_rows: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """The store's releases for display, added files under the name they were uploaded with."""
    names = {e.get("sha256"): e.get("file") for e in manifest.get("added_releases") or []}
    out = release_rows.copy()
    if "sha256" in out:
        out["file"] = [names.get(h) or f for h, f in zip(out["sha256"], out["file"], strict=True)]
    cols = [c for c in RELEASE_COLUMNS if c in out]
    return out[cols].rename(columns=RELEASE_COLUMNS)

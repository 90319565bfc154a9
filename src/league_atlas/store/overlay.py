"""A visitor's private view: their uploaded release merged over the shared store, in memory only.

On a shared server an anonymous upload must not change what anyone else sees, yet a visitor
should still be able to check a file and explore it. `private_view` builds a Store-like object
that reads everything from one shared store version and replaces only what the file supplies
(metrics or league-table rows of its quarters and trust types, the trust names it publishes),
with the same supersede rule as `add-release`. Nothing is written to disk: the shared store, the
raw folder and the registry are untouched, and the view ends when its holder (the session) does.

Trusts the shared store does not know are placed with the same rules as a build when the raw
sources are present; otherwise they are listed without a location (and the report says so).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from league_atlas.errors import LeagueAtlasError
from league_atlas.io import releases
from league_atlas.store.reader import Store

PRIVATE_ORIGIN = "private upload"
OPERATOR_ORIGINS = ("catalogue", "add-release")
SEED_COLUMNS = ["trust_name", "trust_type", "trust_subtype", "region_label"]


class PrivateStore(Store):
    """The shared store version `base` with one visitor's release merged over it (never on disk).

    Boundaries and context proxies are read from the base version; `version` is unique to this
    view, so caches keyed by store version never hand it to another session.
    """

    private = True

    def __init__(
        self,
        base: Store,
        release: releases.Release,
        data: bytes,
        *,
        data_dir: Path | None,
        options: dict | None = None,
    ) -> None:
        super().__init__(base.path)
        self.base = base
        self.release = release
        self.data = data  # kept so an operator can publish exactly the file that was checked
        self.options = dict(options or {})  # quarter / trust_type as given when it was checked
        self.file = release.info.file
        self.version = (
            f"{base.path.name}+private-{release.info.release_id[:8]}-{secrets.token_hex(6)}"
        )
        self.notes: list[str] = []
        self._merge(data_dir)

    def _merge(self, data_dir: Path | None) -> None:
        base, rel = self.base, self.release
        parts: list[releases.Release] = []
        for table, kind in ((base.metrics, "metrics"), (base.league_files, "league")):
            for rid, rows in table.groupby("release_id", sort=False):
                info = releases.ReleaseInfo(
                    file=str(rid), sha256=str(rid), kind=kind, rows=len(rows), quarters=(),
                    trust_types=(), trusts=0,
                )  # fmt: skip
                parts.append(releases.Release(info, rows))
        metrics, league, usage = releases.merge_releases([*parts, rel])
        self.__dict__["metrics"] = metrics
        self.__dict__["league_files"] = league
        self.__dict__["releases"] = self._release_rows(usage)
        trusts, report = self._trusts(metrics, data_dir)
        self.__dict__["trusts"] = trusts
        self.__dict__["places_report"] = report
        manifest = dict(base.manifest)
        manifest["private_view"] = {
            "file": rel.info.file,
            "sha256": rel.info.sha256,
            "based_on": base.path.name,
            "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        manifest["counts"] = {
            **base.manifest.get("counts", {}),
            "metric_rows": int(len(metrics)),
            "league_file_rows": int(len(league)),
            "trusts": int(len(trusts)),
        }
        self.__dict__["manifest"] = manifest

    def _release_rows(self, usage: list[dict]) -> pd.DataFrame:
        """The base releases with what the private file now supersedes, plus the file itself."""
        rows = self.base.releases.copy()
        now_supplies = {u["release_id"]: u["supplies"] for u in usage[:-1]}
        if len(rows):
            old = rows["supplies"].astype(str)
            new = [
                ", ".join(now_supplies.get(rid, [g for g in o.split(", ") if g]))
                for rid, o in zip(rows["release_id"], old, strict=True)
            ]
            gone = [
                ", ".join(g for g in o.split(", ") if g and g not in n.split(", "))
                for o, n in zip(old, new, strict=True)
            ]
            rows["superseded"] = [
                ", ".join(x for x in (str(s), g) if x)
                for s, g in zip(rows["superseded"], gone, strict=True)
            ]
            rows["supplies"] = new
        info, use = self.release.info, usage[-1]
        mine = {
            "release_id": info.release_id,
            "file": info.file,
            "sha256": info.sha256,
            "kind": info.kind,
            "origin": PRIVATE_ORIGIN,
            "source_id": "",
            "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "quarters": ", ".join(info.quarters),
            "trust_types": ", ".join(info.trust_types),
            "rows": info.rows,
            "trusts": info.trusts,
            "quarter_from": info.quarter_from,
            "supplies": ", ".join(use["supplies"]),
            "superseded": ", ".join(use["superseded"]),
            "notes": "; ".join(info.notes),
        }
        return pd.concat([rows, pd.DataFrame([mine])], ignore_index=True)

    def _trusts(self, metrics: pd.DataFrame, data_dir: Path | None):
        """The base trust table, names and labels as the merged releases publish them; trusts the
        base does not know are placed by the build's rules (when the raw sources are here)."""
        from league_atlas.store import writer

        seed = writer._trust_seed(metrics).set_index("trust_code")
        base = self.base.trusts.set_index("trust_code")
        known = base.loc[base.index.intersection(seed.index)].copy()
        for col in SEED_COLUMNS:
            if col in known.columns:
                new = seed.loc[known.index, col].astype(str)
                known[col] = new.where(new.str.strip() != "", known[col])
        report = self.base.places_report
        new_codes = seed.index.difference(base.index)
        if len(new_codes):
            placed, new_report = self._place(seed.loc[new_codes].reset_index(), data_dir)
            known = pd.concat([known, placed.set_index("trust_code")])
            report = pd.concat([report, new_report], ignore_index=True)
        return known.reset_index()[list(self.base.trusts.columns)], report

    def _place(self, seed: pd.DataFrame, data_dir: Path | None):
        from league_atlas.places import boundaries, locate
        from league_atlas.store import writer

        try:
            if data_dir is None:
                raise FileNotFoundError("no data folder")
            specs = writer.layer_specs()
            layers = boundaries.load_layers(data_dir, specs)
            table, report = locate.build_places(data_dir, seed, layers, specs=specs)
            n_placed = int(table["lat"].notna().sum()) if "lat" in table else 0
            self.notes.append(
                f"{len(seed)} trust(s) not in the shared store: {n_placed} placed by the build's "
                "rules, the others listed in the tables without a map location."
            )
            return table, report
        except (LeagueAtlasError, OSError) as exc:
            self.notes.append(
                f"{len(seed)} trust(s) not in the shared store could not be placed on the map "
                f"({type(exc).__name__}); they are listed in the tables."
            )
            table = pd.DataFrame({"trust_code": seed["trust_code"]})
            for col in self.base.trusts.columns:
                if col in seed.columns and col != "trust_code":
                    table[col] = seed[col].to_numpy()
                elif col != "trust_code":
                    table[col] = pd.NA
            table["located_by"] = "unlocated"
            report = pd.DataFrame(
                {
                    "trust_code": seed["trust_code"],
                    "trust_name": seed["trust_name"],
                    "issue": "unlocated",
                    "detail": "not in the shared store; private view",
                }
            )
            return table, report


def private_view(
    base: Store,
    data: bytes,
    name: str,
    *,
    quarter: str | None = None,
    trust_type: str | None = None,
    data_dir: Path | None = None,
) -> PrivateStore:
    """Check `data` exactly as add-release does, then merge it over `base` for one visitor.

    Raises InputError (file, line, column, what was expected) for a bad file; writes nothing.
    """
    rel = releases.read_release(
        Path(name), data=data, name=name, quarter=quarter, trust_type=trust_type
    )
    options = {"quarter": quarter, "trust_type": trust_type}
    return PrivateStore(base, rel, data, data_dir=data_dir, options=options)


def rebase(view: PrivateStore, base: Store, *, data_dir: Path | None = None) -> PrivateStore:
    """The same private file over a newer shared store (after the operator published one)."""
    return PrivateStore(base, view.release, view.data, data_dir=data_dir, options=view.options)


def is_private(store: Store | None) -> bool:
    return bool(getattr(store, "private", False))

"""The prepared store: everything the app reads, built from the raw sources in one pass.

Layout (`DATA_DIR/store` is a symlink to the current version under `DATA_DIR/stores/`):
    metrics.parquet        tidy NOF metric rows of every release in force (schema.METRIC_COLUMNS)
    league_files.parquet   rows of NOF league-table files, when any were added
    releases.parquet       one row per release file: sha256, when added, what it supplies
    trusts.parquet         one row per trust: names, type, location, region, ICBs, LAD
    places_report.parquet  every trust that could not be located or joined, and every disagreement
    sites.parquet          one row per trust x place: ODS HQ address, NHS.UK hospital sites (search)
    boundaries/<layer>.parquet   simplified GeoParquet layers for the web
    context/               trust-level context proxies (see league_atlas.context)
    manifest.json          source checksums, build time, code version, counts, timings, publications
    added/                 files added with add-release (or an admin upload) and added.json, their
                           registry: it lives inside the version, so a file joins the store in the
                           same atomic link swap that publishes it (all-or-nothing)

A build writes a complete new version folder and then swaps the (relative) symlink, so a failed or
killed build (or add-release) leaves the previous store, the raw folder and the registry
byte-for-byte unchanged; the next writer removes what a killed one left in `stores/`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from league_atlas import __version__, config
from league_atlas.config import GEO_DIR, PACKAGE_DIR, raw_dir, store_dir
from league_atlas.errors import (
    InputError,
    LeagueAtlasError,
    StoreMissingError,
    is_local_fault,
    storage_error,
)
from league_atlas.io import atomic, releases
from league_atlas.io import fetch as fetching
from league_atlas.io.sources import catalogue, raw_files
from league_atlas.schema import STORE_FILES

STORES = "stores"
VERSION_PREFIX = "store"
ADDED_DIR = "releases"  # DATA_DIR/raw/releases/: files added with add-release
ADDED_REGISTRY = "added.json"
ADDED_STORE_DIR = "added"  # inside each store version: added files and their registry
BUILD_COMMAND = "python -m league_atlas build   (or: make run)"


def code_fingerprint() -> str:
    """Hash of the package source and geo/ knowledge: a store built by other code is stale."""
    h = hashlib.sha256(__version__.encode())
    for base, pattern in ((PACKAGE_DIR, "**/*.py"), (PACKAGE_DIR, "**/*.toml"), (GEO_DIR, "**/*")):
        for p in sorted(base.glob(pattern)):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(p.relative_to(base).as_posix().encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- added releases (raw side)


def _added_dir(data_dir: Path) -> Path:
    """Where stores built before the registry moved into the version kept added files (read only)."""
    return raw_dir(data_dir) / ADDED_DIR


def _version_added(version: Path) -> Path:
    return version / ADDED_STORE_DIR


def added_registry(data_dir: Path) -> list[dict]:
    """Files added with add-release, oldest first: file, sha256, added_at, quarter/type options.

    Read from the current store version (a registry outside it could run ahead of the store when
    a run is killed); a store from before that layout falls back to raw/releases/added.json.
    """
    registry = _registry_of(store_dir(data_dir), data_dir)
    return [e for e in registry if e.get("kind", "release") == "release"]


def _registry_of(version: Path, data_dir: Path) -> list[dict]:
    path = _version_added(version) / ADDED_REGISTRY
    if path.is_file():
        return json.loads(path.read_text("utf-8"))
    if _version_added(version).is_dir():
        return []
    legacy = _added_dir(data_dir) / ADDED_REGISTRY
    return json.loads(legacy.read_text("utf-8")) if legacy.is_file() else []


def _added_file(version: Path, data_dir: Path, entry: dict) -> Path:
    inside = _version_added(version) / entry["stored_as"]
    return inside if inside.is_file() else _added_dir(data_dir) / entry["stored_as"]


@dataclass(frozen=True)
class AddedFile:
    """A file to add to the store in the next publish (kind "release"; other stages may add theirs).

    `entry` holds the registry fields that describe it (sha256, quarter, trust_type...).
    """

    name: str
    data: bytes
    entry: dict
    kind: str = "release"

    @property
    def stored_as(self) -> str:
        return f"{self.entry['sha256'][:16]}-{Path(self.name).name}"


def _stage_added(data_dir: Path, building: Path, add: list[AddedFile]) -> list[dict]:
    """Carry the current version's added files into `building` and add the new ones.

    Files are hard-linked where possible (same file system), so carrying costs no space.
    """
    current = store_dir(data_dir)
    folder = _version_added(building)
    folder.mkdir(parents=True, exist_ok=True)
    registry = _registry_of(current, data_dir) if current.exists() else []
    new_shas = {a.entry["sha256"] for a in add if a.kind == "release"}
    new_layers = {a.entry["spec"]["id"] for a in add if a.kind == "boundaries"}
    kept = [
        e
        for e in registry
        if not (e.get("kind", "release") == "release" and e["sha256"] in new_shas)
        and not (e.get("kind") == "boundaries" and e["spec"]["id"] in new_layers)
    ]
    for entry in kept:
        src = _added_file(current, data_dir, entry)
        dst = folder / entry["stored_as"]
        try:
            os.link(src, dst)
        except OSError as exc:
            if is_local_fault(exc) or not src.is_file():
                raise
            shutil.copyfile(src, dst)
    for a in add:
        (folder / a.stored_as).write_bytes(a.data)
        kept.append(
            {**a.entry, "kind": a.kind, "file": Path(a.name).name, "stored_as": a.stored_as}
        )
    (folder / ADDED_REGISTRY).write_text(json.dumps(kept, indent=2), "utf-8")
    return kept


def added_entries(version: Path, kind: str) -> list[tuple[Path, dict]]:
    """(file, registry entry) of every added file of one kind in a store version (or in the
    folder being built: stages that read their own added inputs call it with that folder)."""
    registry = _registry_of(version, version.parent.parent)
    return [
        (_version_added(version) / e["stored_as"], e)
        for e in registry
        if e.get("kind", "release") == kind
    ]


def _release_inputs(
    data_dir: Path, building: Path, registry: list[dict]
) -> list[tuple[Path, dict]]:
    """Every NOF file to ingest, in supersede order: catalogued releases first, then added ones."""
    items: list[tuple[Path, dict]] = []
    for src in catalogue().values():
        if src.kind == "nof_release":
            for p in raw_files(data_dir, src.id):
                items.append((p, {"source_id": src.id, "added_at": "", "origin": "catalogue"}))
    for entry in registry:
        if entry.get("kind", "release") == "release":
            p = _version_added(building) / entry["stored_as"]
            items.append((p, {**entry, "origin": "add-release"}))
    return items


# ---------------------------------------------------------------- build


@dataclass
class BuildResult:
    """What a build produced: the version folder, its manifest and the human-readable report."""

    path: Path
    manifest: dict
    report: list[str]
    unchanged: bool = False  # add-release of a file the store already holds: nothing was written


def _say(progress: Callable[[str], None] | None) -> Callable[[str], None]:
    return progress or (lambda m: print(m, file=sys.stderr))


def _read_all_releases(
    data_dir: Path, building: Path, registry: list[dict]
) -> tuple[list[releases.Release], list[dict]]:
    parsed, meta = [], []
    inputs = _release_inputs(data_dir, building, registry)
    present = [p for p, _ in inputs if p.is_file()]
    for path, entry in inputs:
        if not path.is_file() and entry["origin"] == "catalogue" and present:
            # A build that fetches has already refused a missing required source; without
            # fetching (add-release, made-up test stores) a catalogued release not on disk is
            # simply not in this store, as long as some release is.
            continue
        if not path.is_file():
            raise StoreMissingError(
                f"release file {path} is missing; run `python -m league_atlas fetch`"
            )
        rel = releases.read_release(
            path, quarter=entry.get("quarter"), trust_type=entry.get("trust_type")
        )
        parsed.append(rel)
        meta.append(entry)
    return parsed, meta


def _release_rows(
    parsed: list[releases.Release], meta: list[dict], usage: list[dict]
) -> list[dict]:
    """One record per release file for releases.parquet and the manifest."""
    rel_rows = []
    for rel, entry, use in zip(parsed, meta, usage, strict=True):
        rel_rows.append(
            {
                "release_id": rel.info.release_id,
                "file": rel.info.file,
                "sha256": rel.info.sha256,
                "kind": rel.info.kind,
                "origin": entry["origin"],
                "source_id": entry.get("source_id", ""),
                "added_at": entry.get("added_at", ""),
                "quarters": ", ".join(rel.info.quarters),
                "trust_types": ", ".join(rel.info.trust_types),
                "rows": rel.info.rows,
                "trusts": rel.info.trusts,
                "quarter_from": rel.info.quarter_from,
                "supplies": ", ".join(use["supplies"]),
                "superseded": ", ".join(use["superseded"]),
                "notes": "; ".join(rel.info.notes),
            }
        )
    return rel_rows


def _trust_seed(metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per trust from its newest release row: the names, type and labels to place."""
    if metrics.empty:
        return pd.DataFrame(
            columns=["trust_code", "trust_name", "trust_type", "trust_subtype", "region_label"]
        )
    newest = metrics.sort_values(["quarter_index"], kind="stable").drop_duplicates(
        "trust_code", keep="last"
    )
    return newest[
        ["trust_code", "trust_name", "trust_type", "trust_subtype", "region_label"]
    ].reset_index(drop=True)


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False, engine="pyarrow")


@contextlib.contextmanager
def writer_lock(data_dir: Path):
    """One writer at a time per data folder (two uploads, or a build during an upload, queue up).

    Readers never need it: they follow the store link, which only ever points at a whole version.
    The holder first removes what a killed writer left behind (unfinished versions, temp links).
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fh = open(data_dir / ".writer.lock", "a+")  # noqa: SIM115 (held for the whole block)
    except OSError as exc:
        if is_local_fault(exc):
            raise storage_error(exc, data_dir, "lock the data folder for writing") from None
        raise
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            atomic.clean_staging(data_dir / STORES, VERSION_PREFIX, store_dir(data_dir))
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish_version(data_dir: Path, building: Path) -> Path:
    """Publish a finished version folder: one atomic swap of the store link, then prune old ones.

    Everything the version depends on that is not in the raw folder (added files and their
    registry, the publication log in the manifest) must already be inside `building`, so the
    swap is the single moment a change becomes visible; killed before it, nothing changed.
    """
    stores = data_dir / STORES
    try:
        final = atomic.publish_version(building, store_dir(data_dir))
    except OSError as exc:
        if is_local_fault(exc):
            raise storage_error(exc, store_dir(data_dir), "publish the new store") from None
        raise
    with contextlib.suppress(OSError):
        atomic.prune_versions(stores, VERSION_PREFIX, store_dir(data_dir))
    return final


def build(
    data_dir: Path,
    mirror: Path | None = None,
    *,
    fetch_missing: bool = True,
    progress: Callable[[str], None] | None = None,
    add: list[AddedFile] | None = None,
    route: str = "cli",
) -> BuildResult:
    """Fetch what is missing, then build and atomically publish a new store version.

    `add`: files that join the store in this same publish (add-release); `route` records how
    they came ("cli" or "admin-upload") in the manifest's publication log.
    """
    with writer_lock(data_dir):
        return _build(
            data_dir, mirror, fetch_missing=fetch_missing, progress=progress, add=add, route=route
        )


def _build(
    data_dir: Path,
    mirror: Path | None,
    *,
    fetch_missing: bool,
    progress: Callable[[str], None] | None,
    add: list[AddedFile] | None = None,
    route: str = "cli",
) -> BuildResult:
    try:
        return _build_stages(
            data_dir, mirror, fetch_missing=fetch_missing, progress=progress, add=add, route=route
        )
    except OSError as exc:
        if is_local_fault(exc):
            raise storage_error(exc, data_dir / STORES, "write the new store") from None
        raise


def _publications(data_dir: Path, add: list[AddedFile], route: str) -> list[dict]:
    """The publication log: the previous store's, plus one record per file published now."""
    old = []
    path = store_dir(data_dir) / STORE_FILES["manifest"]
    if path.is_file():
        with contextlib.suppress(OSError, json.JSONDecodeError):
            old = json.loads(path.read_text("utf-8")).get("publications", [])
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return old + [
        {"at": now, "file": Path(a.name).name, "sha256": a.entry["sha256"], "route": route}
        for a in add
    ]


def _build_stages(
    data_dir: Path,
    mirror: Path | None,
    *,
    fetch_missing: bool,
    progress: Callable[[str], None] | None,
    add: list[AddedFile] | None,
    route: str,
) -> BuildResult:
    from league_atlas.places import boundaries, locate, sites

    add = list(add or [])
    say = _say(progress)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    fetch_results = []
    if fetch_missing:
        fetch_results = fetching.fetch_all(data_dir, mirror, progress=say)
        missing = fetching.missing_required(fetch_results)
        if missing:
            # Each failed source says what to fetch, from where, and where to put it.
            why = [r.message for r in fetch_results if r.source_id in missing]
            raise StoreMissingError(
                f"required sources missing: {', '.join(missing)}; pass --mirror DIR, check the "
                "network, or fetch by hand:\n  " + "\n  ".join(why)
            )
    timings["fetch_s"] = time.perf_counter() - t0

    stores = data_dir / STORES
    building = atomic.new_version_dir(stores, VERSION_PREFIX)
    report: list[str] = []
    try:
        t = time.perf_counter()
        registry = _stage_added(data_dir, building, add)
        parsed, meta = _read_all_releases(data_dir, building, registry)
        metrics, league, usage = releases.merge_releases(parsed)
        _write_parquet(metrics, building / STORE_FILES["metrics"])
        _write_parquet(league, building / STORE_FILES["league_files"])
        rel_rows = _release_rows(parsed, meta, usage)
        _write_parquet(pd.DataFrame(rel_rows), building / STORE_FILES["releases"])
        timings["releases_s"] = time.perf_counter() - t
        for r in rel_rows:
            report.append(
                f"release {r['file']} ({r['sha256'][:12]}): {r['rows']} rows, {r['trusts']} trusts, "
                f"{r['quarters']} {r['trust_types']}; supplies {r['supplies'] or 'nothing (superseded)'}"
            )
        say(
            f"releases: {len(parsed)} file(s), {len(metrics)} metric rows ({timings['releases_s']:.1f} s)"
        )
        recompute_summary = _recompute_and_compare(metrics, building, report)

        t = time.perf_counter()
        specs = all_layer_specs(data_dir, building)
        layers = boundaries.load_layers(data_dir, specs)
        timings["boundaries_load_s"] = time.perf_counter() - t
        t = time.perf_counter()
        trusts, places_report = locate.build_places(
            data_dir, _trust_seed(metrics), layers, specs=specs
        )
        _write_parquet(trusts, building / STORE_FILES["trusts"])
        _write_parquet(places_report, building / STORE_FILES["places_report"])
        _write_parquet(
            sites.build_sites(data_dir, trusts["trust_code"]), building / STORE_FILES["sites"]
        )
        timings["places_s"] = time.perf_counter() - t
        report.extend(locate.summary(places_report, trusts).splitlines())
        say(f"places: {len(trusts)} trusts ({timings['places_s']:.1f} s)")

        t = time.perf_counter()
        web = boundaries.web_layers(layers, specs)
        boundaries.write_layers(web, building / STORE_FILES["boundaries"])
        timings["boundaries_web_s"] = time.perf_counter() - t
        say(f"boundaries: {len(web)} layers simplified ({timings['boundaries_web_s']:.1f} s)")

        t = time.perf_counter()
        context_note = _build_context(data_dir, trusts, building / STORE_FILES["context"], report)
        timings["context_s"] = time.perf_counter() - t
        say(f"context: {context_note} ({timings['context_s']:.1f} s)")

        fetch_manifest = fetching.read_manifest(data_dir)
        manifest = {
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "code_version": __version__,
            "code_fingerprint": code_fingerprint(),
            "sources": fetch_manifest,
            "added_releases": [e for e in registry if e.get("kind", "release") == "release"],
            "publications": _publications(data_dir, add, route),
            "added_boundaries": added_boundaries(data_dir, building),
            "layers": _layer_records(specs, web),
            "releases": rel_rows,
            "counts": {
                "metric_rows": int(len(metrics)),
                "league_file_rows": int(len(league)),
                "trusts": int(len(trusts)),
                "quarters": sorted(metrics["quarter"].unique().tolist(), key=releases.quarter_index)
                if len(metrics)
                else [],
                "trust_types": sorted(metrics["trust_type"].unique().tolist())
                if len(metrics)
                else [],
                "boundary_layers": {lid: int(len(g)) for lid, g in web.items()},
            },
            "report": report,
            "recompute": recompute_summary,
        }
        timings["total_s"] = time.perf_counter() - t0
        manifest["timings"] = {k: round(v, 3) for k, v in timings.items()}
        atomic.write_text(
            building / STORE_FILES["manifest"], json.dumps(manifest, indent=2, default=str)
        )
        final = publish_version(data_dir, building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    say(f"store published at {store_dir(data_dir)} -> {final.name} in {timings['total_s']:.1f} s")
    return BuildResult(final, manifest, report)


def _recompute_and_compare(metrics: pd.DataFrame, building: Path, report: list[str]) -> list[dict]:
    """Recompute every official table from its items and store the disagreements (the published
    values stay the official ones); the report lists each one."""
    from league_atlas.scoring import recompute

    comparisons = recompute.compare_all(metrics)
    _write_parquet(recompute.all_disagreements(comparisons), building / STORE_FILES["recompute"])
    report.extend(recompute.report_lines(comparisons))
    return [c.summary for c in comparisons]


def layer_specs():
    """Boundary layer definitions: geo/layers.toml, or the file `$LEAGUE_ATLAS_LAYERS` names
    (used to build small made-up stores for tests and demos with their own feature counts)."""
    from league_atlas.places import registry

    override = config.layers_file()
    return registry.parse_layers_spec(override) if override else registry.load_layers_spec()


def _build_context(data_dir: Path, trusts: pd.DataFrame, folder: Path, report: list[str]) -> str:
    """Trust-level context proxies; the store still builds (with a report line) if a source is absent."""
    try:
        from league_atlas.context import proxies
    except ImportError:
        return "context stage not available"
    try:
        table = proxies.build_proxies(data_dir, trusts)
    except (LeagueAtlasError, FileNotFoundError) as exc:
        report.append(f"context proxies not built: {exc}")
        return f"skipped ({exc})"
    proxies.write_context(table, folder)
    return f"{len(table)} trusts x {len(proxies.PROXIES)} proxies"


def is_stale(data_dir: Path) -> tuple[bool, str]:
    """Does the store need a rebuild? (no store, other code, other sources, other added files)."""
    path = store_dir(data_dir) / STORE_FILES["manifest"]
    if not path.is_file():
        return True, "no store yet"
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return True, "store manifest unreadable"
    if manifest.get("code_fingerprint") != code_fingerprint():
        return True, "code or geo/ knowledge changed since the store was built"
    if manifest.get("added_releases", []) != added_registry(data_dir):
        return True, "added releases changed"
    if manifest.get("added_boundaries", []) != added_boundaries(data_dir):
        return True, "added boundary layers changed"
    recorded = manifest.get("sources", {})
    for src in catalogue().values():
        entry = recorded.get(src.id)
        if entry is None:
            if src.required:
                return True, f"source {src.id} not in the store"
            continue
        if entry.get("origin") == "mirror" and entry.get("files") != {
            f.name: f.sha256 for f in src.files
        }:
            return True, f"source {src.id} checksum changed"
    return False, "store is up to date"


# ---------------------------------------------------------------- add-release


def add_release(
    data_dir: Path,
    file: Path | None = None,
    *,
    data: bytes | None = None,
    name: str | None = None,
    quarter: str | None = None,
    trust_type: str | None = None,
    progress: Callable[[str], None] | None = None,
    route: str = "cli",
) -> tuple[releases.ReleaseInfo, BuildResult]:
    """Validate a new NOF file and publish it with the store (a later file for the same quarter and
    trust type supersedes the earlier one). All-or-nothing: the file and its registry entry live
    inside the new store version, so on any error, or a kill at any moment, the store, the
    registry and the raw folder are exactly as they were.
    """
    if data is None:
        if file is None:
            raise ValueError("add_release needs a file or data")
        data = releases.read_bounded(Path(file))
    label = name or (Path(file).name if file else "upload.csv")
    rel = releases.read_release(
        Path(label), data=data, name=label, quarter=quarter, trust_type=trust_type
    )
    if not (store_dir(data_dir) / STORE_FILES["manifest"]).is_file():
        raise StoreMissingError(f"no store to add to under {data_dir}; run {BUILD_COMMAND} first")
    same = _identical_in_store(data_dir, rel.info.sha256)
    if same is not None:
        return rel.info, same
    entry = {
        "sha256": rel.info.sha256,
        "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quarter": quarter if rel.info.quarter_from == "argument" else None,
        "trust_type": trust_type,
        "quarters": list(rel.info.quarters),
        "trust_types": list(rel.info.trust_types),
    }
    added = AddedFile(name=label, data=data, entry=entry)
    with writer_lock(data_dir):
        result = _build(
            data_dir, None, fetch_missing=False, progress=progress, add=[added], route=route
        )
    return rel.info, result


def _identical_in_store(data_dir: Path, sha256: str) -> BuildResult | None:
    """The current store, reported as unchanged, when it already holds a file with these bytes."""
    path = store_dir(data_dir) / STORE_FILES["manifest"]
    manifest = json.loads(path.read_text("utf-8"))
    held = next((r for r in manifest.get("releases", []) if r.get("sha256") == sha256), None)
    if held is None:
        return None
    how = "added" if held.get("origin") == "add-release" else "catalogued"
    line = (
        f"identical to {held['file']} already in the store ({how}, sha256 {sha256[:12]}): "
        "nothing changed"
    )
    return BuildResult(store_dir(data_dir).resolve(), manifest, [line], unchanged=True)


# ---------------------------------------------------------------- add-boundaries


def added_boundaries(data_dir: Path, version: Path | None = None) -> list[dict]:
    """Layers added with add-boundaries, from the registry inside a store version (the current one
    by default, or the folder being built); a store from before that layout falls back to the old
    raw/boundaries/added.json, read only."""
    from league_atlas.places import own_areas

    version = store_dir(data_dir) if version is None else version
    if (_version_added(version) / ADDED_REGISTRY).is_file():
        return [e for _, e in added_entries(version, "boundaries")]
    return own_areas.added_registry(data_dir)


def _added_specs(data_dir: Path, version: Path) -> dict:
    """The added layers' specs by id; an in-store layer's file is its path inside `version`."""
    from league_atlas.places import registry

    specs = {}
    for entry in added_boundaries(data_dir, version):
        spec = registry.spec_from_record(entry["spec"])
        if "stored_as" in entry:
            spec = dataclasses.replace(spec, file=str(_version_added(version) / entry["stored_as"]))
        specs[spec.id] = spec
    return specs


def all_layer_specs(data_dir: Path, version: Path | None = None) -> dict:
    """Official layers (geo/layers.toml or $LEAGUE_ATLAS_LAYERS) then those added with
    add-boundaries (from `version`: the current store, or the folder being built); an added id
    that an official layer now uses is refused by name."""
    version = store_dir(data_dir) if version is None else version
    specs = dict(layer_specs())
    fields = {s.trust_field: s.id for s in specs.values()}
    for layer_id, spec in _added_specs(data_dir, version).items():
        if layer_id in specs or spec.trust_field in fields:
            raise InputError(
                str(_version_added(version) / ADDED_REGISTRY),
                f"added layer {layer_id!r} clashes with official layer "
                f"{fields.get(spec.trust_field, layer_id)}",
                expected="remove it or add it again under another id",
            )
        specs[layer_id] = spec
    return specs


def _layer_records(specs: dict, web: dict) -> list[dict]:
    """The store's record of its layers: every spec with its feature count, in registry order."""
    from league_atlas.places import registry

    return [
        {
            **registry.spec_record(spec),
            **({"file": Path(spec.file).name} if spec.origin == "added" else {}),
            "features": int(len(web[layer_id])),
        }
        for layer_id, spec in specs.items()
        if layer_id in web
    ]


@dataclass
class BoundariesAdded:
    """What add-boundaries did: the layer, what was noticed while checking it, the join report."""

    spec: object
    notes: list[str]
    join: list[str]
    result: BuildResult


def add_boundaries(
    data_dir: Path,
    file: Path,
    *,
    layer_id: str,
    name: str,
    code_column: str | None = None,
    name_column: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    nearest_max_m: float | None = None,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BoundariesAdded:
    """Check a boundary file, then add it to the store as a layer every trust is joined to.

    Same rules as add-release: everything is checked before anything is written; the file is
    staged under raw/boundaries/ and the store rebuilt under the writer lock; on any error the raw
    side is rolled back and the published store is byte-for-byte unchanged.
    """
    from league_atlas.io import boundary_files
    from league_atlas.places import own_areas
    from league_atlas.store import reader

    store = reader.open_store(data_dir)
    read = boundary_files.read_boundary_file(Path(file), layer=layer, crs=crs)
    current = {s.id: s for s in all_layer_specs(data_dir).values()}
    if replace and layer_id in current and current[layer_id].origin == "added":
        current.pop(layer_id)
    own_areas.check_layer_id(layer_id, current)
    area = own_areas.area_layer(
        read,
        layer_id,
        name,
        code_column=code_column,
        name_column=name_column,
        nearest_max_m=own_areas.DEFAULT_NEAREST_M if nearest_max_m is None else nearest_max_m,
    )
    _, join_lines = own_areas.join_trusts(store.trusts, area)
    added, spec = _boundaries_file(Path(file), area)
    with writer_lock(data_dir):
        result = _build(
            data_dir, None, fetch_missing=False, progress=progress, add=[added], route="cli"
        )
    return BoundariesAdded(spec, area.notes, join_lines, result)


def _boundaries_file(file: Path, area) -> tuple[AddedFile, object]:
    """The boundary file as one AddedFile (a shapefile and its sidecars zipped together) whose
    registry entry carries the layer spec: it joins the store in the same publish as the layer."""
    import hashlib
    import io
    import zipfile

    from league_atlas.io import boundary_files
    from league_atlas.places import registry

    parts = boundary_files.files_to_keep(file)
    if len(parts) == 1:
        name, data = file.name, file.read_bytes()
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in parts:
                zf.writestr(zipfile.ZipInfo(part.name, (1980, 1, 1, 0, 0, 0)), part.read_bytes())
        name, data = f"{file.stem}.zip", buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    stored_as = f"{sha[:16]}-{name}"
    spec = dataclasses.replace(area.spec, file=stored_as)
    entry = {
        "spec": registry.spec_record(spec),
        "sha256": sha,
        "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_file": file.name,
        "source_crs": area.source_crs,
        "features": int(len(area.areas)),
    }
    return AddedFile(name=name, data=data, entry=entry, kind="boundaries"), spec

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
    manifest.json          source checksums, build time, code version, counts, timings

A build writes a complete new version folder and then swaps the symlink, so a failed or killed
build (or add-release) leaves the previous store loadable and byte-for-byte unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
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
from league_atlas.errors import InputError, LeagueAtlasError, StoreMissingError
from league_atlas.io import atomic, releases
from league_atlas.io import fetch as fetching
from league_atlas.io.sources import catalogue, raw_files
from league_atlas.schema import STORE_FILES

STORES = "stores"
VERSION_PREFIX = "store"
ADDED_DIR = "releases"  # DATA_DIR/raw/releases/: files added with add-release
ADDED_REGISTRY = "added.json"
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
    return raw_dir(data_dir) / ADDED_DIR


def added_registry(data_dir: Path) -> list[dict]:
    """Files added with add-release, oldest first: file, sha256, added_at, quarter/type options."""
    path = _added_dir(data_dir) / ADDED_REGISTRY
    if not path.is_file():
        return []
    return json.loads(path.read_text("utf-8"))


def _release_inputs(data_dir: Path) -> list[tuple[Path, dict]]:
    """Every NOF file to ingest, in supersede order: catalogued releases first, then added ones."""
    items: list[tuple[Path, dict]] = []
    for src in catalogue().values():
        if src.kind == "nof_release":
            for p in raw_files(data_dir, src.id):
                items.append((p, {"source_id": src.id, "added_at": "", "origin": "catalogue"}))
    for entry in added_registry(data_dir):
        p = _added_dir(data_dir) / entry["stored_as"]
        items.append((p, {**entry, "origin": "add-release"}))
    return items


# ---------------------------------------------------------------- build


@dataclass
class BuildResult:
    """What a build produced: the version folder, its manifest and the human-readable report."""

    path: Path
    manifest: dict
    report: list[str]


def _say(progress: Callable[[str], None] | None) -> Callable[[str], None]:
    return progress or (lambda m: print(m, file=sys.stderr))


def _read_all_releases(data_dir: Path) -> tuple[list[releases.Release], list[dict]]:
    parsed, meta = [], []
    for path, entry in _release_inputs(data_dir):
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
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".writer.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(
    data_dir: Path,
    mirror: Path | None = None,
    *,
    fetch_missing: bool = True,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Fetch what is missing, then build and atomically publish a new store version."""
    with writer_lock(data_dir):
        return _build(data_dir, mirror, fetch_missing=fetch_missing, progress=progress)


def _build(
    data_dir: Path,
    mirror: Path | None,
    *,
    fetch_missing: bool,
    progress: Callable[[str], None] | None,
) -> BuildResult:
    from league_atlas.places import boundaries, locate, sites

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
        parsed, meta = _read_all_releases(data_dir)
        metrics, league, usage = releases.merge_releases(parsed)
        _write_parquet(metrics, building / STORE_FILES["metrics"])
        _write_parquet(league, building / STORE_FILES["league_files"])
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

        t = time.perf_counter()
        specs = layer_specs()
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
            "added_releases": added_registry(data_dir),
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
        }
        timings["total_s"] = time.perf_counter() - t0
        manifest["timings"] = {k: round(v, 3) for k, v in timings.items()}
        atomic.write_text(
            building / STORE_FILES["manifest"], json.dumps(manifest, indent=2, default=str)
        )
        final = atomic.publish_version(building, store_dir(data_dir))
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    atomic.prune_versions(stores, VERSION_PREFIX, store_dir(data_dir))
    say(f"store published at {store_dir(data_dir)} -> {final.name} in {timings['total_s']:.1f} s")
    return BuildResult(final, manifest, report)


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
) -> tuple[releases.ReleaseInfo, BuildResult]:
    """Validate a new NOF file and merge it into the store (a later file for the same quarter and
    trust type supersedes the earlier one). On any error the store and the raw folder are unchanged.
    """
    if data is None:
        if file is None:
            raise ValueError("add_release needs a file or data")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise InputError(str(file), f"cannot read the file: {exc.strerror or exc}") from None
    label = name or (Path(file).name if file else "upload.csv")
    rel = releases.read_release(
        Path(label), data=data, name=label, quarter=quarter, trust_type=trust_type
    )
    if not (store_dir(data_dir) / STORE_FILES["manifest"]).is_file():
        raise StoreMissingError(f"no store to add to under {data_dir}; run {BUILD_COMMAND} first")
    with writer_lock(data_dir):
        result = _merge_release(data_dir, rel, data, label, quarter, trust_type, progress)
    return rel.info, result


def _merge_release(data_dir, rel, data, label, quarter, trust_type, progress) -> BuildResult:
    """Stage the file in raw/releases/, rebuild without fetching; roll the raw side back on error."""
    added = _added_dir(data_dir)
    added.mkdir(parents=True, exist_ok=True)
    stored_as = f"{rel.info.sha256[:16]}-{Path(label).name}"
    target = added / stored_as
    existed = target.exists()
    registry = added_registry(data_dir)
    entry = {
        "file": Path(label).name,
        "stored_as": stored_as,
        "sha256": rel.info.sha256,
        "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quarter": quarter if rel.info.quarter_from == "argument" else None,
        "trust_type": trust_type,
        "quarters": list(rel.info.quarters),
        "trust_types": list(rel.info.trust_types),
    }
    new_registry = [e for e in registry if e["sha256"] != rel.info.sha256] + [entry]
    if not existed:
        atomic.write_bytes(target, data)
    registry_path = added / ADDED_REGISTRY
    old_registry_bytes = registry_path.read_bytes() if registry_path.is_file() else None
    atomic.write_text(registry_path, json.dumps(new_registry, indent=2))
    try:
        result = _build(data_dir, None, fetch_missing=False, progress=progress)
    except BaseException:
        # Roll the raw side back so the next build sees exactly what it saw before.
        if old_registry_bytes is None:
            registry_path.unlink(missing_ok=True)
        else:
            atomic.write_bytes(registry_path, old_registry_bytes)
        if not existed:
            target.unlink(missing_ok=True)
        raise
    return result

"""Fetch every catalogued source into `DATA_DIR/raw/`, from a local mirror or the official URL.

A mirror copy must match its catalogued sha256. An official download's bytes may legitimately differ
(the publisher replaces files in place), so it is checked by validating its format instead, and its
sha256 is recorded in `raw/fetch-manifest.json`. Every write is atomic; one failed source prints one
line and the others carry on.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from league_atlas.config import raw_dir
from league_atlas.errors import SourceError
from league_atlas.io import atomic
from league_atlas.io.sources import Source, catalogue, sha256_file

MANIFEST_NAME = "fetch-manifest.json"


@dataclass
class FetchResult:
    """What happened to one source."""

    source_id: str
    status: str  # "ok", "cached", "failed"
    origin: str  # "mirror", "official", "cache", ""
    message: str = ""
    files: dict[str, str] | None = None  # file name -> sha256


def _check_format(src: Source, path: Path) -> None:
    """Cheap structural check for downloads whose bytes cannot be compared to a checksum."""
    head = path.read_bytes()[:4096]
    if not head:
        raise SourceError(f"{src.id}: downloaded file {path.name} is empty")
    fmt = src.format
    if fmt == "geojson" and b"FeatureCollection" not in path.read_bytes()[: 1 << 20]:
        raise SourceError(f"{src.id}: {path.name} is not a GeoJSON FeatureCollection")
    if fmt in ("xlsx", "ods") and not head.startswith(b"PK"):
        raise SourceError(f"{src.id}: {path.name} is not a {fmt} (zip) workbook")
    if fmt == "xls" and not head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(f"{src.id}: {path.name} is not an .xls workbook")
    if fmt == "csv" and (b"<html" in head.lower() or b"\x00" in head):
        raise SourceError(f"{src.id}: {path.name} does not look like CSV text")


def _fetch_from_mirror(src: Source, mirror: Path, dest_dir: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for f in src.files:
        origin = mirror / f.path
        if not origin.is_file():
            raise SourceError(f"{src.id}: {f.path} is not in the mirror {mirror}")
        actual = sha256_file(origin)
        if actual != f.sha256:
            raise SourceError(
                f"{src.id}: {origin} has sha256 {actual[:12]}..., catalogue expects {f.sha256[:12]}..."
            )
        with atomic.atomic_path(dest_dir / f.name) as tmp:
            shutil.copyfile(origin, tmp)
        hashes[f.name] = actual
    return hashes


def manual_instructions(src: Source, dest_dir: Path) -> str:
    """Exactly what to fetch by hand, from where, and where to put it (no direct download)."""
    why = f" ({src.url_source})" if src.url_source else ""
    return (
        f'{src.id}: no direct download address for "{src.title}" ({src.publisher}){why}. '
        f"Download it from {src.landing_page or 'the publisher'} and save it as "
        + " and ".join(str(dest_dir / f.name) for f in src.files)
        + ", or pass --mirror DIR with a copy of the project's data mirror; then run the build "
        "again."
    )


def _download(url: str, target: Path, timeout: float) -> None:
    req = urllib.request.Request(url, headers={"User-Agent": "league-atlas"})
    with urllib.request.urlopen(req, timeout=timeout) as resp, open(target, "wb") as out:
        shutil.copyfileobj(resp, out)


def _fetch_official(src: Source, dest_dir: Path, timeout: float) -> dict[str, str]:
    if not src.downloadable:
        raise SourceError(manual_instructions(src, dest_dir))
    hashes: dict[str, str] = {}
    for f, url in src.file_urls():
        with atomic.atomic_path(dest_dir / f.name) as tmp:
            if src.archive_member:
                archive = tmp.with_name(tmp.name + ".zip")
                try:
                    _download(url, archive, timeout)
                    _extract(src, archive, tmp)
                finally:
                    archive.unlink(missing_ok=True)
            else:
                _download(url, tmp, timeout)
            _check_format(src, tmp)
            hashes[f.name] = sha256_file(tmp)
    return hashes


def _extract(src: Source, archive: Path, target: Path) -> None:
    """Copy the catalogued member out of a downloaded zip (publishers zip some CSVs)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            names = {Path(n).name: n for n in zf.namelist()}
            if src.archive_member not in names:
                raise SourceError(
                    f"{src.id}: {src.official_url} holds {', '.join(sorted(names)) or 'nothing'}, "
                    f"not {src.archive_member}"
                )
            with zf.open(names[src.archive_member]) as member, open(target, "wb") as out:
                shutil.copyfileobj(member, out)
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{src.id}: {src.official_url} did not return a zip ({exc})") from exc


def _placed_by_hand(src: Source, dest_dir: Path) -> dict[str, str] | None:
    """Files someone saved into raw/<source id>/ as the instructions say, checked by format."""
    paths = [dest_dir / f.name for f in src.files]
    if not all(p.is_file() for p in paths):
        return None
    for p in paths:
        _check_format(src, p)
    return {p.name: sha256_file(p) for p in paths}


def _cached(src: Source, dest_dir: Path, manifest: dict) -> dict[str, str] | None:
    """Files already fetched and unchanged since (checked against what the manifest recorded)."""
    entry = manifest.get(src.id)
    if not entry:
        return None
    hashes = {}
    for f in src.files:
        p = dest_dir / f.name
        want = entry.get("files", {}).get(f.name)
        if not p.is_file() or want is None or sha256_file(p) != want:
            return None
        if entry.get("origin") == "mirror" and want != f.sha256:
            return None
        hashes[f.name] = want
    return hashes


def read_manifest(data_dir: Path) -> dict:
    """The fetch manifest: per source id, origin, file hashes and when fetched."""
    path = raw_dir(data_dir) / MANIFEST_NAME
    if not path.is_file():
        return {}
    return json.loads(path.read_text("utf-8"))


def fetch_all(
    data_dir: Path,
    mirror: Path | None,
    *,
    only: list[str] | None = None,
    timeout: float = 30.0,
    progress: Callable[[str], None] | None = None,
) -> list[FetchResult]:
    """Fetch every catalogued source (or `only` those ids); never stops at the first failure."""
    say = progress or (lambda msg: print(msg, file=sys.stderr))
    manifest = read_manifest(data_dir)
    sources = [s for s in catalogue().values() if not only or s.id in only]
    results: list[FetchResult] = []
    for i, src in enumerate(sources, 1):
        dest_dir = raw_dir(data_dir) / src.id
        dest_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        cached = _cached(src, dest_dir, manifest)
        if cached is not None:
            results.append(FetchResult(src.id, "cached", "cache", files=cached))
            say(f"[{i}/{len(sources)}] {src.id}: up to date")
            continue
        errors = []
        result = None
        if src.id not in manifest:
            try:
                placed = _placed_by_hand(src, dest_dir)
            except SourceError as exc:
                placed = None
                errors.append(f"{exc} (the file saved by hand was not used)")
            if placed is not None:
                result = FetchResult(src.id, "ok", "manual", files=placed)
        if result is None and mirror is not None:
            try:
                result = FetchResult(
                    src.id, "ok", "mirror", files=_fetch_from_mirror(src, mirror, dest_dir)
                )
            except (SourceError, OSError) as exc:
                errors.append(str(exc))
        if result is None:
            try:
                result = FetchResult(
                    src.id, "ok", "official", files=_fetch_official(src, dest_dir, timeout)
                )
            except (SourceError, OSError, ValueError) as exc:
                errors.append(
                    str(exc)
                    if isinstance(exc, SourceError)
                    else f"{src.id}: download failed: {exc}"
                )
        if result is None:
            result = FetchResult(src.id, "failed", "", message="; ".join(errors))
            say(f"[{i}/{len(sources)}] {src.id}: FAILED: {result.message}")
        else:
            manifest[src.id] = {
                "origin": result.origin,
                "files": result.files,
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "official_url": src.official_url,
                **({"url_source": src.url_source} if src.url_source else {}),
            }
            say(
                f"[{i}/{len(sources)}] {src.id}: {result.origin} ({time.perf_counter() - started:.2f} s)"
            )
        results.append(result)
    atomic.write_text(
        raw_dir(data_dir) / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True)
    )
    return results


def still_needed(data_dir: Path) -> list[tuple[Source, str]]:
    """Required sources with no fetched copy yet, each with what to do about it (for the first
    run page and the build error): a download address to try, or the manual instructions."""
    manifest = read_manifest(data_dir)
    out = []
    for src in catalogue().values():
        if not src.required:
            continue
        dest_dir = raw_dir(data_dir) / src.id
        if src.id in manifest and all((dest_dir / f.name).is_file() for f in src.files):
            continue
        if src.downloadable:
            how = f"{src.id}: downloaded from {src.official_url or src.files[0].url} by the build"
        else:
            how = manual_instructions(src, dest_dir)
        out.append((src, how))
    return out


def missing_required(results: list[FetchResult]) -> list[str]:
    """Ids of required sources that are not available after a fetch."""
    cat = catalogue()
    return [r.source_id for r in results if r.status == "failed" and cat[r.source_id].required]

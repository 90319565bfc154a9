"""Write files and swap directories so a crash or kill never leaves a half-written result.

Files: write to a temp file in the same folder, fsync, then `os.replace`. Directories (the store):
build a new folder, then atomically repoint a symlink at it; readers always see a complete version.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside `target`; on success it replaces `target`, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    """Atomically write `data` to `target`."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path, text: str) -> None:
    """Atomically write UTF-8 `text` to `target`."""
    write_bytes(target, text.encode("utf-8"))


def new_version_dir(parent: Path, prefix: str) -> Path:
    """A fresh, uniquely named folder under `parent` for building a new version into."""
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f".{prefix}-{uuid.uuid4().hex[:12]}.building"
    path.mkdir()
    return path


def publish_version(building: Path, link: Path) -> Path:
    """Rename the finished `building` folder and atomically point `link` (a symlink) at it.

    The previous version stays on disk until `prune_versions` removes it, so a reader that
    resolved the old link keeps working.
    """
    final = building.with_name(building.name.removeprefix(".").removesuffix(".building"))
    os.replace(building, final)
    tmp_link = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.link")
    try:
        # Relative, so the data folder can be copied or mounted at another path on each replica.
        os.symlink(os.path.relpath(final, link.parent), tmp_link)
        if link.exists() and not link.is_symlink():
            # A plain folder from an older layout: move it aside so the symlink can take its name.
            os.replace(link, link.with_name(f"{link.name}-legacy-{uuid.uuid4().hex[:6]}"))
        os.replace(tmp_link, link)
    except BaseException:
        # Not published: leave no trace (the link still names the previous version).
        tmp_link.unlink(missing_ok=True)
        if not (link.is_symlink() and link.resolve() == final.resolve()):
            shutil.rmtree(final, ignore_errors=True)
        raise
    return final


def clean_staging(parent: Path, prefix: str, link: Path) -> None:
    """Remove what a killed writer left: unfinished version folders and temporary links."""
    for stale in parent.glob(f".{prefix}-*.building"):
        shutil.rmtree(stale, ignore_errors=True)
    for tmp in link.parent.glob(f".{link.name}.*.link"):
        tmp.unlink(missing_ok=True)


def prune_versions(parent: Path, prefix: str, link: Path, keep: int = 3) -> None:
    """Remove unfinished builds and all but the newest `keep` versions (never the linked one)."""
    current = link.resolve() if link.exists() else None
    for stale in parent.glob(f".{prefix}-*.building"):
        shutil.rmtree(stale, ignore_errors=True)
    versions = sorted(
        (p for p in parent.glob(f"{prefix}-*") if p.is_dir() and p.resolve() != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in versions[max(keep - 1, 0) :]:
        shutil.rmtree(old, ignore_errors=True)

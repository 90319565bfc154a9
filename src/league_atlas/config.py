"""Where things live: the data directory, the raw sources, the store, the mirror and `geo/`.

Resolved once from flags and environment so the CLI, the app and the tests agree.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
GEO_DIR = PROJECT_DIR / "geo"

DATA_DIR_ENV = "LEAGUE_ATLAS_DATA_DIR"
MIRROR_ENV = "LEAGUE_ATLAS_MIRROR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir`, else `$LEAGUE_ATLAS_DATA_DIR`, else `data/` in the project."""
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env).resolve() if env else (PROJECT_DIR / "data")


def raw_dir(base: Path) -> Path:
    """Fetched sources, one sub-folder per source id."""
    return base / "raw"


def store_dir(base: Path) -> Path:
    """The current prepared store (a symlink swapped atomically by each build)."""
    return base / "store"


def default_mirror(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """`--mirror`, else `$LEAGUE_ATLAS_MIRROR`, else `../shared/data` beside the project if present."""
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get(MIRROR_ENV)
    if env:
        return Path(env).resolve()
    for candidate in (
        PROJECT_DIR.parent / "shared" / "data",
        Path.cwd().parent / "shared" / "data",
    ):
        if candidate.is_dir():
            return candidate.resolve()
    return None

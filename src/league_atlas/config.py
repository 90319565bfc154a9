"""Settings and where things live: the data directory, raw sources, store, mirror and `geo/`.

The one place that knows the environment variables and how each is parsed, so the CLI, the app
and the tests agree. Reading is cheap, so callers ask per command or per script run (and tests
can set a variable and see it).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
GEO_DIR = PROJECT_DIR / "geo"

DATA_DIR_ENV = "LEAGUE_ATLAS_DATA_DIR"
MIRROR_ENV = "LEAGUE_ATLAS_MIRROR"
BASEMAP_ENV = "LEAGUE_ATLAS_BASEMAP"
LAYERS_ENV = "LEAGUE_ATLAS_LAYERS"
ALLOW_UPLOAD_ENV = "LEAGUE_ATLAS_ALLOW_UPLOAD"
_OFF = ("0", "false", "no", "off")


def flag(name: str, default: bool = True) -> bool:
    """An on/off environment setting: 0, false, no or off switch it off."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in _OFF


def basemap() -> bool:
    """Draw basemap tiles under the maps (`LEAGUE_ATLAS_BASEMAP=0`: none, the map works offline)."""
    return flag(BASEMAP_ENV)


def layers_file() -> Path | None:
    """An alternative boundary layer definition file (`LEAGUE_ATLAS_LAYERS`), else geo/layers.toml."""
    value = os.environ.get(LAYERS_ENV, "").strip()
    return Path(value) if value else None


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

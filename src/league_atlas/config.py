"""Settings and where things live: the data directory, raw sources, store, mirror and `geo/`.

The one place that knows the environment variables and how each is parsed, so the CLI, the app
and the tests agree. Reading is cheap, so callers ask per command or per script run (and tests
can set a variable and see it); the deployment settings (admin token, input limits) are parsed
once per process by `settings()` (tests call `settings.cache_clear()`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
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


MAX_BOUNDARY_FEATURES_ENV = "LEAGUE_ATLAS_MAX_BOUNDARY_FEATURES"
MAX_UNZIPPED_MB_ENV = "LEAGUE_ATLAS_MAX_UNZIPPED_MB"


def max_boundary_features() -> int:
    """Most features a boundary file may have (`LEAGUE_ATLAS_MAX_BOUNDARY_FEATURES`, 5,000): a
    PCN map has hundreds, so more is a wrong file or an attempt to make the server draw forever."""
    return int(os.environ.get(MAX_BOUNDARY_FEATURES_ENV, "") or 5_000)


def max_unzipped_bytes() -> int:
    """Most bytes a zipped boundary file may unpack to (`LEAGUE_ATLAS_MAX_UNZIPPED_MB`, 200)."""
    return int(float(os.environ.get(MAX_UNZIPPED_MB_ENV, "") or 200) * 1024 * 1024)


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


# ------------------------------------------------------------------ deployment settings

ADMIN_TOKEN_ENV = "LEAGUE_ATLAS_ADMIN_TOKEN"
MAX_FILE_MB_ENV = "LEAGUE_ATLAS_MAX_FILE_MB"
MAX_ROWS_ENV = "LEAGUE_ATLAS_MAX_ROWS"
MAX_TRUSTS_ENV = "LEAGUE_ATLAS_MAX_TRUSTS_PER_TYPE"

# Far above any real release (largest file today ~9,000 rows, 1.5 MB; a trust type has 10-134
# trusts) and far below what ties up a server: a file over a limit is refused within seconds.
DEFAULT_MAX_FILE_MB = 200
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_TRUSTS_PER_TYPE = 1_000


@dataclass(frozen=True)
class Settings:
    """Deployment settings from the environment, parsed once per process (`settings()`)."""

    admin_token: str | None  # None: publishing from the browser is off
    allow_upload: bool  # False: the upload page does not even check files
    max_file_bytes: int
    max_rows: int
    max_trusts_per_type: int

    @property
    def max_file_mb(self) -> int:
        return self.max_file_bytes // (1024 * 1024)


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip().replace("_", "").replace(",", "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        from league_atlas.errors import LeagueAtlasError

        raise LeagueAtlasError(f"{name}={env[name]!r} is not a positive whole number")
    return value


def parse_settings(env: dict[str, str]) -> Settings:
    """Settings from an environment mapping (a bad value is an error naming the variable)."""
    token = env.get(ADMIN_TOKEN_ENV, "").strip()
    allow = env.get(ALLOW_UPLOAD_ENV, "1").strip().lower() not in _OFF
    return Settings(
        admin_token=token or None,
        allow_upload=allow,
        max_file_bytes=_positive_int(env, MAX_FILE_MB_ENV, DEFAULT_MAX_FILE_MB) * 1024 * 1024,
        max_rows=_positive_int(env, MAX_ROWS_ENV, DEFAULT_MAX_ROWS),
        max_trusts_per_type=_positive_int(env, MAX_TRUSTS_ENV, DEFAULT_MAX_TRUSTS_PER_TYPE),
    )


@cache
def settings() -> Settings:
    """The process's settings, read from the environment on first use (tests: cache_clear())."""
    return parse_settings(dict(os.environ))

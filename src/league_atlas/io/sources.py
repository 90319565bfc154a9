"""The source catalogue: every dataset League Atlas uses, where it comes from and how to check it.

The catalogue itself is data (`catalogue.toml`), so adding a source is an edit, not a code change.
Fetched copies live under `DATA_DIR/raw/<source id>/<file name>`; the rest of the package asks
`raw_file()` for them and never guesses paths.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from league_atlas.config import raw_dir

CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.toml"


@dataclass(frozen=True)
class SourceFile:
    """One file of a source: its path inside a mirror folder and the mirror copy's sha256."""

    path: str
    sha256: str
    url: str = ""  # this file's own download address, for sources of several files

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class Source:
    """A catalogue entry (see catalogue.toml for the meaning of each field)."""

    id: str
    title: str
    kind: str
    format: str
    publisher: str
    licence: str
    attribution: str
    mirror_vs_official: str
    files: tuple[SourceFile, ...]
    official_url: str = ""
    landing_page: str = ""
    required: bool = True
    download: bool = True
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def downloadable(self) -> bool:
        """A direct download exists: one file at `official_url`, or every file with its own url."""
        if not self.download:
            return False
        if all(f.url for f in self.files):
            return True
        return bool(self.official_url) and len(self.files) == 1

    def file_urls(self) -> list[tuple[SourceFile, str]]:
        """(file, address to download it from) for every file of a downloadable source."""
        if len(self.files) == 1 and not self.files[0].url:
            return [(self.files[0], self.official_url)]
        return [(f, f.url) for f in self.files]

    @property
    def archive_member(self) -> str:
        """The file inside a downloaded zip (e.g. ODS etr.zip holds etr.csv), or ""."""
        return str(self.extra.get("archive_member", ""))

    @property
    def url_source(self) -> str:
        """Where the download address was found (publisher documentation or public code)."""
        return str(self.extra.get("url_source", ""))


@cache
def catalogue() -> dict[str, Source]:
    """All sources by id, in catalogue order."""
    with open(CATALOGUE_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, Source] = {}
    known = set(Source.__dataclass_fields__)
    for entry in raw["source"]:
        files = tuple(SourceFile(**f) for f in entry["files"])
        fields = {k: v for k, v in entry.items() if k in known and k != "files"}
        extra = {k: v for k, v in entry.items() if k not in known}
        src = Source(files=files, extra=extra, **fields)
        if src.id in out:
            raise ValueError(f"{CATALOGUE_PATH}: duplicate source id {src.id!r}")
        out[src.id] = src
    return out


def get(source_id: str) -> Source:
    """The catalogue entry for `source_id`, with a clear error listing valid ids."""
    cat = catalogue()
    if source_id not in cat:
        raise KeyError(f"unknown source {source_id!r}; known: {', '.join(cat)}")
    return cat[source_id]


def raw_file(data_dir: Path, source_id: str, index: int = 0) -> Path:
    """Where the fetched copy of a source's `index`-th file lives."""
    src = get(source_id)
    return raw_dir(data_dir) / src.id / src.files[index].name


def raw_files(data_dir: Path, source_id: str) -> list[Path]:
    """All fetched files of a source, in catalogue order."""
    src = get(source_id)
    return [raw_dir(data_dir) / src.id / f.name for f in src.files]


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def attributions() -> list[str]:
    """Distinct attribution lines, for the README, the About page and every export."""
    seen: dict[str, None] = {}
    for src in catalogue().values():
        seen.setdefault(src.attribution, None)
    return list(seen)

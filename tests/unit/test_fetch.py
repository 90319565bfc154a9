"""Fetching: mirror copies are checksum-verified, failures are isolated, writes are atomic."""

from __future__ import annotations

import hashlib
import json

import pytest

from league_atlas.io import fetch, sources
from league_atlas.io.sources import Source, SourceFile


def _src(sid: str, path: str, sha: str, *, required=True, url="") -> Source:
    return Source(
        id=sid,
        title=sid,
        kind="lookup",
        format="csv",
        publisher="test",
        licence="OGL-3.0",
        attribution="test",
        mirror_vs_official="test",
        files=(SourceFile(path, sha),),
        official_url=url,
        required=required,
    )


@pytest.fixture
def mirror(tmp_path):
    m = tmp_path / "mirror"
    (m / "a").mkdir(parents=True)
    (m / "a" / "one.csv").write_text("x,y\n1,2\n")
    (m / "a" / "two.csv").write_text("x,y\n3,4\n")
    return m


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_catalogue_is_complete_and_unique():
    cat = sources.catalogue()
    assert len(cat) >= 20
    for src in cat.values():
        assert src.files and all(len(f.sha256) == 64 for f in src.files)
        assert src.licence and src.attribution and src.mirror_vs_official
        assert src.official_url or src.landing_page, src.id
    paths = [f.path for s in cat.values() for f in s.files]
    assert len(paths) == len(set(paths)), "one entry per dataset"


def test_mirror_copy_verified_and_failure_isolated(tmp_path, mirror, monkeypatch):
    good = _src("good", "a/one.csv", _sha(mirror / "a" / "one.csv"))
    bad = _src("bad", "a/two.csv", "0" * 64)
    absent = _src("absent", "a/none.csv", "1" * 64, required=False)
    monkeypatch.setattr(fetch, "catalogue", lambda: {s.id: s for s in (good, bad, absent)})
    monkeypatch.setattr(sources, "catalogue", lambda: {s.id: s for s in (good, bad, absent)})
    lines: list[str] = []
    data = tmp_path / "data"
    results = fetch.fetch_all(data, mirror, progress=lines.append)
    by = {r.source_id: r for r in results}
    assert by["good"].status == "ok" and by["good"].origin == "mirror"
    assert by["bad"].status == "failed" and "sha256" in by["bad"].message
    assert by["absent"].status == "failed" and "not in the mirror" in by["absent"].message
    assert (data / "raw" / "good" / "one.csv").read_text() == "x,y\n1,2\n"
    assert not (data / "raw" / "bad" / "two.csv").exists()
    assert fetch.missing_required(results) == ["bad"]
    assert sum("FAILED" in line for line in lines) == 2
    manifest = json.loads((data / "raw" / "fetch-manifest.json").read_text())
    assert set(manifest) == {"good"}
    # Second run: served from the cache, unchanged.
    again = fetch.fetch_all(data, mirror, only=["good"], progress=lines.append)
    assert again[0].status == "cached"


def test_no_temp_files_left_behind(tmp_path, mirror, monkeypatch):
    good = _src("good", "a/one.csv", _sha(mirror / "a" / "one.csv"))
    monkeypatch.setattr(fetch, "catalogue", lambda: {"good": good})
    fetch.fetch_all(tmp_path / "d", mirror, progress=lambda m: None)
    leftovers = [p for p in (tmp_path / "d").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_official_download_checked_by_format(tmp_path, monkeypatch):
    page = tmp_path / "page.csv"
    page.write_text("<html>not found</html>")
    src = _src("web", "x/file.csv", "2" * 64, url=page.as_uri())
    monkeypatch.setattr(fetch, "catalogue", lambda: {"web": src})
    res = fetch.fetch_all(tmp_path / "d", None, progress=lambda m: None)
    assert res[0].status == "failed" and "does not look like CSV" in res[0].message
    page.write_text("a,b\n1,2\n")
    res = fetch.fetch_all(tmp_path / "d", None, progress=lambda m: None)
    assert res[0].status == "ok" and res[0].origin == "official"
    manifest = json.loads((tmp_path / "d" / "raw" / "fetch-manifest.json").read_text())
    assert manifest["web"]["files"]["file.csv"] == _sha(page)

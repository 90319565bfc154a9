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


# ------------------------------------------------------------------ first run anywhere (issue 14)


def _install(monkeypatch, *srcs):
    cat = {s.id: s for s in srcs}
    monkeypatch.setattr(fetch, "catalogue", lambda: cat)
    monkeypatch.setattr(sources, "catalogue", lambda: cat)


def _serve(monkeypatch, pages: dict[str, bytes]):
    """urlopen answering from a dict of URL -> bytes (no network in unit tests)."""
    import io

    def fake(req, timeout=None):
        url = req.full_url
        if url not in pages:
            raise OSError(f"no route to {url}")
        return io.BytesIO(pages[url])

    monkeypatch.setattr(fetch.urllib.request, "urlopen", fake)


def test_every_catalogued_source_cites_its_address_or_says_how_to_fetch_it():
    for src in sources.catalogue().values():
        assert src.url_source, f"{src.id}: where the URL came from (or why there is none)"
        if src.downloadable:
            assert all(url.startswith("https://") for _, url in src.file_urls()), src.id
        else:
            assert src.landing_page.startswith("https://"), src.id
    # The sources the store cannot be built without mostly download on their own now.
    required = [s for s in sources.catalogue().values() if s.required]
    assert sum(s.downloadable for s in required) >= 8


def test_download_of_several_files_each_from_its_own_url(tmp_path, monkeypatch):
    src = Source(
        id="multi",
        title="multi",
        kind="context",
        format="csv",
        publisher="test",
        licence="OGL-3.0",
        attribution="test",
        mirror_vs_official="test",
        files=(
            SourceFile("m/a.csv", "0" * 64, url="https://example.test/a.csv"),
            SourceFile("m/b.csv", "0" * 64, url="https://example.test/b.csv"),
        ),
    )
    _install(monkeypatch, src)
    _serve(
        monkeypatch,
        {"https://example.test/a.csv": b"a\n1\n", "https://example.test/b.csv": b"b\n2\n"},
    )
    [res] = fetch.fetch_all(tmp_path, None, progress=lambda m: None)
    assert res.status == "ok" and res.origin == "official" and set(res.files) == {"a.csv", "b.csv"}
    assert (tmp_path / "raw" / "multi" / "b.csv").read_text() == "b\n2\n"


def test_zipped_download_keeps_the_catalogued_member(tmp_path, monkeypatch):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("etr.csv", '"R1","A TRUST"\n')
        zf.writestr("etr.pdf", "%PDF")
    src = _src("ods", "geo/ods_etr.csv", "0" * 64, url="https://example.test/etr.zip")
    src = Source(**{**src.__dict__, "extra": {"archive_member": "etr.csv"}})
    _install(monkeypatch, src)
    _serve(monkeypatch, {"https://example.test/etr.zip": buf.getvalue()})
    [res] = fetch.fetch_all(tmp_path, None, progress=lambda m: None)
    assert res.status == "ok", res.message
    assert (tmp_path / "raw" / "ods" / "ods_etr.csv").read_text() == '"R1","A TRUST"\n'
    assert not list((tmp_path / "raw" / "ods").glob("*.zip"))
    # A zip without the member is a clear error, and nothing is left behind.
    other = Source(**{**src.__dict__, "id": "ods2", "extra": {"archive_member": "ets.csv"}})
    _install(monkeypatch, other)
    [bad] = fetch.fetch_all(tmp_path, None, progress=lambda m: None)
    assert bad.status == "failed" and "not ets.csv" in bad.message
    assert not (tmp_path / "raw" / "ods2" / "ods_etr.csv").exists()


def test_no_download_says_what_from_where_and_where_to_put_it(tmp_path, monkeypatch):
    src = _src("lookup_x", "geo/lookup_x.csv", "0" * 64)
    src = Source(
        **{**src.__dict__, "landing_page": "https://publisher.test/page", "download": False}
    )
    _install(monkeypatch, src)
    [res] = fetch.fetch_all(tmp_path, None, progress=lambda m: None)
    assert res.status == "failed"
    assert "https://publisher.test/page" in res.message
    assert str(tmp_path / "raw" / "lookup_x" / "lookup_x.csv") in res.message
    # Saved there by hand, it is taken (format-checked) on the next run.
    (tmp_path / "raw" / "lookup_x" / "lookup_x.csv").write_text("a,b\n")
    [res] = fetch.fetch_all(tmp_path, None, progress=lambda m: None)
    assert res.status == "ok" and res.origin == "manual"
    # An HTML page saved by mistake is refused with the reason.
    other = Source(**{**src.__dict__, "id": "lookup_y"})
    _install(monkeypatch, other)
    (tmp_path / "raw" / "lookup_y").mkdir(parents=True)
    (tmp_path / "raw" / "lookup_y" / "lookup_x.csv").write_text("<html>login</html>")
    [res] = fetch.fetch_all(tmp_path, None, progress=lambda m: None)
    assert res.status == "failed" and "does not look like CSV" in res.message

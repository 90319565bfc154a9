"""Shared-deployment safety of the store: a portable data folder, all-or-nothing publishing with
its publication log, staging cleaned by the next writer, disk faults said in one plain line, and
private views that never touch the disk and are never called official."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from league_atlas.cli import main
from league_atlas.errors import StorageError
from league_atlas.io import atomic, fetch
from league_atlas.scoring import preparation
from league_atlas.scoring.weights import Weights
from league_atlas.store import overlay, reader, writer
from league_atlas.views import exports, status
from support import nof_factory as nf
from support.fixture_store import TRUST_CODES, build_fixture_store


def tree(folder: Path) -> dict[str, str]:
    """Every file and link under `folder`: path -> sha256 (or link target)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return build_fixture_store(tmp_path / "data", monkeypatch)


def _release(tmp_path: Path, seed: int, quarter: str = "Q2 2025/26") -> Path:
    return nf.write_release(
        tmp_path / f"rel-{seed}.csv", nf.make_trusts(seed=seed, codes=TRUST_CODES), quarter=quarter
    )


# ------------------------------------------------------------------ portable, all-or-nothing


def test_store_link_is_relative_and_a_copied_folder_opens(data_dir, tmp_path):
    link = data_dir / "store"
    assert link.is_symlink() and not os.path.isabs(os.readlink(link))
    writer.add_release(data_dir, _release(tmp_path, 21), progress=lambda m: None)
    elsewhere = tmp_path / "replica" / "mounted-here"
    shutil.copytree(data_dir, elsewhere, symlinks=True)
    shutil.rmtree(data_dir)  # the original path is gone: nothing may point into it
    copy = reader.open_store(elsewhere)
    assert copy.path.is_relative_to(elsewhere)
    assert copy.quarters("acute") == ["Q1 2025/26", "Q2 2025/26"]
    assert len(writer.added_registry(elsewhere)) == 1
    # ...and a writer works there too (the added file travels inside the store version).
    writer.build(elsewhere, None, fetch_missing=False, progress=lambda m: None)
    assert reader.open_store(elsewhere).quarters("acute") == ["Q1 2025/26", "Q2 2025/26"]


def test_add_release_never_touches_raw_and_logs_the_publication(data_dir, tmp_path):
    raw_before = tree(data_dir / "raw")
    rel = _release(tmp_path, 22)
    assert main.main(["add-release", str(rel), "--data-dir", str(data_dir)]) == 0
    assert tree(data_dir / "raw") == raw_before
    m = reader.open_store(data_dir).manifest
    (pub,) = m["publications"]
    assert pub["route"] == "cli" and pub["file"] == rel.name and pub["at"]
    assert pub["sha256"] == hashlib.sha256(rel.read_bytes()).hexdigest()
    assert m["added_releases"] == writer.added_registry(data_dir)
    # The log is carried forward by later builds and publications.
    writer.add_release(data_dir, _release(tmp_path, 23, "Q3 2025/26"), route="admin-upload")
    writer.build(data_dir, None, fetch_missing=False, progress=lambda m: None)
    pubs = reader.open_store(data_dir).manifest["publications"]
    assert [p["route"] for p in pubs] == ["cli", "admin-upload"]


def test_a_killed_writers_staging_is_removed_by_the_next_writer(data_dir, tmp_path):
    stores = data_dir / writer.STORES
    left = atomic.new_version_dir(stores, writer.VERSION_PREFIX)
    (left / "metrics.parquet").write_bytes(b"half")
    tmp_link = data_dir / ".store.deadbeef.link"
    os.symlink("stores/nowhere", tmp_link)
    before = reader.store_dir_path(data_dir)
    writer.add_release(data_dir, _release(tmp_path, 24), progress=lambda m: None)
    assert not left.exists() and not tmp_link.is_symlink()
    assert reader.store_dir_path(data_dir) != before


def test_publish_failing_at_the_link_leaves_no_trace(data_dir, tmp_path, monkeypatch):
    before = tree(data_dir)
    real_replace = os.replace

    def fail_link(src, dst):
        if Path(dst).name == "store":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_link)
    with pytest.raises(StorageError, match="cannot publish the new store: .*disk full"):
        writer.add_release(data_dir, _release(tmp_path, 25), progress=lambda m: None)
    monkeypatch.undo()
    after = tree(data_dir)
    assert {k: v for k, v in after.items() if k != ".writer.lock"} == {
        k: v for k, v in before.items() if k != ".writer.lock"
    }


# ------------------------------------------------------------------ faults said plainly


FAULTS = {
    "disk full": (errno.ENOSPC, "disk full (no space left on device)"),
    "read-only folder": (errno.EROFS, "read-only file system"),
    "permission denied": (errno.EACCES, "permission denied"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_write_faults_in_add_release_are_one_plain_line(
    data_dir, tmp_path, monkeypatch, capsys, fault
):
    code, words = FAULTS[fault]
    before = tree(data_dir)
    real = writer._write_parquet

    def failing(df, path):
        if path.name == "trusts.parquet":
            raise OSError(code, os.strerror(code))
        return real(df, path)

    monkeypatch.setattr(writer, "_write_parquet", failing)
    rel = _release(tmp_path, 26)
    assert main.main(["add-release", str(rel), "--data-dir", str(data_dir)]) == 2
    out = capsys.readouterr().err.strip().splitlines()
    err = [line for line in out if line.startswith("error")]
    assert len(err) == 1 and err[0] == out[-1], out  # progress lines, then one error line
    assert err[0].startswith("error: cannot write the new store: "), err
    assert str(data_dir / writer.STORES) in err[0] and words in err[0]
    assert "Traceback" not in "\n".join(out) and "network" not in err[0]
    monkeypatch.undo()
    assert {k: v for k, v in tree(data_dir).items() if k != ".writer.lock"} == {
        k: v for k, v in before.items() if k != ".writer.lock"
    }
    assert len(reader.open_store(data_dir).trusts) == 7  # the previous store still opens


def test_disk_full_during_a_fresh_build_is_not_blamed_on_the_network(tmp_path, monkeypatch, capsys):
    mirror = tmp_path / "mirror"
    (mirror / "nof").mkdir(parents=True)

    def full(src, mirror_dir, dest_dir):
        raise OSError(errno.ENOSPC, "No space left on device", str(dest_dir / "file.csv"))

    monkeypatch.setattr(fetch, "_fetch_from_mirror", full)
    rc = main.main(["build", "--data-dir", str(tmp_path / "data"), "--mirror", str(mirror)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert err[-1].startswith("error: cannot copy ") and "disk full" in err[-1], err[-1]
    assert "file.csv" in err[-1] and "network" not in err[-1]


def test_a_read_only_data_folder_is_named(tmp_path, monkeypatch, capsys):
    # Tests run as root, where chmod does not stop writes: the file system's answer is simulated.
    target = tmp_path / "ro"

    def read_only(self, *a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    rc = main.main(["build", "--data-dir", str(target)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1, err
    assert (
        err[0] == f"error: cannot lock the data folder for writing: {target}: read-only file system"
    )


def test_other_os_errors_never_print_a_traceback(data_dir, monkeypatch, capsys):
    def boom(*a, **k):
        raise OSError(errno.EIO, "Input/output error", "/dev/sdz")

    monkeypatch.setattr(writer, "build", boom)
    assert main.main(["build", "--data-dir", str(data_dir)]) == 1
    assert capsys.readouterr().err.strip() == "error: /dev/sdz: Input/output error"


# ------------------------------------------------------------------ private views and "official"


def _view_status(store, weights=None, **method):
    prep = preparation.prepare(store.metrics, "acute", store.quarters("acute")[-1])
    return status.view_status(
        prep,
        weights,
        financial_override=method.get("financial_override", True),
        segment_method=method.get("segment_method", "release"),
        release_rows=store.releases,
        manifest=store.manifest,
    )


def test_private_view_merges_in_memory_only(data_dir, tmp_path):
    before = tree(data_dir)
    base = reader.open_store(data_dir)
    trusts = nf.make_trusts(seed=3, codes=TRUST_CODES)
    data = nf.to_bytes(nf.release_rows(trusts)).replace(
        b"Made-up Hospitals 1 NHS Trust", b"Renamed Hospitals NHS Trust"
    )
    view = overlay.private_view(base, data, "renamed.csv", data_dir=data_dir)
    assert tree(data_dir) == before
    assert view.version != base.path.name and view.version.startswith(base.path.name)
    assert "Renamed Hospitals NHS Trust" in set(view.trusts["trust_name"])
    assert "Renamed Hospitals NHS Trust" not in set(base.trusts["trust_name"])
    # Same quarter and type: the private file supersedes the shared rows, as add-release would.
    assert set(view.metrics["release_id"]) == {view.release.info.release_id}
    rel = view.releases.set_index("origin")
    assert rel.loc[overlay.PRIVATE_ORIGIN, "supplies"] == "Q1 2025/26 acute"
    assert rel.loc["catalogue", "supplies"] == ""
    assert list(view.trusts.columns) == list(base.trusts.columns)
    assert view.boundary_ids() == base.boundary_ids()
    # The shared store, opened again, is what it was.
    assert reader.open_store(data_dir).metrics.equals(base.metrics)


def test_a_new_trust_in_a_private_file_is_listed(data_dir):
    base = reader.open_store(data_dir)
    trusts = nf.make_trusts(seed=4, codes=[*TRUST_CODES, "RZZ"])
    view = overlay.private_view(
        base,
        nf.to_bytes(nf.release_rows(trusts, quarter="Q2 2025/26")),
        "new.csv",
        data_dir=data_dir,
    )
    assert "RZZ" in set(view.trusts["trust_code"])
    assert view.quarters("acute") == ["Q1 2025/26", "Q2 2025/26"]
    assert view.notes and "1 trust(s) not in the shared store" in view.notes[0]


def test_official_only_for_operator_data_official_weights_and_method(data_dir):
    base = reader.open_store(data_dir)
    s = _view_status(base)
    assert s.official and not s.private
    assert s.text.startswith("Official NOF table") and base.releases["file"].iloc[0] in s.text
    assert not _view_status(base, financial_override=False).official
    assert not _view_status(base, segment_method="quartiles").official
    prep = preparation.prepare(base.metrics, "acute", "Q1 2025/26")
    w = Weights(domains={prep.domains[0]: 2.0})
    assert not _view_status(base, w).official
    data = nf.to_bytes(nf.release_rows(nf.make_trusts(seed=9, codes=TRUST_CODES)))
    view = overlay.private_view(base, data, "mine.csv", data_dir=data_dir)
    p = _view_status(view)
    assert not p.official and p.private
    assert p.text.startswith("Your file, not published: mine.csv.") and "not the official" in p.text
    assert "Official NOF table" not in p.text
    # Every export carries it: the stamp and the CSV.
    prep = preparation.prepare(view.metrics, "acute", "Q1 2025/26")
    stamp = exports.make_stamp(
        manifest=view.manifest,
        release_rows=view.releases,
        metrics=view.metrics,
        trust_type="acute",
        quarter="Q1 2025/26",
        where="England",
        release_ids=prep.release_ids,
        weights_note=p.text,
        official=p.official,
    )
    csv = exports.to_csv_bytes(pd.DataFrame({"a": [1]}), stamp.lines()).decode("utf-8-sig")
    assert "Your file, not published" in csv and "mine.csv (your upload, not published)" in csv


def test_registry_lives_in_the_store_version(data_dir, tmp_path):
    writer.add_release(data_dir, _release(tmp_path, 27), progress=lambda m: None)
    version = reader.store_dir_path(data_dir)
    reg = json.loads((version / writer.ADDED_STORE_DIR / writer.ADDED_REGISTRY).read_text())
    assert reg == writer.added_registry(data_dir)
    assert (version / writer.ADDED_STORE_DIR / reg[0]["stored_as"]).is_file()
    ((path, entry),) = writer.added_entries(version, "release")
    assert path.is_file() and entry == reg[0] and writer.added_entries(version, "boundaries") == []
    assert not (data_dir / "raw" / writer.ADDED_DIR).exists()

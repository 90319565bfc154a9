"""The prepared store: atomic publish, add-release supersedes, bad input leaves everything unchanged."""

from __future__ import annotations

import hashlib
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from league_atlas.cli import main
from league_atlas.errors import InputError, LeagueAtlasError, StoreMissingError
from league_atlas.io import sources
from league_atlas.schema import TRUST_COLUMNS
from league_atlas.store import reader, writer
from support import nof_factory as nf
from support.fixture_store import TRUST_CODES, build_fixture_store


def snapshot(data_dir: Path) -> dict[str, str]:
    """sha256 of every file the store link resolves to, and of everything under raw/."""
    out = {}
    roots = [reader.store_dir_path(data_dir), data_dir / "raw"]
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                out[str(p.relative_to(data_dir))] = hashlib.sha256(p.read_bytes()).hexdigest()
    out["_link"] = str(reader.store_dir_path(data_dir).name)
    return out


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return build_fixture_store(tmp_path / "data", monkeypatch)


def test_build_publishes_a_complete_store(data_dir):
    st = reader.open_store(data_dir)
    assert (data_dir / "store").is_symlink()
    assert set(st.trusts.columns) >= set(TRUST_COLUMNS)
    assert sorted(st.trusts["trust_code"]) == sorted(TRUST_CODES)
    assert st.quarters("acute") == ["Q1 2025/26"]
    m = st.manifest
    assert m["code_fingerprint"] == writer.code_fingerprint()
    assert m["counts"]["trusts"] == 7 and m["timings"]["total_s"] > 0
    assert any("located by" in line for line in m["report"])
    assert set(st.boundary_ids()) == {"icb23", "icb26", "nhs_region", "lad"}
    # Built from raw files without fetching: the sources are not recorded, so a rebuild is due.
    assert writer.is_stale(data_dir) == (True, "source nof_acute_q1_2526 not in the store")


def test_add_release_supersedes_same_quarter_and_records_it(data_dir, tmp_path):
    before = reader.open_store(data_dir)
    n_before = len(before.metrics)
    newer = nf.write_release(tmp_path / "restated.csv", nf.make_trusts(seed=11, codes=TRUST_CODES))
    info, result = writer.add_release(data_dir, newer, progress=lambda m: None)
    after = reader.open_store(data_dir)
    assert after.path != before.path
    assert set(after.metrics["release_id"]) == {info.release_id}
    rel = after.releases.set_index("release_id")
    assert rel.loc[info.release_id, "supplies"] == "Q1 2025/26 acute"
    assert rel.loc[info.release_id, "added_at"]
    assert rel.drop(index=info.release_id)["supplies"].eq("").all()
    assert after.manifest["added_releases"][0]["sha256"] == info.sha256
    # A new quarter adds to the store instead.
    q2 = nf.write_release(
        tmp_path / "q2.csv", nf.make_trusts(seed=12, codes=TRUST_CODES), quarter="Q2 2025/26"
    )
    writer.add_release(data_dir, q2, progress=lambda m: None)
    assert reader.open_store(data_dir).quarters("acute") == ["Q1 2025/26", "Q2 2025/26"]
    # The version a reader opened before is still on disk (the last versions are kept).
    assert before.path.is_dir() and n_before > 0


BAD = {
    "missing column": lambda good: (
        good.decode("utf-8-sig").replace(",Value,", ",Amount,", 1).encode()
    ),
    "non-numeric": lambda good: good.replace(b",2.", b",two.", 1),
    "unknown trust type": lambda good: good.replace(b"Acute trust", b"Hospice", 1),
    "duplicate rows": lambda good: good + good.split(b"\r\n", 2)[1] + b"\r\n",
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "huge binary": lambda good: b"\x00\x01" * 100_000,
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_release_gives_clear_error_and_changes_nothing(data_dir, tmp_path, case):
    good = nf.to_bytes(nf.release_rows(nf.make_trusts(seed=5, codes=TRUST_CODES)))
    bad = tmp_path / f"bad-{case.replace(' ', '-')}.csv"
    bad.write_bytes(BAD[case](good))
    before = snapshot(data_dir)
    with pytest.raises(InputError) as err:
        writer.add_release(data_dir, bad, progress=lambda m: None)
    assert bad.name in str(err.value)
    assert snapshot(data_dir) == before
    # Through the CLI: exit 2 and one clear line.
    assert main.main(["add-release", str(bad), "--data-dir", str(data_dir)]) == 2
    assert snapshot(data_dir) == before


def test_failed_build_leaves_previous_store(data_dir):
    before = snapshot(data_dir)
    boundary = next((data_dir / "raw" / "icb_2023").glob("*.geojson"))
    original = boundary.read_bytes()
    boundary.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(LeagueAtlasError):
        writer.build(data_dir, None, fetch_missing=False, progress=lambda m: None)
    boundary.write_bytes(original)
    assert snapshot(data_dir) == before
    assert reader.open_store(data_dir).trusts.shape[0] == 7
    assert not list((data_dir / writer.STORES).glob(".*building"))


def test_missing_store_says_which_command(tmp_path):
    with pytest.raises(StoreMissingError, match="python -m league_atlas build"):
        reader.open_store(tmp_path)
    assert writer.is_stale(tmp_path) == (True, "no store yet")


def test_trusts_command_csv(data_dir):
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main.main(["trusts", "--format", "csv", "--data-dir", str(data_dir)]) == 0
    df = pd.read_csv(io.StringIO(buf.getvalue()))
    assert list(df.columns) == TRUST_COLUMNS
    assert len(df) == 7
    # RDD has no postcode or site: placed at its ICB's centroid, marked approximate
    assert df.loc[df.trust_code == "RDD", "located_by"].item() == "approx_icb_centroid"
    assert bool(df.loc[df.trust_code == "RDD", "location_approximate"].item())


def test_staleness_follows_code_and_added_releases(data_dir, monkeypatch):
    manifest = json.loads((data_dir / "store" / "manifest.json").read_text())
    manifest["sources"] = {
        sid: {"origin": "mirror", "files": {f.name: f.sha256 for f in s.files}}
        for sid, s in sources.catalogue().items()
    }
    (reader.store_dir_path(data_dir) / "manifest.json").write_text(json.dumps(manifest))
    assert writer.is_stale(data_dir) == (False, "store is up to date")
    monkeypatch.setattr(writer, "code_fingerprint", lambda: "something-else")
    assert writer.is_stale(data_dir)[1].startswith("code or geo/ knowledge changed")

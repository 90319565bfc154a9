"""Bounded input: size by stat before reading, row and trusts-per-type limits, NUL anywhere,
UTF-16 named, settings parsed from the environment, no library reprs in messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from league_atlas import config
from league_atlas.errors import InputError, LeagueAtlasError
from league_atlas.io import releases
from support import nof_factory as nf


def _good() -> bytes:
    return nf.to_bytes(nf.release_rows(nf.make_trusts()))


def _limits(monkeypatch, **env: str) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    config.settings.cache_clear()


def test_settings_defaults_sit_far_above_real_releases():
    s = config.parse_settings({})
    assert s.admin_token is None and s.allow_upload
    assert s.max_rows >= 10 * 9_000 and s.max_trusts_per_type >= 5 * 134
    assert s.max_file_mb == 200
    s = config.parse_settings(
        {
            "LEAGUE_ATLAS_ADMIN_TOKEN": "  t0ken ",
            "LEAGUE_ATLAS_MAX_ROWS": "50_000",
            "LEAGUE_ATLAS_ALLOW_UPLOAD": "off",
        }
    )
    assert (s.admin_token, s.max_rows, s.allow_upload) == ("t0ken", 50_000, False)
    with pytest.raises(LeagueAtlasError, match="LEAGUE_ATLAS_MAX_ROWS='lots'"):
        config.parse_settings({"LEAGUE_ATLAS_MAX_ROWS": "lots"})


def test_size_is_checked_by_stat_before_reading(tmp_path, monkeypatch):
    _limits(monkeypatch, LEAGUE_ATLAS_MAX_FILE_MB="1")
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: 3 MB on paper, nothing to read

    def no_read(self):
        raise AssertionError("read before the size check")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(InputError, match=r"big\.csv: the file is 3 MB, over the 1 MB limit"):
        releases.read_release(big)


def test_row_limit_refuses_without_reading_every_row(tmp_path, monkeypatch):
    _limits(monkeypatch, LEAGUE_ATLAS_MAX_ROWS="100")
    data = _good()
    assert data.count(b"\n") > 101
    with pytest.raises(InputError, match=r"more than 100 data rows .*LEAGUE_ATLAS_MAX_ROWS"):
        releases.read_release(Path("many.csv"), data=data, name="many.csv")
    _limits(monkeypatch, LEAGUE_ATLAS_MAX_ROWS=str(data.count(b"\n")))
    assert releases.read_release(Path("ok.csv"), data=data, name="ok.csv").info.rows > 100


def test_trusts_per_type_limit(monkeypatch):
    data = _good()
    n = releases.read_release(Path("a.csv"), data=data, name="a.csv").info.trusts
    _limits(monkeypatch, LEAGUE_ATLAS_MAX_TRUSTS_PER_TYPE=str(n - 1))
    with pytest.raises(InputError, match=rf"{n} distinct acute trusts, over the limit of {n - 1}"):
        releases.read_release(Path("a.csv"), data=data, name="a.csv")


def test_nul_bytes_anywhere_are_refused_with_the_line():
    data = _good()
    assert len(data) > 0
    padded = data + b"RAA," + b"x" * 70_000 + b"\r\n"  # pushes the NUL past the first 64 KB
    lines = padded.split(b"\r\n")
    lines[-2] = lines[-2][:-10] + b"\x00" + lines[-2][-9:]
    bad = b"\r\n".join(lines)
    assert bad.index(b"\x00") > 65_536
    with pytest.raises(InputError, match=rf"line {len(lines) - 1}: .*NUL byte"):
        releases.read_release(Path("nul.csv"), data=bad, name="nul.csv")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named(encoding):
    text = _good().decode("utf-8-sig")
    with pytest.raises(InputError, match="UTF-16 text.*save it again as 'CSV UTF-8"):
        releases.read_release(Path("u16.csv"), data=text.encode(encoding), name="u16.csv")


def test_range_errors_show_plain_numbers():
    rows = nf.release_rows(nf.make_trusts())
    i = next(i for i, r in enumerate(rows) if r[nf.HEADER.index("Metric_ID")] == "OF1003")
    rows[i][nf.HEADER.index("Value")] = "0"
    with pytest.raises(InputError) as err:
        releases.read_release(Path("r.csv"), data=nf.to_bytes(rows), name="r.csv")
    assert "OF1003 value 0 is out of range" in str(err.value)
    assert "np." not in str(err.value) and "float64" not in str(err.value)

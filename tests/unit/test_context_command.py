"""`python -m league_atlas proxies` against a stand-in store (the store API: .metrics, .trusts,
.context_table())."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from fixtures.context import workbooks as wb
from league_atlas.cli import main
from league_atlas.cli import proxies as command
from league_atlas.context import proxies


class FakeStore:
    def __init__(self, metrics: pd.DataFrame, trusts: pd.DataFrame, context: pd.DataFrame | None):
        self.metrics, self.trusts, self._context = metrics, trusts, context

    def context_table(self):
        return None if self._context is None else self._context.copy()


def _metrics() -> pd.DataFrame:
    rows = []
    for quarter, qi, codes in (
        ("Q1 2025/26", 20251, ["RXA", "RXB", "RXC", "RXD"]),
        ("Q2 2025/26", 20252, ["RXA", "RXB", "RXC", "RXN"]),
    ):
        for code in codes:
            rows.append(
                {
                    "quarter": quarter,
                    "quarter_index": qi,
                    "trust_type": "acute",
                    "trust_code": code,
                    "trust_name": f"{code} as published",
                    "metric_id": "OF0003",
                    "value": 1.0,
                }
            )
    rows.append(
        {
            "quarter": "Q2 2025/26",
            "quarter_index": 20252,
            "trust_type": "ambulance",
            "trust_code": "RXC",
            "trust_name": "Gamma",
            "metric_id": "OF0017",
            "value": 1.0,
        }
    )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return wb.build_raw(tmp_path_factory.mktemp("context-cmd"))


@pytest.fixture
def stored(data_dir, monkeypatch):
    context = proxies.build_proxies(data_dir, wb.trust_table())
    store = FakeStore(_metrics(), wb.trust_table(), context)
    monkeypatch.setattr(command, "load_store", lambda _d: store)
    return store


def _run(argv, capsys) -> tuple[int, pd.DataFrame | None, str]:
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, (pd.read_csv(io.StringIO(out)) if out.strip() else None), err


def test_newest_quarter_by_default(stored, data_dir, capsys):
    code, df, err = _run(
        ["proxies", "--trust-type", "acute", "--data-dir", str(data_dir), "--format", "csv"], capsys
    )
    assert code == 0
    assert df["trust_code"].tolist() == ["RXA", "RXB", "RXC", "RXN"]  # Q2 trusts, sorted
    assert "Q2 2025/26" in err and "catchment" in err
    new = df.set_index("trust_code").loc["RXN"]
    assert new["trust_name"] == "RXN as published" and pd.isna(
        new["leaver_rate"]
    )  # no context: shown, empty
    for key in proxies.PROXIES:
        assert key in df.columns
    # The index is re-standardised over the listed trusts, not taken from the store.
    sub = stored.context_table().set_index("trust_code").loc[["RXA", "RXB", "RXC"]].reset_index()
    expected = proxies.attraction_index(sub)
    assert df[proxies.INDEX_COLUMN].head(3).to_numpy() == pytest.approx(expected.to_numpy())


def test_quarter_weights_and_coverage(stored, data_dir, capsys):
    base = [
        "proxies",
        "--trust-type",
        "acute",
        "--quarter",
        "Q1 2025/26",
        "--data-dir",
        str(data_dir),
    ]
    code, df, _ = _run([*base, "--weights", "leaver_rate=1", "--min-present", "1"], capsys)
    assert code == 0 and df["trust_code"].tolist() == ["RXA", "RXB", "RXC", "RXD"]
    z = proxies.attraction_index(df, {"leaver_rate": 1.0}, 1)
    assert df[proxies.INDEX_COLUMN].to_numpy() == pytest.approx(z.to_numpy())
    assert (df[proxies.INDEX_COUNT_COLUMN] == 1).all()
    code, cov, _ = _run([*base, "--coverage"], capsys)
    cov = cov.set_index("proxy")
    assert (
        cov.loc["recommend_place_to_work", "present"] == 3
        and cov.loc["recommend_place_to_work", "missing"] == "RXD"
    )


def test_location_join_rebuilds(stored, data_dir, capsys):
    code, df, err = _run(
        [
            "proxies",
            "--trust-type",
            "acute",
            "--quarter",
            "Q1 2025/26",
            "--join",
            "location",
            "--data-dir",
            str(data_dir),
        ],
        capsys,
    )
    assert code == 0 and "location" in err
    assert df.set_index("trust_code").loc["RXB", "median_pay"] == pytest.approx(650.0)


def test_no_stored_context_builds(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(
        command, "load_store", lambda _d: FakeStore(_metrics(), wb.trust_table(), None)
    )
    code, df, _ = _run(
        [
            "proxies",
            "--trust-type",
            "acute",
            "--quarter",
            "Q1 2025/26",
            "--data-dir",
            str(data_dir),
        ],
        capsys,
    )
    assert code == 0 and df.set_index("trust_code").loc["RXB", "area_join"] == "catchment"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--quarter", "Q4 2030/31"], "quarters: Q1 2025/26, Q2 2025/26"),
        (["--weights", "charm=2"], "unknown proxies"),
        (["--weights", "leaver_rate"], "KEY=NUMBER"),
    ],
)
def test_errors_are_one_line(stored, data_dir, capsys, extra, message):
    code, _, err = _run(
        ["proxies", "--trust-type", "acute", "--data-dir", str(data_dir), *extra], capsys
    )
    assert code == 2 and message in err


def test_trust_type_without_data(data_dir, monkeypatch, capsys):
    metrics = _metrics()
    monkeypatch.setattr(
        command,
        "load_store",
        lambda _d: FakeStore(metrics[metrics["trust_type"] == "acute"], wb.trust_table(), None),
    )
    code, _, err = _run(
        ["proxies", "--trust-type", "non-acute", "--data-dir", str(data_dir)], capsys
    )
    assert code == 2 and "no non-acute trusts" in err


def test_metadata_without_store(capsys, tmp_path):
    code, df, _ = _run(
        ["proxies", "--trust-type", "acute", "--metadata", "--data-dir", str(tmp_path)], capsys
    )
    assert code == 0 and df["key"].tolist() == list(proxies.PROXIES)
    assert set(df["direction"]) == {proxies.MORE, proxies.LESS}
    assert "coverage" not in df.columns


def test_metadata_with_store_has_periods_and_coverage(stored, data_dir, capsys):
    argv = [
        "proxies",
        "--trust-type",
        "acute",
        "--quarter",
        "Q1 2025/26",
        "--metadata",
        "--data-dir",
        str(data_dir),
    ]
    code, df, _ = _run(argv, capsys)
    meta = df.set_index("key")
    assert code == 0
    assert meta.loc["recommend_place_to_work", "coverage"] == "3/4 (75.0%)"
    assert meta.loc["sickness_absence", "period"] == "Apr 2024 to Mar 2025 (12 months)"


def test_missing_store_is_one_line(tmp_path, capsys):
    code, _, err = _run(["proxies", "--trust-type", "acute", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and err.startswith("error:") and str(tmp_path) in err

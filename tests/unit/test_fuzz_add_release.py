"""Property-based fuzzing of `add-release` (league_atlas.store.writer.add_release) with mutated releases.

Each case starts from a made-up valid release (tests/support/nof_factory.py: random trusts, Q1
or Q2 2025/26) and applies up to three mutations: columns missing, extra, reordered or renamed;
wrong types; NaN/inf/huge numbers; odd Unicode; BOM or not; CRLF or LF; duplicate, dropped or
shuffled rows; no rows; binary junk, truncation, UTF-16, NUL bytes. It is added to a copy of a
made-up store (tests/support/fixture_store.py). The properties:

- never a crash: the only exceptions are LeagueAtlasError subclasses, and their message names
  the file;
- always a clear error or a correct merge: cases made only of harmless mutations (column order,
  extra columns, row order, BOM, line endings) must merge, with every value of the file in the
  store; any merge keeps the store consistent (the new release supplies its quarter, the other
  quarter is untouched, every stored value is finite);
- the store is never corrupted: after each case the store opens and its tables load, and after
  an error every file under DATA_DIR/store/ and DATA_DIR/raw/ is byte-for-byte unchanged.

Hypothesis runs a fixed number of derandomized examples without a database, so the run is the
same on every machine (about a minute: each merge rebuilds the made-up store). The number of
cases and their outcomes are printed (`pytest -s`) and checked not to be degenerate.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from league_atlas import config
from league_atlas.errors import LeagueAtlasError
from league_atlas.store import reader, writer
from support import nof_factory as nf
from support.fixture_store import TRUST_CODES, build_fixture_store

pytestmark = pytest.mark.slow  # hypothesis over whole add-release runs: make test, not test-fast

MAX_EXAMPLES = 90
HARMLESS = {"reorder_columns", "extra_column", "shuffle_rows", "bom", "no_bom", "lf", "crlf"}
BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e308", "1e309", "-1e309", "-0",
               "999999999999999999999999", "", " ", "1,5", "0x10", "½", "٣", "1e-400", "--1"]  # fmt: skip
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # any code point UTF-8 can carry
    max_size=40,
)


@dataclass
class Case:
    data: bytes
    mutations: list[str]
    source_rows: list[list[str]]  # the rows before mutation (for checking harmless merges)
    quarter: str

    @property
    def harmless(self) -> bool:
        return set(self.mutations) <= HARMLESS


def _serialise(header: list[str], rows: list[list[str]], *, bom: bool, crlf: bool) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@st.composite
def cases(draw) -> Case:
    codes = draw(
        st.lists(st.sampled_from([*TRUST_CODES, "RXX", "RYY", "R1A"]), min_size=1, max_size=8,
                 unique=True)
    )  # fmt: skip
    quarter = draw(st.sampled_from(["Q1 2025/26", "Q2 2025/26"]))
    trusts = nf.make_trusts(seed=draw(st.integers(0, 10_000)), codes=codes)
    header = list(nf.HEADER)
    rows = nf.release_rows(trusts, quarter=quarter)
    source = [list(r) for r in rows]
    row_level = [
        "drop_column", "extra_column", "reorder_columns", "rename_column", "wrong_type",
        "bad_number", "odd_unicode", "duplicate_rows", "drop_rows", "shuffle_rows", "no_rows",
    ]  # fmt: skip
    byte_level = ["junk", "truncate", "utf16", "nul_byte", "empty", "cp1252"]
    chosen = draw(st.lists(st.sampled_from(row_level + byte_level), max_size=3))
    mutations: list[str] = []
    for m in chosen:
        if m in byte_level:
            continue
        mutations.append(m)
        ncol = len(header)
        if m == "drop_column" and ncol > 1:
            i = draw(st.integers(0, ncol - 1))
            header = header[:i] + header[i + 1 :]
            rows = [r[:i] + r[i + 1 :] for r in rows]
        elif m == "extra_column":
            i = draw(st.integers(0, ncol))
            name = "Extra_" + draw(st.text(alphabet="abcdefghij_", min_size=1, max_size=8))
            vals = draw(st.lists(TEXT, min_size=len(rows), max_size=len(rows)))
            header = header[:i] + [name] + header[i:]
            rows = [r[:i] + [v] + r[i:] for r, v in zip(rows, vals, strict=True)]
        elif m == "reorder_columns":
            perm = draw(st.permutations(range(ncol)))
            header = [header[i] for i in perm]
            rows = [[r[i] for i in perm] for r in rows]
        elif m == "rename_column":
            i = draw(st.integers(0, ncol - 1))
            header = list(header)
            header[i] = draw(
                st.one_of(TEXT, st.just(header[i].upper()), st.just(f"  {header[i]} "),
                          st.just(header[i].replace("_", " ")))
            )  # fmt: skip
        elif m == "wrong_type" and rows:
            i = draw(st.integers(0, ncol - 1))
            picks = draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=5))
            for j in picks:
                rows[j] = list(rows[j])
                rows[j][i] = draw(st.one_of(TEXT, st.sampled_from(["True", "[1]", "{}", "None"])))
        elif m == "bad_number" and rows:
            cols = [i for i, h in enumerate(header) if h in ("Value", "Rank", "Median_value")]
            if cols:
                i = draw(st.sampled_from(cols))
                j = draw(st.integers(0, len(rows) - 1))
                rows[j] = list(rows[j])
                rows[j][i] = draw(st.sampled_from(BAD_NUMBERS))
        elif m == "odd_unicode" and rows:
            cols = [i for i, h in enumerate(header)
                    if h in ("Trust_name", "Metric_description", "Region", "Domain", "Trust_code")]  # fmt: skip
            if cols:
                i = draw(st.sampled_from(cols))
                odd = draw(st.one_of(TEXT, st.sampled_from(
                    ["\u202eevil", "a\u200bb", "e\u0301", "\ufeffname", "名前", "😀", "x\x00y", "\n"])))  # fmt: skip
                for j in draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=4)):
                    rows[j] = list(rows[j])
                    rows[j][i] = odd
        elif m == "duplicate_rows" and rows:
            j = draw(st.integers(0, len(rows) - 1))
            rows = rows + [rows[j]]
        elif m == "drop_rows" and len(rows) > 1:
            keep = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
            rows = [r for r, k in zip(rows, keep, strict=True) if k] or rows[:1]
        elif m == "shuffle_rows":
            rows = [rows[i] for i in draw(st.permutations(range(len(rows))))]
        elif m == "no_rows":
            rows = []
    bom, crlf = draw(st.booleans()), draw(st.booleans())
    mutations += ["bom" if bom else "no_bom", "crlf" if crlf else "lf"]
    data = _serialise(header, rows, bom=bom, crlf=crlf)
    for m in chosen:
        if m not in byte_level:
            continue
        mutations.append(m)
        if m == "junk":
            data = draw(st.binary(max_size=300))
        elif m == "truncate" and data:
            data = data[: draw(st.integers(0, len(data) - 1))]
        elif m == "utf16":
            data = data.decode("utf-8", errors="replace").encode("utf-16")
        elif m == "nul_byte":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + b"\x00" + data[i:]
        elif m == "empty":
            data = b""
        elif m == "cp1252":
            data = data.decode("utf-8", errors="replace").encode("cp1252", errors="replace")
    return Case(data, mutations, source, quarter)


# ------------------------------------------------------------------ helpers


def snapshot(data_dir: Path) -> dict[str, str]:
    """sha256 of every file the store link resolves to and of everything under raw/, and the
    link target itself."""
    out = {"_link": os.readlink(data_dir / "store")}
    for root in (reader.store_dir_path(data_dir), data_dir / "raw"):
        for p in sorted(root.rglob("*")):
            if p.is_file():
                out[str(p.relative_to(data_dir))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def copy_data_dir(base: Path, dst: Path) -> Path:
    """A private copy of a data folder, with the store link pointing into the copy."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(base, dst, symlinks=True)
    link = dst / "store"
    target = Path(os.readlink(link))
    if target.is_absolute():
        link.unlink()
        os.symlink(dst / target.relative_to(base), link)
    return dst


def assert_loads(data_dir: Path) -> reader.Store:
    st_ = reader.open_store(data_dir)
    assert len(st_.metrics) > 0 and len(st_.trusts) > 0 and len(st_.releases) > 0
    assert st_.manifest["counts"]["metric_rows"] == len(st_.metrics)
    return st_


# ------------------------------------------------------------------ the property


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        return build_fixture_store(tmp_path_factory.mktemp("fuzz-base") / "data", mp)
    finally:
        mp.undo()


def test_add_release_never_crashes_never_corrupts(base_store, tmp_path, monkeypatch):
    from support.fixture_store import LAYERS

    monkeypatch.setenv(config.LAYERS_ENV, str(LAYERS))  # rebuilds use the made-up layers too
    base = reader.open_store(base_store)
    base_q1 = base.metrics[base.metrics["quarter"] == "Q1 2025/26"].sort_values(
        ["trust_code", "metric_id"], ignore_index=True
    )
    outcomes: Counter[str] = Counter()
    by_mutation: Counter[tuple[str, str]] = Counter()
    n = Counter()

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=cases())
    def check(case: Case) -> None:
        n["i"] += 1
        data_dir = copy_data_dir(base_store, tmp_path / "case")
        name = f"fuzz-{n['i']}.csv"
        before = snapshot(data_dir)
        try:
            info, _ = writer.add_release(
                data_dir, data=case.data, name=name, progress=lambda m: None
            )
        except LeagueAtlasError as exc:
            outcomes["rejected"] += 1
            by_mutation.update((m, "rejected") for m in set(case.mutations) - HARMLESS)
            assert name in str(exc), f"error does not name the file: {exc}"
            assert not case.harmless, f"harmless mutations {case.mutations} rejected: {exc}"
            assert_loads(data_dir)
            assert snapshot(data_dir) == before, f"store or raw/ changed after: {exc}"
            return
        outcomes["merged"] += 1
        by_mutation.update((m, "merged") for m in set(case.mutations) - HARMLESS)
        after = assert_loads(data_dir)
        m = after.metrics
        new = m[m["release_id"] == info.release_id]
        assert len(new) > 0
        assert all(math.isfinite(v) for v in m["value"].dropna()), "non-finite value stored"
        # The new release supplies its quarter(s); a different quarter is left as it was.
        for q in info.quarters:
            assert set(m.loc[m["quarter"] == q, "release_id"]) == {info.release_id}
        if "Q1 2025/26" not in info.quarters:
            q1 = m[m["quarter"] == "Q1 2025/26"].sort_values(
                ["trust_code", "metric_id"], ignore_index=True
            )
            assert q1[["trust_code", "metric_id", "value"]].equals(
                base_q1[["trust_code", "metric_id", "value"]]
            )
        if case.harmless:
            want = {(r[3], r[7]): float(r[11]) for r in case.source_rows}
            got = dict(zip(zip(new["trust_code"], new["metric_id"], strict=True), new["value"],
                           strict=True))  # fmt: skip
            assert got == pytest.approx(want), f"merge of {case.mutations} lost or changed values"
            assert set(info.quarters) == {case.quarter}

    check()
    print(f"\nadd-release fuzz: {n['i']} cases, {dict(outcomes)}")
    for (m, outcome), k in sorted(by_mutation.items()):
        print(f"  {m:16} {outcome:9} {k}")
    assert n["i"] >= MAX_EXAMPLES // 2
    assert outcomes["merged"] >= 5 and outcomes["rejected"] >= 5, outcomes

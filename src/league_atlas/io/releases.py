"""Read NHS Oversight Framework release files into one tidy long table, validating as we go.

Two file kinds are recognised by their columns, never by their names:
- metric-data files (one row per trust x metric, optionally x quarter): `Metric_ID` and `Value`;
- league-table files (one row per trust): `Average_score`, `Segment`, `Rank`, often `Likely_range_of_rank`.

Every variant in nof-method.md §5 is handled: UTF-8 with or without BOM, CRLF or LF, with or without
a leading `Quarter` column, cumulative files holding several quarters, labels and units that change
between releases, summary rows that may be absent. Anything wrong raises `InputError` naming the
file, line and column and what was expected. Unknown metric ids are kept.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from league_atlas.config import GEO_DIR, MAX_FILE_MB_ENV, MAX_ROWS_ENV, MAX_TRUSTS_ENV, settings
from league_atlas.errors import InputError
from league_atlas.schema import LEAGUE_FILE_COLUMNS, METRIC_COLUMNS, METRIC_KEY, TRUST_TYPES

QUARTER_RE = re.compile(r"\bQ\s*([1-4])\s*[-_ ]?\s*(20\d{2})\s*[/\-_]\s*(\d{2}|20\d{2})\b", re.I)
METRIC_ID_RE = re.compile(r"^OF\d{4}$")
TRUST_CODE_RE = re.compile(r"^[A-Z0-9]{3,6}$")


def _norm(name: str) -> str:
    """Header normal form: case, spaces, hyphens and BOM remnants do not matter."""
    return re.sub(r"[^a-z0-9]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


# Published header (normal form) -> our column. Synonyms seen or documented across releases.
METRIC_HEADER = {
    "quarter": "quarter",
    "region": "region_label",
    "trust_type": "trust_type_label",
    "trust_subtype": "trust_subtype",
    "trust_code": "trust_code",
    "trust_name": "trust_name",
    "domain": "domain",
    "sub_domain": "subdomain",
    "subdomain": "subdomain",
    "metric_id": "metric_id",
    "metric_description": "description",
    "reporting_date": "reporting_date",
    "units": "units",
    "unit": "units",
    "value": "value",
    "median_value": "median",
    "median": "median",
    "lower_quartile": "lower_quartile",
    "upper_quartile": "upper_quartile",
    "rank": "rank",
}
METRIC_REQUIRED = ["trust_code", "metric_id", "value"]

LEAGUE_HEADER = {
    "quarter": "quarter",
    "region": "region_label",
    "trust_type": "trust_type_label",
    "trust_subtype": "trust_subtype",
    "trust_code": "trust_code",
    "trust_name": "trust_name",
    "average_score": "average_score",
    "likely_range_of_average_score": "score_range",
    "segment": "segment",
    "trust_in_financial_deficit": "in_financial_deficit",
    "rank": "rank",
    "likely_range_of_rank": "rank_range",
}
LEAGUE_REQUIRED = ["trust_code", "average_score", "segment", "rank"]

# Value ranges that the framework defines for whole families of ids (nof-method.md §4). Raw OF0xxx
# values are free (percentages, counts, rates), so only the derived families are range-checked.
VALUE_RULES: list[tuple[re.Pattern[str], float, float, bool, str]] = [
    (re.compile(r"^OF1\d{3}$"), 1.0, 4.0, False, "a metric score from 1 to 4"),
    (re.compile(r"^OF40\d{2}$"), 1.0, 4.0, False, "a domain score from 1 to 4"),
    (re.compile(r"^OF41\d{2}$"), 1.0, 4.0, True, "a domain segment 1-4"),
    (re.compile(r"^OF500[03]$"), 1.0, 4.0, True, "a segment 1-4"),
    (re.compile(r"^OF5002$"), 1.0, 4.0, False, "an average score from 1 to 4"),
    (re.compile(r"^OF5005$"), 1.0, 5.0, True, "a final segment 1-5"),
    (re.compile(r"^OF500[47]$"), 0.0, 1.0, True, "a 0/1 flag"),
]


@dataclass(frozen=True)
class ReleaseInfo:
    """What one file held: for the manifest, the build report and the upload page."""

    file: str
    sha256: str
    kind: str  # "metrics" or "league"
    rows: int
    quarters: tuple[str, ...]
    trust_types: tuple[str, ...]
    trusts: int
    metric_ids: int = 0
    unknown_metric_ids: tuple[str, ...] = ()
    quarter_from: str = ""  # "column", "summary rows", "argument"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def release_id(self) -> str:
        return self.sha256[:16]


@dataclass
class Release:
    """A parsed file: the tidy rows plus its description."""

    info: ReleaseInfo
    table: pd.DataFrame  # METRIC_COLUMNS for metric files, LEAGUE_FILE_COLUMNS for league files


@cache
def trust_type_synonyms() -> dict[str, str]:
    """Published trust-type label (normal form) -> stable key, from geo/trust_types.csv."""
    path = GEO_DIR / "trust_types.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    out: dict[str, str] = {}
    for i, row in df.iterrows():
        key = row["trust_type"].strip()
        if key not in TRUST_TYPES:
            raise InputError(
                str(path),
                f"unknown trust type key {key!r}",
                line=i + 2,
                expected=f"one of {TRUST_TYPES}",
            )
        out[_norm(row["label"])] = key
        out.setdefault(_loose_label(row["label"]), key)
    return out


def _loose_label(label: str) -> str:
    """Forgiving trust-type form: case, '&', plurals and the words 'trust'/'NHS' do not matter
    ("Non-acute trusts" == "non-acute trust" == "Non-Acute")."""
    words = re.findall(r"[a-z0-9]+", str(label).replace("&", " and ").lower())
    words = [
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    ]
    return " ".join(w for w in words if w not in ("trust", "nhs"))


@cache
def known_trust_type_labels() -> tuple[str, ...]:
    """The published labels as written in geo/trust_types.csv, for error messages."""
    df = pd.read_csv(GEO_DIR / "trust_types.csv", dtype=str, keep_default_na=False)
    return tuple(df["label"].str.strip())


def trust_type_key(label: str) -> str | None:
    """Stable key for a published label (or a key itself), None when unknown."""
    n = _norm(label)
    if n.replace("_", "-") in TRUST_TYPES:
        return n.replace("_", "-")
    syn = trust_type_synonyms()
    return syn.get(n) or syn.get(_loose_label(label))


def parse_quarter(text: str) -> str | None:
    """'Q3 2025/26', 'q3 2025-2026', 'Q3-2025/26' -> 'Q3 2025/26'; None when no quarter is named."""
    m = QUARTER_RE.search(str(text))
    if not m:
        return None
    q, start, end = int(m.group(1)), int(m.group(2)), m.group(3)
    end2 = int(end[-2:])
    if end2 != (start + 1) % 100:
        return None
    return f"Q{q} {start}/{end2:02d}"


def framework_year(quarter: str) -> str:
    """'Q3 2025/26' -> '2025/26'."""
    return quarter.split(" ", 1)[1]


def quarter_index(quarter: str) -> int:
    """Sortable: 'Q3 2025/26' -> 20253."""
    q, year = quarter.split(" ", 1)
    return int(year[:4]) * 10 + int(q[1])


def check_size(name: str, size: int) -> None:
    """Refuse a file over the configured byte limit (before reading it, when it is on disk)."""
    limit = settings().max_file_bytes
    if size > limit:
        raise InputError(
            name,
            f"the file is {size / 1024 / 1024:,.0f} MB, over the {settings().max_file_mb} MB limit",
            expected=f"a CSV release under {settings().max_file_mb} MB ({MAX_FILE_MB_ENV})",
        )


def _check_row_count(name: str, data: bytes) -> None:
    """More lines than the row limit allows: count CSV rows (quoted newlines are not rows) while
    decoding as a stream, and stop at the limit, so an oversized file costs no more memory than
    its bytes and is refused in a second or two."""
    limit = settings().max_rows
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace", newline="")
    rows = sum(1 for _ in itertools.islice(csv.reader(stream), limit + 2))
    if rows > limit + 1:
        raise InputError(
            name,
            f"the file has more than {limit:,} data rows (the row limit)",
            expected=f"a release of at most {limit:,} rows ({MAX_ROWS_ENV})",
        )


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL beside every character."""
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)


def _decode(path: Path, data: bytes) -> str:
    name = str(path)
    if not data or data.isspace():
        raise InputError(name, "the file is empty", expected="a CSV header row and data rows")
    check_size(name, len(data))
    if data.count(b"\n") > settings().max_rows + 1:
        _check_row_count(name, data)
    if data[:8].startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise InputError(
            name,
            "this is a binary file, not CSV text",
            expected="a UTF-8 CSV file (save spreadsheets as CSV)",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data[:4096]):
        raise InputError(
            name,
            "this file is UTF-16 text (as Excel's 'Unicode text' saves it)",
            expected="UTF-8: save it again as 'CSV UTF-8 (comma delimited)'",
        )
    nul = data.find(b"\x00")  # anywhere in the file, not only its start
    if nul >= 0:
        raise InputError(
            name,
            "this is a binary file, not CSV text (it holds a NUL byte)",
            line=data[:nul].count(b"\n") + 1,
            expected="a UTF-8 CSV file (save spreadsheets as CSV)",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        legacy = _legacy_decode(data)
        if legacy is not None:
            return legacy[0]
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            name,
            f"not UTF-8 text: byte 0x{data[exc.start]:02X} cannot be decoded",
            line=line,
            expected="UTF-8 encoding, as NHS England publishes",
        ) from None


def _legacy_decode(data: bytes) -> tuple[str, str] | None:
    """Text and encoding name of a non-UTF-8 file re-saved by Excel or an older tool.

    Windows-1252 when its C1 bytes (0x80-0x9F: en dash, curly quotes, euro) decode; Latin-1 when the
    file has bytes Windows-1252 leaves undefined; the two agree when only 0xA0-0xFF occur (a £)."""
    try:
        data.decode("utf-8-sig")
        return None
    except UnicodeDecodeError:
        pass
    has_c1 = any(0x80 <= b <= 0x9F for b in data)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (ISO-8859-1)"
    if has_c1:
        return text, "Windows-1252"
    return text, "Windows-1252 / Latin-1 (identical for the bytes in this file)"


def encoding_note(data: bytes) -> str | None:
    """The note a release gets when it was not UTF-8 (None for UTF-8)."""
    legacy = _legacy_decode(data)
    if legacy is None:
        return None
    return f"not UTF-8: decoded as {legacy[1]} (as saved by Excel); re-save as UTF-8 to silence this note"


def _rows(path: Path, text: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows, each row checked for the header's field count (truncation shows here)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    limit = settings().max_rows
    try:
        # Stop at the row limit instead of reading an unbounded file into memory first.
        rows = list(itertools.islice(reader, limit + 2))
        if len(rows) > limit + 1:
            raise InputError(
                str(path),
                f"the file has more than {limit:,} data rows (the row limit)",
                expected=f"a release of at most {limit:,} rows ({MAX_ROWS_ENV})",
            )
    except csv.Error as exc:
        raise InputError(
            str(path),
            f"malformed CSV: {exc}",
            line=reader.line_num,
            expected="comma-separated values",
        ) from None
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(str(path), "the file is empty", expected="a CSV header row and data rows")
    header = rows[0]
    if len(header) < 3:
        raise InputError(
            str(path),
            f"the header has {len(header)} column(s)",
            line=1,
            expected="a comma-separated NOF header",
        )
    body = rows[1:]
    if not body:
        raise InputError(
            str(path),
            "the file has a header but no data rows",
            line=2,
            expected="one row per trust and metric",
        )
    for i, row in enumerate(body, start=2):
        if len(row) != len(header) and any(c.strip() for c in row):
            what = "truncated file?" if i == len(body) + 1 else "a stray comma or quote?"
            raise InputError(
                str(path),
                f"row has {len(row)} fields but the header has {len(header)} ({what})",
                line=i,
            )
    body = [r for r in body if any(c.strip() for c in r)]
    return header, body


def _map_header(
    path: Path, header: list[str], mapping: dict[str, str], required: list[str]
) -> dict[int, str]:
    cols: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        target = mapping.get(_norm(h))
        if target is None:
            continue
        if target in seen:
            raise InputError(
                str(path), f"columns {header[seen[target]]!r} and {h!r} both mean {target}", line=1
            )
        seen[target] = i
        cols[i] = target
    missing = [c for c in required if c not in seen]
    if missing:
        names = {v: k for k, v in mapping.items()}
        want = ", ".join(names.get(m, m).capitalize() for m in missing)
        raise InputError(
            str(path), f"missing column(s): {want}", line=1, expected=f"a header with {want}"
        )
    return cols


def _numbers(path: Path, df: pd.DataFrame, column: str, label: str, *, required: bool) -> pd.Series:
    raw = df[column].str.strip()
    num = pd.to_numeric(raw.where(raw != ""), errors="coerce")
    bad = (raw != "") & (num.isna() | ~np.isfinite(num.to_numpy(dtype=float, na_value=0.0)))
    if required:
        bad |= raw == ""
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        val = raw.iloc[i]
        raise InputError(
            str(path),
            f"{'empty value' if val == '' else f'non-numeric value {val!r}'}",
            line=int(df["_line"].iloc[i]),
            column=label,
            expected="a finite number",
        )
    return num.astype(float)


def _resolve_trust_types(
    path: Path, df: pd.DataFrame, label_col: str | None, override: str | None
) -> pd.Series:
    if override:
        key = trust_type_key(override)
        if key is None:
            raise InputError(
                str(path),
                f"unknown --trust-type {override!r}",
                expected=f"one of {', '.join(TRUST_TYPES)}",
            )
        return pd.Series(key, index=df.index)
    if label_col is None:
        raise InputError(
            str(path),
            "no Trust_type column",
            line=1,
            expected="a Trust_type column, or pass --trust-type",
        )
    labels = df[label_col].str.strip()
    keys = labels.map(lambda s: trust_type_key(s) if s else None)
    unknown = keys.isna()
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        known = sorted({*known_trust_type_labels(), *TRUST_TYPES})
        raise InputError(
            str(path),
            f"unknown trust type {labels.iloc[i]!r}",
            line=int(df["_line"].iloc[i]),
            column="Trust_type",
            expected=f"one of the known labels ({'; '.join(known)}) from geo/trust_types.csv, or pass --trust-type",
        )
    return keys


def _resolve_quarters(
    path: Path, df: pd.DataFrame, quarter: str | None, *, summary_ids: tuple[str, ...]
) -> tuple[pd.Series, str]:
    wanted = parse_quarter(quarter) if quarter else None
    if quarter and wanted is None:
        raise InputError(
            str(path), f"cannot read --quarter {quarter!r}", expected="a quarter like 'Q1 2025/26'"
        )
    if "quarter" in df.columns and (df["quarter"].str.strip() != "").any():
        parsed = df["quarter"].map(parse_quarter)
        _refuse_first(
            path,
            df,
            parsed.isna(),
            lambda i: f"cannot read quarter {df['quarter'].iloc[i]!r}",
            column="Quarter",
            expected="a quarter like 'Q3 2025/26'",
        )
        if wanted and set(parsed) != {wanted}:
            raise InputError(
                str(path),
                f"--quarter {wanted} disagrees with the file's Quarter column ({', '.join(sorted(set(parsed)))})",
                expected="no --quarter when the file names its quarter",
            )
        return parsed, "column"
    if summary_ids and "metric_id" in df.columns and "reporting_date" in df.columns:
        summary = df[df["metric_id"].isin(summary_ids)]
        found = {q for q in summary["reporting_date"].map(parse_quarter) if q}
        if len(found) == 1:
            q = found.pop()
            if wanted and wanted != q:
                raise InputError(
                    str(path),
                    f"--quarter {wanted} disagrees with the summary rows' reporting date ({q})",
                    expected="no --quarter when the file names its quarter",
                )
            return pd.Series(q, index=df.index), "summary rows"
    if wanted:
        return pd.Series(wanted, index=df.index), "argument"
    raise InputError(
        str(path),
        "cannot tell which quarter this file is for: no Quarter column and no summary rows "
        "(OF5000/OF5002) with a reporting date like 'Q1 2025/26'",
        expected="pass --quarter 'Q1 2025/26'",
    )


def _check_duplicates(path: Path, df: pd.DataFrame, key: list[str]) -> None:
    dup = df.duplicated(key, keep=False)
    if dup.any():
        rows = df.loc[dup]
        first = rows.iloc[0]
        lines = rows.loc[(rows[key] == first[key]).all(axis=1), "_line"].tolist()
        what = " x ".join(f"{k}={first[k]}" for k in key if k not in ("framework_year",))
        raise InputError(
            str(path),
            f"duplicate rows for {what} (lines {', '.join(map(str, lines[:5]))})",
            line=int(lines[0]),
            expected="one row per trust, metric and quarter",
        )


TOTAL_WORDS = re.compile(r"\b(?:total|totals|all trusts|england|national|grand total)\b", re.I)


def _drop_totals(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rows that sum or summarise many trusts (a 'Total' / 'England' line added by a spreadsheet)
    are not trusts: drop them and say so, rather than refusing the file for a bad trust code."""
    code = df["trust_code"].str.strip()
    text = code.copy()
    for c in ("trust_name", "region_label", "trust_type_label"):
        if c in df:
            text = text + " " + df[c].fillna("")
    looks_total = text.str.contains(TOTAL_WORDS) & ~code.str.fullmatch(TRUST_CODE_RE).fillna(False)
    looks_total |= code.str.fullmatch(r"(?i)total|totals|all|england|eng").fillna(False)
    if not looks_total.any():
        return df, []
    lines = df.loc[looks_total, "_line"].tolist()
    shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
    note = f"{len(lines)} totals row(s) left out (line {shown}): they summarise trusts, they are not one"
    return df.loc[~looks_total].reset_index(drop=True), [note]


def _refuse_first(
    path: Path,
    df: pd.DataFrame,
    bad,
    say: Callable[[int], str],
    *,
    column: str,
    expected: str | None = None,
) -> None:
    """Refuse the file at the first row where `bad` holds, naming its line, the column, what is
    wrong there (`say(row)`) and what was expected: every row check reports the same way."""
    rows = np.flatnonzero(np.asarray(bad, dtype=bool))
    if len(rows):
        i = int(rows[0])
        raise InputError(
            str(path), say(i), line=int(df["_line"].iloc[i]), column=column, expected=expected
        )


def _check_codes(path: Path, df: pd.DataFrame) -> None:
    bad = ~df["trust_code"].str.fullmatch(TRUST_CODE_RE)
    _refuse_first(
        path,
        df,
        bad,
        lambda i: f"invalid trust code {df['trust_code'].iloc[i]!r}",
        column="Trust_code",
        expected="an ODS code of 3-6 letters and digits",
    )


def _check_value_ranges(path: Path, df: pd.DataFrame) -> None:
    ids = df["metric_id"]
    for pattern, lo, hi, whole, what in VALUE_RULES:
        sel = ids.str.fullmatch(pattern).to_numpy()
        if not sel.any():
            continue
        v = df["value"].to_numpy()[sel]
        bad = (v < lo - 1e-9) | (v > hi + 1e-9)
        if whole:
            bad |= np.abs(v - np.round(v)) > 1e-9
        if bad.any():
            j = int(np.flatnonzero(sel)[np.flatnonzero(bad)[0]])
            raise InputError(
                str(path),
                f"{df['metric_id'].iloc[j]} value {_num(df['value'].iloc[j])} is out of range",
                line=int(df["_line"].iloc[j]),
                column="Value",
                expected=what,
            )
    rank = df["rank"].to_numpy()
    bad = ~np.isnan(rank) & ((rank < 1) | (np.abs(rank - np.round(rank)) > 1e-9))
    _refuse_first(
        path,
        df,
        bad,
        lambda j: f"rank {_num(rank[j])} is not a positive whole number",
        column="Rank",
    )


def _num(x: object) -> str:
    """A number as a person writes it (never a library repr such as np.float64(0.0))."""
    return f"{float(x):g}"


def _frame(header: list[str], body: list[list[str]], cols: dict[int, str]) -> pd.DataFrame:
    data = {name: [r[i] for r in body] for i, name in cols.items()}
    df = pd.DataFrame(data, dtype=str)
    df["_line"] = np.arange(2, len(body) + 2)
    return df


def _clean_text(s: pd.Series) -> pd.Series:
    """Strip ordinary and non-breaking spaces (OF0084's description ends with '\\xa0 ')."""
    return (
        s.str.replace("\xa0", " ", regex=False).str.strip().str.replace(r"\s{2,}", " ", regex=True)
    )


def _key_columns(path, df, cols, sha, quarter, trust_type, *, summary_ids) -> str:
    """Fill the stable key columns (trust type, quarter, framework year, release id) in place;
    returns where the quarter came from."""
    label_col = "trust_type_label" if "trust_type_label" in cols.values() else None
    df["trust_type"] = _resolve_trust_types(path, df, label_col, trust_type)
    quarters, quarter_from = _resolve_quarters(path, df, quarter, summary_ids=summary_ids)
    df["quarter"] = quarters
    df["framework_year"] = df["quarter"].map(framework_year)
    df["quarter_index"] = df["quarter"].map(quarter_index).astype("int64")
    df["release_id"] = sha[:16]
    return quarter_from


def _release(path, sha, kind, table: pd.DataFrame, quarter_from: str, **extra) -> Release:
    """Wrap a parsed table with the description every caller shows (manifest, upload page)."""
    table = table.reset_index(drop=True)
    info = ReleaseInfo(
        file=path.name,
        sha256=sha,
        kind=kind,
        rows=len(table),
        quarters=tuple(sorted(table["quarter"].unique(), key=quarter_index)),
        trust_types=tuple(sorted(table["trust_type"].unique())),
        trusts=table["trust_code"].nunique(),
        quarter_from=quarter_from,
        **extra,
    )
    return Release(info, table)


def read_release(
    path: str | Path,
    *,
    quarter: str | None = None,
    trust_type: str | None = None,
    data: bytes | None = None,
    name: str | None = None,
) -> Release:
    """Parse and validate one NOF file (metric-data or league-table) into the tidy store format.

    `quarter` is used only when the file does not name its quarter; `trust_type` overrides the
    file's Trust_type labels. `data` lets the app pass uploaded bytes (then `name` names them).
    """
    path = Path(path)
    label = Path(name) if name else path
    if data is None:
        data = read_bounded(path)
    sha = hashlib.sha256(data).hexdigest()
    text = _decode(label, data)
    header, body = _rows(label, text)
    norm = {_norm(h) for h in header}
    enc = encoding_note(data)
    if "metric_id" in norm:
        return _check_trust_counts(
            label, _with_note(_read_metrics(label, header, body, sha, quarter, trust_type), enc)
        )
    if {"average_score", "segment"} <= norm:
        return _check_trust_counts(
            label, _with_note(_read_league(label, header, body, sha, quarter, trust_type), enc)
        )
    raise InputError(
        str(label),
        f"unrecognised header: {', '.join(header[:6])}{'...' if len(header) > 6 else ''}",
        line=1,
        expected="an NOF metric-data file (with Metric_ID and Value) or a league-table file (with Average_score, Segment, Rank)",
    )


def read_bounded(path: Path) -> bytes:
    """The file's bytes, refused by size (stat) before anything is read."""
    try:
        check_size(str(path), path.stat().st_size)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file: {exc.strerror or exc}") from None


def _check_trust_counts(path: Path, rel: Release) -> Release:
    """Refuse more distinct trusts of one type than the configured limit (real: 10-134)."""
    limit = settings().max_trusts_per_type
    counts = rel.table.groupby("trust_type")["trust_code"].nunique()
    over = counts[counts > limit]
    if len(over):
        raise InputError(
            str(path),
            f"{int(over.iloc[0]):,} distinct {over.index[0]} trusts, over the limit of {limit:,} per trust type",
            expected=f"at most {limit:,} trusts of one type ({MAX_TRUSTS_ENV})",
        )
    return rel


def _with_note(rel: Release, note: str | None) -> Release:
    if not note:
        return rel
    return Release(dataclasses.replace(rel.info, notes=(note, *rel.info.notes)), rel.table)


def _read_metrics(path, header, body, sha, quarter, trust_type) -> Release:
    cols = _map_header(path, header, METRIC_HEADER, METRIC_REQUIRED)
    df = _frame(header, body, cols)
    for c in (
        "trust_name",
        "region_label",
        "trust_type_label",
        "trust_subtype",
        "domain",
        "subdomain",
        "description",
        "reporting_date",
        "units",
    ):
        df[c] = _clean_text(df[c]) if c in df else ""
    df, total_notes = _drop_totals(df)
    df["trust_code"] = df["trust_code"].str.strip().str.upper()
    df["metric_id"] = df["metric_id"].str.strip().str.upper()
    empty_id = df["metric_id"] == ""
    _refuse_first(
        path,
        df,
        empty_id,
        lambda i: "empty metric id",
        column="Metric_ID",
        expected="an id like OF0003",
    )
    _check_codes(path, df)
    df["value"] = _numbers(path, df, "value", "Value", required=True)
    for c, lab in (
        ("median", "Median_value"),
        ("lower_quartile", "Lower_quartile"),
        ("upper_quartile", "Upper_quartile"),
        ("rank", "Rank"),
    ):
        df[c] = _numbers(path, df, c, lab, required=False) if c in df else np.nan
    quarter_from = _key_columns(
        path, df, cols, sha, quarter, trust_type, summary_ids=("OF5000", "OF5002", "OF5003")
    )
    _check_duplicates(path, df, METRIC_KEY)
    _check_value_ranges(path, df)
    ids = sorted(df["metric_id"].unique())
    unknown = tuple(i for i in ids if not METRIC_ID_RE.match(i))
    notes = list(total_notes)
    if unknown:
        notes.append(
            f"kept {len(unknown)} metric id(s) outside the OFnnnn pattern: {', '.join(unknown[:10])}"
        )
    if not df["metric_id"].isin(["OF5000", "OF5002"]).any():
        notes.append(
            "no summary rows (OF5000/OF5002): segments and league positions cannot be shown"
        )
    return _release(
        path,
        sha,
        "metrics",
        df[METRIC_COLUMNS],
        quarter_from,
        metric_ids=len(ids),
        unknown_metric_ids=unknown,
        notes=tuple(notes),
    )


def _parse_range(path, df: pd.DataFrame, col: str, label: str) -> tuple[pd.Series, pd.Series]:
    if col not in df:
        return pd.Series(np.nan, index=df.index), pd.Series(np.nan, index=df.index)
    parts = df[col].str.extract(r"^\s*(-?[\d.]+)\s*(?:to|-|–)\s*(-?[\d.]+)\s*$")
    bad = (df[col].str.strip() != "") & parts[0].isna()
    _refuse_first(
        path,
        df,
        bad,
        lambda i: f"cannot read range {df[col].iloc[i]!r}",
        column=label,
        expected="'low to high', e.g. '1 to 11'",
    )
    return pd.to_numeric(parts[0]), pd.to_numeric(parts[1])


def _read_league(path, header, body, sha, quarter, trust_type) -> Release:
    cols = _map_header(path, header, LEAGUE_HEADER, LEAGUE_REQUIRED)
    df = _frame(header, body, cols)
    for c in ("trust_name", "region_label", "trust_type_label", "trust_subtype"):
        df[c] = _clean_text(df[c]) if c in df else ""
    df, total_notes = _drop_totals(df)
    df["trust_code"] = df["trust_code"].str.strip().str.upper()
    _check_codes(path, df)
    df["average_score"] = _numbers(path, df, "average_score", "Average_score", required=True)
    df["segment"] = _numbers(path, df, "segment", "Segment", required=True)
    df["rank"] = _numbers(path, df, "rank", "Rank", required=True)
    df["score_range_low"], df["score_range_high"] = _parse_range(
        path, df, "score_range", "Likely_range_of_average_score"
    )
    df["rank_range_low"], df["rank_range_high"] = _parse_range(
        path, df, "rank_range", "Likely_range_of_rank"
    )
    if "in_financial_deficit" in df:
        yn = df["in_financial_deficit"].str.strip().str.lower()
        df["in_financial_deficit"] = yn.map(
            {"yes": True, "no": False, "1": True, "0": False, "y": True, "n": False, "": pd.NA}
        )
        bad = df["in_financial_deficit"].isna() & (yn != "")
        _refuse_first(
            path,
            df,
            bad,
            lambda i: f"cannot read {yn.iloc[i]!r}",
            column="Trust_in_financial_deficit",
            expected="Yes or No",
        )
    else:
        df["in_financial_deficit"] = pd.NA
    quarter_from = _key_columns(path, df, cols, sha, quarter, trust_type, summary_ids=())
    _check_duplicates(path, df, ["quarter", "trust_type", "trust_code"])
    checks = [
        ("average_score", 1.0, 4.0, "an average score from 1 to 4"),
        ("segment", 1.0, 5.0, "a segment 1-5"),
    ]
    for c, lo, hi, what in checks:
        v = df[c].to_numpy()
        bad = (v < lo) | (v > hi)
        _refuse_first(
            path,
            df,
            bad,
            lambda i, v=v: f"value {_num(v[i])} out of range",
            column=c.capitalize(),
            expected=what,
        )
    return _release(
        path, sha, "league", df[LEAGUE_FILE_COLUMNS], quarter_from, notes=tuple(total_notes)
    )


def merge_releases(releases: list[Release]) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Combine releases in the order given: a later file supersedes earlier ones for the same
    quarter and trust type (cumulative files re-publish and may restate earlier quarters).

    Returns (metrics, league_files, per-file usage records saying which groups each file supplies).
    """
    metric_owner: dict[tuple[str, str], int] = {}
    league_owner: dict[tuple[str, str], int] = {}
    for i, rel in enumerate(releases):
        owner = metric_owner if rel.info.kind == "metrics" else league_owner
        for key in rel.table[["quarter", "trust_type"]].drop_duplicates().itertuples(index=False):
            owner[tuple(key)] = i
    parts_m, parts_l, usage = [], [], []
    for i, rel in enumerate(releases):
        owner = metric_owner if rel.info.kind == "metrics" else league_owner
        mine = [k for k, v in owner.items() if v == i]
        groups = rel.table.groupby(["quarter", "trust_type"], sort=False).groups
        used = [rel.table.loc[groups[k]] for k in mine if k in groups]
        supplied = sorted(f"{q} {t}" for q, t in mine)
        superseded = sorted(
            f"{q} {t}"
            for q, t in rel.table[["quarter", "trust_type"]]
            .drop_duplicates()
            .itertuples(index=False)
            if (q, t) not in mine
        )
        usage.append(
            {"release_id": rel.info.release_id, "supplies": supplied, "superseded": superseded}
        )
        (parts_m if rel.info.kind == "metrics" else parts_l).extend(used)
    metrics = (
        pd.concat(parts_m, ignore_index=True) if parts_m else pd.DataFrame(columns=METRIC_COLUMNS)
    )
    league = (
        pd.concat(parts_l, ignore_index=True)
        if parts_l
        else pd.DataFrame(columns=LEAGUE_FILE_COLUMNS)
    )
    metrics = metrics.astype(
        {
            "value": float,
            "rank": float,
            "median": float,
            "lower_quartile": float,
            "upper_quartile": float,
        }
    )
    return metrics.sort_values(METRIC_KEY, kind="stable").reset_index(drop=True), league, usage

"""Reading helpers shared by the context readers: find columns and header rows by their labels.

Publishers move header rows, add sheets and re-case column names between releases, so every
reader locates what it needs by label (normalised) and fails with an `InputError` that names the
file, the field and what was expected, never with a KeyError deep inside pandas.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from league_atlas.errors import InputError

# A local authority district in England (unitary, non-metropolitan, metropolitan, London borough).
ENGLAND_LAD = re.compile(r"^E0[6-9]\d{6}$")
GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")


@dataclass(frozen=True)
class AreaValues:
    """One area proxy at local-authority level: values by LAD code, and the period they describe."""

    values: pd.Series  # index: LAD code (LAD 2024 after lad_vintages.to_lad24), float values
    period: str


def norm(text: object) -> str:
    """Lower-case, trim and collapse whitespace (incl. non-breaking spaces) for label matching."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return re.sub(r"\s+", " ", str(text).replace("\xa0", " ")).strip().lower()


def find_column(
    columns: Iterable[object],
    file: str,
    what: str,
    *,
    exact: Sequence[str] = (),
    pattern: str | None = None,
) -> object:
    """The one column whose normalised label equals one of `exact` or matches `pattern`."""
    cols = list(columns)
    wanted = {norm(e) for e in exact}
    hits = [c for c in cols if norm(c) in wanted]
    if not hits and pattern is not None:
        rx = re.compile(pattern)
        hits = [c for c in cols if rx.search(norm(c))]
    if len(hits) != 1:
        expected = " or ".join(repr(e) for e in exact) or f"a column matching /{pattern}/"
        problem = f"no column for {what}" if not hits else f"{len(hits)} columns for {what}: {hits}"
        raise InputError(
            file, f"{problem}; columns are {[str(c) for c in cols][:40]}", expected=expected
        )
    return hits[0]


def read_csv(path: Path, **kwargs) -> pd.DataFrame:
    """A CSV as strings-where-unsure, with a clear error when the file is missing or unreadable."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            str(path),
            "file not found",
            expected="the fetched source (run `python -m league_atlas fetch`)",
        )
    try:
        return pd.read_csv(path, encoding="utf-8-sig", **kwargs)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(str(path), f"cannot parse as CSV: {exc}", expected="a CSV file") from None


def numeric(series: pd.Series) -> pd.Series:
    """Numbers from a column that may hold suppression marks ('*', '-', 'x', '..') as text."""
    return pd.to_numeric(series, errors="coerce").astype(float)


def sheet_rows(path: Path) -> Iterable[tuple[str, Callable[[int], list[tuple]]]]:
    """(sheet name, rows(n)) for each sheet of a workbook; rows(n) gives the first n rows (0 = all).

    xlsx is streamed with openpyxl in read-only mode so a reader can look at the top of every
    sheet without loading the whole workbook; .ods/.xls fall back to pandas.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            str(path),
            "file not found",
            expected="the fetched source (run `python -m league_atlas fetch`)",
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_sheets(path)
        return
    engine = "odf" if suffix == ".ods" else None
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, engine=engine)
    except Exception as exc:
        raise InputError(
            str(path), f"cannot open as a workbook: {exc}", expected="a spreadsheet"
        ) from None
    for name, frame in book.items():
        values = [
            tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)
        ]

        def rows(n: int, values=values) -> list[tuple]:
            return values[:n] if n else values

        yield name, rows


_BOOKS: OrderedDict[tuple, dict] = OrderedDict()
_BOOKS_KEPT = 4


def _xlsx_sheets(path: Path) -> Iterable[tuple[str, Callable[[int], list[tuple]]]]:
    """Sheets of an xlsx, with rows read once per file version and kept for later calls.

    Several readers look for different tables in one workbook (the staff survey's questions sit
    on different sheets); the workbook is opened only when something not yet read is asked for.
    """
    import openpyxl

    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    cache = _BOOKS.get(key)
    if cache is None:
        cache = {"names": None, "top": {}, "full": {}}
        _BOOKS[key] = cache
        while len(_BOOKS) > _BOOKS_KEPT:
            _BOOKS.popitem(last=False)
    book = None

    def open_book():
        nonlocal book
        if book is None:
            try:
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
                raise InputError(
                    str(path), f"cannot open as a workbook: {exc}", expected="an .xlsx file"
                ) from None
        return book

    try:
        if cache["names"] is None:
            cache["names"] = list(open_book().sheetnames)
        for name in cache["names"]:

            def rows(n: int, name=name) -> list[tuple]:
                if name in cache["full"]:
                    full = cache["full"][name]
                    return full[:n] if n else full
                top = cache["top"].get(name)
                if n and top is not None and len(top) >= n:
                    return top[:n]
                got = list(open_book()[name].iter_rows(max_row=n or None, values_only=True))
                cache["full" if not n else "top"][name] = got
                return got

            yield name, rows
    finally:
        if book is not None:
            book.close()


def find_table(
    path: Path,
    required: Sequence[str],
    *,
    search_rows: int = 20,
    sheet_filter: Callable[[str, list[tuple]], bool] | None = None,
    what: str = "the data table",
) -> tuple[str, int, list[tuple]]:
    """The first sheet with a header row (within `search_rows`) holding every `required` label.

    Returns (sheet name, header row index, all rows). Labels compare normalised; a required label
    ending in '*' matches any header starting with it.
    """
    seen: list[str] = []
    for name, rows in sheet_rows(path):
        seen.append(name)
        top = rows(search_rows)
        if sheet_filter is not None and not sheet_filter(name, top):
            continue
        for i, row in enumerate(top):
            labels = [norm(v) for v in row]
            if all(_label_in(req, labels) for req in required):
                return name, i, rows(0)
    raise InputError(
        str(path),
        f"no sheet has a header row with {list(required)} for {what}; sheets are {seen}",
        expected="the publisher's layout (see PROVENANCE.md)",
    )


def _label_in(required: str, labels: list[str]) -> bool:
    req = norm(required)
    if req.endswith("*"):
        return any(lab.startswith(req[:-1]) for lab in labels)
    return req in labels


def frame_from_rows(rows: list[tuple], header: int) -> pd.DataFrame:
    """Rows below `header` as a DataFrame with that row's labels (unique, blanks named col<i>)."""
    width = max((len(r) for r in rows), default=0)
    labels: list[str] = []
    seen: dict[str, int] = {}
    for j in range(width):
        raw = rows[header][j] if j < len(rows[header]) else None
        lab = str(raw).strip() if raw is not None and str(raw).strip() else f"col{j}"
        if lab in seen:
            seen[lab] += 1
            lab = f"{lab}.{seen[lab]}"
        else:
            seen[lab] = 0
        labels.append(lab)
    body = [tuple(r) + (None,) * (width - len(r)) for r in rows[header + 1 :]]
    return pd.DataFrame(body, columns=labels)


def clean_codes(series: pd.Series) -> pd.Series:
    """Codes as trimmed upper-case strings (NaN stays NaN)."""
    return series.map(
        lambda v: str(v).strip().upper() if v is not None and not pd.isna(v) else pd.NA
    )

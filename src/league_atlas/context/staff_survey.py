"""NHS Staff Survey 2024 organisational results: engagement, 'recommend as a place to work', leaving.

The workbook has one sheet per question group; in each, a header row starting 'ODS code' and, above
it, a row of question titles ('Q25c - I would recommend ...') each spanning its answer columns
('% Agree', '% Strongly agree', 'Base (number of responses)'). Questions are found by their id and
answers by their label, so a re-ordered or re-sheeted workbook still reads.

Proxies (all weighted results as published):
  staff_engagement         'Staff Engagement - score' (0-10) from the themes sheet
  recommend_place_to_work  Q25c, % agree + % strongly agree
  leave_intention          mean over Q26a, Q26b, Q26c of (% agree + % strongly agree): the three
                           intention-to-leave items themselves, not the Morale 'thinking about
                           leaving' sub-score (which is a 0-10 rescaling of the same items)

A trust surveyed in sectors appears as 4-character codes (trust code + sector digit, e.g. R1F1 acute
and R1F2 ambulance sector of R1F) with no row of its own: such sectors are combined into the trust
by a mean weighted by each item's response base. ODS trust codes have 3 or 5 characters, so a
4-character code is never a trust of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from league_atlas.context.tables import find_table, norm
from league_atlas.errors import InputError

CODE_LABEL = "ODS code"
ENGAGEMENT_LABEL = "Staff Engagement - score"
RECOMMEND_ID = "Q25c"
LEAVE_IDS = ("Q26a", "Q26b", "Q26c")
AGREE_LABELS = ("% agree", "% strongly agree")
BASE_PREFIX = "base"
PERIOD = "2024 survey (fieldwork autumn 2024)"

_TRUST_CODE = re.compile(r"^[A-Z0-9]{3}$|^[A-Z0-9]{5}$")
_SECTOR_CODE = re.compile(r"^([A-Z0-9]{3})\d$")

COLUMNS = [
    "trust_code",
    "staff_engagement",
    "recommend_place_to_work",
    "leave_intention",
]


def _question_block(rows: list[tuple], header: int, qid: str, file: str) -> dict[str, int]:
    """Columns of one question: normalised answer label -> column index.

    The question title sits in a row above the header, in the first column of its block; the block
    runs until the next non-empty title in that row.
    """
    prefix = re.compile(rf"^{re.escape(qid.lower())}\b")
    for r in range(header):
        row = rows[r]
        for j, cell in enumerate(row):
            if prefix.match(norm(cell)):
                width = len(rows[header])
                end = next((k for k in range(j + 1, len(row)) if norm(row[k])), width)
                return {
                    norm(rows[header][k]): k
                    for k in range(j, min(end, width))
                    if norm(rows[header][k])
                }
    raise InputError(
        file, f"no question titled {qid!r} above the header row", expected=f"'{qid} - ...'"
    )


def _answer(block: dict[str, int], label: str, qid: str, file: str) -> int:
    if label in block:
        return block[label]
    raise InputError(
        file, f"question {qid} has no {label!r} column; it has {list(block)}", expected=label
    )


def _base(block: dict[str, int], qid: str, file: str) -> int:
    for lab, col in block.items():
        if lab.startswith(BASE_PREFIX):
            return col
    raise InputError(
        file, f"question {qid} has no response-base column", expected="'Base (number of responses)'"
    )


def _codes_and_values(rows: list[tuple], header: int, cols: list[int], file: str) -> pd.DataFrame:
    code_col = [norm(v) for v in rows[header]].index(norm(CODE_LABEL))
    out = []
    for row in rows[header + 1 :]:
        code = row[code_col] if code_col < len(row) else None
        if code is None or not str(code).strip():
            continue
        out.append([str(code).strip().upper()] + [row[c] if c < len(row) else None for c in cols])
    frame = pd.DataFrame(out, columns=["code"] + [f"c{c}" for c in cols])
    for c in cols:
        frame[f"c{c}"] = pd.to_numeric(frame[f"c{c}"], errors="coerce").astype(float)
    if frame["code"].duplicated().any():
        dups = sorted(frame.loc[frame["code"].duplicated(), "code"].unique())
        raise InputError(
            file, f"organisation codes repeat: {dups[:10]}", expected="one row per organisation"
        )
    return frame.set_index("code")


def _agree_share(rows, header, qid, file) -> tuple[pd.Series, pd.Series]:
    """% agree + % strongly agree for one question, and its response base."""
    block = _question_block(rows, header, qid, file)
    cols = [_answer(block, lab, qid, file) for lab in AGREE_LABELS] + [_base(block, qid, file)]
    frame = _codes_and_values(rows, header, cols, file)
    share = frame[f"c{cols[0]}"] + frame[f"c{cols[1]}"]
    return share, frame[f"c{cols[2]}"]


def read_staff_survey(path: Path) -> pd.DataFrame:
    """One row per organisation code: engagement score, Q25c % agree, mean Q26a-c % agree."""
    file = str(path)
    sheet, header, rows = find_table(
        path, [CODE_LABEL, ENGAGEMENT_LABEL], what="the staff engagement theme score"
    )
    labels = [norm(v) for v in rows[header]]
    eng_col = labels.index(norm(ENGAGEMENT_LABEL))
    base_col = next(
        (k for k in range(eng_col + 1, len(labels)) if labels[k].startswith(BASE_PREFIX)), None
    )
    if base_col is None:
        raise InputError(
            f"{file} [{sheet}]",
            "no response base after the engagement score",
            expected="'Base ...'",
        )
    eng = _codes_and_values(rows, header, [eng_col, base_col], f"{file} [{sheet}]")
    parts: dict[str, tuple[pd.Series, pd.Series]] = {
        "staff_engagement": (eng[f"c{eng_col}"], eng[f"c{base_col}"])
    }

    def has_question(qid: str):
        rx = re.compile(rf"^{re.escape(qid.lower())}\b")
        return lambda _name, top: any(rx.match(norm(v)) for row in top for v in row)

    sheet, header, rows = find_table(
        path, [CODE_LABEL], sheet_filter=has_question(RECOMMEND_ID), what=f"question {RECOMMEND_ID}"
    )
    parts["recommend_place_to_work"] = _agree_share(rows, header, RECOMMEND_ID, f"{file} [{sheet}]")
    leave_shares, leave_bases = [], []
    for qid in LEAVE_IDS:
        sheet, header, rows = find_table(
            path, [CODE_LABEL], sheet_filter=has_question(qid), what=f"question {qid}"
        )
        share, base = _agree_share(rows, header, qid, f"{file} [{sheet}]")
        leave_shares.append(share)
        leave_bases.append(base)
    # Mean of the three items; only when all three are published for the organisation.
    parts["leave_intention"] = (
        pd.concat(leave_shares, axis=1).mean(axis=1, skipna=False),
        pd.concat(leave_bases, axis=1).min(axis=1, skipna=False),
    )
    return combine_sectors(parts)


def combine_sectors(parts: dict[str, tuple[pd.Series, pd.Series]]) -> pd.DataFrame:
    """Organisation rows to trust rows: sector codes (trust + digit) merge by base-weighted mean."""
    codes = sorted(set().union(*(v.index for v, _ in parts.values())))
    own = {c for c in codes if _TRUST_CODE.match(c)}
    parent = {}
    for c in codes:
        m = _SECTOR_CODE.match(c)
        if m and m.group(1) not in own:
            parent[c] = m.group(1)
    out = pd.DataFrame(index=sorted(own | set(parent.values())))
    for key, (value, base) in parts.items():
        col = value.reindex(out.index)
        for trust in sorted(set(parent.values())):
            sectors = [c for c, p in parent.items() if p == trust]
            v, w = value.reindex(sectors), base.reindex(sectors)
            ok = v.notna() & w.notna() & (w > 0)
            col.loc[trust] = float(np.average(v[ok], weights=w[ok])) if ok.any() else np.nan
        out[key] = col.astype(float)
    out.index.name = "trust_code"
    return out.reset_index()[COLUMNS]

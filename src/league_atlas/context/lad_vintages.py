"""Bridge local-authority vintages (2011 to 2024 codes) to LAD 2024 with explicit crosswalks.

Sources key their values by the district codes of their own year: LAD 2011, 2018, 2019, 2021/22,
2023/24, and one uses 'Inner London BUA' / 'Outer London BUA' in place of the 33 boroughs. Names
change and repeat, so nothing here matches names; the facts live in `geo/`:

  lad_changes.csv        old_code -> new_code, weight = share of the old district's population
                         that went to the new one (1.0 when a district moved whole: merges,
                         recodes), with the origin of each fact (statutory order, ONS lookup).
  london_inner_outer.csv group_code -> member borough (LAD 2024): a group's value applies to
                         each member.

Changes chain (Taunton Deane -> Somerset West and Taunton (2019) -> Somerset (2023)); weights
multiply along a chain. The target is LAD 2024 (the trust table's LAD24CD): changes dated after
TARGET_YEAR are read backwards, and only when one-to-one (a district recoded after a minor
boundary change, e.g. Barnsley and Sheffield in 2025), so a newer file still lands on 2024 codes.

Rule for a LAD 2024 fed by several source codes (a merger): the weighted mean of their values with
weights = crosswalk weight x the source code's population, taken from the first population basis
that has every one of those codes (mid-2022 estimates first, then the 2011 Census; see
`population.weight_bases`); a source can pass its own denominators instead (e.g. graduate counts
for a graduate rate), which makes the merge exact. A merged value needs a value for every
contributing code; if one is missing the LAD is left missing rather than filled from part of it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from league_atlas.config import GEO_DIR
from league_atlas.context.tables import GSS_CODE, norm
from league_atlas.errors import InputError, LeagueAtlasError

CHANGES_FILE = "lad_changes.csv"
GROUPS_FILE = "london_inner_outer.csv"
CHANGE_COLUMNS = [
    "old_code",
    "old_name",
    "new_code",
    "new_name",
    "year",
    "change",
    "weight",
    "origin",
]
GROUP_COLUMNS = ["group_code", "lad_code", "lad_name", "origin"]
WEIGHT_TOLERANCE = 1e-6
TARGET_YEAR = 2024  # LAD May 2024 boundaries (source lad_2024)


def _read_rows(path: Path, columns: list[str]) -> list[dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        raise InputError(
            str(path), "crosswalk file not found", expected=f"a CSV with columns {columns}"
        )
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                str(path), f"missing columns {missing}", line=1, expected=f"columns {columns}"
            )
        return [dict(r) for r in reader]


def read_changes(path: Path | None = None) -> pd.DataFrame:
    """The LAD change crosswalk, validated: codes are GSS codes, weights in (0, 1] and each old
    district's weights sum to 1 (every person goes somewhere exactly once)."""
    path = Path(path or GEO_DIR / CHANGES_FILE)
    rows = _read_rows(path, CHANGE_COLUMNS)
    out = []
    for i, r in enumerate(rows, start=2):
        for col in ("old_code", "new_code"):
            if not GSS_CODE.match(r[col].strip()):
                raise InputError(
                    str(path),
                    f"{r[col]!r} is not a GSS code",
                    line=i,
                    column=col,
                    expected="E0xxxxxxx",
                )
        try:
            w = float(r["weight"])
        except ValueError:
            raise InputError(
                str(path), f"weight {r['weight']!r} is not a number", line=i, column="weight"
            ) from None
        if not 0 < w <= 1:
            raise InputError(
                str(path),
                f"weight {w} out of range",
                line=i,
                column="weight",
                expected="0 < weight <= 1",
            )
        if r["old_code"].strip() == r["new_code"].strip():
            raise InputError(
                str(path), "old_code equals new_code", line=i, expected="a code change"
            )
        if not r["origin"].strip():
            raise InputError(
                str(path),
                "no origin given",
                line=i,
                column="origin",
                expected="where the fact comes from",
            )
        if not r["year"].strip().isdigit():
            raise InputError(
                str(path),
                f"year {r['year']!r} is not a year",
                line=i,
                column="year",
                expected="e.g. 2023",
            )
        out.append(
            {
                "old_code": r["old_code"].strip(),
                "new_code": r["new_code"].strip(),
                "weight": w,
                "year": int(r["year"]),
                "old_name": r["old_name"],
                "new_name": r["new_name"],
            }
        )
    frame = pd.DataFrame(
        out, columns=["old_code", "new_code", "weight", "year", "old_name", "new_name"]
    )
    if frame.duplicated(["old_code", "new_code"]).any():
        dup = frame.loc[
            frame.duplicated(["old_code", "new_code"]), ["old_code", "new_code"]
        ].values.tolist()
        raise InputError(
            str(path), f"repeated change rows {dup}", expected="one row per old -> new pair"
        )
    sums = frame.groupby("old_code")["weight"].sum()
    bad = sums[(sums - 1).abs() > WEIGHT_TOLERANCE]
    if len(bad):
        raise InputError(
            str(path),
            f"weights of {bad.round(4).to_dict()} do not sum to 1",
            column="weight",
            expected="each old district's shares summing to 1",
        )
    _check_acyclic(frame, str(path))
    return frame


def read_groups(path: Path | None = None) -> pd.DataFrame:
    """The grouped-area crosswalk (group code -> member LAD 2024 code); each LAD in one group."""
    path = Path(path or GEO_DIR / GROUPS_FILE)
    rows = _read_rows(path, GROUP_COLUMNS)
    frame = pd.DataFrame(
        [{"group_code": r["group_code"].strip(), "lad_code": r["lad_code"].strip()} for r in rows]
    )
    for i, code in enumerate(frame["lad_code"], start=2):
        if not GSS_CODE.match(code):
            raise InputError(str(path), f"{code!r} is not a GSS code", line=i, column="lad_code")
    if frame["lad_code"].duplicated().any():
        raise InputError(str(path), "a LAD belongs to two groups", expected="each LAD in one group")
    return frame


@cache
def default_changes() -> pd.DataFrame:
    return read_changes()


@cache
def default_groups() -> pd.DataFrame:
    return read_groups()


def _check_acyclic(frame: pd.DataFrame, file: str) -> None:
    nxt: dict[str, list[str]] = {}
    for old, new in zip(frame["old_code"], frame["new_code"], strict=True):
        nxt.setdefault(old, []).append(new)
    state: dict[str, int] = {}

    def visit(code: str) -> None:
        if state.get(code) == 1:
            raise InputError(
                file, f"the changes loop back to {code}", expected="changes that only move forward"
            )
        if state.get(code) == 2:
            return
        state[code] = 1
        for n in nxt.get(code, []):
            visit(n)
        state[code] = 2

    for code in list(nxt):
        visit(code)


def later_recodes(changes: pd.DataFrame, target_year: int = TARGET_YEAR) -> dict[str, str]:
    """Codes created after `target_year` by a one-to-one change -> the code they replaced."""
    later = changes[changes["year"] > target_year]
    out = {}
    for new, grp in later.groupby("new_code"):
        old = grp["old_code"].iloc[0]
        whole = len(grp) == 1 and float(grp["weight"].iloc[0]) == 1.0
        if whole and (changes["old_code"] == old).sum() == 1:
            out[new] = old
    return out


def lineage(
    changes: pd.DataFrame, target_year: int = TARGET_YEAR
) -> dict[str, list[tuple[str, float]]]:
    """Each changed code -> its codes in the `target_year` vintage with composed weights."""
    changes = changes[changes["year"] <= target_year]
    nxt: dict[str, list[tuple[str, float]]] = {}
    for old, new, w in zip(
        changes["old_code"], changes["new_code"], changes["weight"], strict=True
    ):
        nxt.setdefault(old, []).append((new, float(w)))
    memo: dict[str, list[tuple[str, float]]] = {}

    def final(code: str) -> list[tuple[str, float]]:
        if code not in nxt:
            return [(code, 1.0)]
        if code not in memo:
            acc: dict[str, float] = {}
            for new, w in nxt[code]:
                for f, w2 in final(new):
                    acc[f] = acc.get(f, 0.0) + w * w2
            memo[code] = list(acc.items())
        return memo[code]

    return {code: final(code) for code in nxt}


def code_map(
    codes: Iterable[str], changes: pd.DataFrame | None = None, groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """source_code -> lad_code (LAD 2024), weight, how ('same', 'change', 'later' or 'group')."""
    changes = default_changes() if changes is None else changes
    groups = default_groups() if groups is None else groups
    lin = lineage(changes)
    back = later_recodes(changes)
    members = groups.groupby("group_code")["lad_code"].apply(list).to_dict()
    rows = []
    for code in dict.fromkeys(codes):
        if code in members:
            rows.extend((code, lad, 1.0, "group") for lad in members[code])
        elif code in back:
            rows.append((code, back[code], 1.0, "later"))
        elif code in lin:
            rows.extend((code, lad, w, "change") for lad, w in lin[code])
        else:
            rows.append((code, code, 1.0, "same"))
    return pd.DataFrame(rows, columns=["source_code", "lad_code", "weight", "how"])


def extend_with_successors(basis: pd.Series, changes: pd.DataFrame | None = None) -> pd.Series:
    """A population basis plus codes created later, as the weighted sum of their predecessors
    (e.g. the 2011 Census population of Somerset West and Taunton, created in 2019)."""
    changes = default_changes() if changes is None else changes
    changes = changes[changes["year"] <= TARGET_YEAR]
    out = basis.copy()
    for _ in range(len(changes)):
        added = False
        for new, grp in changes.groupby("new_code"):
            preds = grp["old_code"].tolist()
            if new in out.index or not all(p in out.index for p in preds):
                continue
            out.loc[new] = float((out.reindex(preds).to_numpy() * grp["weight"].to_numpy()).sum())
            added = True
        if not added:
            break
    return out


def to_lad24(
    values: pd.Series,
    weights: pd.Series | Sequence[pd.Series] | None,
    *,
    changes: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
    targets: Iterable[str] | None = None,
    what: str = "values",
) -> pd.Series:
    """Values keyed by any-vintage LAD (or group) code -> values keyed by current LAD code.

    `weights`: one Series or several bases tried in order (see the module docstring). Only
    needed where several source codes feed one LAD; a merge whose codes no basis fully covers is
    an error (the crosswalk or the population data has a gap), not a silent guess.
    """
    values = values[~values.index.duplicated(keep="first")]
    values = values.astype(float)
    bases: list[pd.Series]
    if weights is None:
        bases = []
    elif isinstance(weights, pd.Series):
        bases = [weights]
    else:
        bases = list(weights)
    cmap = code_map(values.index, changes, groups)
    if targets is not None:
        cmap = cmap[cmap["lad_code"].isin(set(targets))]
    vals = values.to_dict()
    cmap = cmap.assign(v=cmap["source_code"].map(vals))
    sizes = cmap.groupby("lad_code")["source_code"].transform("size")
    single = cmap[sizes == 1]
    out: dict[str, float] = dict(zip(single["lad_code"], single["v"].astype(float), strict=True))
    lookups = [b.dropna().to_dict() for b in bases]
    for lad, grp in cmap[sizes > 1].groupby("lad_code", sort=False):
        src = grp["source_code"].tolist()
        v = grp["v"].to_numpy(dtype=float)
        if np.isnan(v).any():
            out[lad] = np.nan
            continue
        basis = next((b for b in lookups if all(s in b for s in src)), None)
        if basis is None:
            raise LeagueAtlasError(
                f"cannot merge {what} of {src} into {lad}: no population basis covers all of them "
                f"(check geo/{CHANGES_FILE} and the population sources)"
            )
        w = grp["weight"].to_numpy(dtype=float) * np.array([basis[s] for s in src], dtype=float)
        out[lad] = float(np.sum(w * v) / np.sum(w)) if np.sum(w) > 0 else np.nan
    return pd.Series(out, dtype=float, name=values.name).sort_index()


def any_to_lad24(
    codes: Iterable[str],
    *,
    changes: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
) -> set[str]:
    """Current LAD codes reached by any of `codes` (for presence flags, e.g. 'has a university')."""
    return set(code_map(codes, changes, groups)["lad_code"])


def unresolved(codes: Iterable[str], targets: Iterable[str], **kw) -> list[str]:
    """Source codes that reach no target code: a crosswalk gap when the codes are English LADs."""
    cmap = code_map(codes, **kw)
    ok = set(cmap.loc[cmap["lad_code"].isin(set(targets)), "source_code"])
    return sorted(set(cmap["source_code"]) - ok)


def changes_disagreeing_with(
    reference: pd.DataFrame, changes: pd.DataFrame | None = None
) -> list[str]:
    """Rows of a published change list (old_code, new_code[, change]) missing from the crosswalk.

    Used to check geo/lad_changes.csv against the RUC lookups' LAD_Changes sheet; pure name
    changes (old code == new code) need no crosswalk row.
    """
    changes = default_changes() if changes is None else changes
    have = set(zip(changes["old_code"], changes["new_code"], strict=True))
    problems = []
    for old, new in zip(reference["old_code"], reference["new_code"], strict=True):
        if norm(old) == norm(new):
            continue
        if (old, new) not in have:
            problems.append(f"{old} -> {new}")
    return problems

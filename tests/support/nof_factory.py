"""Made-up NOF releases in the real file format, for tests (never copies of the real data).

The values follow the framework's arithmetic (items averaged, infections merged, finance through
OF1080, segments cut at gap midpoints, override caps at 3, competition ranks), so a release made
here is internally consistent like a published one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

HEADER = [
    "Region",
    "Trust_type",
    "Trust_subtype",
    "Trust_code",
    "Trust_name",
    "Domain",
    "Sub-domain",
    "Metric_ID",
    "Metric_description",
    "Reporting_date",
    "Units",
    "Value",
    "Median_value",
    "Lower_quartile",
    "Upper_quartile",
    "Rank",
]

# metric id -> (domain, sub-domain, description)
ITEMS = {
    "OF1003": (
        "Access to services",
        "Elective care",
        "Percentage of patients waiting over 52 weeks",
    ),
    "OF1013": ("Access to services", "Urgent and emergency care", "ED four-hour performance"),
    "OF1020": ("Patient safety", "Patient safety", "Number of MRSA infections"),
    "OF1048": ("Patient safety", "Patient safety", "Rate of E-Coli infections"),
    "OF1088": ("Patient safety", "Patient safety", "Rate of C-Difficile infections"),
    "OF1061": ("Patient safety", "Patient safety", "NHS Staff survey - raising concerns sub-score"),
    "OF1025": (
        "Effectiveness and experience",
        "Effective flow and discharge",
        "Days from discharge ready date",
    ),
    "OF1084": (
        "People and workforce",
        "Retention and culture",
        "NHS staff survey engagement theme sub-score\xa0 ",
    ),
    "OF1082": ("People and workforce", "Retention and culture", "Sickness absence rate"),
    "OF1079": ("Finance and productivity", "Finance", "Planned surplus/deficit"),
    "OF1081": ("Finance and productivity", "Finance", "Variance year-to-date to financial plan"),
    "OF1080": ("Finance and productivity", "Finance", "Combined finance"),
    "OF1085": ("Finance and productivity", "Productivity", "Implied productivity level"),
}
DOMAIN_IDS = {
    "Access to services": "OF4000",
    "Patient safety": "OF4002",
    "Finance and productivity": "OF4003",
    "People and workforce": "OF4004",
    "Effectiveness and experience": "OF4005",
}
INFECTIONS = ("OF1020", "OF1048", "OF1088")
FINANCE_PARTS = ("OF1079", "OF1081")
REGIONS = ["London", "North West", "South West", "Midlands", "North East", "East", "South East"]


@dataclass
class Trust:
    code: str
    name: str
    region: str = "London"
    subtype: str = "Acute - Teaching"
    scores: dict[str, float] = field(default_factory=dict)
    override: int = 0
    rsp: int = 0


def make_trusts(
    n: int = 8,
    seed: int = 1,
    missing: dict[str, list[str]] | None = None,
    codes: list[str] | None = None,
) -> list[Trust]:
    """`n` made-up trusts with 2-dp scores; `missing` maps a trust code to item ids it lacks."""
    rng = np.random.default_rng(seed)
    trusts = []
    n = len(codes) if codes else n
    for i in range(n):
        code = codes[i] if codes else f"X{i + 1:02d}"
        scores = {m: round(float(rng.uniform(1, 4)), 2) for m in ITEMS if m not in ("OF1080",)}
        for m in ("OF1079", "OF1081"):
            scores[m] = float(rng.integers(1, 5))
        scores["OF1080"] = float(min(4, max(scores["OF1079"], scores["OF1081"])))
        for m in (missing or {}).get(code, []):
            scores.pop(m, None)
        trusts.append(
            Trust(
                code=code,
                name=f"Made-up Hospitals {i + 1} NHS Trust",
                region=REGIONS[i % len(REGIONS)],
                scores=scores,
                override=int(rng.integers(0, 2)),
                rsp=int(i == n - 1),
            )
        )
    return trusts


def _items(scores: dict[str, float]) -> dict[str, tuple[str, float]]:
    """item key -> (domain, score): infections merged, finance through OF1080 only."""
    out = {}
    inf = [scores[m] for m in INFECTIONS if m in scores]
    if inf:
        out["infections"] = ("Patient safety", float(np.mean(inf)))
    for m, v in scores.items():
        if m in INFECTIONS or m in FINANCE_PARTS:
            continue
        out[m] = (ITEMS[m][0], v)
    return out


def summarise(trusts: list[Trust], cuts: tuple[float, float, float]) -> dict[str, dict[str, float]]:
    """Summary values (OF5002, OF5003, OF5000, ...) and ranks, as NHS England would publish them."""
    out: dict[str, dict[str, float]] = {}
    for t in trusts:
        items = _items(t.scores)
        avg = round(float(np.mean([v for _, v in items.values()])), 2)
        seg = 1 + sum(avg > c for c in cuts)
        adj = max(seg, 3) if t.override else seg
        doms = {}
        for d in DOMAIN_IDS:
            vals = [v for dd, v in items.values() if dd == d]
            if vals:
                doms[d] = round(float(np.mean(vals)), 2)
        out[t.code] = {"avg": avg, "seg": seg, "adj": adj, "domains": doms}
    codes = [t.code for t in trusts]
    avgs = np.array([out[c]["avg"] for c in codes])
    adjs = np.array([out[c]["adj"] for c in codes])
    league = rankdata(np.round(adjs * 1000 + avgs, 6), method="min")
    by_score = rankdata(avgs, method="min")
    for c, r1, r2 in zip(codes, league, by_score, strict=True):
        out[c]["league_rank"] = float(r1)
        out[c]["score_rank"] = float(r2)
    return out


def release_rows(
    trusts: list[Trust],
    *,
    quarter: str = "Q1 2025/26",
    trust_type_label: str = "Acute trust",
    cuts: tuple[float, float, float] = (2.2, 2.5, 2.8),
    with_quarter_column: bool = False,
    with_rsp: bool = True,
    units_score: str = "score",
) -> list[list[str]]:
    """Data rows (as strings, formatted like the real file) for one quarter."""
    summary = summarise(trusts, cuts)
    rows = []

    def row(t: Trust, domain, sub, mid, desc, date, units, value, rank=""):
        r = [
            t.region,
            trust_type_label,
            t.subtype,
            t.code,
            t.name,
            domain,
            sub,
            mid,
            desc,
            date,
            units,
            value,
            "",
            "",
            "",
            rank,
        ]
        return ([quarter] + r) if with_quarter_column else r

    for t in trusts:
        for m, v in t.scores.items():
            d, sub, desc = ITEMS[m]
            rows.append(row(t, d, sub, m, desc, quarter, units_score, f"{v:.2f}"))
        s = summary[t.code]
        for d, v in s["domains"].items():
            rows.append(
                row(
                    t,
                    d,
                    f"{d} domain score",
                    DOMAIN_IDS[d],
                    f"{d} domain score",
                    quarter,
                    units_score,
                    f"{v:.2f}",
                )
            )
        rows.append(
            row(
                t,
                "Summary",
                "Summary",
                "OF5000",
                "Adjusted segment",
                quarter,
                "segment",
                f"{s['adj']:.1f}",
                f"{s['league_rank']:.1f}",
            )
        )
        rows.append(
            row(
                t,
                "Summary",
                "Summary",
                "OF5002",
                "Average metric score",
                quarter,
                units_score,
                f"{s['avg']:.2f}",
                f"{s['score_rank']:.1f}",
            )
        )
        rows.append(
            row(
                t,
                "Summary",
                "Summary",
                "OF5003",
                "Unadjusted segment",
                quarter,
                "segment",
                f"{s['seg']:.1f}",
            )
        )
        rows.append(
            row(
                t,
                "Summary",
                "Summary",
                "OF5004",
                "Financial override",
                quarter,
                "flag",
                f"{t.override:.1f}",
            )
        )
        if with_rsp:
            final = 5 if t.rsp else s["adj"]
            rows.append(
                row(
                    t,
                    "Summary",
                    "Summary",
                    "OF5005",
                    "Final segment score override",
                    "",
                    "segment",
                    f"{final:.1f}",
                )
            )
            rows.append(
                row(
                    t,
                    "Summary",
                    "Summary",
                    "OF5007",
                    "Is the organisation in the Recovery Support Programme?",
                    "",
                    "flag",
                    f"{t.rsp:.1f}",
                )
            )
    return rows


def to_bytes(
    rows: list[list[str]], *, with_quarter_column: bool = False, bom: bool = True, crlf: bool = True
) -> bytes:
    """Serialise like NHS England: UTF-8 with BOM, CRLF line endings."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    writer.writerow((["Quarter"] if with_quarter_column else []) + HEADER)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def write_release(path: Path, trusts: list[Trust] | None = None, **kwargs) -> Path:
    """Write a one-quarter release file and return its path."""
    trusts = trusts if trusts is not None else make_trusts()
    wq = kwargs.get("with_quarter_column", False)
    fmt = {k: kwargs.pop(k) for k in ("bom", "crlf") if k in kwargs}
    path.write_bytes(to_bytes(release_rows(trusts, **kwargs), with_quarter_column=wq, **fmt))
    return path

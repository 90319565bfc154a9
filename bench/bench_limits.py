"""Bounded input: a 1,000,000-row NOF file is refused quickly, in bounded memory, store unchanged.

`python -m bench.bench_limits DATA_DIR` (and `make bench`, stage "input limits"). The file is
written in the real metric-data format, with rows short enough (~150 bytes) that it stays under
the 200 MB byte limit, so it is the row limit that has to refuse it; that is the harder case (the
byte limit refuses a bigger file by stat, before reading). `python -m league_atlas add-release`
runs under `/usr/bin/time -v`: wall time and peak resident memory come from there. The store
folder is hashed before and after.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = 1_000_000
TARGET_S = 60.0
TARGET_MB = 1536.0
HEADER = (
    "Region,Trust_type,Trust_subtype,Trust_code,Trust_name,Domain,Sub-domain,Metric_ID,"
    "Metric_description,Reporting_date,Units,Value,Median_value,Lower_quartile,Upper_quartile,Rank"
)


def write_big_release(path: Path, rows: int = ROWS) -> int:
    """A made-up metric-data file with `rows` data rows; returns its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER + "\r\n")
        for i in range(rows):
            code = f"R{i // 40 % 1000:03d}"
            metric = f"OF{i % 40:04d}"
            fh.write(
                f"North East,Acute trust,Acute - Teaching,{code},Made-up Hospitals {code} NHS Trust,"
                f"Access to services,Elective care,{metric},A made-up metric,Q1 2025/26,%,"
                f"{(i % 97) / 3:.2f},10,8,14,{i % 134 + 1}\r\n"
            )
    return path.stat().st_size


def _tree(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != ".writer.lock":
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    h.update(str((folder / "store").resolve().name).encode())
    return h.hexdigest()


def run(data_dir: Path) -> dict:
    """Measure the refusal; returns the figures (seconds, MB, exit code, message, unchanged)."""
    with tempfile.TemporaryDirectory(prefix="league-atlas-limits-") as tmp:
        big = Path(tmp) / "one-million-rows.csv"
        size = write_big_release(big)
        before = _tree(data_dir)
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "league_atlas", "add-release"]
        done = subprocess.run(
            [*cmd, str(big), "--data-dir", str(data_dir)], capture_output=True, text=True
        )
        after = _tree(data_dir)
    err = done.stderr
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err).group(1)
    secs = sum(float(x) * 60**i for i, x in enumerate(reversed(wall.split(":"))))
    message = next((line for line in err.splitlines() if line.startswith("error:")), "")
    return {
        "rows": ROWS,
        "file_mb": round(size / 1024 / 1024, 1),
        "wall_s": round(secs, 2),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "exit_code": done.returncode,
        "message": message,
        "store_unchanged": before == after,
        "refused": done.returncode == 2 and "row limit" in message,
        "command": "/usr/bin/time -v python -m league_atlas add-release one-million-rows.csv",
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(Path(sys.argv[1])), indent=2))

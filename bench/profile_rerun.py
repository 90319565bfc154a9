"""Where a weight-change rerun spends its time: cProfile inside the real server, by call site.

The server (bench.serve with $BENCH_PROFILE_DIR) profiles each script body. Here the stats of the
reruns after the first are merged, and for the page script, app.py and the shared sidebar each
direct callee's cumulative time *from that caller* is listed as a share of the script body. The
profiler slows Python code down, so the shares are the finding; ms are per rerun under cProfile.
"""

from __future__ import annotations

import asyncio
import pstats
from pathlib import Path

from bench.common import ROOT, Server, clean_dir, start_server
from bench.server_rerun import _drive, fresh_states

CALLERS = {
    "app.py": ("app.py", "<module>"),
    "pages/explore/map.py": ("pages/explore/map.py", "<module>"),
    "pages/explore/league.py": ("pages/explore/league.py", "<module>"),
    "src/league_atlas_ui/shared.py:sidebar": ("src/league_atlas_ui/shared.py", "sidebar"),
}


def _label(func: tuple[str, int, str]) -> str:
    file, line, name = func
    p = Path(file)
    try:
        rel = p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        parts = p.parts
        rel = (
            "/".join(parts[parts.index("site-packages") + 1 :])
            if "site-packages" in parts
            else file
        )
    return f"{rel}:{line}({name})" if file != "~" else name


def breakdown(files: list[Path], top: int = 12) -> dict:
    """Per-caller table of direct callees: ms per rerun (under cProfile) and share of the body."""
    st = pstats.Stats(*[str(f) for f in files])
    n = len(files)
    total = 0.0
    for func, (_, _, _, ct, _) in st.stats.items():
        if func[2] == "exec_func_with_error_handling":
            total = max(total, ct)
    out: dict = {
        "reruns": n,
        "body_ms_per_rerun_profiled": round(1e3 * total / n, 1),
        "callers": {},
    }
    for key, (suffix, name) in CALLERS.items():
        rows = []
        for func, (_, _, _, _, callers) in st.stats.items():
            for caller, (_, _, _, ct) in callers.items():
                if caller[2] == name and caller[0].endswith(suffix):
                    rows.append((ct, _label(func)))
        out["callers"][key] = _rows(rows, n, total, top)
    # Every st.* command goes through one wrapper (metrics_util.wrapped_func): split it by command.
    rows = []
    for func, (_, _, _, _, callers) in st.stats.items():
        for caller, (_, _, _, ct) in callers.items():
            if caller[2] == "wrapped_func" and caller[0].endswith("metrics_util.py"):
                rows.append((ct, _label(func)))
    out["callers"]["streamlit commands (all callers)"] = _rows(rows, n, total, top)
    return out


def _rows(rows: list[tuple[float, str]], n: int, total: float, top: int) -> list[dict]:
    rows = sorted(rows, reverse=True)[:top]
    return [
        {
            "callee": lbl,
            "ms_per_rerun": round(1e3 * ct / n, 1),
            "share_%": round(100 * ct / total, 1),
        }
        for ct, lbl in rows
        if ct / n >= 5e-4
    ]


def run(data_dir: Path, workdir: Path, *, moves: int = 12, page: str = "") -> dict:
    """Profile `moves` fresh weight changes on a page (default: map) and return the breakdown."""
    from bench.browser_latency import domain_labels

    prof = clean_dir(workdir / "profile")
    server: Server = start_server(data_dir, workdir, name="profile", profile_dir=prof)
    try:
        asyncio.run(_drive(server.url, fresh_states(domain_labels(data_dir), moves), page))
    finally:
        server.stop()
    files = sorted(prof.glob("run-*.pstats"), key=lambda p: int(p.stem.split("-")[1]))
    # The first run is the cold one (imports, caches); on another page the second is its first visit.
    return breakdown(files[2 if page else 1 :])


def cold(workdir: Path) -> dict | None:
    """The first (cold) run's breakdown, from the same profile folder, if present."""
    files = sorted(
        (workdir / "profile").glob("run-*.pstats"), key=lambda p: int(p.stem.split("-")[1])
    )
    return breakdown(files[:1], top=15) if files else None


def imports(files: list[Path], top: int = 12) -> list[dict]:
    """Module bodies by cumulative time (nested: a package includes what it imports)."""
    st = pstats.Stats(*[str(f) for f in files])
    rows = []
    for func, (_, _, _, ct, _) in st.stats.items():
        file, _, name = func
        if name != "<module>":
            continue
        p = Path(file)
        ours = str(ROOT) in file and "site-packages" not in file
        package_init = p.name == "__init__.py" and p.parent.parent.name == "site-packages"
        if ours or package_init or p.parent.name == "stats" and p.name == "__init__.py":
            rows.append((ct, _label(func)))
    rows.sort(reverse=True)
    return [{"module": lbl, "ms_cumulative_profiled": round(1e3 * ct, 1)} for ct, lbl in rows[:top]]

"""Shared pieces of the benchmarks: the store to measure, the server, memory, statistics, machine.

All servers listen on 127.0.0.1 only, on a free port, and are stopped by the process id we started.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
RESULTS = ROOT / "bench" / "results.json"
PACKAGES = ("streamlit", "pandas", "numpy", "scipy", "geopandas", "shapely", "pydeck", "pyarrow",
            "playwright", "hypothesis")  # fmt: skip


# ------------------------------------------------------------------ statistics


def summarise(values: list[float]) -> dict:
    """median, p95 (linear interpolation, numpy's default), min, max and count of a sample."""
    import numpy as np

    if not values:
        return {"median": None, "p95": None, "min": None, "max": None, "runs": 0}
    arr = np.asarray(values, dtype=float)
    return {
        "median": round(float(np.median(arr)), 3),
        "p95": round(float(np.percentile(arr, 95)), 3),
        "min": round(float(arr.min()), 3),
        "max": round(float(arr.max()), 3),
        "runs": len(values),
    }


# ------------------------------------------------------------------ machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mem_total_mb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024, 0)
    except OSError:
        pass
    return None


def _chromium_version() -> str | None:
    try:
        out = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict:
    """What the figures were measured on: CPU, cores, memory, OS, Python and package versions."""
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = None
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_mb": _mem_total_mb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "chromium": _chromium_version(),
    }


# ------------------------------------------------------------------ stores


def mirror() -> Path | None:
    """The real data mirror (../shared/data), or None when it is absent."""
    from league_atlas import config

    m = config.default_mirror()
    return m if m is not None and (m / "nof").is_dir() else None


class _Env:
    """Just enough of pytest's MonkeyPatch for tests/support/fixture_store.py."""

    def __init__(self) -> None:
        self.saved: dict[str, str | None] = {}

    def setenv(self, key: str, value: str) -> None:
        self.saved.setdefault(key, os.environ.get(key))
        os.environ[key] = value

    def undo(self) -> None:
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_made_up_store(data_dir: Path) -> Path:
    """The made-up store of the tests (7 trusts, geo fixtures), for runs without the mirror."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from support.fixture_store import build_fixture_store

    env = _Env()
    try:
        return build_fixture_store(data_dir, env)
    finally:
        env.undo()


def timed_cli_build(data_dir: Path, mirror_dir: Path) -> float:
    """Wall time of `python -m league_atlas build` into `data_dir` (fetch from the mirror included)."""
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "league_atlas", "build", "--data-dir", str(data_dir),
         "--mirror", str(mirror_dir)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - t0


# ------------------------------------------------------------------ memory


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in kB, from /proc/<pid>/status."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return out


class MemorySampler:
    """Samples a process's RSS in a thread; `peak_mb` is the larger of the samples and VmHWM."""

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        self.pid, self.every = pid, every_s
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            s = proc_status(self.pid)
            if "VmRSS" in s:
                self.samples.append((time.time(), s["VmRSS"]))
            self._stop.wait(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    def result(self) -> dict:
        rss = [kb for _, kb in self.samples]
        hwm = proc_status(self.pid).get("VmHWM")
        peak_kb = max([*rss, hwm or 0]) if (rss or hwm) else None
        return {
            "peak_rss_mb": round(peak_kb / 1024, 1) if peak_kb else None,
            "vmhwm_mb": round(hwm / 1024, 1) if hwm else None,
            "last_rss_mb": round(rss[-1] / 1024, 1) if rss else None,
            "samples": len(rss),
        }


# ------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A `streamlit run app.py` (through bench.serve) on loopback, with its logs."""

    proc: subprocess.Popen
    url: str
    log: Path
    run_log: Path
    started_at: float
    healthy_after_s: float
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def runs(self) -> list[dict]:
        """Script runs the server has logged so far (one dict per line of the run log)."""
        if not self.run_log.is_file():
            return []
        return [json.loads(x) for x in self.run_log.read_text().splitlines() if x.strip()]

    def tracebacks(self) -> list[str]:
        """Server-side tracebacks or error lines in the log (the load test counts these as errors)."""
        text = self.log.read_text(errors="replace") if self.log.is_file() else ""
        return [
            line
            for line in text.splitlines()
            if "Traceback" in line or " ERROR " in line or "Uncaught app exception" in line
        ]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_server(
    data_dir: Path,
    workdir: Path,
    *,
    name: str = "server",
    profile_dir: Path | None = None,
    extra_env: dict | None = None,
    timeout_s: float = 90,
) -> Server:
    """Start the app on a free loopback port and return once /_stcore/health answers."""
    port = free_port()
    log = workdir / f"{name}.log"
    run_log = workdir / f"{name}-runs.jsonl"
    run_log.unlink(missing_ok=True)
    env = {
        **os.environ,
        "LEAGUE_ATLAS_DATA_DIR": str(data_dir),
        "LEAGUE_ATLAS_BASEMAP": "0",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "BENCH_RUN_LOG": str(run_log),
        **({"BENCH_PROFILE_DIR": str(profile_dir)} if profile_dir else {}),
        **(extra_env or {}),
    }
    t0 = time.perf_counter()
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.serve", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(proc, url, log, run_log, started, time.perf_counter() - t0)
        except OSError:
            time.sleep(0.05)
        if proc.poll() is not None:
            break
    proc.terminate()
    raise RuntimeError(f"streamlit did not start; see {log}")


def chromium_available() -> bool:
    return Path("/usr/bin/chromium").exists()


def clean_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path

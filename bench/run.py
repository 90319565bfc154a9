"""`make bench` (`python -m bench.run`): every benchmark, a pass/fail table, bench/results.json.

What is measured, and how (details in each module's docstring):

- scoring: re-weighting one trust type and quarter, 1,000 Monte Carlo draws, the likely-range
  bootstrap at 1,000 and 10,000 draws (bench.bench_scoring);
- server rerun after a weight change: timed inside a real `streamlit run` server (bench.serve)
  driven by a websocket client without a browser (bench.server_rerun); `run_ms` is held to the
  target, the script body alone (`exec_ms`) is reported beside it;
- browser latency, slider release -> updated map and table, 20 alternating moves in Debian
  Chromium against the real server on loopback (bench.browser_latency; "updated" is defined there);
- bytes of map data per rerun: the deck.gl element in the websocket frames, per boundary layer;
- cold start: server process start -> map canvas visible in Chromium;
- store build: `python -m league_atlas build` from the mirror into a fresh folder (wall time);
- input limits: a 1,000,000-row release refused by `add-release` under /usr/bin/time -v (wall
  time, peak memory, store unchanged; bench.bench_limits);
- peak server memory (VmHWM) over the browser latency run;
- where a rerun's time goes (cProfile by call site) and what three proposed fixes would save
  (bench.serve's what-if experiments), so a missed target comes with its cause.

The real store is built from ../shared/data at the start; without the mirror the real-data
benchmarks are skipped with the reason and the rest run on the made-up test store.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import common

KB = 1024


def _row(group, name, unit, stats, target, *, on="median", note="") -> dict:
    value = stats.get(on) if stats else None
    passed = None if value is None or target is None else bool(value <= target)
    return {
        "group": group,
        "name": name,
        "unit": unit,
        "median": stats.get("median") if stats else None,
        "p95": stats.get("p95") if stats else None,
        "runs": stats.get("runs") if stats else 0,
        "target": target,
        "target_on": on,
        "pass": passed,
        "note": note,
    }


def _skip(group, name, unit, target, reason, on="median") -> dict:
    r = _row(group, name, unit, None, target, on=on)
    r["skipped"] = reason
    return r


# ------------------------------------------------------------------ stages


def stage_build(mirror: Path | None, root: Path, runs: int) -> tuple[Path, dict, list[dict]]:
    """Build the store to measure (real when the mirror is present) and time the CLI build."""
    if mirror is None:
        data = common.build_made_up_store(common.clean_dir(root / "made-up"))
        reason = "../shared/data (the real data mirror) is absent"
        rows = [_skip("build", "store build from the mirror", "s", 60.0, reason)]
        return data, {"kind": "made-up", "reason": reason}, rows
    times = []
    data = root / "real"
    for i in range(runs):
        target = data if i == 0 else root / f"build-{i}"
        shutil.rmtree(target, ignore_errors=True)
        times.append(common.timed_cli_build(target, mirror))
        if i:
            shutil.rmtree(target, ignore_errors=True)
    stats = common.summarise(times)
    rows = [
        _row(
            "build", "store build from the mirror (python -m league_atlas build)", "s", stats, 60.0
        )
    ]
    return data, {"kind": "real", "mirror": str(mirror), "build_s": times}, rows


def stage_limits(data: Path, work: Path) -> tuple[list[dict], dict]:
    """A 1,000,000-row release refused by add-release (bench.bench_limits), on a copy of the store."""
    from bench import bench_limits

    copy = work / "limits-data"
    shutil.copytree(data, copy, symlinks=True)
    res = bench_limits.run(copy)
    shutil.rmtree(copy, ignore_errors=True)
    ok = "" if res["refused"] and res["store_unchanged"] else " NOT REFUSED OR STORE CHANGED"
    note = f"{res['file_mb']} MB file, exit {res['exit_code']}{ok}"
    one = {"runs": 1}
    rows = [
        _row("limits", "1,000,000-row file refused: wall time (/usr/bin/time -v)", "s",
             {**one, "median": res["wall_s"]}, bench_limits.TARGET_S, note=note),
        _row("limits", "1,000,000-row file refused: peak memory (max RSS)", "MB",
             {**one, "median": res["peak_rss_mb"]}, bench_limits.TARGET_MB, note=note),
    ]  # fmt: skip
    if not (res["refused"] and res["store_unchanged"]):
        for r in rows:
            r["pass"] = False
    return rows, res


def stage_scoring(data: Path, real: bool) -> tuple[list[dict], list[dict]]:
    from bench import bench_scoring

    # Without the real store, bench_scoring times its generated release of the real shape
    # (134 trusts x 25 items) rather than the 7 made-up trusts: point it at an empty folder.
    os.environ["LEAGUE_ATLAS_DATA_DIR"] = str(
        data if real else common.clean_dir(data.parent / "empty")
    )
    raw = bench_scoring.run()
    rows = []
    for r in raw:
        stats = {"median": r["median_ms"], "p95": r["p95_ms"], "runs": r["runs"]}
        rows.append(_row("scoring", r["name"], "ms", stats, r["target_ms"]))
    return rows, raw


def stage_server(data: Path, work: Path, moves: int) -> tuple[list[dict], dict]:
    from bench import server_rerun

    server = common.start_server(data, work, name="server-rerun")
    try:
        with common.MemorySampler(server.pid) as mem:
            m = server_rerun.measure(server, data, moves=moves)
            league = server_rerun.measure(server, data, moves=max(moves // 3, 5), page="league")
            layers = server_rerun.map_bytes_by_layer(server, data)
        memory = mem.result()
        tracebacks = server.tracebacks()
    finally:
        server.stop()
    rows = [
        _row("server", f"server rerun after a weight change, map page (run_ms, {moves} fresh moves)",
             "ms", m["run_ms"], 150.0,
             note=f"script body alone (exec_ms) median {m['exec_ms']['median']} ms"),
        _row("server", "server rerun after a weight change, league page (run_ms, incl. 1,000 draws)",
             "ms", league["run_ms"], 150.0,
             note=f"exec_ms median {league['exec_ms']['median']} ms"),
    ]  # fmt: skip
    for lay in layers:
        rows.append(
            _row("bytes", f"map data per rerun, boundaries = {lay['label']}", "KB",
                 {"median": round(lay["map_bytes"] / KB, 1), "p95": None, "runs": 1}, 600.0,
                 note=f"whole rerun {lay['rerun_bytes'] / KB:.0f} KB")
        )  # fmt: skip
    detail = {"map": m, "league": league, "layers": layers, "memory": memory,
              "server_tracebacks": tracebacks}  # fmt: skip
    return rows, detail


def stage_browser(data: Path, work: Path, moves: int, cold_runs: int) -> tuple[list[dict], dict]:
    from playwright.sync_api import sync_playwright

    from bench import browser_latency as bl

    args = _chromium_args()
    detail: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            colds = [bl.cold_start(data, work, browser, name=f"cold-{i}") for i in range(cold_runs)]
            server = common.start_server(data, work, name="latency")
            try:
                with common.MemorySampler(server.pid) as mem:
                    lat = bl.latency_moves(server, browser, data, moves=moves)
                memory = mem.result()
                tracebacks = server.tracebacks()
            finally:
                server.stop()
        finally:
            browser.close()
    alt = [m["latency_ms"] for m in lat["alternating"]]
    fresh = [m["latency_ms"] for m in lat["fresh"]]
    fresh_map = [m["bytes"].get("map", 0) / KB for m in lat["fresh"] if m["bytes"].get("map")]
    alt_bytes = [m["bytes"]["total"] / KB for m in lat["alternating"]]
    canvas = common.summarise([c["map_canvas_s"] for c in colds])

    def phases(series: list[dict]) -> str:
        med = {
            k: common.summarise([m[k] for m in series])["median"]
            for k in ("to_first_message_ms", "to_script_finished_ms", "render_after_finished_ms")
        }
        return (
            f"median phases: key -> first message {med['to_first_message_ms']} ms, -> script "
            f"finished {med['to_script_finished_ms']} ms; paint after finish {med['render_after_finished_ms']} ms"
        )

    rows = [
        _row("browser", f"slider release -> updated map and table ({moves} alternating moves)",
             "ms", common.summarise(alt), 400.0, note=phases(lat["alternating"])),
        _row("browser", f"slider release -> updated map and table ({moves} alternating moves), p95",
             "ms", common.summarise(alt), 800.0, on="p95"),
        _row("browser", f"slider release -> updated map and table ({moves} moves to new weights)",
             "ms", common.summarise(fresh), 400.0,
             note=f"p95 target 800 ms: {'pass' if (common.summarise(fresh)['p95'] or 1e9) <= 800 else 'FAIL'}; "
             + phases(lat["fresh"])),
        _row("bytes", "map data per rerun in Chromium (moves to new weights, default view)", "KB",
             common.summarise(fresh_map), 600.0, on="max",
             note=f"all frames per alternating rerun: median {common.summarise(alt_bytes)['median']} KB"),
        _row("cold", "cold start: server process start -> map canvas visible", "s", canvas, 3.0,
             note=f"health answered after median {common.summarise([c['health_s'] for c in colds])['median']} s"),
        _row("memory", "server peak RSS (VmHWM) over the latency run", "MB",
             {"median": memory["peak_rss_mb"], "p95": None, "runs": memory["samples"]}, 500.0),
    ]  # fmt: skip
    detail.update({"latency": lat, "cold_start": colds, "memory": memory,
                   "server_tracebacks": tracebacks})  # fmt: skip
    return rows, detail


def stage_live(data: Path, work: Path, moves: int) -> tuple[list[dict], dict]:
    """The live map: slider step -> repaint in the browser, and what reaches the server."""
    from playwright.sync_api import sync_playwright

    from bench import live_latency

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=_chromium_args())
        try:
            return live_latency.measure(data, work, browser, moves=moves)
        finally:
            browser.close()


def stage_profile(data: Path, work: Path) -> dict:
    from bench import profile_rerun

    league = profile_rerun.run(data, work, moves=8, page="league")
    steady = profile_rerun.run(data, work, moves=12)
    files = sorted((work / "profile").glob("run-*.pstats"), key=lambda p: int(p.stem.split("-")[1]))
    return {
        "steady_rerun": steady,
        "league_rerun": league,
        "cold_first_run": profile_rerun.breakdown(files[:1], top=10) if files else None,
        "cold_imports": profile_rerun.imports(files[:1]) if files else None,
    }


def stage_whatif(data: Path, work: Path, moves: int) -> list[dict]:
    """Server rerun and bytes with each proposed fix switched on (bench.serve experiments)."""
    from bench import server_rerun
    from bench.serve import WHATIFS

    out = []
    for names in ["", *WHATIFS, ",".join(WHATIFS)]:
        server = common.start_server(data, work, name="whatif", extra_env={"BENCH_WHATIF": names})
        try:
            m = server_rerun.measure(server, data, moves=moves)
        finally:
            server.stop()
        out.append({"experiment": names or "none (as the app is)", "run_ms": m["run_ms"],
                    "exec_ms": m["exec_ms"], "bytes_per_rerun": m["bytes_per_rerun"],
                    "errors": m["errors"]})  # fmt: skip
    return out


def _chromium_args() -> list[str]:
    if str(common.TESTS) not in sys.path:
        sys.path.insert(0, str(common.TESTS))
    from support.browser import CHROMIUM_ARGS

    return CHROMIUM_ARGS


# ------------------------------------------------------------------ report


def _fmt(v) -> str:
    if v is None:
        return "-"
    return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"


def print_table(rows: list[dict]) -> None:
    print(f"\n{'result':7} {'median':>11} {'p95':>11} {'runs':>5} {'target':>13}  benchmark")
    for r in rows:
        res = "SKIP" if r.get("skipped") else {True: "pass", False: "FAIL", None: "-"}[r["pass"]]
        on = {"p95": "p95 ", "max": "max "}.get(r["target_on"], "")
        tgt = "-" if r["target"] is None else f"{on}<= {r['target']:g} {r['unit']}"
        print(f"{res:7} {_fmt(r['median']):>11} {_fmt(r['p95']):>11} {r['runs']:>5} {tgt:>13}  "
              f"{r['name']} [{r['unit']}]")  # fmt: skip
        if r.get("skipped"):
            print(f"{'':7} skipped: {r['skipped']}")
        elif r.get("note"):
            print(f"{'':7} {r['note']}")


def print_diagnosis(details: dict) -> None:
    """Where the rerun time goes, and what the proposed fixes would save (when measured)."""
    prof = (details.get("profile") or {}).get("steady_rerun")
    if prof:
        print(
            "\nwhere a map-page rerun spends its time (cProfile in the server, share of the body):"
        )
        for caller in ("pages/explore/map.py", "streamlit commands (all callers)", "app.py"):
            rows = prof["callers"].get(caller, [])[:6]
            print(f"  called from {caller}:")
            for r in rows:
                print(f"    {r['share_%']:5.1f}%  {r['callee']}")
    league = (details.get("profile") or {}).get("league_rerun")
    if league:
        print("where a league-page rerun spends its time:")
        for caller in ("pages/explore/league.py", "streamlit commands (all callers)"):
            print(f"  called from {caller}:")
            for r in league["callers"].get(caller, [])[:6]:
                print(f"    {r['share_%']:5.1f}%  {r['callee']}")
    cold = (details.get("profile") or {}).get("cold_imports")
    if cold:
        print("first (cold) run, module imports (cumulative, nested, ms under cProfile):")
        for r in cold[:8]:
            print(f"    {r['ms_cumulative_profiled']:8.0f}  {r['module']}")
    whatif = details.get("whatif")
    if whatif:
        print("what-if: map-page rerun with proposed fixes switched on (bench.serve experiments):")
        for w in whatif:
            print(f"    run_ms median {w['run_ms']['median']:7.1f} p95 {w['run_ms']['p95']:7.1f}  "
                  f"bytes/rerun {w['bytes_per_rerun']['median'] / KB:6.0f} KB  {w['experiment']}")  # fmt: skip


METHODS = {
    "server_rerun": "timed inside a real `streamlit run` server (bench.serve patches Streamlit's "
    "ScriptRunner to log each run); a websocket client without a browser moves one domain weight "
    "at a time to new values and waits for each run; run_ms = the whole run incl. Streamlit's "
    "post-run gc.collect(2), exec_ms = app.py + page script",
    "browser_latency": "Debian Chromium (Playwright) against a real server on 127.0.0.1; "
    "performance.now() in the page from the keydown on the slider to the animation frame after "
    "the run's script-finished message has arrived, the URL has the new value, nothing is stale, "
    "the status widget is not running and the map canvas and table are present, plus one frame",
    "bytes": "websocket frames captured in Chromium (page.on('websocket') -> framereceived) and "
    "by the websocket client, decoded as Streamlit ForwardMsg; 'map' = the deck.gl element",
    "live": "bench.live_latency (docstring): keydown / pointer move on a live-map slider -> the "
    "component's data-frame changed (deck.gl drew) + one animation frame, in Chromium with software "
    "WebGL; websocket messages the page sends, timestamped in the page",
    "cold_start": "server process start -> map canvas visible in Chromium (new server each run)",
    "build": "wall time of `python -m league_atlas build --data-dir <fresh tmp> --mirror ../shared/data`",
    "limits": "`/usr/bin/time -v python -m league_atlas add-release` of a made-up 1,000,000-row "
    "metric-data file (~158 MB, under the byte limit, so the row limit refuses it) on a copy of the "
    "store: elapsed wall time and maximum resident set size; the store folder is hashed before and after",
    "memory": "peak RSS of the server process (max of 0.2 s VmRSS samples and VmHWM) over the "
    "browser latency run",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test of the harness)")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium benchmarks")
    ap.add_argument("--no-diagnosis", action="store_true", help="skip the profile and what-ifs")
    ap.add_argument("--out", type=Path, default=common.RESULTS)
    args = ap.parse_args(argv)
    quick = args.quick
    t_start = time.time()
    load_start = os.getloadavg()
    root = Path(tempfile.mkdtemp(prefix="league-atlas-bench-"))
    work = common.clean_dir(root / "work")
    rows: list[dict] = []
    details: dict = {}
    errors: dict = {}

    def stage(name, fn, *a):
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            return fn(*a)
        except Exception as exc:  # noqa: BLE001 - a failed stage is reported, the rest still run
            errors[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
            return None
        finally:
            print(f"[bench] {name} done in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    try:
        mirror = common.mirror()
        built = stage("store build", stage_build, mirror, root, 1 if quick else 3)
        if built is None:
            raise SystemExit(f"could not build a store to measure: {errors}")
        data, store_info, build_rows = built
        rows += build_rows
        details["store"] = store_info
        res = stage("input limits", stage_limits, data, work)
        if res:
            rows += res[0]
            details["limits"] = res[1]
        res = stage("scoring", stage_scoring, data, store_info["kind"] == "real")
        if res:
            rows += res[0]
            details["scoring"] = res[1]
        res = stage("server rerun", stage_server, data, work, 10 if quick else 30)
        if res:
            rows += res[0]
            details["server"] = res[1]
        if args.no_browser:
            details["browser"] = {"skipped": "--no-browser"}
        elif not common.chromium_available():
            reason = "Debian chromium is not installed (make bench installs it)"
            details["browser"] = {"skipped": reason}
            rows.append(
                _skip("browser", "slider release -> updated map and table", "ms", 400.0, reason)
            )
        else:
            res = stage("browser", stage_browser, data, work, 6 if quick else 20, 1 if quick else 3)
            if res:
                rows += res[0]
                details["browser"] = res[1]
            res = stage("live map", stage_live, data, work, 10 if quick else 40)
            if res:
                rows += res[0]
                details["live_map"] = res[1]
        if not args.no_diagnosis:
            details["profile"] = stage("profile", stage_profile, data, work)
            details["whatif"] = stage("what-if", stage_whatif, data, work, 10 if quick else 30)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    label = (
        "" if details.get("store", {}).get("kind") == "real" else " (MADE-UP STORE: not comparable)"
    )
    for r in rows:
        if r["group"] != "scoring":
            r["name"] += label
    machine = common.machine()
    machine["loadavg_1_5_15_at_start"] = [round(x, 2) for x in load_start]
    machine["loadavg_1_5_15_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make bench   (python -m bench.run" + (" --quick" if quick else "") + ")",
        "duration_s": round(time.time() - t_start, 1),
        "machine": machine,
        "methods": METHODS,
        "targets": rows,
        "stage_errors": errors,
        "details": details,
    }
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print_table(rows)
    print_diagnosis(details)
    print(f"\nmachine: {machine['cpu_model']}, {machine['cores']} cores, {machine['memory_mb']:.0f} MB, "
          f"Python {machine['python']}, load average {machine['loadavg_1_5_15_at_start'][0]} at start")  # fmt: skip
    if errors:
        print(f"stage errors: {errors}")
    print(f"results written to {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

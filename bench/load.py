"""`make load` (`python -m bench.load`): 20 concurrent sessions against one server for 60 s.

One `streamlit run app.py` (through bench.serve, on 127.0.0.1 only) on the store built from the
mirror (else the made-up test store, said in the output). The sessions, all concurrent:

- `--browsers` (default 2) real Chromium pages, each in its own browser context of one Debian
  Chromium: they move weight sliders with the keyboard and switch pages with the navigation
  links, and time each action in the page (bench.browser_latency's definition of "updated");
- the rest (default 18) are Streamlit websocket clients (bench.wsclient): the same protocol the
  browser speaks, the same reruns on the server, but no rendering on the client side.

Why the mix: 20 Chromium pages rendering deck.gl maps in software WebGL need far more than the
2 cores of the target machine, so a 20-browser test measures the browsers, not the server. The
websocket clients cost the server exactly what a browser costs (the same script runs and
messages, including the browser's message cache), so they carry the load; the real pages make
sure what users see stays correct under it.

Websocket sessions arrive spread over `--ramp` seconds (10 by default; latency is reported for
all actions and for those after the ramp). Each session repeats: with probability 0.75 re-weight
one domain, else switch page (map, league table, about), then think for `--think` seconds (uniform
0.5x-1.5x). Every action that reaches the server is timed from input to finished run.

A re-weighting is a drag on the live map (`--drag`, mean seconds, default 1.5): the weight moves
1-4 steps of 0.25 in the browser while the pointer is down, which sends nothing to the server
(bench.live_latency measures that), and the released weight reaches the server once, as the live
map sends it. `--drag 0` is the sidebar-era model: one step per server run, no drag.

Errors (all must be zero): an exception element in any run or `[data-testid="stException"]` in
a page, any traceback or ERROR line in the server log, any failed request (HTTP >= 400 or a
request that fails, a websocket that closes, a run that does not finish in 60 s).

Writes bench/load_results.json and prints p50/p95 latency, throughput, server CPU and memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import common
from bench.browser_latency import INIT_SCRIPT, SLIDER, WAIT_SETTLED, WAIT_UPDATED, slider_param
from bench.wsclient import StreamlitClient

OUT = common.ROOT / "bench" / "load_results.json"
PAGES = {"": "Map", "league": "League table", "about": "About and method"}
STEP = 0.25


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _next_value(current: float, rng: random.Random) -> float:
    up = current + STEP <= 3.0 and (current - STEP < 0.0 or rng.random() < 0.5)
    return round(current + STEP if up else current - STEP, 2)


class Tally:
    """Everything the sessions report: per-action latencies and every error, with its source."""

    def __init__(self) -> None:
        self.actions: list[dict] = []
        self.errors: list[str] = []
        self.external_failures: dict[str, int] = {}

    def external(self, text: str) -> None:
        self.external_failures[text] = self.external_failures.get(text, 0) + 1

    def action(self, session: str, kind: str, ms: float, nbytes: int | None = None) -> None:
        self.actions.append({"session": session, "kind": kind, "ms": round(ms, 1),
                             "bytes": nbytes, "t": time.time()})  # fmt: skip

    def error(self, session: str, text: str) -> None:
        self.errors.append(f"{session}: {text}")


async def ws_session(name: str, url: str, keys: list[str], pages: list[str], end: float,
                     think: float, drag: float, seed: int, tally: Tally,
                     start_after: float = 0.0) -> None:  # fmt: skip
    rng = random.Random(seed)
    c = StreamlitClient(url)
    try:
        await asyncio.sleep(start_after)
        await c.connect()
        first = await c.run()
        tally.action(name, "open", first.elapsed_ms, first.bytes)
        values = {k: 1.0 for k in keys}
        while time.time() < end:
            if rng.random() < 0.25:
                target = rng.choice([p for p in pages if c.pages.get(p) != c.page_hash] or pages)
                c.page(target)
                kind = f"page:{target or 'map'}"
            else:
                key = rng.choice(keys)
                for _ in range(rng.randint(1, 4) if drag else 1):
                    values[key] = _next_value(values[key], rng)
                if drag:  # the drag itself happens in the browser: no server message
                    await asyncio.sleep(drag * rng.uniform(0.5, 1.5))
                c.slider(key, values[key])
                kind = "weight"
            r = await c.run()
            tally.action(name, kind, r.elapsed_ms, r.bytes)
            for e in r.exceptions:
                tally.error(name, f"exception shown: {e}")
            if r.status != "ok":
                tally.error(name, f"{kind} run ended with {r.status}")
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    except Exception as exc:  # noqa: BLE001 - every failure is an error of the run, with its type
        tally.error(name, f"{type(exc).__name__}: {exc}")
    finally:
        await c.close()


async def browser_session(name: str, browser, url: str, labels: list[str], end: float,
                          think: float, seed: int, tally: Tally) -> None:  # fmt: skip
    rng = random.Random(seed)
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await ctx.add_init_script(INIT_SCRIPT)
    page = await ctx.new_page()
    local = url.split("://", 1)[1]

    def failed(r) -> None:
        # Requests to the server are errors; requests that leave the machine (icon fonts, basemap
        # styles) fail by design here (loopback only, no internet) and are reported apart.
        if local in r.url:
            tally.error(name, f"request failed: {r.url} {r.failure}")
        else:
            tally.external(f"{r.url} ({r.failure}) on {page.url.split(local, 1)[-1] or '/'}")

    page.on("requestfailed", failed)
    page.on("response", lambda r: r.status >= 400 and tally.error(name, f"HTTP {r.status} {r.url}"))
    page.on("pageerror", lambda e: tally.error(name, f"page error: {e}"))
    on_map = True
    try:
        t0 = time.perf_counter()
        await page.goto(url + "/", wait_until="commit", timeout=120_000)
        await page.wait_for_selector(
            '[data-testid="stDeckGlJsonChart"] canvas, [data-testid="live-map"] canvas',
            timeout=120_000,
        )
        tally.action(name, "open", (time.perf_counter() - t0) * 1e3)
        while time.time() < end:
            if rng.random() < 0.25:
                target = rng.choice([p for p in PAGES if (p == "") != on_map or p == "about"])
                link = page.get_by_role("link", name=PAGES[target]).first
                await link.click()
                ms = await page.evaluate(WAIT_SETTLED, [60_000])
                on_map = target == ""
                kind = f"page:{target or 'map'}"
            else:
                label = rng.choice(labels)
                thumb = page.locator(SLIDER.format(label=label)).first
                current = float(await thumb.get_attribute("aria-valuetext"))
                value = _next_value(current, rng)
                await thumb.focus()
                await page.keyboard.press("ArrowRight" if value > current else "ArrowLeft")
                expect = None if value == 1.0 else value
                t = await page.evaluate(WAIT_UPDATED, [slider_param(label), expect, 60_000, on_map])
                ms = None if t is None else t["total"]
                kind = "weight"
            if ms is None:
                tally.error(name, f"{kind}: page not updated within 60 s")
            else:
                tally.action(name, kind, ms)
            shown = await page.locator('[data-testid="stException"]').count()
            if shown:
                text = await page.locator('[data-testid="stException"]').first.inner_text()
                tally.error(name, f"exception shown after {kind}: {text[:300]}")
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    except Exception as exc:  # noqa: BLE001
        tally.error(name, f"{type(exc).__name__}: {exc}")
    finally:
        await ctx.close()


async def drive(url: str, data_dir: Path, sessions: int, browsers: int, duration: float,
                think: float, ramp: float, tally: Tally, drag: float = 1.5) -> None:  # fmt: skip
    from bench.browser_latency import domain_labels

    labels = domain_labels(data_dir)
    keys = [slider_param(lbl) for lbl in labels]
    end = time.time() + duration
    tasks = []
    pw = browser = None
    if browsers:
        from playwright.async_api import async_playwright

        if str(common.TESTS) not in sys.path:
            sys.path.insert(0, str(common.TESTS))
        from support.browser import CHROMIUM_ARGS

        pw = await async_playwright().start()
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for i in range(browsers):
            tasks.append(browser_session(f"browser-{i + 1}", browser, url, labels, end, think,
                                         1000 + i, tally))  # fmt: skip
    n_ws = sessions - browsers
    for i in range(n_ws):
        # Users arrive spread over the ramp, not all in the same instant.
        tasks.append(ws_session(f"ws-{i + 1}", url, keys, list(PAGES), end, think, drag, i, tally,
                                start_after=ramp * i / max(n_ws, 1)))  # fmt: skip
    try:
        await asyncio.gather(*tasks)
    finally:
        if browser is not None:
            await browser.close()
            await pw.stop()


def _by_page(execs: list[dict]) -> dict:
    pages: dict[str, list[float]] = {}
    for r in execs:
        pages.setdefault(r.get("page") or "map", []).append(r["exec_ms"])
    return {k: common.summarise(v) for k, v in sorted(pages.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--browsers", type=int, default=2, help="how many of them are Chromium pages")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between actions (s)")
    ap.add_argument(
        "--drag",
        type=float,
        default=1.5,
        help="mean seconds a live-map drag lasts before its release reaches the server (0: none)",
    )
    ap.add_argument(
        "--ramp", type=float, default=10.0, help="websocket sessions start spread over this (s)"
    )
    ap.add_argument(
        "--whatif",
        default="",
        help="bench.serve experiments to switch on (comma-separated), to measure a proposed fix",
    )
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not 0 < args.sessions <= 50 or not 0 < args.duration <= 600:
        ap.error("bounded run: 1-50 sessions, at most 600 s")
    browsers = args.browsers if common.chromium_available() else 0
    root = Path(tempfile.mkdtemp(prefix="league-atlas-load-"))
    try:
        mirror = common.mirror()
        if mirror is not None:
            data = root / "real"
            build_s = common.timed_cli_build(data, mirror)
            store = {"kind": "real", "build_s": round(build_s, 1)}
        else:
            data = common.build_made_up_store(common.clean_dir(root / "made-up"))
            store = {"kind": "made-up", "reason": "../shared/data (the real data mirror) is absent"}
        work = common.clean_dir(root / "work")
        whatif = {"BENCH_WHATIF": args.whatif} if args.whatif else None
        server = common.start_server(data, work, name="load", extra_env=whatif)
        tally = Tally()
        try:
            # Warm the server once (imports, caches) so the 60 s measure serving, not start-up.
            from bench.server_rerun import _drive

            asyncio.run(_drive(server.url, [], ""))
            cpu0, t0, t_wall0 = _cpu_seconds(server.pid), time.perf_counter(), time.time()
            with common.MemorySampler(server.pid) as mem:
                asyncio.run(drive(server.url, data, args.sessions, browsers, args.duration,
                                  args.think, args.ramp, tally, args.drag))  # fmt: skip
            wall = time.perf_counter() - t0
            cpu1 = _cpu_seconds(server.pid)
            memory = mem.result()
            for line in server.tracebacks():
                tally.error("server log", line.strip())
            runs = [r for r in server.runs() if r["kind"] == "run" and r["t"] >= t_wall0]
            execs = [r for r in server.runs() if r["kind"] == "exec" and r["t"] >= t_wall0]
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    acts = [a for a in tally.actions if a["kind"] != "open"]
    by_kind: dict[str, list[float]] = {}
    for a in acts:
        by_kind.setdefault(a["kind"].split(":")[0], []).append(a["ms"])
    by_client = {
        "browser": common.summarise([a["ms"] for a in acts if a["session"].startswith("browser")]),
        "websocket": common.summarise([a["ms"] for a in acts if a["session"].startswith("ws")]),
    }
    cpu = None if cpu0 is None or cpu1 is None else round(cpu1 - cpu0, 1)
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make load   (python -m bench.load " + " ".join(argv or sys.argv[1:]) + ")",
        "machine": common.machine()
        | {"loadavg_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()]},
        "store": store,
        "sessions": args.sessions,
        "browser_sessions": browsers,
        "websocket_sessions": args.sessions - browsers,
        "duration_s": round(wall, 1),
        "think_s_mean": args.think,
        "drag_s_mean": args.drag,
        "errors": tally.errors,
        "error_count": len(tally.errors),
        "external_requests_failed_offline": tally.external_failures,
        "actions": len(acts),
        "actions_per_s": round(len(acts) / wall, 2),
        "ramp_s": args.ramp,
        "latency_ms_all": common.summarise([a["ms"] for a in acts]),
        "latency_ms_after_ramp": common.summarise(
            [a["ms"] for a in acts if a["t"] >= t_wall0 + args.ramp]
        ),
        "latency_ms_by_kind": {k: common.summarise(v) for k, v in by_kind.items()},
        "latency_ms_by_client": by_client,
        "first_load_ms_by_client": {
            k: common.summarise(
                [
                    a["ms"]
                    for a in tally.actions
                    if a["kind"] == "open" and a["session"].startswith(p)
                ]
            )
            for k, p in (("browser", "browser"), ("websocket", "ws"))
        },  # fmt: skip
        "whatif": args.whatif or None,
        "server_exec_ms_by_page": _by_page(execs),
        "server_runs": len(runs),
        "server_run_ms": common.summarise([r["run_ms"] for r in runs]),
        "server_cpu_s": cpu,
        "server_cpu_share_of_one_core": None if cpu is None else round(cpu / wall, 2),
        "server_cpu_ms_per_run": None
        if cpu is None or not runs
        else round(1e3 * cpu / len(runs), 1),
        "server_memory": memory,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    lat = result["latency_ms_all"]
    print(f"{args.sessions} sessions ({browsers} Chromium, {args.sessions - browsers} websocket) "
          f"for {wall:.0f} s on {store['kind']} store, think {args.think:g} s, drag {args.drag:g} s")  # fmt: skip
    print(f"errors: {len(tally.errors)}")
    for e in tally.errors[:20]:
        print(f"  {e}")
    if tally.external_failures:
        print(f"not errors: {sum(tally.external_failures.values())} request(s) to other hosts failed"
              " (no internet here):")  # fmt: skip
        for e, n in tally.external_failures.items():
            print(f"  {n} x {e}")
    print(f"actions: {len(acts)} ({result['actions_per_s']}/s); latency median {lat['median']} ms, "
          f"p95 {lat['p95']} ms, max {lat['max']} ms")  # fmt: skip
    steady = result["latency_ms_after_ramp"]
    print(f"  after the {args.ramp:g} s ramp: median {steady['median']} ms, p95 {steady['p95']} ms")
    for k, v in result["latency_ms_by_kind"].items():
        print(f"  {k:8} n={v['runs']:4}  median {v['median']} ms  p95 {v['p95']} ms")
    for k, v in by_client.items():
        print(f"  {k:9} median {v['median']} ms  p95 {v['p95']} ms  (n={v['runs']})")
    for k, v in result["first_load_ms_by_client"].items():
        print(f"  first load, {k:9} median {v['median']} ms  max {v['max']} ms  (n={v['runs']})")
    print(f"server: {len(runs)} runs, run_ms median {result['server_run_ms']['median']} "
          f"p95 {result['server_run_ms']['p95']}; CPU {cpu} s = {result['server_cpu_share_of_one_core']} "
          f"of one core; peak RSS {result['server_memory']['peak_rss_mb']} MB")  # fmt: skip
    print(f"results written to {args.out}")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())

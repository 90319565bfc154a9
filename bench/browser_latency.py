"""Real-Chromium figures: slider-release-to-updated latency, bytes per rerun, cold start.

Definition of "updated" (measured in the page with performance.now(), so Playwright's own
round trips are not counted):

    t0  the keydown of the arrow key on the focused weight slider (capture listener; a keyboard
        step is a complete "release": Streamlit commits it after its slider debounce);
    t1  the first animation frame painted after ALL of these hold:
          - the websocket has delivered the script-finished message of a run started after t0,
          - the URL carries the new weight (`w_<domain>=<value>`),
          - no element of the page is marked stale (`data-stale="true"`, which Streamlit sets on
            every element of the previous run until the new run replaces or confirms it),
          - the status widget does not say "Running",
          - the map canvas and the table are in the page;
        then one more frame, so deck.gl (which draws in its own animation frame) has drawn the
        new layers.

Bytes: every websocket frame the page receives is captured with Playwright
(`page.on("websocket")` -> `framereceived`) and decoded as a Streamlit ForwardMsg, so each rerun's
bytes split into the map (the deck.gl JSON element), the table (Arrow), references to messages
the browser has cached (`ref_hash`) and the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.common import Server

# Installed before any page script: timestamps every websocket message and the script-finished one.
INIT_SCRIPT = """
(() => {
  if (window.__bench) return;
  const b = window.__bench = {t0: null, first: null, finished: [], messages: 0, bytes: 0};
  const start = () => { b.t0 = performance.now(); b.first = null; };
  document.addEventListener('keydown', start, true);
  document.addEventListener('click', start, true);
  // Walk the top-level fields of a ForwardMsg (protobuf wire format); true when it is
  // script_finished (field 6, varint) = FINISHED_SUCCESSFULLY (0).
  const finishedOk = (u) => {
    let i = 0;
    const varint = () => { let v = 0, m = 1, x; do { x = u[i++]; v += (x & 0x7f) * m; m *= 128; } while (x & 0x80 && i < u.length); return v; };
    while (i < u.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) { const v = varint(); if (field === 6) return v === 0; }
      else if (wire === 2) { const n = varint(); i += n; }
      else if (wire === 1) { i += 8; } else if (wire === 5) { i += 4; }
      else return false;
    }
    return false;
  };
  const Native = window.WebSocket;
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const now = performance.now();
        const d = e.data;
        if (d instanceof ArrayBuffer) {
          b.messages += 1; b.bytes += d.byteLength;
          if (b.t0 !== null && b.first === null) b.first = now;
          if (finishedOk(new Uint8Array(d))) b.finished.push(now);
        }
      });
    }
  }
  window.WebSocket = Watched;
})();
"""

# Resolves once the page is updated (see the module docstring), or null on timeout, with
# total = t1 - t0, and the first websocket message and the script-finished message after t0.
WAIT_UPDATED = """
async ([param, value, timeoutMs, needMap]) => {
  const MAP_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas, [data-testid="live-map"] canvas';
  const b = window.__bench;
  const frame = () => new Promise(r => requestAnimationFrame(() => r(performance.now())));
  const deadline = performance.now() + timeoutMs;
  const done = () => {
    if (b.t0 === null || !b.finished.some(t => t > b.t0)) return false;
    const q = new URLSearchParams(window.location.search);
    if (value === null) { if (q.get(param) !== null) return false; }  // default: not in the URL
    else if (q.get(param) === null || Math.abs(parseFloat(q.get(param)) - value) > 1e-9) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const s = document.querySelector('[data-testid="stStatusWidget"]');
    if (s && s.innerText.includes('Running')) return false;
    const map = !needMap || document.querySelector(MAP_CANVAS);
    const table = document.querySelector('[data-testid="stDataFrame"]');
    return !!(map && table);
  };
  while (performance.now() < deadline) {
    await frame();
    if (done()) {
      await frame();
      const t1 = await frame();
      const fin = b.finished.find(t => t > b.t0);
      return {total: t1 - b.t0, first_message: b.first - b.t0, finished: fin - b.t0};
    }
  }
  return null;
}
"""

# Resolves with ms from t0 (a click) until a run started after it has finished and the page has
# settled (nothing stale, not running) and painted; null on timeout. For page switches.
WAIT_SETTLED = """
async ([timeoutMs]) => {
  const b = window.__bench;
  const frame = () => new Promise(r => requestAnimationFrame(() => r(performance.now())));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    await frame();
    if (b.t0 === null || !b.finished.some(t => t > b.t0)) continue;
    if (document.querySelector('[data-stale="true"]')) continue;
    const s = document.querySelector('[data-testid="stStatusWidget"]');
    if (s && s.innerText.includes('Running')) continue;
    await frame();
    return (await frame()) - b.t0;
  }
  return null;
}
"""

SLIDER = '[data-testid="stSidebar"] input[type="range"][aria-label="{label}"]'
# The map: the live map component (map page) or a st.pydeck_chart (other pages).
MAP_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas, [data-testid="live-map"] canvas'


def classify_frame(payload: bytes | str) -> tuple[str, int]:
    """(kind, size) of one websocket frame: map, table, cached-ref, finished or other."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench.wsclient import classify

    if isinstance(payload, str):
        return "text", len(payload.encode())
    try:
        return classify(ForwardMsg.FromString(payload)), len(payload)
    except Exception:  # noqa: BLE001 - not a ForwardMsg: count it, do not guess
        return "other", len(payload)


@dataclass
class FrameLog:
    """Websocket frames received by one page, split into windows (one per measured rerun)."""

    frames: list[tuple[float, str, int]] = field(default_factory=list)

    def attach(self, page) -> None:
        def on_ws(ws):
            ws.on("framereceived", lambda p: self.frames.append((time.time(), *classify_frame(p))))

        page.on("websocket", on_ws)

    def mark(self) -> int:
        return len(self.frames)

    def totals(self, start: int, end: int | None = None) -> dict[str, int]:
        out: dict[str, int] = {"total": 0}
        for _, kind, n in self.frames[start:end]:
            out[kind] = out.get(kind, 0) + n
            out["total"] += n
        return out


def wait_loaded(page, timeout_ms: float = 120_000) -> None:
    """The first render is complete: map canvas and table present, nothing stale or running."""
    page.wait_for_selector(MAP_CANVAS, timeout=timeout_ms)
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                   return !(s && s.innerText.includes('Running'))
                     && !document.querySelector('[data-stale="true"]')
                     && !!document.querySelector('[data-testid="stDataFrame"]')
                     && document.querySelectorAll('[data-testid="stSidebar"] input[type="range"]').length > 0; }""",
        timeout=timeout_ms,
    )


def slider_param(label: str) -> str:
    """The URL key of a domain-weight slider (the sidebar's `w_<slug>`), from its label."""
    import re

    from league_atlas.views import presentation as ui

    return f"{ui.DOMAIN_WEIGHT.key}_" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def move(page, frames: FrameLog, label: str, key: str, expect: float, timeout_ms: float = 30_000):
    """Press one arrow key on a weight slider; return (latency ms, bytes of that rerun by kind)."""
    thumb = page.locator(SLIDER.format(label=label)).first
    thumb.focus()
    page.evaluate("() => { window.__bench.t0 = null; }")
    start = frames.mark()
    page.keyboard.press(key)
    t = page.evaluate(WAIT_UPDATED, [slider_param(label), expect, timeout_ms, True])
    if t is None:
        raise RuntimeError(f"page not updated within {timeout_ms} ms after {key} on {label!r}")
    page.wait_for_timeout(150)  # let trailing frames (finished, status) land in this window
    return t, frames.totals(start)


def _phases(t: dict) -> dict:
    """latency_ms (t1 - t0) and its phases: key -> first message (slider debounce, request and
    server start), -> script finished (server run), -> painted (browser render)."""
    return {
        "latency_ms": round(t["total"], 1),
        "to_first_message_ms": round(t["first_message"], 1),
        "to_script_finished_ms": round(t["finished"], 1),
        "render_after_finished_ms": round(t["total"] - t["finished"], 1),
    }


def new_page(browser, frames: FrameLog | None = None):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(INIT_SCRIPT)
    page = ctx.new_page()
    if frames is not None:
        frames.attach(page)
    return page


def domain_labels(data_dir) -> list[str]:
    """Labels of the domain-weight sliders of the default view (first trust type, newest quarter),
    from the store itself, so the benchmark follows the release rather than assuming domains."""
    from league_atlas.scoring import preparation
    from league_atlas.store import reader
    from league_atlas.views import presentation as ui

    st_ = reader.open_store(data_dir)
    trust_type = st_.trust_types()[0]
    prep = preparation.prepare(st_.metrics, trust_type, st_.quarters(trust_type)[-1])
    return [ui.DOMAIN_WEIGHT.label.format(domain=d) for d in prep.domains]


def latency_moves(server: Server, browser, data_dir, *, moves: int = 20) -> dict:
    """Two series of `moves` slider moves on the map page of a warm server.

    - alternating: one domain weight alternates 1.25 <-> 1.50 (the benchmark the issue defines;
      after two moves the browser has both map specs cached, so the map travels as a reference);
    - fresh: each move reaches a weight combination not seen before (domain sliders stepped up
      one after another), so every rerun sends a new map: the bytes figure and a worst case.
    """
    frames = FrameLog()
    page = new_page(browser, frames)
    page.goto(server.url + "/")
    wait_loaded(page)
    labels = domain_labels(data_dir)
    if not labels:
        raise RuntimeError("no domain weight sliders on the map page")
    first = labels[0]
    # Untimed warm-up: bring the first slider to 1.25 so both alternating values carry a URL param.
    move(page, frames, first, "ArrowRight", 1.25)
    runs_before = len(server.runs())
    alternating = []
    for i in range(moves):
        key, value = ("ArrowRight", 1.5) if i % 2 == 0 else ("ArrowLeft", 1.25)
        t, b = move(page, frames, first, key, value)
        alternating.append({**_phases(t), "bytes": b})
    runs_alt = server.runs()[runs_before:]
    fresh = []
    values = {lbl: 1.0 for lbl in labels}
    values[first] = 1.25
    order = [lbl for lbl in labels for _ in range(7)]  # up to 7 steps of 0.25 per slider
    runs_before = len(server.runs())
    for lbl in order[:moves]:
        values[lbl] = round(values[lbl] + 0.25, 2)
        t, b = move(page, frames, lbl, "ArrowRight", values[lbl])
        fresh.append({"slider": lbl, "value": values[lbl], **_phases(t), "bytes": b})
    runs_fresh = server.runs()[runs_before:]
    page.context.close()
    return {
        "alternating": alternating,
        "fresh": fresh,
        "server_runs_alternating": runs_alt,
        "server_runs_fresh": runs_fresh,
        "slider": first,
    }


def league_moves(server: Server, browser, data_dir, *, moves: int = 10) -> dict:
    """Fresh weight moves on the league page (table, CSV stamp and 1,000-draw rank intervals)."""
    page = new_page(browser)
    page.goto(server.url + "/league")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=120_000)
    page.wait_for_function(
        """() => !document.querySelector('[data-stale="true"]')
             && document.querySelectorAll('[data-testid="stSidebar"] input[type="range"]').length > 0""",
        timeout=120_000,
    )
    labels = domain_labels(data_dir)
    runs_before = len(server.runs())
    lat = []
    values = {lbl: 1.0 for lbl in labels}
    for lbl in [lbl for lbl in labels for _ in range(7)][:moves]:
        values[lbl] = round(values[lbl] + 0.25, 2)
        thumb = page.locator(SLIDER.format(label=lbl)).first
        thumb.focus()
        page.evaluate("() => { window.__bench.t0 = null; }")
        page.keyboard.press("ArrowRight")
        t = page.evaluate(WAIT_UPDATED, [slider_param(lbl), values[lbl], 60_000, False])
        if t is None:
            raise RuntimeError("league page not updated within 60 s")
        lat.append(_phases(t))
    runs = server.runs()[runs_before:]
    page.context.close()
    return {"latency_ms": lat, "server_runs": runs}


def cold_start(data_dir, workdir, browser, *, name: str) -> dict:
    """Server process start -> map canvas visible (and the first run complete) in Chromium."""
    from bench.common import MemorySampler, start_server

    t0 = time.perf_counter()
    server = start_server(data_dir, workdir, name=name)
    try:
        healthy = time.perf_counter() - t0
        with MemorySampler(server.pid) as mem:
            page = new_page(browser)
            page.goto(server.url + "/")
            page.wait_for_selector(MAP_CANVAS, state="visible", timeout=120_000)
            canvas = time.perf_counter() - t0
            wait_loaded(page)
            complete = time.perf_counter() - t0
            page.context.close()
        runs = server.runs()
        first = next((r for r in runs if r["kind"] == "exec"), None)
        phases = {}
        if first is not None:
            # Server-side wall clock of the first script run, relative to the process start.
            end = first["t"] - server.started_at
            phases = {
                "first_script_started_s": round(end - first["exec_ms"] / 1e3, 3),
                "first_script_ended_s": round(end, 3),
            }
        return {
            "health_s": round(healthy, 3),
            **phases,
            "map_canvas_s": round(canvas, 3),
            "first_run_complete_s": round(complete, 3),
            "server_runs": runs,
            "memory": mem.result(),
        }
    finally:
        server.stop()

"""The live map's slider latency in Chromium (software WebGL), beside a one-slider Streamlit app.

Definitions (timed in the page with performance.now(), so Playwright's round trips do not count):

- live map, keyboard: t0 = the keydown on a focused weight slider of the live map (capture
  listener); t1 = the first animation frame after the component's `data-frame` attribute changed
  (deck.gl has drawn the recoloured layers; the ranked list is rewritten before that, in the input
  handler). One arrow step per measure, alternating right/left.
- live map, pointer: the same with t0 = a pointermove of a held mouse button over the slider that
  moves the weight one step (0.25).
- server messages: every websocket message the page sends is timestamped; during the keyboard
  steps and the drag none may be sent, and exactly one after the release.
- one-slider app (bench/one_slider_app.py): t0 = keydown on its slider; t1 = the first frame after
  the run started by it has finished and its text shows the new value; the floor of any design
  that goes through the server.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import common

LIVE = '[data-testid="live-map"]'

PROBE = """
(() => {
  if (window.__live) return;
  const b = window.__live = {t0: null, sent: []};
  const mark = () => { b.t0 = performance.now(); };
  document.addEventListener('keydown', mark, true);
  document.addEventListener('pointermove', (e) => { if (e.buttons) mark(); }, true);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (d) { b.sent.push(performance.now()); return send.call(this, d); };
})();
"""

# Resolves with t1 - t0 once data-frame differs from `before` and one more frame has been painted.
WAIT_FRAME = """
async ([before, timeoutMs]) => {
  const b = window.__live;
  const root = document.querySelector('[data-testid="live-map"]');
  const frame = () => new Promise(r => requestAnimationFrame(() => r(performance.now())));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (root.dataset.frame !== before) { const t1 = await frame(); return t1 - b.t0; }
    await frame();
  }
  return null;
}
"""

WAIT_TEXT = """
async ([want, timeoutMs]) => {
  const b = window.__live;
  const frame = () => new Promise(r => requestAnimationFrame(() => r(performance.now())));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    await frame();
    const t = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
      .some(p => p.innerText === want);
    const s = document.querySelector('[data-testid="stStatusWidget"]');
    if (t && !(s && s.innerText.includes('Running')) && !document.querySelector('[data-stale="true"]')) {
      const t1 = await frame(); return t1 - b.t0;
    }
  }
  return null;
}
"""


def _page(browser, width: int = 1400, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    ctx.add_init_script(PROBE)
    return ctx.new_page()


def _frame(page) -> str:
    return page.locator(LIVE).first.get_attribute("data-frame")


def _sent_since(page, t0: float) -> int:
    return page.evaluate("(t0) => window.__live.sent.filter(t => t > t0).length", t0)


def live_moves(url: str, browser, *, moves: int = 40) -> dict:
    """Keyboard steps and pointer-drag steps on the live map's first domain slider."""
    page = _page(browser)
    page.goto(url + "/")
    page.wait_for_selector(f"{LIVE} canvas", timeout=120_000)
    page.wait_for_function(f"() => document.querySelector('{LIVE}').dataset.view", timeout=60_000)
    page.wait_for_timeout(1000)
    slider = page.locator(f"{LIVE} input[type=range]").first
    label = slider.get_attribute("aria-label")
    slider.focus()
    t_start = page.evaluate("() => performance.now()")
    keyboard = []
    for i in range(moves):
        before = _frame(page)
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        t = page.evaluate(WAIT_FRAME, [before, 10_000])
        if t is None:
            diag = page.evaluate(
                "() => [document.activeElement && document.activeElement.outerHTML.slice(0, 120), window.__live.sent.length, location.search]"
            )
            raise RuntimeError(
                f"live map not repainted within 10 s of keyboard step {i}: {before} -> {_frame(page)} {diag}"
            )
        keyboard.append(round(t, 2))
    sent_during_keys = _sent_since(page, t_start)
    # The keyboard series ends on the official weight again; the component commits nothing new,
    # so wait for the settle pause to pass before the drag.
    page.wait_for_timeout(800)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    x1 = box["x"] + box["width"] / 3  # weight 1 of 0-3
    step = box["width"] / 12  # one step of 0.25
    page.mouse.move(x1, y)
    page.mouse.down()
    t_drag = page.evaluate("() => performance.now()")
    pointer = []
    pos = x1
    for i in range(moves):
        before = _frame(page)
        pos += step if (i // 4) % 2 == 0 else -step  # up four steps, back four, ...
        page.mouse.move(pos, y)
        t = page.evaluate(WAIT_FRAME, [before, 10_000])
        if t is None:
            raise RuntimeError("live map not repainted within 10 s of a pointer step")
        pointer.append(round(t, 2))
    sent_during_drag = _sent_since(page, t_drag)
    page.mouse.move(pos + step, y)  # end off the official weight, so the release has news
    t_release = page.evaluate("() => performance.now()")
    page.mouse.up()
    page.wait_for_function("() => window.location.search.includes('w_')", timeout=60_000)
    page.wait_for_timeout(1500)
    sent_after_release = _sent_since(page, t_release)
    page.context.close()
    return {
        "slider": label,
        "keyboard_ms": keyboard,
        "pointer_ms": pointer,
        "sent_during_keyboard_steps": sent_during_keys,
        "sent_during_drag": sent_during_drag,
        "sent_after_release": sent_after_release,
    }


def one_slider(browser, workdir: Path, *, moves: int = 20) -> dict:
    """keydown -> updated text in a Streamlit app holding one slider and one line of text."""
    port = common.free_port()
    log = workdir / "one-slider.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(Path(__file__).with_name("one_slider_app.py")),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=common.ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        page = _page(browser)
        page.goto(url)
        page.wait_for_selector("input[type=range]", timeout=60_000)
        page.get_by_text("weight 1.00").wait_for(timeout=60_000)
        thumb = page.locator("input[type=range]").first
        thumb.focus()
        out = []
        for i in range(moves):
            want = "weight 1.25" if i % 2 == 0 else "weight 1.00"
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
            t = page.evaluate(WAIT_TEXT, [want, 30_000])
            if t is None:
                raise RuntimeError("one-slider app not updated within 30 s")
            out.append(round(t, 2))
        page.context.close()
        return {"keyboard_ms": out}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def measure(data_dir: Path, workdir: Path, browser, *, moves: int = 40) -> tuple[list[dict], dict]:
    """Rows for bench.run (group "live") and the raw series."""
    server = common.start_server(data_dir, workdir, name="live")
    try:
        live = live_moves(server.url, browser, moves=moves)
    finally:
        server.stop()
    base = one_slider(browser, workdir, moves=max(10, moves // 2))
    kb = common.summarise(live["keyboard_ms"])
    pt = common.summarise(live["pointer_ms"])
    one = common.summarise(base["keyboard_ms"])
    note = (
        f"one-slider Streamlit app in the same run: median {one['median']} ms, p95 {one['p95']} ms"
    )
    from bench.run import _row

    sent_moving = live["sent_during_keyboard_steps"] + live["sent_during_drag"]
    rows = [
        _row("live", "live map: keydown -> map and ranking repainted", "ms", kb, 50.0, note=note),
        _row("live", "live map: keydown -> map and ranking repainted, p95", "ms", kb, 100.0, on="p95"),
        _row("live", "live map: pointer move -> map and ranking repainted", "ms", pt, 50.0, note=note),
        _row("live", "live map: pointer move -> map and ranking repainted, p95", "ms", pt, 100.0, on="p95"),
        _row("live", "live map: messages sent to the server during keyboard steps and a drag",
             "msgs", {"median": sent_moving, "p95": None, "runs": 2 * moves}, 0.0),
        _row("live", "live map: messages sent to the server after the release (target exactly 1)",
             "msgs", {"median": live["sent_after_release"], "p95": None, "runs": 1}, 1.0,
             note="0 would mean the weights never reached the server"),
        _row("live", "one-slider Streamlit app: keydown -> text updated (reference)", "ms", one, None),
    ]  # fmt: skip
    rows[5]["pass"] = live["sent_after_release"] == 1
    return rows, {"live": live, "one_slider": base}


def main() -> int:
    """`python -m bench.live_latency [DATA_DIR]`: this benchmark alone (default data dir: data)."""
    import json
    import tempfile

    from playwright.sync_api import sync_playwright

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else common.ROOT / "data"
    work = Path(tempfile.mkdtemp(prefix="live-bench-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=_chromium_args())
        try:
            rows, detail = measure(data, work, browser)
        finally:
            browser.close()
    from bench.run import print_table

    print_table(rows)
    print(json.dumps(detail)[:2000])
    return 0


def _chromium_args() -> list[str]:
    from bench.run import _chromium_args as args

    return args()


if __name__ == "__main__":
    sys.exit(main())

"""Browser-test helpers: launch flags for Debian Chromium, a Streamlit server, waits, projection."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    data_dir: Path, log: Path, extra_env: dict | None = None
) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free loopback port and wait until it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "LEAGUE_ATLAS_DATA_DIR": str(data_dir),
        "LEAGUE_ATLAS_BASEMAP": "0",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    proc.terminate()
    raise RuntimeError(f"streamlit did not start; see {log}")


LIVE_MAP = '[data-testid="live-map"]'


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator) and the
    page itself has arrived: its title, not just the sidebar, which app.py draws first (every page
    writes an h1; waiting on sidebar widgets let tests race the page body)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                   const busy = s && s.innerText.includes('Running');
                   const skeletons = document.querySelectorAll('[data-testid="stSkeleton"], [data-stale="true"], [data-testid="stSpinner"]').length;
                   const title = document.querySelectorAll('[data-testid="stMain"] h1').length;
                   return !busy && skeletons === 0 && title > 0; }""",
        timeout=timeout,
    )
    settle(page)


SETTLED = """async () => {
    await document.fonts.ready;
    const pending = [...document.images].filter((img) => !img.complete);
    await Promise.all(pending.map((img) => new Promise((r) => { img.onload = img.onerror = r; })));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return true;
}"""


def settle(page) -> None:
    """Wait for a painted, quiet page: fonts loaded, every image loaded or failed, two frames drawn.

    A condition rather than a fixed sleep, so it is as quick as the page allows and as patient as a
    loaded machine needs (any image's onload/onerror has fired by the time it returns).
    """
    page.evaluate(SETTLED)


def wait_for_map(page, timeout: float = 60_000):
    """The deck.gl map (Streamlit's pydeck chart, or our live map on the map page) once its canvas
    shows the map and two screenshots in a row agree."""
    maps = f'[data-testid="stDeckGlJsonChart"], {LIVE_MAP}'
    page.wait_for_selector(
        f'[data-testid="stDeckGlJsonChart"] canvas, {LIVE_MAP} canvas', timeout=timeout
    )
    chart = page.locator(maps).first
    deadline = time.time() + timeout / 1000
    previous = None
    while time.time() < deadline:
        settle(page)
        shot = chart.screenshot()
        if previous == shot and non_blank(shot) > 20:
            break
        previous = shot
    return chart


def non_blank(png: bytes) -> int:
    """How many distinct colours a screenshot holds (a blank canvas has one or two)."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    return len(np.unique(pixels[:: max(1, len(pixels) // 20000)], axis=0))


def project(lat: float, lon: float, view: dict, width: float, height: float) -> tuple[float, float]:
    """Web Mercator pixel position of (lat, lon) in a deck.gl viewport (512-px world at zoom 0)."""
    scale = 512 * 2 ** view["zoom"]

    def xy(la, lo):
        x = (lo + 180) / 360 * scale
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale
        return x, y

    cx, cy = xy(view["latitude"], view["longitude"])
    x, y = xy(lat, lon)
    return width / 2 + (x - cx), height / 2 + (y - cy)


def wait_for_live_map(page, timeout: float = 60_000):
    """The live map component once deck.gl has drawn and the view is framed (data-view set)."""
    page.wait_for_selector(f"{LIVE_MAP} canvas", timeout=timeout)
    page.wait_for_function(
        f"() => {{ const r = document.querySelector('{LIVE_MAP}'); return r && r.dataset.view; }}",
        timeout=timeout,
    )
    settle(page)
    return page.locator(LIVE_MAP).first

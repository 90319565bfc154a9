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


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                   const busy = s && s.innerText.includes('Running');
                   const skeletons = document.querySelectorAll('[data-testid="stSkeleton"], [data-stale="true"], [data-testid="stSpinner"]').length;
                   const widgets = document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stSlider"], [data-testid="stMain"] h1').length;
                   return !busy && skeletons === 0 && widgets > 0; }""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)


def wait_for_map(page, timeout: float = 60_000):
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=timeout)
    page.wait_for_timeout(1500)
    return page.locator('[data-testid="stDeckGlJsonChart"]').first


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


LIVE_MAP = '[data-testid="live-map"]'


def wait_for_live_map(page, timeout: float = 60_000):
    """The live map component once deck.gl has drawn and the view is framed (data-view set)."""
    page.wait_for_selector(f"{LIVE_MAP} canvas", timeout=timeout)
    page.wait_for_function(
        f"() => {{ const r = document.querySelector('{LIVE_MAP}'); return r && r.dataset.view; }}",
        timeout=timeout,
    )
    page.wait_for_timeout(500)
    return page.locator(LIVE_MAP).first

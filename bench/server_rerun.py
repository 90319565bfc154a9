"""Server-side rerun after a weight change, timed inside the real server.

A Streamlit websocket client (bench.wsclient, no browser, so the figure is the server's alone)
opens the map page, then moves one domain weight at a time to a combination not seen before,
waiting for each run to finish. The server (bench.serve) logs for each run:
- `exec_ms`: app.py + the page script (the app's own work),
- `run_ms`: the whole ScriptRunner run, i.e. exec plus Streamlit's bookkeeping and its post-run
  `gc.collect(2)`; this is what delays the next rerun and the "not running" state, so it is the
  figure held to the target.
The client's round trip (send -> script_finished received) is reported beside them.
"""

from __future__ import annotations

import asyncio

from bench.browser_latency import domain_labels, slider_param
from bench.common import Server, summarise
from bench.wsclient import StreamlitClient


def fresh_states(labels: list[str], n: int) -> list[tuple[str, float]]:
    """`n` (URL key, value) moves, each reaching a weight combination not seen before."""
    out = []
    for lbl in labels:
        for step in range(1, 9):  # 1.25 .. 3.0
            out.append((slider_param(lbl), 1.0 + 0.25 * step))
    if n > len(out):
        raise ValueError(f"at most {len(out)} fresh moves with {len(labels)} domain sliders")
    return out[:n]


async def _drive(url: str, moves: list[tuple[str, float]], page: str) -> tuple[list, list]:
    c = StreamlitClient(url)
    await c.connect()
    try:
        first = await c.run()
        if page:
            c.page(page)
            await c.run()
        results = []
        for key, value in moves:
            c.slider(key, value)
            results.append(await c.run())
        return [first], results
    finally:
        await c.close()


def measure(server: Server, data_dir, *, moves: int = 30, page: str = "") -> dict:
    """Time `moves` fresh weight changes on one page (`""` = the map page, `"league"`, ...)."""
    plan = fresh_states(domain_labels(data_dir), moves)
    before = len(server.runs())
    first, results = asyncio.run(_drive(server.url, plan, page))
    runs = [r for r in server.runs()[before:] if r["kind"] == "run"]
    timed = runs[-len(results) :]
    errors = [e for r in results for e in r.exceptions] + [
        f"run ended with {r.status}" for r in results if r.status != "ok"
    ]
    return {
        "page": page or "map",
        "moves": len(results),
        "run_ms": summarise([r["run_ms"] for r in timed]),
        "exec_ms": summarise([sum(r["execs_ms"]) for r in timed]),
        "client_round_trip_ms": summarise([r.elapsed_ms for r in results]),
        "bytes_per_rerun": summarise([r.bytes for r in results]),
        "first_run_client_ms": round(first[0].elapsed_ms, 1),
        "errors": errors,
    }


async def _layer_bytes(url: str, query: dict[str, str], move: tuple[str, float]) -> dict:
    c = StreamlitClient(url, query=dict(query))
    await c.connect()
    try:
        first = await c.run()
        c.slider(*move)
        moved = await c.run()
        return {"first": first, "moved": moved, "query": dict(c.query)}
    finally:
        await c.close()


def map_bytes_by_layer(server: Server, data_dir) -> list[dict]:
    """Bytes of the map element the map page sends on a weight change, for each boundary layer.

    Each layer is opened from a link (`?layer=<label>`, as a shared URL would), then one weight
    moves to a new value; the deck.gl element of that rerun is what a user's browser receives.
    """
    from league_atlas.store import reader

    layers = reader.open_store(data_dir).layers()
    move = fresh_states(domain_labels(data_dir), 1)[0]
    out = []
    for layer_id, label in ((k, s.display_name) for k, s in layers.items()):
        r = asyncio.run(_layer_bytes(server.url, {"layer": label}, move))
        moved = r["moved"]
        out.append(
            {
                "layer": layer_id,
                "label": label,
                "map_bytes": moved.kinds.get("map", 0),
                "rerun_bytes": moved.bytes,
                "errors": moved.exceptions + ([] if moved.status == "ok" else [moved.status]),
            }
        )
    return out

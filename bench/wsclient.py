"""A lightweight Streamlit client: the browser's websocket protocol without the browser.

It speaks what the Streamlit frontend speaks on `/_stcore/stream` (BackMsg out, ForwardMsg in):
a `rerun_script` carrying the query string, widget states, target page and the hashes of the
messages it has cached (so the server sends references for those, as it does to a browser), and
it reads the script-run messages back until `script_finished`. It remembers widget ids from the
elements it receives, so it can move a slider by its key, and the pages from the navigation
message, so it can switch pages. It renders nothing: it costs the server what a browser costs,
and the client machine almost nothing, which is what lets 20 sessions run on 2 cores.

Errors it reports: an exception element in any run, a run that does not finish in time, a
connection that fails or closes.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


def classify(msg: ForwardMsg) -> str:
    """What a ForwardMsg carries: map (the live map component's data, or a deck.gl JSON chart on
    the other pages), table (Arrow), cached-ref, finished, other."""
    kind = msg.WhichOneof("type")
    if kind == "ref_hash":
        return "cached-ref"
    if kind == "script_finished":
        return "finished"
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        el = msg.delta.new_element.WhichOneof("type")
        if el in ("deck_gl_json_chart", "bidi_component"):
            return "map"
        if el in ("dataframe", "table"):
            return "table"
        if el == "exception":
            return "exception"
    return "other"


@dataclass
class RunResult:
    """One script run as the client saw it."""

    elapsed_ms: float
    bytes: int
    messages: int
    exceptions: list[str]
    status: str  # "ok", "timeout", or "status-<n>" for another script_finished status
    kinds: dict[str, int] = field(default_factory=dict)  # bytes by kind (see classify_frame)


@dataclass
class StreamlitClient:
    """One session: connect, then `run()` reruns; `slider()` and `page()` change what to run."""

    base_url: str
    timeout_s: float = 60.0
    query: dict[str, str] = field(default_factory=dict)
    widget_ids: dict[str, str] = field(default_factory=dict)  # user key -> widget id
    sliders: dict[str, float] = field(default_factory=dict)  # widget id -> value sent
    pages: dict[str, str] = field(default_factory=dict)  # url path ("" = default) -> script hash
    page_hash: str = ""
    cached: set[str] = field(default_factory=set)
    ws: object = None

    async def connect(self) -> None:
        import websockets

        u = urllib.parse.urlparse(self.base_url)
        self.ws = await websockets.connect(
            f"ws://{u.netloc}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"{u.scheme}://{u.netloc}",
            max_size=None,
            open_timeout=self.timeout_s,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    # -------------------------------------------------------------- state changes

    def slider(self, key: str, value: float) -> None:
        """Set a slider (by its user key, e.g. `w_patient-safety`) for the next run."""
        wid = self.widget_ids.get(key)
        if wid is None:
            raise KeyError(f"no slider with key {key!r} seen yet")
        self.sliders[wid] = value
        if value == 1.0:
            self.query.pop(key, None)
        else:
            self.query[key] = f"{value:g}"

    def page(self, path: str) -> None:
        """Switch to the page at url path `path` ("" for the default page) on the next run."""
        self.page_hash = self.pages[path]

    # -------------------------------------------------------------- one run

    def _back_msg(self) -> bytes:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = urllib.parse.urlencode(self.query)
        cs.page_script_hash = self.page_hash
        for wid, v in self.sliders.items():
            w = cs.widget_states.widgets.add()
            w.id = wid
            w.double_array_value.data.append(v)
        cs.cached_message_hashes.extend(sorted(self.cached))
        ci = cs.context_info
        ci.timezone, ci.locale, ci.url = "UTC", "en-GB", self.base_url + "/"
        return msg.SerializeToString()

    def _read(self, fm: ForwardMsg, exceptions: list[str]) -> None:
        if fm.hash and fm.metadata.cacheable:
            self.cached.add(fm.hash)
        kind = fm.WhichOneof("type")
        if kind == "navigation":
            # The page this run showed: the browser names it in every later rerun, and the
            # server treats a rerun without it as a fresh visit (widget changes then get lost).
            self.page_hash = fm.navigation.page_script_hash or self.page_hash
            for p in fm.navigation.app_pages:
                self.pages[p.url_pathname] = p.page_script_hash
                if p.is_default:
                    self.pages[""] = p.page_script_hash
        elif kind == "page_info_changed":
            self.query = dict(urllib.parse.parse_qsl(fm.page_info_changed.query_string))
        elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            el = fm.delta.new_element
            t = el.WhichOneof("type")
            if t == "exception":
                exceptions.append(f"{el.exception.type}: {el.exception.message}")
            elif t == "slider":
                wid = el.slider.id
                key = (
                    wid.removeprefix("$$ID-").split("-", 1)[-1] if wid.startswith("$$ID-") else wid
                )
                self.widget_ids[key] = wid

    async def run(self) -> RunResult:
        """Send one rerun and read until its script_finished (or time out)."""
        t0 = time.perf_counter()
        await self.ws.send(self._back_msg())
        nbytes = nmsg = 0
        exceptions: list[str] = []
        kinds: dict[str, int] = {}
        deadline = t0 + self.timeout_s
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return RunResult(
                    (time.perf_counter() - t0) * 1e3, nbytes, nmsg, exceptions, "timeout"
                )
            try:
                data = await asyncio.wait_for(self.ws.recv(), left)
            except TimeoutError:
                continue
            nbytes += len(data)
            nmsg += 1
            fm = ForwardMsg.FromString(data)
            kind = classify(fm)
            kinds[kind] = kinds.get(kind, 0) + len(data)
            self._read(fm, exceptions)
            if fm.WhichOneof("type") == "script_finished":
                status = fm.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun() inside the app: the real run follows
                return RunResult(
                    (time.perf_counter() - t0) * 1e3,
                    nbytes,
                    nmsg,
                    exceptions,
                    "ok" if status == ForwardMsg.FINISHED_SUCCESSFULLY else f"status-{status}",
                    kinds,
                )

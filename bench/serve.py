"""`python -m bench.serve [streamlit run args]`: the real Streamlit server, with script-run timing.

The benchmarks want the page-script time *inside the real server* (not AppTest, which polls). This
launcher patches two Streamlit internals before handing over to the normal `streamlit run` CLI:

- `exec_func_with_error_handling` (the call that executes app.py and the chosen page) is timed,
  giving `exec_ms`: the script body alone;
- `ScriptRunner._run_script` is timed, giving `run_ms`: the body plus Streamlit's own work around
  it (widget-state bookkeeping, the post-run `gc.collect(2)`, and any `st.rerun()` loop).

One JSON line per run goes to `$BENCH_RUN_LOG`. With `$BENCH_PROFILE_DIR` set, each script body is
also run under cProfile and its stats are dumped there (`run-<n>.pstats`), for the breakdown.
Nothing here changes what the app does; without the variables it is a plain `streamlit run`.

`$BENCH_WHATIF` (comma-separated) switches on experiments that measure a proposed fix before it is
made in the app's own files. They are never on for the headline figures:
- `compact_deck`: pydeck serialises the map spec without indentation (`indent=2` is its default);
- `no_jupyter_probe`: pydeck's per-Deck probe for the Jupyter widget (a failing `import
  ipywidgets` on every `pdk.Deck(...)`) answers once and is remembered;
- `no_post_gc`: Streamlit's `runner.postScriptGC` (a full `gc.collect(2)` after every run) is off.
"""

from __future__ import annotations

import cProfile
import itertools
import json
import os
import sys
import threading
import time

RUN_LOG_ENV = "BENCH_RUN_LOG"
PROFILE_ENV = "BENCH_PROFILE_DIR"
WHATIF_ENV = "BENCH_WHATIF"
WHATIFS = ("compact_deck", "no_jupyter_probe", "no_post_gc")


def _whatif(names: set[str]) -> list[str]:
    """Apply the named experiments; return the streamlit CLI flags some of them need."""
    import functools
    import json

    flags = []
    if "compact_deck" in names:
        from pydeck.bindings import json_tools

        def compact(obj):
            return json.dumps(
                obj, sort_keys=True, default=json_tools.default_serialize, separators=(",", ":")
            )

        json_tools.serialize = compact
    if "no_jupyter_probe" in names:
        from pydeck.bindings import deck

        deck.has_jupyter_extra = functools.cache(deck.has_jupyter_extra)
    if "no_post_gc" in names:
        flags += ["--runner.postScriptGC", "false"]
    unknown = names - set(WHATIFS)
    if unknown:
        raise SystemExit(f"unknown {WHATIF_ENV} experiment(s): {', '.join(sorted(unknown))}")
    return flags


def _page_name(ctx) -> str:
    """The url path of the page this run showed ("" for the default page), when Streamlit says."""
    try:
        info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) or {}
        return str(info.get("url_pathname", ""))
    except Exception:  # noqa: BLE001 - a label only; never let timing break the app
        return "?"


def _install() -> None:
    from streamlit.runtime.scriptrunner import script_runner

    log_path = os.environ.get(RUN_LOG_ENV)
    profile_dir = os.environ.get(PROFILE_ENV)
    lock = threading.Lock()
    counter = itertools.count(1)
    local = threading.local()
    original_exec = script_runner.exec_func_with_error_handling
    original_run = script_runner.ScriptRunner._run_script

    def _write(record: dict) -> None:
        if not log_path:
            return
        with lock, open(log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    def timed_exec(func, ctx):
        n = next(counter)
        prof = cProfile.Profile() if profile_dir else None
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        try:
            return original_exec(func, ctx)
        finally:
            if prof:
                prof.disable()
            dt = (time.perf_counter() - t0) * 1e3
            if prof:
                prof.dump_stats(os.path.join(profile_dir, f"run-{n}.pstats"))
            execs = getattr(local, "execs", None)
            if execs is not None:
                execs.append(dt)
            _write(
                {
                    "kind": "exec",
                    "n": n,
                    "t": time.time(),
                    "exec_ms": round(dt, 3),
                    "page": _page_name(ctx),
                    "query": getattr(ctx, "query_string", ""),
                    "session": getattr(ctx, "session_id", ""),
                }
            )

    def timed_run(self, rerun_data):
        local.execs = []
        t0 = time.perf_counter()
        try:
            return original_run(self, rerun_data)
        finally:
            _write(
                {
                    "kind": "run",
                    "t": time.time(),
                    "run_ms": round((time.perf_counter() - t0) * 1e3, 3),
                    "execs_ms": [round(x, 3) for x in local.execs],
                    "query": rerun_data.query_string,
                }
            )
            local.execs = None

    script_runner.exec_func_with_error_handling = timed_exec
    script_runner.ScriptRunner._run_script = timed_run


def main() -> None:
    _install()
    names = {n for n in os.environ.get(WHATIF_ENV, "").split(",") if n}
    flags = _whatif(names) if names else []
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *sys.argv[1:], *flags]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()

"""Command-line interface: `python -m league_atlas <command> ...`.

Each command lives in `league_atlas.cli.<name>` and exposes `register(subparsers)`; the
parser is assembled from whatever command modules exist, so stages stay in their own files.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import signal
import sys
import threading

from league_atlas import __version__, cli
from league_atlas.errors import LeagueAtlasError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m league_atlas",
        description="League Atlas: NHS Oversight Framework league tables, places and context.",
    )
    parser.add_argument("--version", action="version", version=f"league-atlas {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        if mod.name.startswith("_") or mod.name == "main":
            continue
        importlib.import_module(f"league_atlas.cli.{mod.name}").register(sub)
    return parser


def main(argv: list[str] | None = None, *, handle_sigterm: bool = False) -> int:
    """Run one command; user-fixable problems print one clear line and exit 2."""
    args = build_parser().parse_args(argv)
    if handle_sigterm:
        _terminate_cleanly()
    try:
        return int(args.func(args) or 0)
    except LeagueAtlasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # A fault of this machine (disk, rights) the commands did not name: still one plain line.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


def _terminate_cleanly() -> None:
    """SIGTERM (a timeout, a container stop) unwinds like Ctrl-C, so writers remove their staging.

    Only in the main thread of a real run (the handler cannot be set elsewhere).
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


if __name__ == "__main__":
    raise SystemExit(main())

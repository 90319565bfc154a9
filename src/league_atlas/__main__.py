"""`python -m league_atlas ...` runs the command-line interface."""

from league_atlas.cli.main import main

raise SystemExit(main(handle_sigterm=True))

"""First-visit entry for /changes: runs app.py (see league_atlas_ui.entry for why it exists)."""

from league_atlas_ui.entry import run_app

run_app()

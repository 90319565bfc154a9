"""Run app.py from a first-visit entry stub in `pages/` (see pages/explore/league.py and its siblings).

Streamlit treats a project with a `pages/` folder as a v1 multipage app until app.py has called
st.navigation once in the server process. Until then a visit straight to a page URL (a shared
link to /league, say) runs the `pages/<name>.py` file of that name, or says "Page not found" when
there is none. Each URL path of app.py's NAVIGATION therefore has a two-line stub that runs app.py
itself, whose st.navigation then opens the real page (pages/<section>/<name>.py) for that URL.
After that first run Streamlit uses app.py's navigation only, and the stubs are never run again.
"""

from __future__ import annotations

import runpy
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def run_app() -> None:
    """Execute app.py as the entry point would (its st.navigation resolves this URL's page)."""
    runpy.run_path(str(APP), run_name="__main__")

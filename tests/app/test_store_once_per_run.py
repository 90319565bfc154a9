"""One store per run: the store link is resolved once at the top of each run (shared.begin_run),
so a build published while a page runs cannot mix two versions in that page."""

from __future__ import annotations

import pytest

from league_atlas_ui import shared


@pytest.mark.parametrize(
    "page", ["", "explore/league.py", "trusts/profile.py", "context/regions.py"]
)
def test_each_run_resolves_the_store_link_once(app, monkeypatch, page):
    calls = []
    resolve = shared._shared_version

    def counting() -> str | None:
        calls.append(1)
        return resolve()

    monkeypatch.setattr(shared, "_shared_version", counting)
    at = app.run()
    if page:
        at.switch_page(f"pages/{page}").run()
    assert not at.exception
    runs = 2 if page else 1
    assert len(calls) == runs, f"store link resolved {len(calls)} times in {runs} run(s)"

"""Shared test fixtures: the real mirror (skipped when absent) and a real store built once per run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import settings

TESTS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS_DIR))

from league_atlas import config  # noqa: E402

# Property tests take their example counts from a profile: "full" in `make test`, "fast" (a quarter
# of the examples, the same properties) in `make test-fast` via --hypothesis-profile=fast.
settings.register_profile("full", max_examples=40)
settings.register_profile("fast", max_examples=10)
settings.load_profile("full")

ARTIFACTS = TESTS_DIR.parent / "test-artifacts"
NO_MIRROR = "../shared/data (the real public data mirror) is not present; real-data tests skipped"


@pytest.fixture(scope="session")
def real_mirror() -> Path:
    """The real data mirror, or skip with the reason."""
    mirror = config.default_mirror()
    if mirror is None or not (mirror / "nof").is_dir():
        pytest.skip(NO_MIRROR)
    return mirror


@pytest.fixture(scope="session")
def real_store_dir(real_mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the real store, built once per test session from the mirror."""
    from league_atlas.store import writer

    data_dir = tmp_path_factory.mktemp("real-data")
    writer.build(data_dir, real_mirror, progress=lambda m: None)
    return data_dir


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Settings are parsed once per process; a test that sets LEAGUE_ATLAS_* sees its own values."""
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    """Say which tiers were skipped and why, one line each, so a skipped tier is never silent."""
    by_tier: dict[tuple[str, str], int] = {}
    for rep in terminalreporter.stats.get("skipped", []):
        path = rep.nodeid.split("::")[0] if getattr(rep, "nodeid", "") else rep.location[0]
        parts = Path(path).parts
        tier = "/".join(parts[:2]) if len(parts) > 1 else path
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        reason = reason.removeprefix("Skipped: ")
        by_tier[(tier, reason)] = by_tier.get((tier, reason), 0) + 1
    if by_tier:
        terminalreporter.section("skipped tests, by tier")
        for (tier, reason), n in sorted(by_tier.items()):
            terminalreporter.write_line(f"{tier}: {n} skipped: {reason}")

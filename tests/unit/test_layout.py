"""The package's shape, checked: stages import only downwards, no cycles, short pieces.

The README's layout section draws the same stages; these tests keep the code and that drawing
honest as the code grows (issue: "a house a newcomer reads in ten minutes").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "league_atlas"
UI_PKG = ROOT / "src" / "league_atlas_ui"

# Each stage may import its own stage and the ones below it (a lower number), never one above.
STAGES = {
    "config": 0,
    "errors": 0,
    "schema": 0,
    "io": 1,
    "places": 2,
    "scoring": 2,
    "context": 2,
    "store": 3,
    "analysis": 4,
    "views": 4,
    "render": 5,
    "cli": 6,
    "__main__": 7,
    "__init__": 0,
}
MAX_TOP_MODULES = 8
MAX_FUNCTION_LINES = 120
MAX_PAGE_LINES = 250


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every league_atlas module this file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("league_atlas")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "league_atlas":
                found |= {f"league_atlas.{a.name}" for a in node.names}
            elif node.module.startswith("league_atlas."):
                found.add(node.module)
    return {m for m in found if not m.startswith("league_atlas_ui")}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def test_stages_import_only_their_own_stage_or_lower():
    wrong = []
    for mod, path in MODULES.items():
        own = STAGES[_stage(mod)]
        for target in _imports(path):
            if target == "league_atlas.__version__":
                continue
            if STAGES.get(_stage(target), 99) > own:
                wrong.append(f"{mod} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_every_stage_is_known():
    assert {_stage(m) for m in MODULES} <= set(STAGES)


def test_no_import_cycles():
    graph = {m: {t for t in _imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for m in graph:
        if m not in state:
            visit(m, [m])
    assert not cycles, "\n".join(cycles)


def test_the_domain_package_never_imports_streamlit():
    users = [
        m
        for m, p in MODULES.items()
        for node in ast.walk(ast.parse(p.read_text("utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any(
            (getattr(node, "module", None) or a.name).split(".")[0] == "streamlit"
            for a in node.names
        )
    ]
    assert not users


def test_few_loose_modules_at_the_top():
    loose = [p.name for p in PKG.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(loose) <= MAX_TOP_MODULES, loose


def _long_functions(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)")
    return out


@pytest.mark.parametrize("package", [PKG, UI_PKG], ids=["league_atlas", "league_atlas_ui"])
def test_no_long_functions(package):
    long = _long_functions(sorted(package.rglob("*.py")))
    assert not long, "\n".join(long)


def test_page_scripts_are_short():
    long = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / "pages").rglob("*.py"))
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_PAGE_LINES
    }
    assert not long, long


def _navigation_paths() -> list[str]:
    """The URL paths of app.py's NAVIGATION (parsed: app.py runs Streamlit)."""
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text("utf-8"))):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "NAVIGATION" for t in node.targets
        ):
            nav = ast.literal_eval(node.value)
            return [path for entries in nav.values() for _, _, _, path in entries if path]
    raise AssertionError("app.py has no NAVIGATION dict")


def test_top_of_pages_holds_only_first_visit_entries():
    """Streamlit runs top-level pages/*.py as v1 pages until app.py has run once; each URL path has
    a stub there that runs app.py (league_atlas_ui.entry), and nothing else lives there."""
    stubs = {p.stem: p.read_text("utf-8") for p in (ROOT / "pages").glob("*.py")}
    assert set(stubs) == set(_navigation_paths())
    for name, text in stubs.items():
        code = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith('"""')]
        assert code == ["from league_atlas_ui.entry import run_app", "run_app()"], name


def test_readme_layout_names_every_sub_package():
    """The README's layout tree matches the code: every sub-package has its line."""
    readme = (ROOT / "README.md").read_text("utf-8")
    tree = readme[readme.index("## Layout") :].split("```", 2)[1]
    for package in (PKG, UI_PKG):
        for sub in sorted(p.parent for p in package.glob("*/__init__.py")):
            assert f"  {sub.name}/" in tree, f"README layout misses {sub.relative_to(ROOT)}"

"""Layer rules from DESIGN.md, checked in fresh interpreters so nothing else has loaded modules yet."""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "crimedesk"
UI_TOP_MODULES = {"__init__.py", "app.py", "workspace.py", "main_window.py", "welcome.py", "filter_panel.py"}

# Imports the modules under PACKAGE (minus SKIP) one by one and prints, as JSON, the modules walked
# and the first one after whose import a module named in BANNED (top-level names) was loaded.
WALK = """
import importlib, json, pkgutil, sys

PACKAGE, SKIP, BANNED = {package!r}, {skip!r}, {banned!r}

def walk(package):
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name in SKIP:
            continue
        module = importlib.import_module(info.name)
        yield info.name
        if info.ispkg:
            yield from walk(module)

walked, culprit = [], {{}}
for name in walk(importlib.import_module(PACKAGE)):
    walked.append(name)
    banned = sorted(m for m in sys.modules if m.split(".")[0] in BANNED)
    if banned:
        culprit = {{name: banned[:5]}}
        break
print(json.dumps({{"walked": walked, "culprit": culprit}}))
"""


def walk_imports(package: str, banned: tuple[str, ...], skip: tuple[str, ...] = ()) -> dict:
    code = WALK.format(package=package, skip=skip, banned=banned)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_core_never_imports_qt():
    report = walk_imports("crimedesk", banned=("PySide6", "shiboken6", "pyqtgraph"), skip=("crimedesk.ui",))
    assert "crimedesk.storage.summary" in report["walked"]
    assert "crimedesk.mapping.assets" in report["walked"]
    assert report["culprit"] == {}, f"Qt loaded by a core module: {report['culprit']}"


def test_app_start_does_not_import_tensorflow():
    report = walk_imports("crimedesk.ui", banned=("tensorflow", "keras"))
    assert "crimedesk.ui.app" in report["walked"]
    assert report["culprit"] == {}, f"TensorFlow loaded at app start by: {report['culprit']}"


def test_app_start_does_not_import_duckdb():
    """DuckDB loads with the analytics mirror, after the window's first paint (ui.runtime.mirror_keeper)."""
    report = walk_imports("crimedesk.ui", banned=("duckdb",))
    assert "crimedesk.ui.workspace" in report["walked"]
    assert report["culprit"] == {}, f"DuckDB loaded at app start by: {report['culprit']}"


def test_imports_and_feeds_do_not_load_numba():
    """Loading numba and its compiled code holds the interpreter for over a second: on a feed's first
    batch (prepared in the app's process) that froze the window. Only the near-repeat test uses it."""
    report = walk_imports("crimedesk.ingest", banned=("numba", "llvmlite"))
    assert "crimedesk.ingest.prepare" in report["walked"]
    assert report["culprit"] == {}, f"numba loaded by: {report['culprit']}"
    report = walk_imports("crimedesk.feeds", banned=("numba", "llvmlite"))
    assert "crimedesk.feeds.run" in report["walked"]
    assert report["culprit"] == {}, f"numba loaded by: {report['culprit']}"


def test_import_contracts_hold():
    """The [tool.importlinter] contracts of pyproject.toml (core without Qt, ui or state; state
    without ui) hold for the code as it is."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "lint-imports not installed: pip install -e '.[dev]'"
    result = subprocess.run(
        [lint, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_contracts_name_every_core_package():
    """A new core package is covered by the contracts, not silently left out of them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    sources = {c["id"]: set(c["source_modules"]) for c in config["contracts"]}
    packages = {f"crimedesk.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert sources["qt-only-in-ui"] == packages - {"crimedesk.ui"}
    assert sources["core-independent-of-ui-and-state"] == packages - {"crimedesk.ui", "crimedesk.state"}
    assert sources["state-independent-of-ui"] == {"crimedesk.state"}


def import_cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """One cycle (the chain of modules, the first repeated last) per strongly connected group of
    modules in the import ``graph``."""
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in imports[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = {stack.pop()}
            while module not in group:
                group.add(stack.pop())
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    cycles = []
    for group in groups:
        first = min(group)
        second = min(m for m in imports[first] if m in group)
        cycles.append((first, *graph.find_shortest_chain(second, first)))
    return cycles


def test_import_cycles_are_found():
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg", imported="pkg.a")  # reaches the cycle, is not part of it
    assert import_cycles(graph) == [("pkg.a", "pkg.b", "pkg.c", "pkg.a")]
    graph.remove_import(importer="pkg.c", imported="pkg.a")
    assert import_cycles(graph) == []


def test_no_import_cycles():
    """TYPE_CHECKING imports count: a module that needs another's types is coupled to it."""
    cycles = import_cycles(grimp.build_graph("crimedesk", cache_dir=None))
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_ui_top_holds_only_the_shell_and_each_tab_is_a_folder():
    """Everything else lives in ui/runtime, ui/widgets, ui/dialogs or ui/panes/<tab>/."""
    top = {p.name for p in (PACKAGE / "ui").glob("*.py")}
    assert top <= UI_TOP_MODULES, f"modules to move into a subpackage: {sorted(top - UI_TOP_MODULES)}"
    panes = PACKAGE / "ui" / "panes"
    assert {p.name for p in panes.glob("*.py")} == {"__init__.py"}
    tabs = {p.name for p in panes.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert tabs == {p.parent.name for p in panes.glob("*/__init__.py")}
    assert {"dashboard", "data", "map", "models", "ucr"} <= tabs


def test_ci_runs_the_readme_test_command_with_ci_set():
    """CI runs exactly what the README tells a developer, and PostgreSQL tests cannot skip there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"Run the tests:\s*```bash\n(.+?)\n```", readme).group(1)
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert script[-1] == command
    assert "export CI=true" in script[: script.index(command)]

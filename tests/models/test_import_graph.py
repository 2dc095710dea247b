"""crimedesk.models has no import cycle: the registry imports no kind, the catalog lists them."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import crimedesk.models

PACKAGE = "crimedesk.models"
ROOT = Path(crimedesk.models.__file__).parent


def module_names() -> dict[str, Path]:
    names = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        names[".".join((PACKAGE, *parts))] = path
    return names


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports anywhere (function bodies and TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imported_modules(path, set(modules)) - {name} for name, path in modules.items()}


def test_models_package_has_no_import_cycle():
    graph = import_graph()
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:
        raise AssertionError(f"import cycle in {PACKAGE}: {' -> '.join(cycle.args[1])}") from None


def test_the_graph_sees_the_catalog_load_every_kind_and_the_registry_none():
    graph = import_graph()
    kinds = {name for name in graph if name.endswith(".kind")}
    assert kinds == {
        f"{PACKAGE}.{family}.kind"
        for family in ("classify", "forecast", "hotspots", "hunch", "naive", "risk", "sepp")
    }
    assert graph[f"{PACKAGE}.catalog"] >= kinds
    assert graph[f"{PACKAGE}.registry"] == set()
    assert f"{PACKAGE}.registry" in graph[f"{PACKAGE}.risk.kind"]

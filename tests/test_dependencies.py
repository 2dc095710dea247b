"""Every third-party package that crimedesk imports is installed by its runtime dependencies.

A package only in the ``dev`` extra is missing from a user's install (``installer/setup.sh``
without ``--dev``), and the module importing it fails there, not in the test run.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed_by(requirements: list[str]) -> set[str]:
    """The distributions these requirements install on this platform, with all they require in turn."""
    found: set[str] = set()
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        name = _normal(requirement.name)
        if name in found or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        found.add(name)
        pending.extend(Requirement(text) for text in requires(requirement.name) or [])
    return found


def _imported_packages() -> dict[str, str]:
    """Top-level third-party module -> one file of crimedesk that imports it."""
    imported: dict[str, str] = {}
    for path in sorted((ROOT / "crimedesk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names and top != "crimedesk":
                    imported.setdefault(top, str(path.relative_to(ROOT)))
    return imported


def test_every_imported_package_is_a_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _installed_by(project["dependencies"])
    distributions = packages_distributions()
    missing = {
        module: importer
        for module, importer in _imported_packages().items()
        if not {_normal(d) for d in distributions.get(module, [])} & runtime
    }
    assert missing == {}, f"imported but not installed by [project] dependencies: {missing}"

"""Layer rules from DESIGN.md, checked in fresh interpreters so nothing else has loaded modules yet."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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

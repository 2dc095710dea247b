"""The core sits below state/: no module outside ui/ and state/ may import crimedesk.state."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IMPORT_CORE = """
import importlib, json, pkgutil, sys

def walk(package):
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name in ("crimedesk.ui", "crimedesk.state"):
            continue
        module = importlib.import_module(info.name)
        yield info.name
        if info.ispkg:
            yield from walk(module)

loaded = {}
for name in walk(importlib.import_module("crimedesk")):
    if "crimedesk.state" in sys.modules:
        loaded = {"culprit": name}
        break
print(json.dumps(loaded))
"""


def test_core_never_imports_state() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_CORE], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {}

"""mypy over crimedesk/ and bench/ with the [tool.mypy] settings of pyproject.toml must find nothing.

Marked ``types`` (``pytest -m types`` runs it alone). When it fails, the errors it prints are
the list to fix.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.types
def test_mypy_finds_no_errors():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],  # files and settings: [tool.mypy]
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""Issue 21: the risk model trains on a keyless city file with far-off geocodes within 2 GB.

The file is bench/keyless_risk.py's: ~94k incidents over eight months of Chicago 2016 (every 2nd),
ids dropped, hours kept, repeats and ~0.25 % far-off points injected, imported without a bbox.
Training runs in a child process so its own peak RSS is measured (a few minutes: slow).
"""

from __future__ import annotations

import pytest

from bench.keyless_risk import LIMIT_MB, imported_store, keyless_file, train_in_child


@pytest.mark.slow
def test_the_risk_model_trains_on_the_keyless_file_within_2_gb(tmp_path):
    csv = tmp_path / "keyless.csv"
    assert keyless_file(csv, months=8, every=2) > 80_000
    url, summary = imported_store(tmp_path, csv, None)
    assert "(0 far off)" not in summary and " 0 updated" in summary
    peak_mb, _seconds, status = train_in_child(url)
    assert status == "ok" and peak_mb < LIMIT_MB

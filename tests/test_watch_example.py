"""The example script runs as a user would run it and writes a folder that loads back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.watch import is_watched_folder, load_watched

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # 4-8 s, mostly the fresh process's imports; scripts/test.sh runs it
def test_the_lstm_classifier_example_writes_a_watched_run(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "examples/watch_lstm_classifier.py", "--out", str(out), "--steps", "60"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"watched run folder: {out}" in done.stdout
    assert is_watched_folder(out)
    run = load_watched(out)
    assert run.meta["cell"] == "lstm" and run.meta["layers"] == 2 and run.meta["batch_first"]
    history = run.history
    assert [r.step for r in history.steps] == list(range(1, 61))
    assert [p.step for p in history.probes] == [1, 11, 21, 31, 41, 51]
    assert np.isfinite([r.loss for r in history.steps]).all()  # logged with probe.log
    assert history.val_steps == [25, 50]
    assert all(p.dc is not None and len(p.dh) == 2 for p in history.probes)
    assert all(len(p.dh[1]) == 40 and (p.dh[1] > 0).any() for p in history.probes)

"""Shared test setup: one torch thread and fixed seeds, so every test is reproducible."""

import os

import numpy as np
import pytest
import torch

from explorer.runs.folders import RUNS_ENV

# The app's warm-up thread (ui/session.py) starts after a server's first page, unless this
# holds it back: AppTest runs pages in the test process, and a warm-up still importing
# torch or training when the process exits aborts it ("terminate called without an active
# exception"). The servers the browser tests start drop it (test_browser.server_environment).
os.environ.setdefault("RNN_EXPLORER_WARM_UP_DELAY", "3600")


@pytest.fixture(autouse=True)
def _seeded_single_thread() -> None:
    """One thread (results independent of the core count) and seeded global RNGs. IEEE
    floats again: a Trainer built in this thread flushes denormals to zero (a per-thread
    CPU flag), and hypothesis refuses to draw floats while that is on."""
    torch.set_flush_denormal(False)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    np.random.seed(0)


@pytest.fixture(autouse=True, scope="session")
def _runs_dir_in_tmp(tmp_path_factory: pytest.TempPathFactory):
    """The app saves every finished run to the runs directory: point it (and any server a
    test starts, which inherits the environment) at a temporary folder, not ./runs."""
    previous = os.environ.get(RUNS_ENV)
    os.environ[RUNS_ENV] = str(tmp_path_factory.mktemp("runs"))
    yield
    if previous is None:
        os.environ.pop(RUNS_ENV, None)
    else:
        os.environ[RUNS_ENV] = previous

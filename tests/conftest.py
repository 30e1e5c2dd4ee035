"""Shared test setup: one torch thread and fixed seeds, so every test is reproducible."""

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seeded_single_thread() -> None:
    """One thread (results independent of the core count) and seeded global RNGs."""
    torch.set_num_threads(1)
    torch.manual_seed(0)
    np.random.seed(0)

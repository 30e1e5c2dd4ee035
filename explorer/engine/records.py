"""What one probe measured, as plain numpy: a history holds these, and a page that only
draws a recorded run reads them without importing torch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ProbeRecord:
    """Everything measured at one instrumented step. Norms are L2 (Frobenius) norms."""

    step: int
    dh: tuple[np.ndarray, ...]  # per layer, (T,): ||dL/dh_t|| over the batch, total BPTT
    dc: tuple[np.ndarray, ...] | None  # per layer, (T,): ||dL/dc_t||, LSTM only
    param_norms: dict[str, float]  # ||dL/dW|| per named parameter, before clipping
    horizon: int | None  # earliest t whose top-layer norm >= 1e-3 of the last step's
    # Truncated BPTT only: per layer, (T,) ||dL/dh_t|| of full BPTT on the same batch and
    # weights (a reference pass that updates nothing), to set beside the truncated dh.
    dh_full: tuple[np.ndarray, ...] | None = None


@dataclass(frozen=True)
class SpectrumRecord:
    """The recurrent weights' scale after `step` updates (an eig costs ~0.2 ms, so it is
    sampled on its own, sparser schedule)."""

    step: int
    spectral_radius: tuple[float, ...]  # per layer, max |eigenvalue| of the W_hh block
    sigma_max: tuple[float, ...]  # per layer, largest singular value of the W_hh block

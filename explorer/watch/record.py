"""From what the hooks caught to the project's own records (ProbeRecord, SpectrumRecord,
StepRecord in a History), so that the app's figure functions and the run-folder formats
serve a watched module unchanged.

Norms are L2 over batch and units together (explorer.engine.probes.timestep_grad_norms);
the horizon is explorer.engine.probes.gradient_horizon of each probe's top layer.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import torch
from torch import nn

from explorer.engine.history import History
from explorer.engine.probes import (
    ProbeRecord,
    SpectrumRecord,
    gradient_horizon,
    spectrum,
    timestep_grad_norms,
)
from explorer.watch.spec import CANDIDATE_BLOCK, ModuleSpec

SPECTRUM_FREE_HIDDEN = 128  # up to this width, a spectrum at every probed step


@dataclasses.dataclass
class Capture:
    """One probed forward's gradients, summed over however many backward passes reach it."""

    layers: int
    lstm: bool
    dh: list[torch.Tensor | None] = dataclasses.field(default_factory=list)  # (T, B, H)
    dc: list[torch.Tensor | None] = dataclasses.field(default_factory=list)  # (T, B, H)
    T: int = 0  # timesteps of the probed input

    def __post_init__(self) -> None:
        self.dh = [None] * self.layers
        self.dc = [None] * self.layers

    def add(self, kind: str, layer: int, grad: torch.Tensor) -> None:
        """A probe's tensor hook: dL/dh_t (kind "h") or dL/dc_t ("c") of one layer."""
        slots = self.dh if kind == "h" else self.dc
        held = slots[layer]
        slots[layer] = grad.detach() if held is None else held + grad.detach()

    @property
    def reached(self) -> bool:
        """Whether any backward pass reached the probes."""
        return any(g is not None for g in self.dh)


def _norms(grads: list[torch.Tensor | None], T: int) -> tuple[np.ndarray, ...]:
    """Per layer, (T,) norms; zeros for a layer the loss never reached."""
    return tuple(timestep_grad_norms(g) if g is not None else np.zeros(T) for g in grads)


def probe_record(step: int, capture: Capture, param_norms: dict[str, float]) -> ProbeRecord:
    dh = _norms(capture.dh, capture.T)
    dc = _norms(capture.dc, capture.T) if capture.lstm else None
    return ProbeRecord(step, dh, dc, dict(param_norms), gradient_horizon(dh[-1]))


def spectrum_every(hidden: int) -> int:
    """Probes between two spectra: an eig of H x H costs ~H^3 (on one core ~4 ms at 128,
    ~340 ms at 512), so a layer wider than SPECTRUM_FREE_HIDDEN is sampled that much less
    often, and a spectrum never costs more than a probe of a 128-wide layer would.

    >>> [spectrum_every(h) for h in (32, 128, 129, 256, 512)]
    [1, 1, 8, 8, 64]
    """
    return max(1, math.ceil(hidden / SPECTRUM_FREE_HIDDEN)) ** 3


def recurrent_blocks(module: nn.Module, spec: ModuleSpec) -> list[torch.Tensor]:
    """Per layer, the (H, H) block of weight_hh_l{k} that feeds the candidate state: the
    whole W_hh of a vanilla RNN, W_hg of an LSTM, W_hn of a GRU (as the app's runs)."""
    k, H = CANDIDATE_BLOCK[spec.cell], spec.hidden
    return [
        getattr(module, f"weight_hh_l{layer}")[k * H : (k + 1) * H] for layer in range(spec.layers)
    ]


@torch.no_grad()
def spectrum_record(module: nn.Module, spec: ModuleSpec, step: int) -> SpectrumRecord:
    """The recurrent weights' spectral radius and sigma_max after `step` updates."""
    pairs = [spectrum(w) for w in recurrent_blocks(module, spec)]
    return SpectrumRecord(step, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))


def global_norm(norms: dict[str, float]) -> float:
    """The norm of all the gradients as one vector, from the per-parameter norms."""
    return math.sqrt(sum(v * v for v in norms.values()))


def padded(history: History) -> History:
    """A snapshot whose probes all have the longest T: a caller's batches may differ in
    length, and the heatmap and gradflow.npz need one. Shorter profiles end in NaN (no
    such timestep), which figures draw as gaps."""
    out = history.snapshot()
    if not out.probes:
        return out
    T = max(len(p.dh[0]) for p in out.probes)

    def pad(rows: tuple[np.ndarray, ...] | None) -> tuple[np.ndarray, ...] | None:
        if rows is None:
            return None
        return tuple(np.pad(r, (0, T - len(r)), constant_values=np.nan) for r in rows)

    out.probes = [
        p if len(p.dh[0]) == T else dataclasses.replace(p, dh=pad(p.dh), dc=pad(p.dc))
        for p in out.probes
    ]
    return out

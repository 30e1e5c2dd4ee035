"""Gradient-flow measurements: pure functions of gradients and weights.

>>> import torch
>>> grad = torch.zeros(3, 2, 2)  # (T, B, H)
>>> grad[2] = 3.0; grad[1] = 0.004; grad[0] = 1e-6
>>> timestep_grad_norms(grad).round(6).tolist()
[2e-06, 0.008, 6.0]
>>> gradient_horizon(timestep_grad_norms(grad))
1
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

# The records live in records.py, which needs no torch; importable from here as before.
from explorer.engine.records import ProbeRecord, SpectrumRecord  # noqa: F401

HORIZON_FRACTION = 1e-3


def timestep_grad_norms(grad: torch.Tensor) -> np.ndarray:
    """(T, B, H) gradient -> (T,) norms, one per timestep, over batch and units together.
    A copy that numpy owns: a history keeps thousands of these, and small long-lived
    blocks from torch's aligned allocations, left among the big short-lived tensors of
    each training step, fragment the C heap (the process's RSS then grows without bound)."""
    return torch.linalg.vector_norm(grad.detach(), dim=(1, 2)).double().numpy().copy()


def gradient_horizon(norms: np.ndarray, fraction: float = HORIZON_FRACTION) -> int | None:
    """Earliest timestep whose gradient norm is at least `fraction` of the last step's:
    how far back the loss still reaches. None when the last step's norm is 0 or not finite."""
    last = float(norms[-1])
    if not math.isfinite(last) or last <= 0.0:
        return None
    hits = np.flatnonzero(np.asarray(norms) >= fraction * last)
    return int(hits[0])


def timestep_grads(
    model, loss_fn, x: torch.Tensor, y: torch.Tensor, tbptt: int = 0
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...] | None]:
    """(dh, dc): per layer, (T,) norms of the total dL/dh_t (and dL/dc_t for an LSTM) of
    loss_fn(model's output, y) on inputs x, with a truncation window tbptt (0 = full).
    A measurement, not a training step: autograd.grad takes the gradient of the probe
    tensors only, so the parameters' .grad stay as they were."""
    run = model.unrolled(x, tbptt=tbptt, probe=True)
    leaves = [*run.eps_h, *(run.eps_c or [])]
    grads = torch.autograd.grad(loss_fn(run.y, y), leaves, allow_unused=True)
    norms = [timestep_grad_norms(g) if g is not None else np.zeros(x.shape[0]) for g in grads]
    layers = len(run.eps_h)
    return tuple(norms[:layers]), (tuple(norms[layers:]) if run.eps_c else None)


def param_grad_norms(model: nn.Module) -> dict[str, float]:
    return {
        name: float(torch.linalg.vector_norm(p.grad)) if p.grad is not None else 0.0
        for name, p in model.named_parameters()
    }


def global_grad_norm(params: list[nn.Parameter]) -> float:
    """The L2 norm of all gradients as one vector, as clip_grad_norm_ computes it."""
    grads = [p.grad.detach() for p in params if p.grad is not None]
    if not grads:
        return 0.0
    return float(
        torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    )


def spectrum(matrix: torch.Tensor) -> tuple[float, float]:
    """(spectral radius, largest singular value) of a square matrix."""
    m = matrix.detach().double()
    radius = float(torch.linalg.eigvals(m).abs().max())
    sigma = float(torch.linalg.matrix_norm(m, ord=2))
    return radius, sigma


def step_jacobian_norms(model, x: torch.Tensor, layer: int = 0) -> np.ndarray:
    """Spectral norms of the one-step state Jacobians dh_t/dh_{t-1} (for an LSTM the joint
    state (h, c)) along the first sequence of x, computed by autograd one step at a time.
    Their product bounds how much of dL/dh_T reaches h_0: the BPTT product of Jacobians."""
    with torch.no_grad():
        run = model.unrolled(x[:, :1])
    project, step = model.cell_fns(layer)
    inputs = x[:, :1] if layer == 0 else run.hs[layer - 1]
    xp = list(project(inputs))
    H = model.hidden
    hs = run.hs[layer][:, 0]  # (T, H)
    cs = run.cs[layer][:, 0] if run.cs is not None else None
    norms = []
    for t in range(1, len(xp)):
        if cs is None:

            def f(h, t=t):
                return step(xp[t], h[None], None, None)[0][0]

            jac = torch.autograd.functional.jacobian(f, hs[t - 1].detach(), vectorize=True)
        else:

            def f(hc, t=t):
                h, c = step(xp[t], hc[None, :H], hc[None, H:], None)
                return torch.cat([h[0], c[0]])

            state = torch.cat([hs[t - 1], cs[t - 1]]).detach()
            jac = torch.autograd.functional.jacobian(f, state, vectorize=True)
        norms.append(float(torch.linalg.matrix_norm(jac.double(), ord=2)))
    return np.asarray(norms)

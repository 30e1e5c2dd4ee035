"""The probed forward: the module's own recurrence stepped through time on its own
parameters (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}), with a zero
tensor added to every h_t (and c_t), so that after the caller's backward the probes'
gradient is the total BPTT dL/dh_t (dL/dc_t), every later path included.

Same call and return as the module's forward (input, hx) -> (output, h_n | (h_n, c_n)),
batch_first or not, batched or not. The gated layers are the project's own autograd
Functions (explorer.engine.gated: backward through time written out, about the fused
cost); a vanilla RNN's steps are recorded by autograd. The equations are PyTorch's:
LSTM gates i f g o; GRU gates r z n with r applied to (W_hn h + b_hn); an RNN's tanh or
relu. tests/test_watch_identity.py holds outputs and gradients to the fused layer's.

>>> import torch
>>> from torch import nn
>>> from explorer.watch.spec import describe
>>> lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True).double()
>>> x = torch.randn(2, 5, 3, dtype=torch.float64)  # (B, T, F)
>>> out, (h, c), probes = unrolled_forward(lstm, describe(lstm), x)
>>> torch.allclose(out, lstm(x)[0], rtol=1e-12, atol=1e-15), tuple(probes.h[0].shape)
(True, (5, 2, 4))
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from explorer.engine.gated import GRULayer, LSTMLayer
from explorer.watch.spec import ModuleSpec

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]  # h (L, B, H) or (h, c) for LSTM


@dataclass
class StateProbes:
    """The zero leaves added to the states; their gradients are dL/dh_t and dL/dc_t."""

    h: list[torch.Tensor]  # per layer, (T, B, H), time-major whatever the module's layout
    c: list[torch.Tensor] | None  # per layer, (T, B, H); LSTM only


def unrolled_forward(
    module: nn.RNNBase, spec: ModuleSpec, input: torch.Tensor, hx: State | None = None
) -> tuple[torch.Tensor, State, StateProbes]:
    """(output, state, probes): the module's forward, stepped on its own weights."""
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(1)  # unbatched (T, F) -> (T, 1, F)
    if batched and spec.batch_first:
        x = x.transpose(0, 1)  # (B, T, F) -> (T, B, F)
    T, B, _ = x.shape
    lstm = spec.cell == "lstm"
    h0, c0 = _initial_state(x, spec, hx, batched)
    probes = StateProbes([], [] if lstm else None)
    h_last, c_last, inp = [], [], x
    for layer in range(spec.layers):
        e_h = x.new_zeros(T, B, spec.hidden, requires_grad=True)
        e_c = x.new_zeros(T, B, spec.hidden, requires_grad=True) if lstm else None
        inp, cells = _layer(module, spec, layer, inp, h0[layer], c0, e_h, e_c)
        probes.h.append(e_h)
        h_last.append(inp[-1])
        if probes.c is not None and cells is not None:
            probes.c.append(e_c)  # type: ignore[arg-type]
            c_last.append(cells[-1])
    output = inp.transpose(0, 1) if batched and spec.batch_first else inp
    h_n, c_n = torch.stack(h_last), (torch.stack(c_last) if lstm else None)
    if not batched:
        output, h_n = output.squeeze(1), h_n.squeeze(1)
        c_n = c_n.squeeze(1) if c_n is not None else None
    return output, ((h_n, c_n) if c_n is not None else h_n), probes


def _initial_state(
    x: torch.Tensor, spec: ModuleSpec, hx: State | None, batched: bool
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(h0, c0), each (L, B, H): the caller's, or zeros as the module uses without one."""
    lstm = spec.cell == "lstm"
    if hx is None:
        zeros = x.new_zeros(spec.layers, x.shape[1], spec.hidden)
        return zeros, (zeros if lstm else None)
    h0, c0 = hx if isinstance(hx, tuple) else (hx, None)
    if not batched:  # (L, H) -> (L, 1, H)
        h0, c0 = h0.unsqueeze(1), (c0.unsqueeze(1) if c0 is not None else None)
    return h0, c0


def _layer(
    module: nn.RNNBase,
    spec: ModuleSpec,
    layer: int,
    inp: torch.Tensor,
    h: torch.Tensor,
    c0: torch.Tensor | None,
    e_h: torch.Tensor,
    e_c: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """One layer over the whole sequence: (T, B, F) -> ((T, B, H) outputs, cells or None)."""
    w_ih = getattr(module, f"weight_ih_l{layer}")
    w_hh = getattr(module, f"weight_hh_l{layer}")
    b_ih = getattr(module, f"bias_ih_l{layer}") if spec.bias else None
    b_hh = getattr(module, f"bias_hh_l{layer}") if spec.bias else None
    if spec.cell == "lstm":
        xp = F.linear(inp, w_ih, b_ih + b_hh if spec.bias else None)  # (T, B, 4H)
        return LSTMLayer.apply(xp, h, c0[layer], w_hh, e_h, e_c, 0)
    if spec.cell == "gru":  # b_hn stays inside r * (W_hn h + b_hn): b_hh goes in whole
        b_hh = b_hh if spec.bias else w_hh.new_zeros(w_hh.shape[0])
        return GRULayer.apply(F.linear(inp, w_ih, b_ih), h, w_hh, b_hh, e_h, 0), None
    act = torch.relu if spec.nonlinearity == "relu" else torch.tanh
    xp = F.linear(inp, w_ih, b_ih + b_hh if spec.bias else None)  # (T, B, H), at once
    w_t, outs = w_hh.t(), []
    # unbind, not indexing: one backward node for all T slices
    for xp_t, eps_t in zip(xp.unbind(0), e_h.unbind(0), strict=True):
        h = act(torch.addmm(xp_t, h, w_t)) + eps_t
        outs.append(h)
    return torch.stack(outs), None

"""Shared makings of the watch tests: a recurrent layer of every supported kind, an input
for it, and a loss that reaches every timestep (float64 throughout)."""

from __future__ import annotations

import itertools

import torch
from torch import nn

import explorer

# (cell, nonlinearity): the four recurrences explorer.watch reproduces
KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
CASES = list(itertools.product(KINDS, (1, 2, 3), (False, True), (False, True)))
F_IN, H, B, T = 4, 5, 3, 7


def case_id(case) -> str:
    (cell, act), layers, batch_first, state = case
    return f"{cell}-{act}-L{layers}-{'bf' if batch_first else 'tm'}-{'h0' if state else 'zero'}"


def make_layer(cell: str, act: str, layers: int, batch_first: bool, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    if cell == "rnn":
        return nn.RNN(F_IN, H, layers, nonlinearity=act, batch_first=batch_first).double()
    return {"lstm": nn.LSTM, "gru": nn.GRU}[cell](F_IN, H, layers, batch_first=batch_first).double()


def make_input(batch_first: bool, seed: int, T: int = T) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(T, B, F_IN, generator=g, dtype=torch.float64)  # (T, B, F)
    return x.transpose(0, 1).contiguous() if batch_first else x


def make_state(cell: str, layers: int, seed: int):
    """An initial state that requires grad, so its gradient is compared too."""
    g = torch.Generator().manual_seed(seed + 1000)
    h0 = torch.randn(layers, B, H, generator=g, dtype=torch.float64, requires_grad=True)
    if cell == "lstm":
        c0 = torch.randn(layers, B, H, generator=g, dtype=torch.float64, requires_grad=True)
        return (h0, c0)
    return h0


def loss_of(out: torch.Tensor, state, batch_first: bool) -> torch.Tensor:
    """A loss on every timestep's output and on the final state: every path is used."""
    weights = torch.linspace(0.5, 1.5, out.shape[1 if batch_first else 0], dtype=out.dtype)
    seq = out.transpose(0, 1) if batch_first else out  # (T, B, H)
    h_n = state[0] if isinstance(state, tuple) else state
    return (weights[:, None, None] * seq.sin()).sum() + (h_n**2).sum()


def trained_probe(cell: str, seed: int, steps: int = 6, lengths=(7,)):
    """A 2-layer batch_first layer trained with Adam and clipping, probed every 2nd step,
    with losses logged and a validation loss every 3rd step."""
    layer = make_layer(cell, "tanh", 2, True, seed)
    opt = torch.optim.Adam(layer.parameters(), lr=0.01)
    probe = explorer.watch(layer, interval=2, optimizer=opt)
    for step in range(steps):
        x = make_input(True, 100 * seed + step, T=lengths[step % len(lengths)])
        out, final = layer(x)
        loss = loss_of(out, final, True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(layer.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        probe.log(loss=loss, val_loss=loss.item() / 2 if step % 3 == 2 else None)
    return probe

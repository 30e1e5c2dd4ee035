"""Recurrent models with two forward paths over the very same weights.

- ``forward`` runs the fused torch layer (nn.RNN / nn.LSTM / nn.GRU): the fast path.
- ``unrolled`` steps through time with plain matmuls on the fused layer's own parameters and
  exposes every h_t (and the LSTM's c_t). With ``probe=True`` it adds a zero tensor eps_t to
  each h_t (and c_t); after backward, eps.grad is exactly the total BPTT gradient dL/dh_t,
  including every path through later timesteps. (retain_grad on the fused layer's output
  would give only the direct path from the head, the wrong number.) The vanilla RNN's
  steps are recorded by autograd; a GRU or LSTM layer is one autograd Function
  (GRULayer, LSTMLayer) whose backward through time is written out, at about the fused
  layer's cost: that is what lets a probed step train the model (explorer/engine/training.py).

Both paths give the same outputs and parameter gradients (tests/test_models.py). All
tensors are time-major: x is (T, B, F).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from explorer.config import RunConfig
from explorer.engine.gated import GRULayer, LSTMLayer
from explorer.tasks import Head, Task

CORES: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # blocks of H rows stacked in W_ih and W_hh
# The block of W_hh that feeds the candidate state: PyTorch orders gates as
# LSTM (i, f, g, o) and GRU (r, z, n).
CANDIDATE_BLOCK = {"rnn": 0, "lstm": 2, "gru": 2}

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]  # h (L, B, H), or (h, c) for LSTM


@dataclass
class Unrolled:
    y: torch.Tensor  # head output: (B, O) or (T, B, O)
    hs: list[torch.Tensor]  # per layer, (T, B, H)
    cs: list[torch.Tensor] | None  # per layer, (T, B, H); LSTM only
    eps_h: list[torch.Tensor] | None  # per layer probe leaves, (T, B, H); grad = dL/dh_t
    eps_c: list[torch.Tensor] | None  # per layer probe leaves, (T, B, H); grad = dL/dc_t
    state: State


class RecurrentModel(nn.Module):
    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden: int,
        layers: int,
        output_size: int,
        head: Head,
        nonlinearity: str = "tanh",
    ) -> None:
        super().__init__()
        self.cell, self.hidden, self.layers, self.head_on = cell, hidden, layers, head
        kwargs = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        self.core = CORES[cell](input_size, hidden, layers, **kwargs)
        self.head = nn.Linear(hidden, output_size)
        self.act = torch.relu if nonlinearity == "relu" else torch.tanh

    # -- fused path ----------------------------------------------------------------
    def forward(
        self, x: torch.Tensor, state: State | None = None, tbptt: int = 0
    ) -> tuple[torch.Tensor, State]:
        """Fused layers; with a truncation window k the state is detached every k steps."""
        if tbptt and tbptt < x.shape[0]:
            outs = []
            for start in range(0, x.shape[0], tbptt):
                if state is not None:
                    state = _detach(state)
                out, state = self.core(x[start : start + tbptt], state)
                outs.append(out)
            out = torch.cat(outs)
        else:
            out, state = self.core(x, state)
        return self._apply_head(out), state

    def _apply_head(self, out: torch.Tensor) -> torch.Tensor:
        return self.head(out[-1] if self.head_on == "last" else out)

    # -- unrolled path -------------------------------------------------------------
    def unrolled(
        self, x: torch.Tensor, state: State | None = None, tbptt: int = 0, probe: bool = False
    ) -> Unrolled:
        T, B, _ = x.shape
        H, L = self.hidden, self.layers
        lstm = self.cell == "lstm"
        if state is None:
            zeros = x.new_zeros(L, B, H)
            state = (zeros, zeros) if lstm else zeros
        h0s = state[0] if lstm else state
        c0s = state[1] if lstm else None
        hs, cs, eps_h, eps_c, h_last, c_last = [], [], [], [], [], []
        inp = x
        for layer in range(L):
            e_h = x.new_zeros(T, B, H, requires_grad=True) if probe else None
            e_c = x.new_zeros(T, B, H, requires_grad=True) if probe and lstm else None
            out, c_seq = self._layer(
                layer, inp, h0s[layer], None if c0s is None else c0s[layer], tbptt, e_h, e_c
            )
            hs.append(out)
            h_last.append(out[-1])
            if lstm:
                cs.append(c_seq)
                c_last.append(c_seq[-1])
            eps_h.append(e_h)
            eps_c.append(e_c)
            inp = out
        h_n = torch.stack(h_last)
        new_state: State = (h_n, torch.stack(c_last)) if lstm else h_n
        return Unrolled(
            self._apply_head(hs[-1]),
            hs,
            cs if lstm else None,
            eps_h if probe else None,
            eps_c if probe and lstm else None,
            new_state,
        )

    def _weights(self, layer: int) -> tuple[torch.Tensor, ...]:
        core = self.core
        return (
            getattr(core, f"weight_ih_l{layer}"),
            getattr(core, f"weight_hh_l{layer}"),
            getattr(core, f"bias_ih_l{layer}"),
            getattr(core, f"bias_hh_l{layer}"),
        )

    def cell_fns(self, layer: int) -> tuple[Callable, Callable]:
        """(project, step) for one layer: project maps the whole input sequence (T, B, F)
        to its input-side pre-activations at once; step(xp_t, h, c, eps_c) -> (h, c)
        advances one timestep. eps_c is added to c_t before h_t reads it (LSTM probe)."""
        w_ih, w_hh, b_ih, b_hh = self._weights(layer)
        H, act = self.hidden, self.act
        w_hh_t = w_hh.t()
        if self.cell == "rnn":

            def step(xp_t, h, c, e_c):
                return act(torch.addmm(xp_t, h, w_hh_t)), None

            return (lambda inp: F.linear(inp, w_ih, b_ih + b_hh).unbind(0)), step
        if self.cell == "lstm":

            def step(xp_t, h, c, e_c):
                gates = torch.addmm(xp_t, h, w_hh_t)  # (B, 4H): i f g o
                sig = torch.sigmoid(gates)
                i, f, o = sig[:, :H], sig[:, H : 2 * H], sig[:, 3 * H :]
                c = torch.addcmul(f * c, i, torch.tanh(gates[:, 2 * H : 3 * H]))
                if e_c is not None:
                    c = c + e_c
                return o * torch.tanh(c), c

            return (lambda inp: F.linear(inp, w_ih, b_ih + b_hh).unbind(0)), step

        # GRU, gates r z n. b_hn must stay inside r * (W_hn h + b_hn); the r and z biases
        # only ever appear summed, so they fold into the input projection.
        w_rz_t, w_n_t, b_n = w_hh[: 2 * H].t(), w_hh[2 * H :].t(), b_hh[2 * H :]
        b_fold = torch.cat([b_ih[: 2 * H] + b_hh[: 2 * H], b_ih[2 * H :]])

        def step(xp_t, h, c, e_c):
            xp_rz, xp_n = xp_t
            rz = torch.sigmoid(torch.addmm(xp_rz, h, w_rz_t))  # (B, 2H)
            r, z = rz[:, :H], rz[:, H:]
            n = torch.tanh(torch.addcmul(xp_n, r, torch.addmm(b_n, h, w_n_t)))
            return torch.lerp(n, h, z), None  # (1 - z) * n + z * h

        def project(inp):
            xp = F.linear(inp, w_ih, b_fold)  # (T, B, 3H)
            return zip(xp[..., : 2 * H].unbind(0), xp[..., 2 * H :].unbind(0), strict=True)

        return project, step

    def _layer(self, layer, inp, h, c, tbptt, e_h, e_c):
        if self.cell != "rnn":  # gated cells: the recurrence with its backward by hand
            w_ih, w_hh, b_ih, b_hh = self._weights(layer)
            if self.cell == "gru":
                return GRULayer.apply(F.linear(inp, w_ih, b_ih), h, w_hh, b_hh, e_h, tbptt), None
            xp = F.linear(inp, w_ih, b_ih + b_hh)
            return LSTMLayer.apply(xp, h, c, w_hh, e_h, e_c, tbptt)
        project, step = self.cell_fns(layer)
        xp = project(inp)  # T x (B, G*H): project once for all timesteps
        # unbind, not indexing: one backward node for all T slices (indexing makes T
        # nodes, each scattering into a full-size zero tensor).
        eps_h = e_h.unbind(0) if e_h is not None else None
        eps_c = e_c.unbind(0) if e_c is not None else None
        outs, cells = [], []
        for t, xp_t in enumerate(xp):
            if tbptt and t and t % tbptt == 0:  # truncated BPTT: cut the graph here
                h = h.detach()
                c = c.detach() if c is not None else None
            h, c = step(xp_t, h, c, eps_c[t] if eps_c is not None else None)
            if eps_h is not None:
                h = h + eps_h[t]
            outs.append(h)
            cells.append(c)
        return torch.stack(outs), torch.stack(cells) if c is not None else None

    # -- introspection -------------------------------------------------------------
    def recurrent_matrices(self) -> list[torch.Tensor]:
        """Per layer, the (H, H) block of W_hh that feeds the candidate state: the whole
        W_hh of a vanilla RNN, W_hg of an LSTM, W_hn of a GRU."""
        k, H = CANDIDATE_BLOCK[self.cell], self.hidden
        return [self._weights(layer)[1][k * H : (k + 1) * H] for layer in range(self.layers)]


def _detach(state: State) -> State:
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)  # type: ignore[return-value]
    return state.detach()


def build_model(config: RunConfig, task: Task) -> RecurrentModel:
    """The model for a config, its weights a pure function of the seed."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        model = RecurrentModel(
            config.cell,
            task.input_size,
            config.hidden,
            config.layers,
            task.output_size,
            task.head,
            config.nonlinearity,
        )
        init_weights(model, config)
    return model


@torch.no_grad()
def init_weights(model: RecurrentModel, config: RunConfig) -> None:
    """Apply the config's initialisation, then W_hh gain, then the LSTM forget bias."""
    H, gates = model.hidden, GATES[model.cell]
    for layer in range(model.layers):
        w_ih, w_hh, b_ih, b_hh = model._weights(layer)
        if config.init == "orthogonal":
            for k in range(gates):
                nn.init.orthogonal_(w_hh[k * H : (k + 1) * H])
        elif config.init == "identity":  # IRNN (Le, Jaitly & Hinton 2015)
            w_hh.copy_(torch.eye(H))
            nn.init.normal_(w_ih, 0.0, 0.001)
            b_ih.zero_()
            b_hh.zero_()
        elif config.init == "small_normal":
            for p in (w_ih, w_hh, b_ih, b_hh):
                nn.init.normal_(p, 0.0, 0.001)
        w_hh.mul_(config.whh_gain)
        if model.cell == "lstm":
            b_ih[H : 2 * H] += config.forget_bias

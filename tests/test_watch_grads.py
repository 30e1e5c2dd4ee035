"""What a probe records equals an independent computation: a textbook unroll of the same
weights (the equations written out here, not explorer's) with retain_grad on every h_t
and c_t gives the total dL/dh_t and dL/dc_t; the recorded per-layer norms must match it
to 1e-6 relative in float64. Parameter norms, the global norm before and after clipping,
accumulation over micro-batches and the spectrum are checked the same way."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from watch_cases import CASES, case_id, loss_of, make_input, make_layer, make_state

import explorer
from explorer.engine.probes import gradient_horizon

RTOL = 1e-6


def textbook_unroll(layer, x, state):
    """(output, final state, per layer [h_t], per layer [c_t] or None), step by step."""
    cell, L, H = _cell(layer), layer.num_layers, layer.hidden_size
    seq = x.transpose(0, 1) if layer.batch_first else x  # (T, B, F)
    B = seq.shape[1]
    h0 = state[0] if isinstance(state, tuple) else state
    c0 = state[1] if isinstance(state, tuple) else None
    h0 = h0 if h0 is not None else seq.new_zeros(L, B, H)
    c0 = c0 if c0 is not None else seq.new_zeros(L, B, H)
    hs_all, cs_all, inp, h_n, c_n = [], [], list(seq.unbind(0)), [], []
    for k in range(L):
        w_ih, w_hh = getattr(layer, f"weight_ih_l{k}"), getattr(layer, f"weight_hh_l{k}")
        b_ih, b_hh = getattr(layer, f"bias_ih_l{k}"), getattr(layer, f"bias_hh_l{k}")
        h, c, hs, cs = h0[k], c0[k], [], []
        for x_t in inp:
            gi, gh = x_t @ w_ih.T + b_ih, h @ w_hh.T + b_hh
            if cell == "lstm":
                i, f, g, o = (gi + gh).chunk(4, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                c.retain_grad()
                cs.append(c)
                h = torch.sigmoid(o) * torch.tanh(c)
            elif cell == "gru":
                (i_r, i_z, i_n), (h_r, h_z, h_n_) = gi.chunk(3, 1), gh.chunk(3, 1)
                r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
                n = torch.tanh(i_n + r * h_n_)
                h = (1 - z) * n + z * h
            else:
                h = (torch.relu if layer.nonlinearity == "relu" else torch.tanh)(gi + gh)
            h.retain_grad()
            hs.append(h)
        hs_all.append(hs)
        cs_all.append(cs)
        h_n.append(h)
        c_n.append(c)
        inp = hs
    out = torch.stack(inp)
    out = out.transpose(0, 1) if layer.batch_first else out
    final = (torch.stack(h_n), torch.stack(c_n)) if cell == "lstm" else torch.stack(h_n)
    return out, final, hs_all, (cs_all if cell == "lstm" else None)


def _cell(layer) -> str:
    return type(layer).__name__.lower()


def norms(tensors) -> np.ndarray:
    """(T,) norms over batch and units, computed here from the per-step gradients."""
    return np.asarray([math.sqrt(float((t.grad.double() ** 2).sum())) for t in tensors])


def assert_rel(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=0)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_recorded_profiles_equal_a_textbook_unroll(case):
    (cell, act), layers, batch_first, with_state = case
    for seed in range(3):
        layer = make_layer(cell, act, layers, batch_first, seed)
        x = make_input(batch_first, seed)
        state = make_state(cell, layers, seed) if with_state else None
        out, final, hs, cs = textbook_unroll(layer, x, state)
        loss_of(out, final, batch_first).backward()
        want_params = {n: float(p.grad.norm()) for n, p in layer.named_parameters()}
        layer.zero_grad()
        probe = explorer.watch(layer, interval=1)
        got_out, got_final = layer(x, state)
        torch.testing.assert_close(got_out, out, rtol=1e-12, atol=1e-14)  # same model
        loss_of(got_out, got_final, batch_first).backward()
        record = probe.history.probes[-1]
        for k in range(layers):
            assert_rel(record.dh[k], norms(hs[k]))
            if cell == "lstm":
                assert_rel(record.dc[k], norms(cs[k]))
        assert record.dc is None or cell == "lstm"
        assert record.horizon == gradient_horizon(norms(hs[-1]))
        assert record.param_norms.keys() == want_params.keys()
        for name, value in want_params.items():
            assert record.param_norms[name] == pytest.approx(value, rel=RTOL), name
        probe.remove()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_accumulation_and_clipping_with_an_optimizer(cell):
    layer = make_layer(cell, "tanh", 2, True)
    opt = torch.optim.SGD(layer.parameters(), lr=0.01)
    probe = explorer.watch(layer, interval=1, optimizer=opt)
    grads = []
    for step in range(3):
        for micro in range(2):  # two micro-batches accumulate into one step
            out, final = layer(make_input(True, 10 * step + micro))
            loss_of(out, final, True).backward()
        assert probe.steps == step  # reading mid-step ends nothing: the optimizer does
        grads.append({n: p.grad.clone() for n, p in layer.named_parameters()})
        max_norm = 1.0 if step != 1 else 1e6  # step 2 is not clipped
        torch.nn.utils.clip_grad_norm_(layer.parameters(), max_norm)
        opt.step()
        opt.zero_grad()
        probe.log(loss=float(step))
    history = probe.history
    assert [r.step for r in history.steps] == [1, 2, 3]
    assert [p.step for p in history.probes] == [1, 1, 2, 2, 3, 3]  # two probed forwards each
    for record, g in zip(history.steps, grads, strict=True):
        total = math.sqrt(sum(float(v.norm()) ** 2 for v in g.values()))
        assert record.grad_norm == pytest.approx(total, rel=1e-12)
        if record.step == 2:
            assert not record.clipped and record.grad_norm_clipped == record.grad_norm
        else:
            assert record.clipped and record.grad_norm_clipped == pytest.approx(1.0, rel=1e-5)
        assert record.loss == record.step - 1
        probe_norms = history.probes[2 * record.step - 1].param_norms
        for name, value in g.items():  # the accumulated gradient, before clipping
            assert probe_norms[name] == pytest.approx(float(value.norm()), rel=1e-12)
    # the spectrum of each probed step's starting weights: taken before its update
    assert [s.step for s in history.spectra] == [0, 1, 2]


def test_spectrum_is_of_the_candidate_block():
    layer = make_layer("lstm", "tanh", 2, False)
    probe = explorer.watch(layer, interval=1)
    out, final = layer(make_input(False, 0))
    loss_of(out, final, False).backward()
    spectra = probe.history.spectra[0]
    for k in range(2):
        w = getattr(layer, f"weight_hh_l{k}").detach()[10:15]  # W_hg: gate g, rows 2H..3H
        radius = float(torch.linalg.eigvals(w).abs().max())
        assert spectra.spectral_radius[k] == pytest.approx(radius)
        assert spectra.sigma_max[k] == pytest.approx(float(torch.linalg.svdvals(w)[0]))


def test_a_wide_layer_samples_its_spectrum_less_often():
    layer = torch.nn.RNN(2, 129)  # wider than 128: a spectrum every 8th probe
    probe = explorer.watch(layer, interval=1)
    for seed in range(10):
        layer(torch.randn(3, 2, 2, generator=torch.Generator().manual_seed(seed)))[
            0
        ].sum().backward()
    history = probe.history
    assert len(history.probes) == 10
    assert [s.step for s in history.spectra] == [0, 8]

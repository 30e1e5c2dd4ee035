"""What keeps probing cheap: the gated layers' hand-written backward through time
(GRULayer, LSTMLayer) against autograd's numerical Jacobians, the probe norms' memory, and
the benchmarks running from a fresh clone as the README prints them."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import test_models
import torch
import torch.nn.functional as F
from test_models import data, make_model

import explorer.engine.gated
from explorer.config import RunConfig
from explorer.engine.models import GRULayer, LSTMLayer
from explorer.engine.probes import timestep_grad_norms
from explorer.engine.training import Trainer

ROOT = Path(__file__).resolve().parents[1]
B, H = 2, 3  # the layers' tests: batch and hidden size
CHUNKS = [0, 1, 2, 3]  # steps per chunk of the layers' buffers (0: the default, all T)


@pytest.fixture(params=CHUNKS, ids=[f"chunk{c}" for c in CHUNKS])
def chunk(request, monkeypatch) -> int:
    """Time cut into chunks of this many steps (the default fits all T of these tests)."""
    if request.param:
        monkeypatch.setattr(explorer.engine.gated, "CHUNK_ELEMENTS", request.param * B * H)
    return request.param


def _inputs(gates: int, T: int, B: int, H: int, seed: int = 0) -> list[torch.Tensor]:
    """Random float64 leaves: xp (T, B, G*H), h0, c0 (B, H), W_hh (G*H, H), b_hh (G*H,),
    and non-zero probe tensors eps_h, eps_c (T, B, H), so that adding them matters."""
    g = torch.Generator().manual_seed(seed)

    def leaf(*shape: int, scale: float = 1.0) -> torch.Tensor:
        t = torch.randn(*shape, generator=g, dtype=torch.float64) * scale
        return t.requires_grad_()

    return [
        leaf(T, B, gates * H),
        leaf(B, H, scale=0.5),
        leaf(B, H, scale=0.5),
        leaf(gates * H, H, scale=0.4),
        leaf(gates * H, scale=0.3),
        leaf(T, B, H, scale=0.1),
        leaf(T, B, H, scale=0.1),
    ]


def _gru_reference(xp, h0, w, b, e_h, tbptt):
    """The same GRU layer recorded by autograd step by step, truncation by detach."""
    H, h, out = h0.shape[1], h0, []
    for t in range(xp.shape[0]):
        if tbptt and t and t % tbptt == 0:
            h = h.detach()
        a = h @ w.T + b
        r = torch.sigmoid(xp[t, :, :H] + a[:, :H])
        z = torch.sigmoid(xp[t, :, H : 2 * H] + a[:, H : 2 * H])
        n = torch.tanh(xp[t, :, 2 * H :] + r * a[:, 2 * H :])
        h = (1 - z) * n + z * h + e_h[t]
        out.append(h)
    return torch.stack(out)


def _lstm_reference(xp, h0, c0, w, e_h, e_c, tbptt):
    """The same LSTM layer recorded by autograd step by step, truncation by detach."""
    H, h, c, hs, cs = h0.shape[1], h0, c0, [], []
    for t in range(xp.shape[0]):
        if tbptt and t and t % tbptt == 0:
            h, c = h.detach(), c.detach()
        a = xp[t] + h @ w.T
        i, f, o = (torch.sigmoid(a[:, k * H : (k + 1) * H]) for k in (0, 1, 3))
        c = f * c + i * torch.tanh(a[:, 2 * H : 3 * H]) + e_c[t]
        h = o * torch.tanh(c) + e_h[t]
        hs.append(h)
        cs.append(c)
    return torch.stack(hs), torch.stack(cs)


def _grads(outputs, leaves, seed: int = 3) -> list[torch.Tensor]:
    """Gradients of a random linear function of the outputs (every element matters)."""
    g = torch.Generator().manual_seed(seed)
    loss = sum((o * torch.randn(o.shape, generator=g, dtype=o.dtype)).sum() for o in outputs)
    return list(torch.autograd.grad(loss, leaves))


@pytest.mark.parametrize("T", [1, 5])
def test_gru_layer_gradcheck(T: int, chunk: int) -> None:
    """GRULayer's backward (xp, h0, W_hh, b_hh and the probe eps_h) against finite
    differences, its buffers in one chunk or several."""
    xp, h0, _, w, b, e_h, _ = _inputs(3, T, B, H)
    assert torch.autograd.gradcheck(lambda *a: GRULayer.apply(*a, 0), (xp, h0, w, b, e_h))


@pytest.mark.parametrize("T", [1, 5])
def test_lstm_layer_gradcheck(T: int, chunk: int) -> None:
    """LSTMLayer's backward (xp, h0, c0, W_hh and both probes) against finite
    differences, through both outputs h and c, in one chunk or several."""
    xp, h0, c0, w, _, e_h, e_c = _inputs(4, T, B, H)
    assert torch.autograd.gradcheck(lambda *a: LSTMLayer.apply(*a, 0), (xp, h0, c0, w, e_h, e_c))


@pytest.mark.parametrize(("T", "tbptt"), [(6, 0), (7, 3), (6, 2), (5, 1)])
def test_layers_match_autograd_with_truncation(T: int, tbptt: int, chunk: int) -> None:
    """With truncated BPTT the gradient is not the derivative (gradcheck does not apply):
    both layers give what autograd gives through the same steps with the state detached
    every tbptt steps, for every input, and the same outputs, whether or not the chunks
    of their buffers line up with the truncation windows."""
    xp, h0, c0, w, b, e_h, e_c = _inputs(3, T, B, H)
    leaves = [xp, h0, w, b, e_h]
    got = GRULayer.apply(*leaves, tbptt)
    ref = _gru_reference(*leaves, tbptt)
    torch.testing.assert_close(got, ref, rtol=0, atol=1e-12)
    for a, r in zip(_grads([got], leaves), _grads([ref], leaves), strict=True):
        torch.testing.assert_close(a, r, rtol=0, atol=1e-12)

    xp, h0, c0, w, b, e_h, e_c = _inputs(4, T, B, H)
    leaves = [xp, h0, c0, w, e_h, e_c]
    got = LSTMLayer.apply(*leaves, tbptt)
    ref = _lstm_reference(*leaves, tbptt)
    for a, r in zip(got, ref, strict=True):
        torch.testing.assert_close(a, r, rtol=0, atol=1e-12)
    for a, r in zip(_grads(got, leaves), _grads(ref, leaves), strict=True):
        torch.testing.assert_close(a, r, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_layers_skip_zero_probes_but_not_others(cell: str) -> None:
    """A zero probe is not added (it would change nothing) yet receives its gradient; a
    non-zero one shifts every later state, as the textbook h_t + eps_t does."""
    gates = 3 if cell == "gru" else 4
    xp, h0, c0, w, b, e_h, _ = _inputs(gates, 4, B, H)

    def run(eps_h):
        if cell == "gru":
            return GRULayer.apply(xp, h0, w, b, eps_h, 0)
        return LSTMLayer.apply(xp, h0, c0, w, eps_h, None, 0)[0]

    zero = torch.zeros_like(e_h, requires_grad=True)
    plain = run(None)
    probed = run(zero)
    torch.testing.assert_close(probed, plain, rtol=0, atol=0)
    probed.sum().backward()
    assert zero.grad is not None and zero.grad.abs().min() > 0
    with torch.no_grad():
        bumped = e_h.detach().clone()
        bumped[:2] = 0  # zero at t = 0, 1: from t = 2 on the states differ
        shifted = run(bumped)
    torch.testing.assert_close(shifted[:2], plain[:2].detach(), rtol=0, atol=0)
    assert (shifted[2] - plain[2]).abs().min() > 0


@pytest.mark.parametrize(("cell", "layers"), list(itertools.product(["gru", "lstm"], [1, 2])))
def test_gradient_reaches_a_given_state_and_the_inputs(cell: str, layers: int) -> None:
    """The initial state and the inputs get the same gradients from the unrolled path as
    from the fused layer (the Functions return dL/dh0, dL/dc0 and dL/dxp)."""
    model = make_model(cell, layers, head="every")
    x, target = data(model, T=6, B=3)
    g = torch.Generator().manual_seed(2)
    h0, c0 = (0.5 * torch.randn(layers, 3, 4, generator=g, dtype=torch.float64) for _ in "hc")

    def grads(path: str) -> list[torch.Tensor]:
        leaves = [t.clone().requires_grad_() for t in (x, h0, c0)]
        state = tuple(leaves[1:]) if cell == "lstm" else leaves[1]
        if path == "fused":
            y = model(leaves[0], state)[0]
        else:
            y = model.unrolled(leaves[0], state, probe=True).y
        F.mse_loss(y, target).backward()
        return [t.grad for t in leaves[: 3 if cell == "lstm" else 2]]

    for a, b in zip(grads("fused"), grads("unrolled"), strict=True):
        torch.testing.assert_close(b, a, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("cell", "layers", "tbptt"), list(itertools.product(["gru", "lstm"], [1, 2], [0, 3]))
)
def test_models_agree_with_their_buffers_in_chunks(cell, layers, tbptt, monkeypatch) -> None:
    """test_models' two central checks again with time cut into chunks of 2 steps (its
    batches of 3 x hidden 4), so that a chunk boundary falls inside every sequence."""
    monkeypatch.setattr(explorer.engine.gated, "CHUNK_ELEMENTS", 2 * 3 * 4)
    assert explorer.engine.gated._chunks(7, 3, 4) == [(0, 2), (2, 4), (4, 6), (6, 7)]
    test_models.test_fused_unrolled_and_manual_agree(cell, layers, tbptt, "every")
    test_models.test_eps_grad_matches_autograd_through_manual_unroll(cell, layers, tbptt)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_float32_probed_step_matches_the_fused_step(cell: str) -> None:
    """At the app's defaults (float32), a probed training step and a fused one give the
    same parameter gradients up to float rounding: probing never changes the training."""
    config = RunConfig(cell=cell, steps=2)
    trainer = Trainer(config)
    batch = trainer.task.train_batch(0)
    model = trainer.model
    out = {}
    for path in ("fused", "unrolled"):
        model.zero_grad(set_to_none=True)
        y = model(batch.x)[0] if path == "fused" else model.unrolled(batch.x, probe=True).y
        trainer.task.loss(y, batch.y).backward()
        out[path] = [p.grad.clone() for p in model.parameters()]
    for a, b in zip(out["fused"], out["unrolled"], strict=True):
        torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-7)


def test_timestep_grad_norms_owns_its_memory() -> None:
    """The norms a history keeps are numpy's own arrays, not views of torch storage."""
    norms = timestep_grad_norms(torch.randn(9, 3, 4))
    assert isinstance(norms, np.ndarray) and norms.flags.owndata and norms.base is None


@pytest.mark.parametrize(
    "args",
    [["bench/bench_probes.py", "--steps", "2", "--rounds", "1"], ["bench/bench_compare.py", "-h"]],
)
def test_bench_scripts_run_as_printed(args: list[str]) -> None:
    """`python bench/NAME.py` from the repository root, without PYTHONPATH, as from a
    fresh clone: the script finds the explorer package itself."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "ModuleNotFoundError" not in done.stderr

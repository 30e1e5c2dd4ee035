"""Probes: the gradient-flow numbers against closed forms, numpy and finite differences."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_models import make_model, manual_unroll

from explorer.config import RunConfig
from explorer.engine.models import RecurrentModel, build_model
from explorer.engine.probes import (
    global_grad_norm,
    gradient_horizon,
    param_grad_norms,
    spectrum,
    step_jacobian_norms,
    timestep_grad_norms,
)
from explorer.tasks import make_task

# -- the analytic case: a linear RNN with W_hh = a I --------------------------------


def _expected_horizon(a: float, T: int, fraction: float = 1e-3) -> int:
    """Earliest t with a^(T-1-t) >= fraction, for 0 < a < 1 (else 0)."""
    if a >= 1:
        return 0
    reach = math.floor(math.log(fraction) / math.log(a))
    return max(0, T - 1 - reach)


def _dh_norms(model, x, target) -> np.ndarray:
    run = model.unrolled(x, probe=True)
    F.mse_loss(run.y, target).backward()
    return timestep_grad_norms(run.eps_h[0].grad)


@pytest.mark.parametrize("a", [0.5, 0.9, 1.0, 1.3])
def test_linear_rnn_gradient_decays_as_a_power_irnn(a: float) -> None:
    """IRNN config with whh_gain=a gives W_hh = a I; with positive inputs, weights and
    biases every ReLU pre-activation is positive, so the net is linear and, with the loss
    on the last step only, ||dL/dh_t|| = a^(T-1-t) ||dL/dh_{T-1}|| exactly."""
    T = 30
    cfg = RunConfig(task="adding", seq_len=T, init="identity", whh_gain=a, hidden=6)
    model = build_model(cfg, make_task(cfg)).double()
    with torch.no_grad():
        model.core.weight_ih_l0.abs_().add_(0.1)
        model.core.bias_ih_l0.fill_(0.1)
        model.core.bias_hh_l0.fill_(0.05)
    x = torch.rand(T, 4, 2, dtype=torch.float64)
    target = torch.rand(4, 1, dtype=torch.float64)
    norms = _dh_norms(model, x, target)
    w = model.core.weight_hh_l0.detach()
    a32 = w[0, 0].item()  # a as stored in float32 by build_model
    assert a32 == pytest.approx(a, rel=1e-7)
    torch.testing.assert_close(w, a32 * torch.eye(6, dtype=torch.float64), rtol=0, atol=0)
    powers = a32 ** (T - 1 - np.arange(T))
    np.testing.assert_allclose(norms / norms[-1], powers, rtol=1e-10)
    assert gradient_horizon(norms) == _expected_horizon(a, T)
    assert norms[-1] > 0


@pytest.mark.parametrize("a", [0.5, 0.8, 1.1])
def test_linear_rnn_gradient_decays_as_a_power_patched(a: float, monkeypatch) -> None:
    """The same law with the activation monkeypatched to the identity and random
    weights and biases of any sign: dL/dh_t = a^(T-1-t) dL/dh_{T-1} as vectors."""
    T, H = 12, 5
    model = make_model("rnn", hidden=H, head="last")
    monkeypatch.setattr(model, "act", lambda z: z)
    with torch.no_grad():
        model.core.weight_hh_l0.copy_(a * torch.eye(H, dtype=torch.float64))
    x = torch.randn(T, 3, 2, dtype=torch.float64)
    target = torch.randn(3, 1, dtype=torch.float64)
    run = model.unrolled(x, probe=True)
    F.mse_loss(run.y, target).backward()
    grad = run.eps_h[0].grad
    for t in range(T):
        torch.testing.assert_close(grad[t], a ** (T - 1 - t) * grad[-1], rtol=1e-10, atol=0)
    norms = timestep_grad_norms(grad)
    np.testing.assert_allclose(norms / norms[-1], a ** (T - 1 - np.arange(T)), rtol=1e-10)


# -- gradient_horizon and the norms -------------------------------------------------


@pytest.mark.parametrize(
    ("norms", "expected"),
    [
        ([1e-6, 0.004, 1.0, 2.0], 1),  # 2e-3 is the bar; 0.004 is the first above it
        ([1e-3, 1.0], 0),  # exactly on the bar counts
        ([9.99e-4, 1.0], 1),
        ([0.5, 1e-9, 1.0], 0),  # the earliest, even if a later step dips
        ([3.0], 0),
        ([0.0, 0.0, 5.0], 2),
        ([np.nan, 1.0], 1),
        ([1.0, 0.0], None),  # last norm 0: nothing to compare with
        ([1.0, np.nan], None),
        ([1.0, np.inf], None),
        ([1.0, -1.0], None),
    ],
)
def test_gradient_horizon_hand_made(norms, expected) -> None:
    """gradient_horizon on arrays whose answers are worked out by hand."""
    assert gradient_horizon(np.asarray(norms, dtype=float)) == expected


def test_gradient_horizon_fraction() -> None:
    """The fraction argument moves the bar."""
    norms = np.array([0.1, 0.6, 1.0])
    assert gradient_horizon(norms, fraction=0.5) == 1
    assert gradient_horizon(norms, fraction=0.05) == 0
    assert gradient_horizon(norms, fraction=1.0) == 2


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_timestep_grad_norms_is_frobenius_per_step(dtype) -> None:
    """(T, B, H) -> (T,) norms over batch and units together, as numpy computes them."""
    g = torch.randn(7, 3, 5, dtype=dtype) * torch.logspace(-8, 2, 7, dtype=dtype)[:, None, None]
    a = g.double().numpy()
    expected = np.sqrt((a**2).sum(axis=(1, 2)))
    got = timestep_grad_norms(g)
    assert got.dtype == np.float64 and got.shape == (7,)
    np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype == torch.float32 else 1e-13)


def _model_with_random_grads(dtype=torch.float64) -> RecurrentModel:
    model = make_model("lstm", layers=2, hidden=6).to(dtype)
    for p in model.parameters():
        p.grad = torch.randn_like(p) * 3
    model.core.bias_hh_l1.grad = None  # a parameter without a gradient
    return model


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_global_grad_norm_is_the_norm_of_all_grads_as_one_vector(dtype) -> None:
    """global_grad_norm = ||concat(all grads)||, skipping parameters without a grad, and
    equals what clip_grad_norm_ reports."""
    model = _model_with_random_grads(dtype)
    params = list(model.parameters())
    flat = np.concatenate([p.grad.double().numpy().ravel() for p in params if p.grad is not None])
    rtol = 1e-6 if dtype == torch.float32 else 1e-13
    assert global_grad_norm(params) == pytest.approx(np.linalg.norm(flat), rel=rtol)
    reported = torch.nn.utils.clip_grad_norm_(params, float("inf"))
    assert global_grad_norm(params) == pytest.approx(float(reported), rel=rtol)
    assert global_grad_norm([]) == 0.0
    model.zero_grad(set_to_none=True)
    assert global_grad_norm(params) == 0.0


def test_param_grad_norms_per_parameter() -> None:
    """One norm per named parameter (numpy), 0 for a parameter without a gradient."""
    model = _model_with_random_grads()
    norms = param_grad_norms(model)
    assert list(norms) == [n for n, _ in model.named_parameters()]
    for name, p in model.named_parameters():
        expected = 0.0 if p.grad is None else np.linalg.norm(p.grad.numpy().ravel())
        assert norms[name] == pytest.approx(expected, rel=1e-13), name
    assert norms["core.bias_hh_l1"] == 0.0


# -- spectrum -----------------------------------------------------------------------


def test_spectrum_random_matrix() -> None:
    """Spectral radius = max |eig| and sigma_max = largest singular value (numpy)."""
    rng = np.random.default_rng(0)
    m = rng.normal(size=(9, 9))
    radius, sigma = spectrum(torch.from_numpy(m).float())
    m32 = m.astype(np.float32).astype(np.float64)
    assert radius == pytest.approx(np.abs(np.linalg.eigvals(m32)).max(), rel=1e-10)
    assert sigma == pytest.approx(np.linalg.svd(m32, compute_uv=False)[0], rel=1e-10)
    assert sigma > radius  # a random matrix is not normal


def test_spectrum_rotation_and_non_normal() -> None:
    """A rotation has radius = sigma = 1; [[0.5, 10], [0, 0.5]] has radius 0.5 but a
    largest singular value near 10: the two numbers are really different measures."""
    c, s = math.cos(0.7), math.sin(0.7)
    radius, sigma = spectrum(torch.tensor([[c, -s], [s, c]], dtype=torch.float64))
    assert radius == pytest.approx(1.0, rel=1e-12)
    assert sigma == pytest.approx(1.0, rel=1e-12)
    m = np.array([[0.5, 10.0], [0.0, 0.5]])
    radius, sigma = spectrum(torch.from_numpy(m))
    assert radius == pytest.approx(0.5, rel=1e-7)
    assert sigma == pytest.approx(np.linalg.svd(m, compute_uv=False)[0], rel=1e-12)
    assert sigma > 10


# -- one-step Jacobians -------------------------------------------------------------


@pytest.mark.parametrize("layer", [0, 1])
def test_step_jacobian_norms_rnn_closed_form(layer: int) -> None:
    """For a tanh RNN dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh: its spectral norm from hidden
    states computed with numpy, along the first sequence, for t = 1 .. T-1."""
    model = make_model("rnn", layers=2, hidden=6)
    x = torch.randn(9, 3, 2, dtype=torch.float64)
    p = {n: v.detach().numpy() for n, v in model.core.named_parameters()}
    inputs = x[:, 0].numpy()
    for lyr in range(layer + 1):
        h = np.zeros(6)
        states = []
        for x_t in inputs:
            pre = p[f"weight_ih_l{lyr}"] @ x_t + p[f"bias_ih_l{lyr}"]
            h = np.tanh(pre + p[f"weight_hh_l{lyr}"] @ h + p[f"bias_hh_l{lyr}"])
            states.append(h)
        inputs = np.array(states)
    w = p[f"weight_hh_l{layer}"]
    expected = [np.linalg.norm(np.diag(1 - h_t**2) @ w, 2) for h_t in inputs[1:]]
    got = step_jacobian_norms(model, x, layer=layer)
    assert got.shape == (8,)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def _single_layer(model: RecurrentModel, layer: int) -> RecurrentModel:
    """Layer `layer` of a stack as a one-layer model of its own (same weights)."""
    core = model.core
    sub = RecurrentModel(model.cell, core.weight_ih_l0.shape[1] if layer == 0 else model.hidden,
                         model.hidden, 1, 1, "every").double()  # fmt: skip
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(sub.core, f"{name}_l0").copy_(getattr(core, f"{name}_l{layer}"))
    return sub


@pytest.mark.parametrize(("cell", "layer"), list(itertools.product(["lstm", "gru"], [0, 1])))
def test_step_jacobian_norms_gated_by_finite_differences(cell: str, layer: int) -> None:
    """LSTM (joint state (h, c)) and GRU: the one-step Jacobian by central differences of
    the textbook step (test_models.manual_unroll, one step from a given state), then its
    spectral norm with numpy."""
    H, T = 4, 6
    model = make_model(cell, layers=2, hidden=H)
    x = torch.randn(T, 2, 2, dtype=torch.float64)
    with torch.no_grad():
        _, hs, cs = manual_unroll(model, x[:, :1])
    inputs = x[:, :1] if layer == 0 else torch.stack(hs[0])
    sub = _single_layer(model, layer)
    lstm = cell == "lstm"

    def step(t: int, state: torch.Tensor) -> np.ndarray:
        h = state[:H].view(1, 1, H)
        start = (h, state[H:].view(1, 1, H)) if lstm else h
        with torch.no_grad():
            _, h1, c1 = manual_unroll(sub, inputs[t : t + 1], state=start)
        out = [h1[0][0][0]] + ([c1[0][0][0]] if lstm else [])
        return torch.cat(out).numpy()

    expected, delta = [], 1e-6
    for t in range(1, T):
        parts = [hs[layer][t - 1][0]] + ([cs[layer][t - 1][0]] if lstm else [])
        state = torch.cat(parts).detach()
        cols = []
        for k in range(state.numel()):
            e = torch.zeros_like(state)
            e[k] = delta
            cols.append((step(t, state + e) - step(t, state - e)) / (2 * delta))
        expected.append(np.linalg.norm(np.stack(cols, axis=1), 2))
    got = step_jacobian_norms(model, x, layer=layer)
    np.testing.assert_allclose(got, expected, rtol=1e-7)
    assert np.all(np.asarray(expected) > 0.01)

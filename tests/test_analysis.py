"""analysis.py against independent computations: numpy SVD for the PCA, hand-set models
with known outputs and a from-scratch rerun for the predictions, closed forms for the
Jacobians and plain arithmetic on the history for the summary."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from explorer.config import RunConfig
from explorer.engine.analysis import (
    Predictions,
    hidden_pca,
    run_summary,
    sine_predictions,
    step_jacobians,
)
from explorer.engine.history import History, StepRecord
from explorer.engine.models import RecurrentModel, build_model
from explorer.engine.training import Trainer
from explorer.tasks import SINE_DT, make_task


# -- PCA -----------------------------------------------------------------------------------
def _svd_reference(states: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    P, T, H = states.shape
    x = states.reshape(P * T, H).astype(np.float64)
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:k].T
    return coords.reshape(P, T, k), (s**2 / (s**2).sum())[:k]


def test_pca_matches_numpy_svd_up_to_sign():
    rng = np.random.default_rng(1)
    mixing = rng.normal(size=(6, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])[:, None]
    states = (rng.normal(size=(4, 12, 6)) @ mixing).astype(np.float32)  # (P, T, H)
    result = hidden_pca(states, step=42)
    coords, explained = _svd_reference(states, 3)
    assert result.step == 42
    assert result.coords.shape == (4, 12, 3)
    np.testing.assert_allclose(result.explained, explained, rtol=1e-6)
    for j in range(3):
        sign = np.sign(np.vdot(result.coords[..., j], coords[..., j]))
        np.testing.assert_allclose(result.coords[..., j], sign * coords[..., j], atol=1e-5)


def test_planted_circle_in_two_dimensions_is_found():
    rng = np.random.default_rng(2)
    basis, _ = np.linalg.qr(rng.normal(size=(8, 2)))  # (H, 2) orthonormal
    angle = np.linspace(0, 2 * np.pi, 60, endpoint=False).reshape(3, 20)  # (P, T)
    plane = np.stack([3 * np.cos(angle), 3 * np.sin(angle)], axis=-1)  # (P, T, 2)
    states = plane @ basis.T + 0.7  # an offset centring must remove
    result = hidden_pca(states)
    assert result.explained[:2].sum() == pytest.approx(1.0, abs=1e-9)
    assert result.explained[2] == pytest.approx(0.0, abs=1e-9)
    radius = np.linalg.norm(result.coords[..., :2], axis=-1)
    np.testing.assert_allclose(radius, 3.0, rtol=1e-9)


@pytest.mark.parametrize(
    ("shape", "k"),
    [((2, 5, 1), 1), ((2, 5, 2), 2), ((1, 1, 8), 1), ((1, 2, 8), 2), ((3, 4, 16), 3)],
)
def test_component_count_is_capped(shape, k):
    states = np.random.default_rng(3).normal(size=shape)
    result = hidden_pca(states)
    assert result.coords.shape == (*shape[:2], k)
    assert result.explained.shape == (k,)
    assert np.isfinite(result.explained).all()


def test_one_unit_explains_everything():
    states = np.arange(10.0).reshape(2, 5, 1)
    result = hidden_pca(states)
    assert result.explained.tolist() == [1.0]
    np.testing.assert_allclose(np.abs(result.coords[..., 0]), np.abs(states[..., 0] - 4.5))


def test_degenerate_states_do_not_crash():
    zeros = hidden_pca(np.zeros((2, 5, 4)))
    assert zeros.coords.shape == (2, 5, 3)
    assert not zeros.coords.any() and not zeros.explained.any()
    exploded = hidden_pca(np.full((2, 5, 4), np.inf))
    assert np.isnan(exploded.coords).all() and np.isfinite(exploded.explained).all()


# -- predictions -------------------------------------------------------------------------
def _persistence_model(head: str) -> RecurrentModel:
    """A ReLU RNN whose output is exactly its latest input: relu(x) - relu(-x) = x."""
    model = RecurrentModel("rnn", 1, 2, 1, 1, head, nonlinearity="relu")
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.core.weight_ih_l0.copy_(torch.tensor([[1.0], [-1.0]]))
        model.head.weight.copy_(torch.tensor([[1.0, -1.0]]))
    return model


def test_window_predictions_of_a_persistence_model():
    task = make_task(RunConfig(task="sine_window", seq_len=5))
    pred = sine_predictions(_persistence_model("last"), task)
    w, noisy = 5, task.noisy
    assert pred.warmup == w
    np.testing.assert_array_equal(pred.t, np.arange(0.0, 20.0, 0.1))
    np.testing.assert_array_equal(pred.truth, np.sin(pred.t))
    assert np.isnan(pred.one_step[:w]).all() and np.isnan(pred.free_running[:w]).all()
    np.testing.assert_allclose(pred.one_step[w:], noisy[w - 1 : -1], atol=1e-6)
    # Fed its own output, a persistence model repeats the last seed value forever.
    np.testing.assert_allclose(pred.free_running[w:], noisy[w - 1], atol=1e-6)


def test_window_predictions_match_a_window_by_window_rerun():
    config = RunConfig(task="sine_window", seq_len=4, hidden=8, seed=3)
    task = make_task(config)
    model = build_model(config, task)
    pred = sine_predictions(model, task)
    w, n = 4, task.t.size

    def predict(window) -> float:  # the unrolled path, one window at a time
        x = torch.tensor(np.asarray(window), dtype=torch.float32).reshape(w, 1, 1)
        with torch.no_grad():
            return float(model.unrolled(x).y[0, 0])

    one_step = [predict(task.noisy[i - w : i]) for i in range(w, n)]
    np.testing.assert_allclose(pred.one_step[w:], one_step, atol=1e-5)
    series = list(task.noisy[:w])
    for _ in range(w, n):
        series.append(predict(series[-w:]))
    np.testing.assert_allclose(pred.free_running[w:], series[w:], atol=1e-4)


def test_next_predictions_of_a_persistence_model():
    task = make_task(RunConfig(task="sine_next", seq_len=20))
    pred = sine_predictions(_persistence_model("every"), task)
    n, warmup = 41, 4
    assert pred.t.shape == pred.truth.shape == pred.one_step.shape == (n,)
    assert pred.warmup == warmup
    np.testing.assert_allclose(np.diff(pred.t), SINE_DT)
    np.testing.assert_allclose(pred.truth, np.sin(pred.t))
    assert np.isnan(pred.one_step[0]) and np.isfinite(pred.one_step[1:]).all()
    np.testing.assert_allclose(pred.one_step[1:], pred.truth[:-1], atol=1e-6)
    assert np.isnan(pred.free_running[:warmup]).all()
    np.testing.assert_allclose(pred.free_running[warmup:], pred.truth[warmup - 1], atol=1e-6)


def test_next_free_running_matches_a_from_scratch_rerun():
    """Carrying the state step by step must equal rerunning the whole input prefix."""
    config = RunConfig(task="sine_next", seq_len=10, hidden=8, seed=5)
    task = make_task(config)
    model = build_model(config, task)
    pred = sine_predictions(model, task)
    warmup = pred.warmup
    inputs = list(pred.truth[:warmup])
    expected = []
    with torch.no_grad():
        for _ in range(warmup, pred.t.size):
            x = torch.tensor(inputs, dtype=torch.float32).reshape(-1, 1, 1)
            y = float(model.unrolled(x).y[-1, 0, 0])
            expected.append(y)
            inputs.append(y)
    np.testing.assert_allclose(pred.free_running[warmup:], expected, atol=1e-5)
    # An untrained model drifts: free-running differs from the one-step predictions.
    assert not np.allclose(pred.free_running[warmup + 1 :], pred.one_step[warmup + 1 :])


def test_predictions_only_for_sine_tasks_and_frame_columns():
    config = RunConfig(task="adding", seq_len=10, hidden=4)
    task = make_task(config)
    assert sine_predictions(build_model(config, task), task) is None
    pred = Predictions(np.arange(3.0), np.zeros(3), np.full(3, np.nan), np.ones(3), 1)
    frame = pred.to_frame()
    assert list(frame.columns) == ["t", "truth", "one_step", "free_running"]
    assert frame["one_step"].isna().all() and len(frame) == 3


# -- Jacobians ---------------------------------------------------------------------------
def test_step_jacobians_match_the_closed_form():
    """Vanilla RNN: dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh."""
    config = RunConfig(task="adding", seq_len=12, hidden=6, seed=2)
    task = make_task(config)
    model = build_model(config, task)
    norms = step_jacobians(model, task)
    x = task.probe_batch().x[:, :1]
    with torch.no_grad():
        out, _ = model.core(x)  # (T, 1, H) from the fused layer
    h = out[:, 0].double()
    w_hh = model.core.weight_hh_l0.detach().double()
    expected = [
        float(torch.linalg.matrix_norm(torch.diag(1 - h[t] ** 2) @ w_hh, ord=2))
        for t in range(1, 12)
    ]
    np.testing.assert_allclose(norms, expected, rtol=1e-5)


# -- summary -----------------------------------------------------------------------------
def test_run_summary_recomputed_from_the_history():
    config = RunConfig(task="adding", seq_len=10, hidden=8, steps=25, val_every=4)
    trainer = Trainer(config)
    trainer.run()
    summary = run_summary(trainer)
    json.dumps(summary, allow_nan=False)  # strict JSON: no NaN, no numpy types
    frame = trainer.history.metrics_frame()
    val = trainer.task.val_batch().y.double().numpy()
    assert summary["status"] == "completed" and summary["steps_done"] == 25
    assert summary["final_loss"] == frame["loss"].iloc[-1]
    assert summary["final_val_loss"] == frame["val_loss"].dropna().iloc[-1]
    assert summary["best_val_loss"] == frame["val_loss"].min()
    assert summary["baseline_loss"] == pytest.approx(((val - 1.0) ** 2).mean(), rel=1e-6)
    assert summary["steps_per_second"] == pytest.approx(25 / frame["seconds"].sum())
    assert summary["clipped_fraction"] == pytest.approx(frame["clipped"].mean())
    assert summary["seq_len"] == 10

    def horizon(norms):  # earliest t within 1e-3 of the last step's norm
        return next(t for t, v in enumerate(norms) if v >= 1e-3 * norms[-1])

    assert summary["horizon_first"] == horizon(trainer.history.probes[0].dh[-1])
    assert summary["horizon_last"] == horizon(trainer.history.probes[-1].dh[-1])
    assert all(type(v) in (str, int, float) for v in summary.values())


def test_run_summary_turns_nan_into_none():
    history = History()
    history.steps.append(StepRecord(1, math.nan, math.inf, 1.0, True, 0.0))
    history.val_steps.append(1)
    history.val_losses.append(math.nan)
    trainer = SimpleNamespace(
        status="diverged",
        message="Diverged.",
        step=1,
        history=history,
        task=SimpleNamespace(
            baseline_loss=lambda: np.float32(0.5),
            summary=lambda history: {"task": "sine_next", "kind": "regression"},
        ),
        config=RunConfig(),
    )
    summary = run_summary(trainer)
    json.dumps(summary, allow_nan=False)
    assert summary["final_loss"] is None and summary["final_val_loss"] is None
    assert summary["best_val_loss"] is None and summary["steps_per_second"] is None
    assert summary["horizon_first"] is None and summary["baseline_loss"] == 0.5
    assert type(summary["baseline_loss"]) is float

"""Tasks: shapes, determinism, and each task's data checked against its definition."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explorer.config import RunConfig
from explorer.tasks import (
    PROBE_SIZE,
    VAL_SIZE,
    AddingTask,
    SineNextTask,
    SineWindowTask,
    make_task,
)


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().double().numpy()


# -- shapes, types, determinism -----------------------------------------------------


@pytest.mark.parametrize(
    ("task", "x_shape", "y_shape"),
    [
        ("adding", (12, 5, 2), (5, 1)),
        ("sine_next", (12, 5, 1), (12, 5, 1)),
        ("sine_window", (12, 5, 1), (5, 1)),
    ],
)
def test_shapes_are_time_major(task: str, x_shape, y_shape) -> None:
    """Inputs are (T, B, F); targets (B, O) for a last-step head, (T, B, O) otherwise."""
    t = make_task(RunConfig(task=task, seq_len=12, batch=5))
    batch = t.train_batch(0)
    assert tuple(batch.x.shape) == x_shape
    assert tuple(batch.y.shape) == y_shape
    assert batch.x.dtype == batch.y.dtype == torch.float32
    assert batch.x.shape[-1] == t.input_size
    assert batch.y.shape[-1] == t.output_size
    assert t.head == ("every" if task == "sine_next" else "last")
    val = t.val_batch()
    assert val.x.shape[0] == 12 and val.x.shape[2] == t.input_size
    assert val.x.shape[1] == val.y.shape[-2]


def test_make_task_classes() -> None:
    """make_task picks the class that the config names."""
    assert isinstance(make_task(RunConfig(task="adding")), AddingTask)
    assert isinstance(make_task(RunConfig(task="sine_next")), SineNextTask)
    assert isinstance(make_task(RunConfig(task="sine_window", seq_len=5)), SineWindowTask)


@pytest.mark.parametrize("task", ["adding", "sine_next", "sine_window"])
def test_train_batches_are_a_pure_function_of_seed_and_step(task: str) -> None:
    """Same (seed, step) -> same batch, even from a fresh task; other steps/seeds differ."""
    cfg = RunConfig(task=task, seq_len=10, batch=8, seed=3)
    a, b = make_task(cfg), make_task(cfg)
    for step in (0, 1, 17):
        assert torch.equal(a.train_batch(step).x, b.train_batch(step).x)
        assert torch.equal(a.train_batch(step).y, b.train_batch(step).y)
    assert not torch.equal(a.train_batch(0).x, a.train_batch(1).x)
    other = make_task(cfg.replace(seed=4))
    assert not torch.equal(a.train_batch(0).x, other.train_batch(0).x)


@pytest.mark.parametrize("task", ["adding", "sine_next", "sine_window"])
def test_validation_set_is_fixed(task: str) -> None:
    """The validation set is drawn once, is the same for every instance with that seed,
    and does not depend on which training batches were drawn before."""
    cfg = RunConfig(task=task, seq_len=10, batch=8, seed=5)
    a, b = make_task(cfg), make_task(cfg)
    for step in range(5):
        b.train_batch(step)
    va, vb = a.val_batch(), b.val_batch()
    assert torch.equal(va.x, vb.x) and torch.equal(va.y, vb.y)
    assert a.val_batch() is va
    assert not torch.equal(va.x[:, :1], a.train_batch(0).x[:, :1])


@pytest.mark.parametrize("task", ["adding", "sine_next", "sine_window"])
def test_probe_batch_is_the_head_of_the_validation_set(task: str) -> None:
    """The probe sequences are the first PROBE_SIZE validation sequences."""
    t = make_task(RunConfig(task=task, seq_len=10))
    val, probe = t.val_batch(), t.probe_batch()
    n = min(PROBE_SIZE, val.x.shape[1])
    assert probe.x.shape[1] == n
    assert torch.equal(probe.x, val.x[:, :n])
    if t.head == "every":
        assert torch.equal(probe.y, val.y[:, :n])
    else:
        assert torch.equal(probe.y, val.y[:n])


def test_loss_is_mean_squared_error() -> None:
    """Task.loss is the mean of squared errors over every element (numpy reference)."""
    t = make_task(RunConfig(task="sine_next", seq_len=6, batch=4))
    batch = t.train_batch(0)
    pred = torch.randn_like(batch.y)
    expected = np.mean((_np(pred) - _np(batch.y)) ** 2)
    assert float(t.loss(pred, batch.y)) == pytest.approx(expected, rel=1e-6)


# -- adding problem -----------------------------------------------------------------


@pytest.mark.parametrize("seq_len", [2, 7, 50])
def test_adding_markers_and_target(seq_len: int) -> None:
    """One marker in each half of every sequence; the target is the sum of the two
    marked values (recomputed with numpy); values lie in [0, 1)."""
    t = make_task(RunConfig(task="adding", seq_len=seq_len, batch=64, seed=1))
    for batch in (t.train_batch(0), t.train_batch(9), t.val_batch()):
        x, y = _np(batch.x), _np(batch.y)
        values, marks = x[..., 0], x[..., 1]
        assert set(np.unique(marks)) <= {0.0, 1.0}
        half = seq_len // 2
        assert np.all(marks[:half].sum(axis=0) == 1)
        assert np.all(marks[half:].sum(axis=0) == 1)
        assert np.all((values >= 0) & (values < 1))
        expected = (values * marks).sum(axis=0)
        np.testing.assert_allclose(y[:, 0], expected, rtol=1e-6)


def test_adding_mean_predictor_scores_one_sixth() -> None:
    """Var(U1 + U2) = 1/6: the mean predictor's MSE on a large draw (8192 sequences,
    standard error ~0.002) and the task's own baseline agree with a numpy recomputation."""
    t = make_task(RunConfig(task="adding", seq_len=20, batch=1024, seed=2))
    y = np.concatenate([_np(t.train_batch(s).y)[:, 0] for s in range(8)])
    assert np.mean(y) == pytest.approx(1.0, abs=0.01)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.01)
    assert t.target_mean() == 1.0
    val_y = _np(t.val_batch().y)
    assert val_y.shape == (VAL_SIZE, 1)
    assert t.baseline_loss() == pytest.approx(np.mean((val_y - 1.0) ** 2), rel=1e-6)
    assert t.baseline_loss() == pytest.approx(1 / 6, abs=0.05)


def test_adding_marker_positions_cover_each_half() -> None:
    """Markers are spread over each whole half, not stuck at one position."""
    t = make_task(RunConfig(task="adding", seq_len=10, batch=1024, seed=0))
    marks = _np(t.train_batch(0).x)[..., 1]
    first = marks[:5].argmax(axis=0)
    second = marks[5:].argmax(axis=0) + 5
    assert set(first) == set(range(5))
    assert set(second) == set(range(5, 10))


# -- sine_window (the seed tutorial) ------------------------------------------------


def _series_from_windows(t: SineWindowTask) -> np.ndarray:
    """Rebuild the 200-point series from the task's windows and targets only."""
    assert t.config.batch >= t.n_train  # train_batch(0) is then every training window
    w = t.seq_len
    x = np.concatenate([_np(t.train_batch(0).x), _np(t.val_batch().x)], axis=1)[..., 0]
    y = np.concatenate([_np(t.train_batch(0).y), _np(t.val_batch().y)])[:, 0]
    n = x.shape[1]
    series = np.empty(n + w)
    series[:n] = x[0]  # each window's first value
    series[w:] = y  # each window's target is the value after it
    return series


@pytest.mark.parametrize(("seq_len", "n_train", "n_val"), [(5, 156, 39), (10, 152, 38)])
def test_sine_window_is_the_tutorial_series(seq_len: int, n_train: int, n_val: int) -> None:
    """sin(t) for t = arange(0, 20, 0.1) (200 points) plus noise of sd ~0.1; every window
    is seq_len consecutive points and its target is the next point; the first 80% of the
    windows train and the last 20% validate, in time order."""
    cfg = RunConfig(task="sine_window", seq_len=seq_len, batch=1024, seed=0)
    t = make_task(cfg)
    assert t.n_train == n_train
    train, val = t.train_batch(0), t.val_batch()
    assert train.x.shape == (seq_len, n_train, 1)
    assert val.x.shape == (seq_len, n_val, 1)
    assert n_train + n_val == 200 - seq_len

    series = _series_from_windows(t)
    assert series.size == 200
    x = np.concatenate([_np(train.x), _np(val.x)], axis=1)[..., 0]
    y = np.concatenate([_np(train.y), _np(val.y)])[:, 0]
    for i in range(x.shape[1]):  # windows overlap consistently: one series, in order
        np.testing.assert_array_equal(x[:, i], series[i : i + seq_len])
        assert y[i] == series[i + seq_len]

    times = np.arange(0, 20, 0.1)
    assert times.size == 200
    noise = series - np.sin(times)
    assert abs(noise.mean()) < 0.03
    assert noise.std() == pytest.approx(0.1, abs=0.02)
    # the validation windows are the last ones: they end at the series' end
    np.testing.assert_array_equal(_np(val.x)[:, -1, 0], series[-seq_len - 1 : -1])
    assert _np(val.y)[-1, 0] == series[-1]


def test_sine_window_noise_depends_on_seed() -> None:
    """The noise is seeded: the same seed repeats it, another seed changes it."""
    a = _series_from_windows(make_task(RunConfig(task="sine_window", seq_len=5, batch=256, seed=1)))
    b = _series_from_windows(make_task(RunConfig(task="sine_window", seq_len=5, batch=256, seed=1)))
    c = _series_from_windows(make_task(RunConfig(task="sine_window", seq_len=5, batch=256, seed=2)))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sine_window_full_batch_when_batch_covers_training_set() -> None:
    """batch >= n_train gives every training window, in order, at every step."""
    t = make_task(RunConfig(task="sine_window", seq_len=5, batch=256))
    first = t.train_batch(0)
    assert first.x.shape[1] == t.n_train == 156
    for step in (1, 50):
        assert torch.equal(t.train_batch(step).x, first.x)
    exact = make_task(RunConfig(task="sine_window", seq_len=5, batch=156))
    assert torch.equal(exact.train_batch(3).x, first.x)


def test_sine_window_minibatches_sample_distinct_training_windows() -> None:
    """batch < n_train draws distinct training windows (never validation ones) and
    a different subset at each step."""
    full = make_task(RunConfig(task="sine_window", seq_len=5, batch=256)).train_batch(0)
    t = make_task(RunConfig(task="sine_window", seq_len=5, batch=32))
    windows = {tuple(col) for col in _np(full.x)[..., 0].T}
    seen = []
    for step in range(3):
        b = t.train_batch(step)
        assert b.x.shape == (5, 32, 1) and b.y.shape == (32, 1)
        cols = [tuple(col) for col in _np(b.x)[..., 0].T]
        assert len(set(cols)) == 32
        assert set(cols) <= windows
        seen.append(cols)
    assert seen[0] != seen[1]


def test_sine_window_target_mean_and_baseline() -> None:
    """target_mean is the training targets' mean; baseline is val MSE against it."""
    t = make_task(RunConfig(task="sine_window", seq_len=5))
    train_y = _np(t._y)[: t.n_train]
    assert t.target_mean() == pytest.approx(train_y.mean(), rel=1e-6)
    val_y = _np(t.val_batch().y)
    expected = np.mean((val_y - train_y.mean()) ** 2)
    assert t.baseline_loss() == pytest.approx(expected, rel=1e-5)


# -- sine_next ----------------------------------------------------------------------


def test_sine_next_targets_are_inputs_shifted_by_one() -> None:
    """y_t = x_{t+1}: the target at every step is the next input."""
    t = make_task(RunConfig(task="sine_next", seq_len=30, batch=16))
    b = t.train_batch(0)
    torch.testing.assert_close(b.y[:-1], b.x[1:], rtol=0, atol=0)


def test_sine_next_is_a_unit_sine_with_spacing_10_over_49() -> None:
    """Each sequence is sin(phase + k*dt) with dt = 10/49 (the tutorial's linspace(0, 10, 50)):
    checked by the three-term identity x_{k+1} + x_{k-1} = 2 cos(dt) x_k, which also rules
    out dt = 0.2, and by the unit amplitude."""
    t = make_task(RunConfig(task="sine_next", seq_len=50, batch=64, seed=4))
    b = t.train_batch(0)
    s = np.concatenate([_np(b.x)[..., 0], _np(b.y)[-1:, :, 0]])  # (T + 1, B)
    dt = 10 / 49
    np.testing.assert_allclose(s[2:] + s[:-2], 2 * np.cos(dt) * s[1:-1], atol=2e-6)
    assert np.abs(s[2:] + s[:-2] - 2 * np.cos(0.2) * s[1:-1]).max() > 1e-4
    amplitude = np.sqrt(s[:-1] ** 2 + ((s[1:] - s[:-1] * np.cos(dt)) / np.sin(dt)) ** 2)
    np.testing.assert_allclose(amplitude, 1.0, atol=1e-4)
    phase0 = np.arctan2(s[0], (s[1] - s[0] * np.cos(dt)) / np.sin(dt))
    assert np.ptp(np.mod(phase0, 2 * np.pi)) > 3.0  # random phases over the circle


def test_sine_next_baseline_predicts_zero() -> None:
    """The baseline predicts 0: its MSE is the targets' mean square (~1/2)."""
    t = make_task(RunConfig(task="sine_next", seq_len=50))
    assert t.target_mean() == 0.0
    y = _np(t.val_batch().y)
    assert y.shape == (50, VAL_SIZE, 1)
    assert t.baseline_loss() == pytest.approx(np.mean(y**2), rel=1e-6)
    assert t.baseline_loss() == pytest.approx(0.5, abs=0.05)

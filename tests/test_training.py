"""Trainer: clipping invariants, every recorded number recomputed independently,
divergence handling, determinism, schedules, history views and a reference result."""

from __future__ import annotations

import copy
import io
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from test_models import manual_unroll
from torch import nn

from explorer.config import RunConfig
from explorer.engine import history as history_module
from explorer.engine.history import HiddenRecord, History
from explorer.engine.probes import ProbeRecord
from explorer.engine.training import Trainer, clip_gradients
from explorer.tasks import Batch

SMALL = {"hidden": 6, "batch": 4, "seq_len": 8}


def small(**overrides) -> RunConfig:
    return RunConfig(**{**SMALL, **overrides})


def _params_with_grads(seed: int, scale: float, shapes) -> list[nn.Parameter]:
    rng = np.random.default_rng(seed)
    params = []
    for shape in shapes:
        p = nn.Parameter(torch.zeros(shape))
        p.grad = torch.from_numpy(rng.normal(size=shape).astype(np.float32) * np.float32(scale))
        params.append(p)
    return params


def _flat(params) -> np.ndarray:
    return np.concatenate([p.grad.double().numpy().ravel() for p in params])


# -- clipping -----------------------------------------------------------------------

shapes = st.lists(
    st.lists(st.integers(1, 6), min_size=1, max_size=2).map(tuple), min_size=1, max_size=4
)
# allow_subnormal=False: explorer.engine.training sets torch.set_flush_denormal(True) at import,
# which flushes subnormals process-wide and makes hypothesis refuse to generate them.
log_uniform = st.floats(-4, 3, allow_subnormal=False).map(lambda e: 10.0**e)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**16), scale=log_uniform, threshold=log_uniform, shapes=shapes)
def test_clip_by_norm_property(seed, scale, threshold, shapes) -> None:
    """mode='norm': the global norm afterwards never exceeds the threshold (1e-6 relative);
    a gradient above it is scaled along its direction onto the threshold; one below it
    stays bit-identical."""
    params = _params_with_grads(seed, scale, shapes)
    before = _flat(params)
    raw = [p.grad.clone() for p in params]
    clip_gradients(params, "norm", threshold)
    after = _flat(params)
    norm = np.linalg.norm(before)
    assert np.linalg.norm(after) <= threshold * (1 + 1e-6)
    if norm < threshold * (1 - 1e-6):  # (float32 rounding decides inside the 1e-6 band)
        assert all(torch.equal(p.grad, g) for p, g in zip(params, raw, strict=True))
    elif norm > threshold * (1 + 1e-6):
        np.testing.assert_allclose(after, before * threshold / norm, rtol=1e-5, atol=0)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**16), scale=log_uniform, threshold=log_uniform, shapes=shapes)
def test_clip_by_value_property(seed, scale, threshold, shapes) -> None:
    """mode='value': no element exceeds the threshold; elements inside it are untouched,
    the rest are set to ±threshold (numpy's clip)."""
    params = _params_with_grads(seed, scale, shapes)
    before = _flat(params)
    clip_gradients(params, "value", threshold)
    after = _flat(params)
    t32 = float(np.float32(threshold))
    assert np.all(np.abs(after) <= t32)
    np.testing.assert_array_equal(after, np.clip(before, -t32, t32))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), scale=log_uniform, shapes=shapes)
def test_clip_off_leaves_gradients_alone(seed, scale, shapes) -> None:
    """mode='off' never touches a gradient, however large."""
    params = _params_with_grads(seed, scale, shapes)
    raw = [p.grad.clone() for p in params]
    clip_gradients(params, "off", 1e-4)
    assert all(torch.equal(p.grad, g) for p, g in zip(params, raw, strict=True))


def test_clip_by_norm_leaves_a_gradient_below_the_threshold_alone() -> None:
    """A gradient with norm 0.995 * threshold is below the threshold: not clipped (torch's
    clip_grad_norm_ divides by norm + 1e-6 and would shrink it by 0.5% at 1e-4)."""
    p = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([0.6, 0.8], dtype=torch.float64) * 0.995e-4  # norm 0.995e-4
    raw = p.grad.clone()
    clip_gradients([p], "norm", 1e-4)
    assert torch.equal(p.grad, raw)


# -- one step recomputed independently ----------------------------------------------


def _sgd_reference(before: nn.Module, batch: Batch, cfg: RunConfig, buffers: dict):
    """Loss, gradients, clipping and an SGD-momentum update recomputed in float64 with the
    textbook loops. Returns (loss, grads, clipped grads, dh norms, dc norms, new weights)."""
    ref = copy.deepcopy(before).double()
    y, hs, cs = manual_unroll(ref, batch.x.double(), tbptt=cfg.tbptt, retain=True)
    loss = ((y - batch.y.double()) ** 2).mean()
    loss.backward()
    grads = {n: p.grad.numpy().copy() for n, p in ref.named_parameters()}
    norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
    if cfg.clip == "norm":
        factor = cfg.clip_value / norm if norm > cfg.clip_value else 1.0
        clipped = {n: g * factor for n, g in grads.items()}
    elif cfg.clip == "value":
        clipped = {n: np.clip(g, -cfg.clip_value, cfg.clip_value) for n, g in grads.items()}
    else:
        clipped = grads
    new = {}
    for name, p in ref.named_parameters():
        buf = buffers.get(name)
        buffers[name] = clipped[name] if buf is None else 0.9 * buf + clipped[name]
        new[name] = p.detach().numpy() - cfg.lr * buffers[name]

    def per_t(states):
        return [np.sqrt([float((h.grad**2).sum()) for h in layer]) for layer in states]

    dc = per_t(cs) if cs is not None else None
    return loss.item(), grads, clipped, per_t(hs), dc, new


CASES = [
    {"cell": "rnn", "task": "sine_next", "clip": "norm", "clip_value": 0.05},
    {"cell": "lstm", "task": "adding", "clip": "value", "clip_value": 0.01, "layers": 2},
    {"cell": "gru", "task": "sine_next", "clip": "off", "tbptt": 3},
    {"cell": "lstm", "task": "sine_next", "clip": "norm", "clip_value": 1e4, "tbptt": 5},
    {"cell": "gru", "task": "adding", "clip": "norm", "clip_value": 0.05, "layers": 2},
    {"cell": "rnn", "task": "sine_window", "clip": "value", "clip_value": 0.02, "seq_len": 5},
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_each_recorded_number_matches_an_independent_recomputation(case) -> None:
    """For probe and non-probe steps: the loss, the grad norm before and after clipping,
    the clipped flag, the new weights (SGD momentum 0.9), and on probe steps the total
    dL/dh_t (and dL/dc_t) norms, per-parameter norms and horizon, all recomputed from a
    copy of the pre-step model and the step's batch in float64 with the textbook loops."""
    cfg = small(optimizer="sgd", lr=0.05, probe_every=2, steps=4, **case)
    trainer = Trainer(cfg)
    buffers: dict = {}
    for k in range(1, 4):  # steps 1 and 3 probe, step 2 runs the fused layer
        before = copy.deepcopy(trainer.model)
        batch = trainer.task.train_batch(trainer.step)
        record = trainer.train_step()
        loss, grads, clipped, dh, dc, new = _sgd_reference(before, batch, cfg, buffers)
        norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
        norm_after = np.linalg.norm(np.concatenate([g.ravel() for g in clipped.values()]))

        assert record.step == k == trainer.step
        assert record.loss == pytest.approx(loss, rel=1e-5)
        assert record.grad_norm == pytest.approx(norm, rel=1e-4)
        assert record.grad_norm_clipped == pytest.approx(norm_after, rel=1e-4)
        expect_clipped = {
            "off": False,
            "norm": norm > cfg.clip_value,
            "value": any(np.abs(g).max() > cfg.clip_value for g in grads.values()),
        }[cfg.clip]
        assert record.clipped == expect_clipped
        if not record.clipped:
            assert record.grad_norm_clipped == record.grad_norm
        for name, p in trainer.model.named_parameters():
            update = p.detach().double().numpy() - before.state_dict()[name].double().numpy()
            expected = new[name] - before.state_dict()[name].double().numpy()
            scale = np.abs(expected).max() + 1e-12
            np.testing.assert_allclose(update, expected, rtol=0, atol=2e-3 * scale, err_msg=name)

        probes = trainer.history.probes
        if k == 2:
            assert probes[-1].step == 1
            continue
        probe = probes[-1]
        assert probe.step == k
        assert len(probe.dh) == cfg.layers
        for layer in range(cfg.layers):
            np.testing.assert_allclose(probe.dh[layer], dh[layer], rtol=1e-4, atol=1e-9)
        if cfg.cell == "lstm":
            for layer in range(cfg.layers):
                np.testing.assert_allclose(probe.dc[layer], dc[layer], rtol=1e-4, atol=1e-9)
        else:
            assert probe.dc is None
        for name, g in grads.items():
            assert probe.param_norms[name] == pytest.approx(np.linalg.norm(g), rel=1e-4)
        top = dh[-1]
        hits = [t for t in range(len(top)) if top[t] >= 1e-3 * top[-1]]
        assert probe.horizon == hits[0]
    assert any(r.clipped for r in trainer.history.steps) == (
        cfg.clip != "off" and cfg.clip_value < 1
    )


@pytest.mark.parametrize(("clip", "threshold"), [("norm", 0.01), ("value", 0.002)])
def test_trainer_clips_before_the_optimizer_step(monkeypatch, clip, threshold) -> None:
    """Hooking optimizer.step: the gradients it receives obey the clip (global norm, or
    every element) on fused and probe steps alike, and the record's after-clip norm is
    the norm of exactly those gradients."""
    trainer = Trainer(small(cell="lstm", clip=clip, clip_value=threshold, steps=6, probe_every=2))
    seen = []
    original = trainer.optimizer.step

    def spy(*args, **kwargs):
        seen.append(_flat(trainer.params))
        return original(*args, **kwargs)

    monkeypatch.setattr(trainer.optimizer, "step", spy)
    trainer.run()
    assert len(seen) == 6
    for grads, rec in zip(seen, trainer.history.steps, strict=True):
        if clip == "norm":
            assert np.linalg.norm(grads) <= threshold * (1 + 1e-6)
        else:
            assert np.abs(grads).max() <= np.float32(threshold)  # float32 grads
        assert rec.clipped and rec.grad_norm > rec.grad_norm_clipped
        assert rec.grad_norm_clipped == pytest.approx(np.linalg.norm(grads), rel=1e-5)


def test_unclipped_steps_are_bit_identical_to_clip_off() -> None:
    """A norm threshold no step reaches changes nothing: the same weights, bit for bit,
    as clip='off', clipped=False and grad_norm_clipped == grad_norm on every step."""
    runs = []
    for clip in ("off", "norm"):
        trainer = Trainer(small(optimizer="sgd", lr=0.05, clip=clip, clip_value=1e4, steps=6))
        trainer.run()
        runs.append(trainer)
    off, norm = runs
    for a, b in zip(off.model.parameters(), norm.model.parameters(), strict=True):
        assert torch.equal(a, b)
    for rec in off.history.steps + norm.history.steps:
        assert rec.clipped is False
        assert rec.grad_norm_clipped == rec.grad_norm
    assert [r.grad_norm for r in off.history.steps] == [r.grad_norm for r in norm.history.steps]


def test_grad_norm_is_consistent_with_param_norms() -> None:
    """On probe steps the per-parameter norms combine to the global norm."""
    trainer = Trainer(small(cell="gru", steps=3))
    trainer.run()
    for rec, probe in zip(trainer.history.steps, trainer.history.probes, strict=True):
        combined = math.sqrt(sum(v**2 for v in probe.param_norms.values()))
        assert combined == pytest.approx(rec.grad_norm, rel=1e-5)


# -- divergence ---------------------------------------------------------------------


def test_nan_loss_diverges_cleanly(monkeypatch) -> None:
    """A NaN loss at step 3: status 'diverged', the message names step 3, no exception,
    the history keeps steps 1-2, the weights keep their pre-step values, and further
    train_step calls return None."""
    trainer = Trainer(small(steps=10))
    original = trainer.task.train_batch

    def poisoned(step: int) -> Batch:
        batch = original(step)
        return Batch(batch.x * float("nan"), batch.y) if step == 2 else batch

    monkeypatch.setattr(trainer.task, "train_batch", poisoned)
    assert trainer.train_step() is not None
    assert trainer.train_step() is not None
    weights = copy.deepcopy(trainer.model.state_dict())
    assert trainer.train_step() is None
    assert trainer.status == "diverged" and trainer.done
    assert "step 3" in trainer.message and "loss" in trainer.message
    assert [r.step for r in trainer.history.steps] == [1, 2]
    assert trainer.step == 2
    assert all(torch.equal(v, trainer.model.state_dict()[k]) for k, v in weights.items())
    assert trainer.train_step() is None
    trainer.run()  # returns at once
    assert len(trainer.history.steps) == 2


def test_infinite_gradient_diverges_cleanly() -> None:
    """A finite loss with an infinite gradient (injected at step 2) also stops the run,
    naming the step and the gradient norm, without an optimizer step."""
    trainer = Trainer(small(steps=10, clip="off"))
    trainer.model.head.weight.register_hook(lambda g: g * float("inf") if trainer.step == 1 else g)
    trainer.train_step()
    weights = copy.deepcopy(trainer.model.state_dict())
    assert trainer.train_step() is None
    assert trainer.status == "diverged"
    assert "step 2" in trainer.message and "gradient norm" in trainer.message
    assert len(trainer.history.steps) == 1
    assert all(torch.equal(v, trainer.model.state_dict()[k]) for k, v in weights.items())


def test_exploding_run_diverges() -> None:
    """SGD at lr=10 with W_hh x5 and no clipping blows up: the run stops as 'diverged'
    at the step the message names, with exactly the steps before it kept, all finite."""
    cfg = RunConfig(task="adding", seq_len=20, hidden=8, batch=8, optimizer="sgd", lr=10.0)
    trainer = Trainer(cfg.replace(whh_gain=5.0, clip="off", steps=50))
    trainer.run()
    assert trainer.status == "diverged"
    k = len(trainer.history.steps) + 1
    assert 1 < k < 50
    assert f"Diverged at step {k}:" in trainer.message
    assert [r.step for r in trainer.history.steps] == list(range(1, k))
    assert all(math.isfinite(r.loss) and r.loss <= 1e12 for r in trainer.history.steps)


# -- determinism and schedules ------------------------------------------------------


def _fingerprint(h: History) -> tuple:
    steps = [(r.step, r.loss, r.grad_norm, r.grad_norm_clipped, r.clipped) for r in h.steps]
    probes = [
        (
            p.step,
            [a.tolist() for a in p.dh],
            p.dc and [a.tolist() for a in p.dc],
            p.horizon,
            sorted(p.param_norms.items()),
        )
        for p in h.probes
    ]
    hidden = [(r.step, r.states.tolist()) for r in h.hidden]
    spectra = [(s.step, s.spectral_radius, s.sigma_max) for s in h.spectra]
    return steps, h.val_steps, h.val_losses, probes, hidden, spectra


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_same_config_same_history(cell: str) -> None:
    """Two trainers with one config record identical histories (losses, grad norms,
    probe arrays, validation, hidden states, spectra); another seed differs."""
    cfg = small(cell=cell, task="sine_next", steps=8, probe_every=3, val_every=4)
    histories = []
    for config in (cfg, cfg, cfg.replace(seed=1)):
        trainer = Trainer(config)
        trainer.run()
        histories.append(_fingerprint(trainer.history))
    assert histories[0] == histories[1]
    assert histories[0][0] != histories[2][0]
    assert histories[0][3] != histories[2][3]


@pytest.mark.parametrize(
    ("overrides", "probe_steps", "val_steps"),
    [
        ({"steps": 23, "probe_every": 5, "val_every": 7}, [1, 6, 11, 16, 21, 23],
         [1, 7, 14, 21, 23]),
        ({"steps": 30, "cell": "lstm", "val_every": 10}, [1, 26, 30], [1, 10, 20, 30]),
        ({"steps": 5, "cell": "gru", "val_every": 2}, [1, 2, 3, 4, 5], [1, 2, 4, 5]),
        ({"steps": 1}, [1], [1]),
    ],
)  # fmt: skip
def test_probe_and_validation_schedules(overrides, probe_steps, val_steps) -> None:
    """Probes at step 1, every probe_interval-th step after it and the last; validation
    at step 1, every val_every-th step and the last."""
    trainer = Trainer(small(**overrides))
    trainer.run()
    assert [p.step for p in trainer.history.probes] == probe_steps
    assert trainer.history.val_steps == val_steps
    assert len(trainer.history.val_losses) == len(val_steps)


def test_spectrum_and_hidden_schedules() -> None:
    """With 520 planned steps, spectra are sampled every ceil(520/256) = 3 steps and
    hidden states every ceil(520/64) = 9, both from step 0."""
    trainer = Trainer(small(steps=520))
    trainer.run(max_steps=10)
    assert trainer.step == 10 and trainer.status == "ready"
    assert [s.step for s in trainer.history.spectra] == [0, 3, 6, 9]
    assert [r.step for r in trainer.history.hidden] == [0, 9]


def test_completion() -> None:
    """After config.steps steps: 'completed', a message saying so, one callback per step,
    and train_step returns None."""
    trainer = Trainer(small(steps=7))
    seen = []
    trainer.run(max_steps=3, callback=seen.append)
    assert trainer.status == "ready" and len(seen) == 3
    trainer.run(callback=seen.append)
    assert trainer.status == "completed" and trainer.done
    assert trainer.message == "Completed 7 steps."
    assert [r.step for r in seen] == list(range(1, 8))
    assert seen == trainer.history.steps
    assert trainer.train_step() is None
    assert trainer.history.last_step == 7


# -- what the history shows ---------------------------------------------------------


def _val_mse_by_hand(trainer: Trainer) -> float:
    val = trainer.task.val_batch()
    model = copy.deepcopy(trainer.model).double()
    with torch.no_grad():
        y, _, _ = manual_unroll(model, val.x.double())
    return float(((y - val.y.double()) ** 2).mean())


@pytest.mark.parametrize("task", ["sine_next", "adding", "sine_window"])
def test_validation_loss_and_hidden_states_recomputed(task: str) -> None:
    """The last validation loss, the last hidden snapshot (top layer, (P, T, H)) and the
    last spectrum record match computations from the final weights by other routes."""
    trainer = Trainer(small(task=task, cell="gru", layers=2, steps=5, seq_len=6))
    trainer.run()
    assert trainer.history.val_steps[-1] == 5
    assert trainer.history.final_val_loss() == pytest.approx(_val_mse_by_hand(trainer), rel=1e-5)

    last = trainer.history.hidden[-1]
    assert last.step == 5
    probe = trainer.task.probe_batch()
    with torch.no_grad():
        _, hs, _ = manual_unroll(copy.deepcopy(trainer.model).double(), probe.x.double())
    expected = torch.stack(hs[-1]).permute(1, 0, 2).numpy()
    assert last.states.shape == (probe.x.shape[1], 6, 6)
    np.testing.assert_allclose(last.states, expected, rtol=0, atol=1e-5)

    spec = trainer.history.spectra[-1]
    assert spec.step == 5
    for layer in range(2):
        w = getattr(trainer.model.core, f"weight_hh_l{layer}").detach().double().numpy()[12:18]
        assert spec.spectral_radius[layer] == pytest.approx(
            np.abs(np.linalg.eigvals(w)).max(), rel=1e-9
        )
        assert spec.sigma_max[layer] == pytest.approx(np.linalg.svd(w)[1][0], rel=1e-9)


def test_metrics_frame() -> None:
    """One row per step with the recorded numbers; val_loss only where evaluated (NaN,
    an empty CSV cell, elsewhere)."""
    trainer = Trainer(small(steps=12, val_every=5))
    trainer.run()
    h = trainer.history
    frame = h.metrics_frame()
    assert list(frame.columns) == [
        "step",
        "loss",
        "val_loss",
        "grad_norm",
        "grad_norm_clipped",
        "clipped",
        "seconds",
    ]
    assert frame["step"].tolist() == list(range(1, 13))
    assert frame["loss"].tolist() == [r.loss for r in h.steps]
    assert frame["grad_norm"].tolist() == [r.grad_norm for r in h.steps]
    assert frame["clipped"].tolist() == [r.clipped for r in h.steps]
    evaluated = frame["val_loss"].notna()
    assert frame.loc[evaluated, "step"].tolist() == [1, 5, 10, 12]
    assert frame.loc[evaluated, "val_loss"].tolist() == h.val_losses
    assert frame["val_loss"].isna().sum() == 8
    csv = io.StringIO()
    frame.to_csv(csv, index=False)
    row2 = csv.getvalue().splitlines()[2].split(",")
    assert row2[0] == "2" and row2[2] == ""
    np.testing.assert_array_equal(h.column("loss"), frame["loss"].to_numpy())
    assert History().metrics_frame().empty


def test_history_views() -> None:
    """dh_matrix stacks the probes' top-layer norms; dc_matrix is None without an LSTM;
    clipped_fraction counts clipped steps; snapshot copies the lists."""
    trainer = Trainer(small(steps=4, layers=2, clip="norm", clip_value=1e-3))
    trainer.run()
    h = trainer.history
    steps, dh = h.dh_matrix()
    assert steps.tolist() == [1, 2, 3, 4]
    np.testing.assert_array_equal(dh, np.stack([p.dh[1] for p in h.probes]))
    np.testing.assert_array_equal(h.dh_matrix(0)[1], np.stack([p.dh[0] for p in h.probes]))
    assert h.dc_matrix() is None
    assert h.clipped_fraction() == 1.0
    snap = h.snapshot()
    snap.steps.append(None)
    assert len(h.steps) == 4


@pytest.mark.parametrize("cap", [10, 11])
def test_add_hidden_thins_but_stays_bounded(monkeypatch, cap: int) -> None:
    """Hidden snapshots, added as the trainer adds them (every hidden_every-th step), thin
    out by keeping every other one (the first and the newest always), doubling
    hidden_every, so they stay under the byte budget's cap; an even cap keeps them evenly
    spread, an odd one (thinning an even count) must still keep the newest."""
    monkeypatch.setattr(history_module, "HIDDEN_BYTES_BUDGET", 64 * cap)
    h = History()
    states = np.zeros((2, 2, 2))  # 64 bytes: `cap` snapshots fit the budget
    h.add_hidden(HiddenRecord(0, states))
    for step in range(1, 2000):
        if step % h.hidden_every == 0:
            h.add_hidden(HiddenRecord(step, states))
            assert len(h.hidden) <= cap
            assert h.hidden[0].step == 0 and h.hidden[-1].step == step
            kept = [r.step for r in h.hidden]
            assert kept == sorted(set(kept))
    assert h.hidden_every == 256  # 1 -> 2 -> ... -> 256: eight thinnings
    assert len(h.hidden) >= cap // 2
    if cap == 10:
        assert [r.step for r in h.hidden] == list(range(0, 2000, 256))


def test_add_hidden_cap_is_at_least_four(monkeypatch) -> None:
    """Even snapshots bigger than the whole budget keep at least 4 (first and newest)."""
    monkeypatch.setattr(history_module, "HIDDEN_BYTES_BUDGET", 8)
    h = History()
    sizes = []
    for step in range(20):
        h.add_hidden(HiddenRecord(step, np.zeros((3, 3))))
        sizes.append(len(h.hidden))
    assert max(sizes) == 4
    assert h.hidden[0].step == 0 and h.hidden[-1].step == 19


def test_add_probe_thins_but_stays_bounded(monkeypatch) -> None:
    """Probe records thin out like hidden snapshots: at most MAX_PROBES, the first and
    the newest always kept, in step order."""
    monkeypatch.setattr(history_module, "MAX_PROBES", 10)
    h = History()
    for step in range(1, 300):
        h.add_probe(ProbeRecord(step, (np.zeros(3),), None, {}, None))
        assert len(h.probes) <= 10
        assert h.probes[0].step == 1 and h.probes[-1].step == step
        kept = [p.step for p in h.probes]
        assert kept == sorted(set(kept))
    assert len(h.probes) >= 5


def test_stop_ends_the_run_and_keeps_the_history() -> None:
    """stop() ends a running run (status 'stopped', its message, no further steps);
    it leaves a finished run as it was."""
    trainer = Trainer(small(steps=10))
    trainer.run(max_steps=3)
    trainer.stop("Stopped by the user.")
    assert trainer.status == "stopped" and trainer.done
    assert trainer.message == "Stopped by the user."
    assert trainer.train_step() is None
    trainer.run()
    assert [r.step for r in trainer.history.steps] == [1, 2, 3]
    done = Trainer(small(steps=2))
    done.run()
    done.stop("too late")
    assert done.status == "completed" and done.message == "Completed 2 steps."


# -- a reference result -------------------------------------------------------------


def test_seed_tutorial_reaches_the_noise_floor() -> None:
    """The seed tutorial (noisy sine, windows of 5, RNN 32, Adam 0.01, clip norm 0.5, 100
    full-batch steps, seed 0) ends with validation MSE below 0.02 (noise floor 0.01),
    far below the mean predictor."""
    cfg = RunConfig(
        task="sine_window",
        seq_len=5,
        hidden=32,
        lr=0.01,
        clip="norm",
        clip_value=0.5,
        batch=256,
        steps=100,
        cell="rnn",
    )
    trainer = Trainer(cfg)
    trainer.run()
    assert trainer.status == "completed"
    assert trainer.task.train_batch(0).x.shape[1] == 156  # full batch
    assert trainer.history.final_val_loss() < 0.02
    assert trainer.task.baseline_loss() > 0.3

"""Truncated BPTT: the gradient is exactly zero behind the cut, and the full-BPTT reference
recorded beside it equals the gradient of an untruncated run on the same batch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explorer.config import RunConfig
from explorer.engine.models import build_model
from explorer.engine.probes import timestep_grads
from explorer.engine.training import Trainer
from explorer.figures.tasks import tbptt_cuts, tbptt_figure
from explorer.runs.bundle import load_history, save_run
from explorer.tasks import make_task

SMALL = {"task": "adding", "seq_len": 20, "hidden": 8, "batch": 8, "probe_every": 1}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_last_step_loss_sends_nothing_back_across_the_cut(cell):
    config = RunConfig(**SMALL, cell=cell, tbptt=5, steps=1)
    trainer = Trainer(config)
    trainer.train_step()
    probe = trainer.history.probes[0]
    dh = probe.dh[-1]
    # windows [0-4] [5-9] [10-14] [15-19]: the loss at t=19 reaches t=15..19 only
    assert np.all(dh[:15] == 0.0), dh
    assert np.all(dh[15:] > 0.0)
    if cell == "lstm":
        assert np.all(probe.dc[-1][:15] == 0.0)
    assert probe.dh_full is not None and np.all(probe.dh_full[-1] > 0.0)  # full BPTT reaches


def test_the_full_reference_equals_an_untruncated_runs_gradient():
    truncated = Trainer(RunConfig(**SMALL, tbptt=5, steps=3))
    full = Trainer(RunConfig(**SMALL, tbptt=0, steps=3))
    truncated.train_step()
    full.train_step()  # same seed: same weights, same first batch
    reference = truncated.history.probes[0].dh_full[-1]
    np.testing.assert_allclose(reference, full.history.probes[0].dh[-1], rtol=1e-6, atol=0)
    np.testing.assert_allclose(reference[15:], truncated.history.probes[0].dh[-1][15:], rtol=1e-5)
    assert full.history.probes[0].dh_full is None  # nothing to compare: no extra pass


def test_the_measurement_leaves_the_update_alone():
    """The reference pass uses autograd.grad on the probe tensors only: the weights after
    one step match a run that never measured anything."""
    measured = Trainer(RunConfig(**SMALL, tbptt=5, steps=2))
    plain = Trainer(RunConfig(**{**SMALL, "probe_every": 1000}, tbptt=5, steps=2))
    measured.run()
    plain.run()
    for a, b in zip(measured.model.parameters(), plain.model.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)


def test_timestep_grads_equal_the_probed_training_pass():
    """The measuring pass (autograd.grad on the probe tensors) gives what a probed training
    step's backward leaves in eps.grad (itself checked against finite differences and a
    textbook unroll in test_models.py), and leaves the parameters' .grad untouched."""
    config = RunConfig(**SMALL, cell="gru")
    task = make_task(config)
    model = build_model(config, task)
    batch = task.train_batch(0)
    dh, dc = timestep_grads(model, task.loss, batch.x, batch.y, tbptt=0)
    assert dc is None and all(p.grad is None for p in model.parameters())
    probed = model.unrolled(batch.x, probe=True)
    task.loss(probed.y, batch.y).backward()
    expected = torch.linalg.vector_norm(probed.eps_h[-1].grad, dim=(1, 2)).double().numpy()
    np.testing.assert_allclose(dh[-1], expected, rtol=1e-6)


def test_chars_measure_both_on_the_probe_string():
    config = RunConfig(task="chars", seq_len=16, hidden=8, batch=4, tbptt=4, steps=1)
    trainer = Trainer(config)
    trainer.train_step()
    probe = trainer.history.probes[0]
    assert probe.dh[-1].shape == probe.dh_full[-1].shape == (16,)
    # every-step loss: inside the last window nothing is cut, so both agree there; before
    # it the full gradient also carries the later windows' losses back, so they differ
    np.testing.assert_allclose(probe.dh[-1][12:], probe.dh_full[-1][12:], rtol=1e-5)
    assert not np.allclose(probe.dh_full[-1][:12], probe.dh[-1][:12], rtol=1e-3)


def test_cuts_and_the_figure():
    assert tbptt_cuts(20, 5) == [5, 10, 15] and tbptt_cuts(12, 5) == [5, 10]
    trainer = Trainer(RunConfig(**SMALL, tbptt=5, steps=2))
    trainer.run()
    fig = tbptt_figure(trainer.history, 5)
    names = [trace.name for trace in fig.data]
    assert names == [
        "full BPTT (reference, not used for the update)",
        "truncated, k = 5 (what training uses)",
    ]
    assert len(fig.layout.shapes) == 3  # a dashed line at each cut
    assert "k = 5 steps back" in fig.layout.annotations[0].text
    truncated = np.asarray(fig.data[1].y)
    assert np.all(truncated[:15] == truncated.min())  # exact zeros drawn at the bottom edge


def test_the_reference_survives_the_run_folder(tmp_path):
    trainer = Trainer(RunConfig(**SMALL, tbptt=5, steps=3, cell="lstm", layers=2))
    trainer.run()
    history = load_history(save_run(tmp_path / "run", trainer))
    for loaded, original in zip(history.probes, trainer.history.probes, strict=True):
        for a, b in zip(loaded.dh_full, original.dh_full, strict=True):
            np.testing.assert_array_equal(a, b)
    steps, matrix = history.dh_full_matrix()
    assert steps.tolist() == [p.step for p in trainer.history.probes]
    assert matrix.shape == (len(trainer.history.probes), 20)

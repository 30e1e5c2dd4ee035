"""Digits read row by row: the data against scikit-learn's own, the stratified split, the
cross-entropy baseline and the accuracy against labels computed independently."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from explorer.config import RunConfig
from explorer.engine.models import build_model
from explorer.engine.training import Trainer
from explorer.tasks import DigitsTask, make_task


@pytest.fixture(scope="module")
def sklearn_digits():
    return load_digits()


def test_a_sequence_is_an_image_read_one_row_per_step(sklearn_digits):
    task = make_task(RunConfig(task="digits", batch=16, seed=3))
    assert isinstance(task, DigitsTask)
    assert (task.input_size, task.output_size, task.seq_len) == (8, 10, 8)
    batch = task.train_batch(5)
    assert batch.x.shape == (8, 16, 8) and batch.y.shape == (16,)
    assert batch.y.dtype == torch.int64
    # every sequence in the batch is some training image / 16, row t at step t
    images = sklearn_digits.images / 16.0
    for b in range(3):
        seq = batch.x[:, b, :].double().numpy()  # (rows, cols)
        matches = np.flatnonzero(np.abs(images - seq).max(axis=(1, 2)) < 1e-6)
        assert any(sklearn_digits.target[m] == batch.y[b].item() for m in matches)


def test_the_split_is_stratified_disjoint_and_fixed(sklearn_digits):
    a = make_task(RunConfig(task="digits", seed=0))
    b = make_task(RunConfig(task="digits", seed=9))  # the split does not follow the seed
    assert np.array_equal(a.val_index, b.val_index)
    assert not set(a.train_index) & set(a.val_index)
    assert len(a.train_index) + len(a.val_index) == len(sklearn_digits.target) == 1797
    share = np.bincount(a.val_labels, minlength=10) / np.bincount(sklearn_digits.target)
    assert np.all(np.abs(share - 0.2) < 0.02)  # 20% of every class
    np.testing.assert_array_equal(a.val_labels, sklearn_digits.target[a.val_index])


def test_the_seq_len_knob_is_always_eight_rows():
    assert RunConfig(task="digits", seq_len=50).seq_len == 8
    assert RunConfig(task="digits").to_query() == {"task": "digits", "seq_len": "8"}


def test_batches_are_a_pure_function_of_seed_and_step():
    cfg = RunConfig(task="digits", batch=32, seed=2)
    a, b = make_task(cfg), make_task(cfg)
    assert torch.equal(a.train_batch(11).y, b.train_batch(11).y)
    assert not torch.equal(a.train_batch(11).y, a.train_batch(12).y)


def test_baselines_from_the_class_counts(sklearn_digits):
    task = make_task(RunConfig(task="digits"))
    train_y = sklearn_digits.target[task.train_index]
    val_y = sklearn_digits.target[task.val_index]
    freq = np.bincount(train_y, minlength=10) / train_y.size
    assert task.baseline_loss() == pytest.approx(-np.mean(np.log(freq[val_y])))
    majority = np.bincount(train_y).argmax()
    assert task.baseline_accuracy() == pytest.approx(np.mean(val_y == majority))
    assert task.baseline_accuracy() < 0.11  # ten nearly equal classes


def test_probe_digits_are_three_per_class():
    task = make_task(RunConfig(task="digits"))
    classes = task.probe_classes()
    assert classes.tolist() == [c for c in range(10) for _ in range(3)]
    assert torch.equal(task.probe_batch().y, torch.as_tensor(classes))


def test_loss_is_cross_entropy_and_accuracy_counts_right_answers():
    task = make_task(RunConfig(task="digits"))
    logits = torch.tensor([[2.0, 0.0, -1.0] + [0.0] * 7, [0.0, 3.0] + [0.0] * 8])
    y = torch.tensor([0, 2])
    log_p = logits.double().log_softmax(dim=1)
    expected = -(log_p[0, 0] + log_p[1, 2]).item() / 2
    assert task.loss(logits, y).item() == pytest.approx(expected, rel=1e-6)
    assert task.accuracy(logits, y) == 0.5


def test_a_short_run_beats_the_majority_class_and_reports_true_accuracy(sklearn_digits):
    config = RunConfig(task="digits", cell="gru", hidden=32, batch=64, steps=120, lr=0.01)
    trainer = Trainer(config)
    trainer.run()
    h = trainer.history
    assert len(h.val_accuracies) == len(h.val_steps)
    assert h.val_losses[-1] < 0.5 * trainer.task.baseline_loss()
    # the recorded validation accuracy, recomputed from the weights and sklearn's labels
    model = build_model(config, trainer.task)
    model.load_state_dict(trainer.model.state_dict())
    images = (sklearn_digits.images[trainer.task.val_index] / 16.0).astype(np.float32)
    with torch.no_grad():
        logits, _ = model(torch.from_numpy(images.transpose(1, 0, 2).copy()))
    labels = sklearn_digits.target[trainer.task.val_index]
    accuracy = float(np.mean(logits.argmax(dim=1).numpy() == labels))
    assert h.val_accuracies[-1] == pytest.approx(accuracy)
    assert accuracy > 0.6 > 5 * trainer.task.baseline_accuracy()
    frame = h.metrics_frame()
    assert list(frame.columns[-2:]) == ["accuracy", "val_accuracy"]
    assert math.isclose(frame["val_accuracy"].dropna().iloc[-1], accuracy)

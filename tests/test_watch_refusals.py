"""What explorer.watch refuses, each with one line that says what and why, and the
probe schedule (interval and time budget)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from watch_cases import make_input, make_layer

import explorer
from explorer.watch.schedule import MAX_INTERVAL, PROVISIONAL_INTERVAL, ProbeSchedule


class CustomLSTM(nn.LSTM):
    def forward(self, input, hx=None):
        return super().forward(input * 2, hx)


@pytest.mark.parametrize(
    ("module", "error", "words"),
    [
        (nn.Linear(3, 4), TypeError, "Linear is not supported"),
        (nn.LSTMCell(3, 4), TypeError, "LSTMCell is not supported"),
        (CustomLSTM(3, 4), TypeError, "overrides forward"),
        (nn.GRU(3, 4, bidirectional=True), ValueError, "bidirectional"),
        (nn.LSTM(3, 4, proj_size=2), ValueError, "proj_size"),
        (nn.RNN(3, 4, num_layers=2, dropout=0.5), ValueError, "dropout=0.5"),
    ],
)
def test_unsupported_modules_are_refused_in_one_line(module, error, words):
    with pytest.raises(error, match=words) as caught:
        explorer.watch(module)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("explorer.watch:")
    assert "forward" not in vars(module)  # nothing was hooked


def test_dropout_on_one_layer_does_nothing_and_is_accepted():
    with pytest.warns(UserWarning):  # torch's own: dropout acts between layers only
        layer = nn.GRU(3, 4, num_layers=1, dropout=0.5)
    explorer.watch(layer).remove()


def test_a_module_watched_twice_is_refused():
    layer = nn.LSTM(3, 4)
    probe = explorer.watch(layer)
    with pytest.raises(ValueError, match="call remove"):
        explorer.watch(layer)
    probe.remove()


def test_packed_sequences_are_refused_at_the_forward():
    layer = make_layer("lstm", "tanh", 1, True)
    explorer.watch(layer)
    packed = pack_padded_sequence(make_input(True, 0), [7, 5, 3], batch_first=True)
    with pytest.raises(TypeError, match="PackedSequence"):
        layer(packed)
    layer.eval()  # evaluation is not watched: it runs untouched
    assert layer(packed)[0].data.shape[1] == 5


@pytest.mark.parametrize(("interval", "probed"), [(1, [1, 2, 3, 4, 5, 6]), (4, [1, 5])])
def test_a_fixed_interval_probes_every_kth_training_forward(interval, probed):
    layer = make_layer("gru", "tanh", 1, False)
    probe = explorer.watch(layer, interval=interval)
    for seed in range(6):
        layer(make_input(False, seed))[0].sum().backward()
    assert [p.step for p in probe.history.probes] == probed
    assert [r.step for r in probe.history.steps] == [1, 2, 3, 4, 5, 6]


def test_bad_interval_and_budget_are_refused():
    with pytest.raises(ValueError, match="interval"):
        explorer.watch(nn.RNN(2, 2), interval=0)
    with pytest.raises(ValueError, match="budget"):
        explorer.watch(nn.RNN(2, 2), budget=0)


@pytest.mark.parametrize(("plain", "probed", "want"), [(1.0, 3.0, 14), (1.0, 1.1, 1)])
def test_the_budget_keeps_the_probes_extra_time_under_its_fraction(plain, probed, want):
    schedule = ProbeSchedule(budget=0.15)
    calls = []
    for call in range(1, 200):
        is_probe = schedule.due(call)
        calls.append(is_probe)
        schedule.observe(is_probe, probed if is_probe else plain)
    assert schedule.interval == want
    after_warm_up = calls[50:]  # once measured: extra / (interval * plain) <= budget
    overhead = sum(after_warm_up) * (probed - plain) / (len(after_warm_up) * plain)
    assert overhead <= 0.15 + 1 / len(after_warm_up)


def test_the_budget_starts_provisional_and_is_bounded():
    schedule = ProbeSchedule(budget=0.15)
    assert schedule.interval == PROVISIONAL_INTERVAL
    assert [c for c in range(1, 20) if schedule.due(c)] == [1, 9, 17]
    for probed in (True, True, False, False):
        schedule.observe(probed, 1e6 if probed else 1e-6)
    assert schedule.interval == MAX_INTERVAL


def test_a_forward_that_no_backward_reaches_is_not_a_step():
    layer = make_layer("rnn", "tanh", 1, False)
    probe = explorer.watch(layer, interval=1)
    layer(make_input(False, 0))  # never backpropagated
    layer(make_input(False, 1))[0].sum().backward()
    assert [r.step for r in probe.history.steps] == [1]
    with pytest.raises(RuntimeError, match="log"):
        explorer.watch(nn.RNN(2, 2)).log(loss=1.0)


def test_log_attaches_losses_to_the_latest_step_and_takes_tensors():
    layer = make_layer("rnn", "tanh", 1, False)
    probe = explorer.watch(layer, interval=1)
    losses = []
    for seed in range(3):
        loss = layer(make_input(False, seed))[0].sum()
        loss.backward()
        losses.append(loss.item())
        if seed == 0:  # before the next forward: still its step
            probe.log(loss=loss)
        elif seed == 1:
            probe.log(loss=losses[-1], val_loss=torch.tensor(0.5))
    probe.flush()  # the last step ends before it is logged: log() amends its record
    probe.log(loss=losses[-1])
    history = probe.history
    assert [r.loss for r in history.steps] == losses
    assert history.val_steps == [2] and history.val_losses == [0.5]

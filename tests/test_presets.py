"""Each classroom preset, run headlessly (shortened where it must be), shows the effect its
narrative promises. These are the claims a teacher makes in front of a class."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.analysis import sine_predictions
from explorer.compare import make_variants
from explorer.config import RunConfig
from explorer.presets import NARRATIVE, PRESETS, Preset, preset_from_query
from explorer.texts import TEXTS
from explorer.training import Trainer


def variants(preset: Preset, **shorten) -> dict[str, Trainer]:
    """Train every variant of a race (one after another), keyed by the knob's value."""
    base = preset.config.replace(**shorten)
    out = {}
    for variant in make_variants(base, dict(preset.vary)):
        trainer = Trainer(variant.config)
        trainer.run()
        out[variant.name.split("=", 1)[1]] = trainer
    return out


def reach(trainer: Trainer, which: int) -> int:
    probe = trainer.history.probes[which]
    return len(probe.dh[-1]) - 1 - probe.horizon


def test_every_preset_is_valid_and_has_its_whole_narrative():
    for preset in PRESETS.values():
        assert isinstance(preset.config, RunConfig)
        for part in NARRATIVE:
            assert TEXTS[preset.text_key(part)], preset.text_key(part)
        assert len(preset.options) >= 2 and all(k in TEXTS for k in preset.options)
        if preset.is_race:
            assert 2 <= len(make_variants(preset.config, dict(preset.vary))) <= 12


def test_a_link_names_a_preset_or_is_warned_about():
    assert preset_from_query({"preset": "Vanishing"}) == (PRESETS["vanishing"], None)
    assert preset_from_query({}) == (None, None)
    preset, warning = preset_from_query({"preset": ["exploding", "bogus"]})
    assert preset is None and "bogus" in warning


def test_tutorial_sine_gets_down_near_the_noise_floor():
    trainer = Trainer(PRESETS["tutorial_sine"].config)
    trainer.run()
    val = trainer.history.final_val_loss()
    assert val < 0.03  # the noise floor is 0.01; noisy inputs add about as much again
    assert val < trainer.task.baseline_loss() / 20


def test_free_running_generation_follows_the_wave():
    trainer = Trainer(PRESETS["free_running"].config.replace(steps=800))
    untrained = sine_predictions(trainer.model, trainer.task)
    trainer.run()
    pred = sine_predictions(trainer.model, trainer.task)
    period = int(2 * np.pi / 0.2041) + 1  # one period of the tutorial's wave, in points
    window = slice(pred.warmup, pred.warmup + period)
    error = np.mean((pred.free_running[window] - pred.truth[window]) ** 2)
    before = np.mean((untrained.free_running[window] - untrained.truth[window]) ** 2)
    assert error < 0.05 < before  # tracks a whole period after training, not before


@pytest.mark.slow
def test_vanishing_the_rnn_stays_at_chance_while_the_gru_learns():
    runs = variants(PRESETS["vanishing"], steps=1500)
    rnn, gru = runs["rnn"], runs["gru"]
    assert rnn.history.final_val_loss() > 0.14  # chance is 1/6
    assert gru.history.final_val_loss() < 0.01
    assert reach(gru, -1) > 80 and reach(rnn, -1) < 20


def test_vanishing_shortened_the_gru_gradient_reaches_further_than_the_rnn():
    runs = variants(PRESETS["vanishing"], steps=120, seq_len=60)
    assert reach(runs["gru"], -1) > reach(runs["rnn"], -1)
    assert reach(runs["rnn"], -1) < 20  # the vanilla RNN's dies within a few steps


def test_exploding_without_clipping_the_loss_spikes_and_clipping_keeps_it_stable():
    runs = variants(PRESETS["exploding"])
    off, on = runs["off"], runs["norm"]
    baseline = off.task.baseline_loss()
    assert max(r.grad_norm for r in off.history.steps) > 100  # it does explode
    assert off.status in ("diverged", "completed")  # a divergence is handled, not raised
    worst_off = max(r.loss for r in off.history.steps[10:])
    worst_on = max(r.loss for r in on.history.steps[10:])
    assert worst_off > 3 * baseline
    assert worst_on < worst_off / 3
    assert on.history.final_val_loss() < off.history.final_val_loss()


def test_forget_bias_plus_one_reaches_further_back_from_the_first_step():
    runs = variants(PRESETS["forget_bias"], steps=1)
    assert reach(runs["1"], 0) > 2 * reach(runs["0"], 0)


def test_init_lab_orthogonal_and_identity_keep_the_gradient_alive_at_first():
    runs = variants(PRESETS["init_lab"], steps=1)
    T = PRESETS["init_lab"].config.seq_len
    assert reach(runs["default"], 0) < 20
    assert reach(runs["orthogonal"], 0) == T - 1
    assert reach(runs["identity"], 0) == T - 1

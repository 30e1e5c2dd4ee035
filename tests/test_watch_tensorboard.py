"""TensorBoard events, read back with TensorBoard's own reader (EventAccumulator), hold the
run folder's numbers: a watched run exported or logged live, and a run the app trained."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch
from watch_cases import loss_of, make_input, make_layer, trained_probe

import explorer
from explorer import cli
from explorer.runs.bundle import load_history
from explorer.watch import load_watched
from explorer.watch.tensorboard import INSTALL, MissingTensorBoard, write_events

TINY = ["--task", "adding", "--seq-len", "10", "--hidden", "8", "--steps", "12", "--cell", "lstm"]


def read_events(log_dir):
    accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator"
    ).EventAccumulator(str(log_dir), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    return accumulator


def scalars(events, tag) -> dict[int, float]:
    return {e.step: e.value for e in events.Scalars(tag)}


def assert_events_hold(events, history) -> None:
    """Every tag against the history's records (float32 in the event file)."""
    steps = history.steps
    for tag in ("grad_norm", "grad_norm_clipped"):
        want = {r.step: getattr(r, tag) for r in steps}
        assert scalars(events, tag) == pytest.approx(want, rel=1e-6)
    losses = {r.step: r.loss for r in steps if np.isfinite(r.loss)}
    if losses:
        assert scalars(events, "loss") == pytest.approx(losses, rel=1e-6)
    if history.val_steps:
        want = dict(zip(history.val_steps, history.val_losses, strict=True))
        assert scalars(events, "val_loss") == pytest.approx(want, rel=1e-6)
    horizons = {p.step: p.horizon for p in history.probes if p.horizon is not None}
    assert scalars(events, "horizon") == pytest.approx(horizons)
    layers = len(history.probes[0].dh)
    for k in range(layers):
        want = {s.step: s.spectral_radius[k] for s in history.spectra}
        assert scalars(events, f"spectral_radius/l{k}") == pytest.approx(want, rel=1e-6)
        histograms = events.Histograms(f"dh/l{k}")
        assert [h.step for h in histograms] == [p.step for p in history.probes]
        for event, probe in zip(histograms, history.probes, strict=True):
            value = event.histogram_value
            np.testing.assert_allclose(value.bucket, probe.dh[k], rtol=1e-12)
            np.testing.assert_allclose(value.bucket_limit, np.arange(len(probe.dh[k])) + 0.5)
        if history.probes[0].dc is not None:
            dc = events.Histograms(f"dc/l{k}")[-1].histogram_value.bucket
            np.testing.assert_allclose(dc, history.probes[-1].dc[k], rtol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_export_of_a_watched_folder(tmp_path, capsys, cell):
    folder = trained_probe(cell, 0).save(tmp_path / "run")
    status = cli.main(["export", str(folder), "--tensorboard", str(tmp_path / "tb")])
    assert status == 0, capsys.readouterr().err
    assert "watched run" in capsys.readouterr().out
    assert_events_hold(read_events(tmp_path / "tb"), load_watched(folder).history)


def test_export_of_a_run_the_app_trained(tmp_path, capsys):
    assert cli.main(["train", *TINY, "--out", str(tmp_path / "run")]) == 0
    status = cli.main(["export", str(tmp_path / "run"), "--tensorboard", str(tmp_path / "tb")])
    assert status == 0, capsys.readouterr().err
    history = load_history(tmp_path / "run")
    assert history.val_steps and np.isfinite(history.steps[-1].loss)
    assert_events_hold(read_events(tmp_path / "tb"), history)


def test_live_logging_writes_what_the_probe_records(tmp_path):
    layer = make_layer("lstm", "tanh", 2, False)
    opt = torch.optim.SGD(layer.parameters(), lr=0.05)
    probe = explorer.watch(layer, interval=2, optimizer=opt, tensorboard=tmp_path / "tb")
    for step in range(5):
        out, final = layer(make_input(False, step))
        loss = loss_of(out, final, False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(layer.parameters(), 5.0)
        opt.step()
        opt.zero_grad()
        probe.log(loss=loss, val_loss=1.0 if step == 3 else None)
    probe.remove()  # flushes and closes the writer
    assert_events_hold(read_events(tmp_path / "tb"), probe.history)


def test_export_refuses_a_folder_that_is_not_a_run(tmp_path, capsys):
    status = cli.main(["export", str(tmp_path), "--tensorboard", str(tmp_path / "tb")])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "missing" in err and err.count("\n") == 1


def test_without_tensorboard_the_message_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # import tensorboard fails
    with pytest.raises(MissingTensorBoard, match=r"requirements-tensorboard\.txt"):
        write_events(trained_probe("gru", 0).history, tmp_path / "tb")
    with pytest.raises(MissingTensorBoard):
        explorer.watch(make_layer("gru", "tanh", 1, False), tensorboard=tmp_path / "tb")
    folder = trained_probe("rnn", 0).save(tmp_path / "run")
    assert cli.main(["export", str(folder), "--tensorboard", str(tmp_path / "tb")]) == 2
    assert INSTALL in capsys.readouterr().err

"""Runs persist: the runs directory, a History back from a run folder, live runs that save
themselves, finished runs opened again, and uploads kept or refused."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from test_bundle import _members, _trained, _zip

from explorer.config import RunConfig
from explorer.engine.training import Trainer
from explorer.runs import folders as runs
from explorer.runs.bundle import BundleError, load_history, save_run
from explorer.runs.live import REGISTRY, LiveRun
from explorer.runs.zipped import zip_run

TINY = RunConfig(task="adding", seq_len=10, hidden=8, batch=8, steps=24, val_every=5)


@pytest.fixture(autouse=True)
def stop_runs():
    yield
    REGISTRY.stop_all()


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Trainer, Path]:
    trainer = _trained(TINY)
    return trainer, save_run(tmp_path_factory.mktemp("saved") / "run", trainer)


# -- the runs directory ------------------------------------------------------------------
def test_runs_dir_precedence_flag_then_environment_then_default():
    assert runs.runs_dir(environ={}) == Path("runs")
    assert runs.runs_dir(environ={runs.RUNS_ENV: "/data/r"}) == Path("/data/r")
    assert runs.runs_dir("/flag", environ={runs.RUNS_ENV: "/data/r"}) == Path("/flag")
    assert runs.flag_from_argv(["--runs-dir", "x", "--other"]) == "x"
    assert runs.flag_from_argv(["-q", "tests"]) is None
    assert runs.flag_from_argv(["--runs-dir"]) is None  # no value: the environment decides


def test_names_are_generated_safe_and_unique(tmp_path):
    when = datetime(2025, 3, 4, 5, 6, 7)
    a = runs.run_name(TINY, when)
    b = runs.run_name(TINY.replace(cell="gru"), when)
    assert a.startswith("20250304-050607-adding-rnn-")
    assert b.startswith("20250304-050607-adding-gru-")
    assert runs.SAFE_NAME.match(a) and a != runs.run_name(TINY.replace(lr=0.02), when)
    first = runs.unique_folder(tmp_path, a)
    second = runs.unique_folder(tmp_path, a)
    assert (first.name, second.name) == (a, f"{a}-2") and first.is_dir() and second.is_dir()
    for bad in ("../x", "a/b", "..", "", "/abs"):
        with pytest.raises(ValueError):
            runs.unique_folder(tmp_path, bad)


def test_list_runs_finds_single_and_compared_runs_newest_first(tmp_path, saved):
    trainer, _ = saved
    single = save_run(tmp_path / "single", trainer)
    nested = save_run(tmp_path / "group" / "variant", trainer)
    old = time.time() - 3600
    os.utime(single / "summary.json", (old, old))
    (tmp_path / "half").mkdir()  # being written: no summary.json yet
    (tmp_path / "half" / "config.json").write_text("{}")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "config.json").write_text("not json")
    (tmp_path / "junk" / "summary.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("hello")
    listed = runs.list_runs(tmp_path)
    assert [r.name for r in listed] == ["group/variant", "single"]
    first = listed[0]
    assert (first.path, first.task, first.cell, first.steps, first.status) == (
        nested,
        "adding",
        "rnn",
        24,
        "completed",
    )
    assert first.final_val_loss == trainer.history.val_losses[-1]
    frame = runs.runs_frame(listed)
    assert list(frame.columns) == [
        "name",
        "task",
        "cell",
        "settings",
        "steps",
        "final val loss",
        "status",
        "date",
    ]
    assert runs.list_runs(tmp_path / "missing") == []
    assert runs.resolve(tmp_path, "group/variant") == nested.resolve()
    outside = save_run(tmp_path.parent / f"{tmp_path.name}-outside", trainer)
    for bad in (f"../{outside.name}", str(outside), "/etc", "half", "nothing"):
        with pytest.raises(FileNotFoundError):
            runs.resolve(tmp_path, bad)


# -- a History back from a folder ---------------------------------------------------------
def _assert_same_history(loaded, original):
    assert loaded.steps == original.steps  # frozen dataclasses: every float exactly
    assert loaded.val_steps == original.val_steps
    assert loaded.val_losses == original.val_losses
    assert [p.step for p in loaded.probes] == [p.step for p in original.probes]
    for a, b in zip(loaded.probes, original.probes, strict=True):
        assert a.horizon == b.horizon and a.param_norms == b.param_norms
        for x, y in zip(a.dh, b.dh, strict=True):
            np.testing.assert_array_equal(x, y)
        assert (a.dc is None) == (b.dc is None)
        for x, y in zip(a.dc or (), b.dc or (), strict=True):
            np.testing.assert_array_equal(x, y)
    assert loaded.spectra == original.spectra
    assert [h.step for h in loaded.hidden] == [h.step for h in original.hidden]
    for a, b in zip(loaded.hidden, original.hidden, strict=True):
        np.testing.assert_array_equal(a.states, b.states)


def test_load_history_round_trip(saved):
    trainer, folder = saved
    _assert_same_history(load_history(folder), trainer.history)


def test_load_history_round_trip_lstm_two_layers(tmp_path):
    config = RunConfig(
        task="sine_next", cell="lstm", layers=2, seq_len=8, hidden=6, steps=12, probe_every=5
    )
    trainer = _trained(config)
    loaded = load_history(save_run(tmp_path / "lstm", trainer))
    _assert_same_history(loaded, trainer.history)
    assert len(loaded.probes[0].dh) == 2 and len(loaded.probes[0].dc) == 2


def test_load_history_refuses_inconsistent_arrays(saved, tmp_path):
    folder = Path(save_run(tmp_path / "run", saved[0]))
    with np.load(folder / "gradflow.npz") as npz:
        arrays = dict(npz)
    arrays["horizon"] = arrays["horizon"][:3]  # fewer horizons than probe steps
    np.savez(folder / "gradflow.npz", **arrays)
    with pytest.raises(BundleError, match="inconsistent"):
        load_history(folder)


# -- live runs save themselves --------------------------------------------------------------
def test_a_live_run_saves_itself_when_it_completes(tmp_path):
    run = LiveRun(TINY, runs_dir=tmp_path)
    run.start()
    snap = run.wait_for(lambda s: s.saved_to is not None or s.state == "error", 60)
    assert snap.state == "completed" and snap.saved_to is not None
    assert snap.saved_to.parent == tmp_path and runs.SAFE_NAME.match(snap.saved_to.name)
    assert f"Saved to {snap.saved_to}" in snap.message
    _assert_same_history(load_history(snap.saved_to), snap.history)
    assert [r.name for r in runs.list_runs(tmp_path)] == [snap.saved_to.name]


def test_a_stopped_run_is_saved_as_stopped_and_an_unstarted_one_not_at_all(tmp_path):
    run = LiveRun(TINY.replace(steps=100_000), runs_dir=tmp_path)
    run.start()
    run.wait_for(lambda s: s.step >= 3)
    run.stop("Stopped by the test.")
    run.join(30)
    snap = run.snapshot()
    assert snap.state == "stopped" and snap.saved_to is not None
    summary = json.loads((snap.saved_to / "summary.json").read_text())
    assert summary["status"] == "stopped" and summary["steps_done"] == snap.step
    assert summary["message"] == "Stopped by the test."
    LiveRun(TINY, runs_dir=tmp_path).stop()  # never started: nothing to keep
    assert len(runs.list_runs(tmp_path)) == 1


def test_a_disk_error_becomes_a_message_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the runs directory should be")
    run = LiveRun(TINY, runs_dir=blocker)
    run.start()
    run.join(60)
    snap = run.snapshot()
    assert snap.state == "completed" and snap.saved_to is None
    assert "Not saved" in snap.message and snap.step == TINY.steps


def test_live_runs_save_nothing_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = LiveRun(TINY)
    run.start()
    run.join(60)
    assert run.snapshot().state == "completed" and not any(tmp_path.iterdir())


# -- finished runs opened again --------------------------------------------------------------
def test_a_finished_run_from_a_folder(saved, tmp_path):
    trainer, folder = saved
    run = LiveRun.from_folder(folder)
    snap = run.snapshot()
    assert (snap.state, snap.step, snap.config) == ("completed", 24, TINY)
    assert snap.saved_to == folder and snap.baseline_loss == trainer.task.baseline_loss()
    _assert_same_history(snap.history, trainer.history)
    for name, tensor in trainer.model.state_dict().items():
        assert np.array_equal(snap.model_state[name].numpy(), tensor.numpy()), name
    run.start()
    run.step_once()
    assert run.snapshot().state == "completed" and run._thread is None  # finished stays so
    copy = run.save(tmp_path / "copy")
    assert _members(copy) == {n: b for n, b in _members(folder).items()}


def test_finished_refuses_a_state_that_is_not_final():
    with pytest.raises(ValueError):
        LiveRun.finished(TINY, Trainer(TINY).history, None, None, "", state="running")


# -- uploads ---------------------------------------------------------------------------------
def test_an_upload_is_kept_under_a_generated_name(saved, tmp_path):
    folder = runs.import_zip(zip_run(saved[1]), tmp_path)
    assert folder.parent == tmp_path and folder.name.split("-")[2:4] == ["adding", "rnn"]
    assert _members(folder) == _members(saved[1])
    assert [r.path for r in runs.list_runs(tmp_path)] == [folder]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: {**m, "../evil": b"x"}, "unsafe member name"),
        (lambda m: {**m, "notes.txt": b"x"}, "unexpected file"),
        (lambda m: {k: v for k, v in m.items() if k != "model.pt"}, "missing model.pt"),
        (lambda m: {**m, "model.pt": b"garbage"}, "model.pt"),
    ],
)
def test_a_bad_upload_is_refused_and_leaves_nothing(saved, tmp_path, change, words):
    data = _zip(change(_members(saved[1])))
    with pytest.raises(BundleError, match=words):
        runs.import_zip(data, tmp_path)
    assert not any(tmp_path.iterdir())
    with pytest.raises(BundleError, match="limit"):
        runs.import_zip(zip_run(saved[1]), tmp_path, max_bytes=100)
    assert not any(tmp_path.iterdir())

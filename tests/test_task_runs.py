"""The new tasks end to end: the command line for each, bad data files, the run folder
(data kept beside the config and checked by hash, accuracy columns, samples.txt), replay,
and a comparison whose spawned workers get the data handed over."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explorer import cli
from explorer.config import RunConfig
from explorer.engine.training import Trainer
from explorer.runs.bundle import BundleError, load_run, save_run
from explorer.runs.compare import Comparison
from explorer.runs.live import LiveRun
from explorer.runs.variants import make_variants
from explorer.runs.zipped import load_zip, zip_run
from explorer.tasks.datastore import STORE, content_key

TINY = ["--hidden", "8", "--steps", "12", "--batch", "8"]


def _series_csv(path: Path, n: int = 80) -> Path:
    rng = np.random.default_rng(0)
    level = 20 + np.cumsum(rng.normal(0, 1, n))
    path.write_text("when;level\n" + "".join(f"{i};{v:.3f}\n" for i, v in enumerate(level)))
    return path


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


def test_series_from_the_command_line(tmp_path, capsys):
    data = _series_csv(tmp_path / "prices.csv")
    out = tmp_path / "run"
    argv = ["train", "--task", "series", "--data", str(data), "--column", "level"]
    assert cli.main([*argv, "--seq-len", "10", *TINY, "--out", str(out)]) == 0
    assert (out / "data.csv").read_bytes() == data.read_bytes()
    config = load_run(out).config
    assert config.data == content_key(data.read_bytes()) and config.column == "level"
    predictions = pd.read_csv(out / "predictions.csv")
    level = pd.read_csv(data, sep=";")["level"].to_numpy()
    np.testing.assert_allclose(predictions["truth"], level[predictions["t"].astype(int)])
    summary = _summary(out)
    assert summary["normalisation"]["std"] > 0 and summary["column"] == "level"
    assert "normalised    level: (value - " in capsys.readouterr().out


def test_digits_and_chars_from_the_command_line(tmp_path, capsys):
    digits = tmp_path / "digits"
    assert cli.main(["train", "--task", "digits", *TINY, "--out", str(digits)]) == 0
    metrics = pd.read_csv(digits / "metrics.csv")
    assert {"accuracy", "val_accuracy"} <= set(metrics.columns)
    assert _summary(digits)["baseline_accuracy"] < 0.11
    assert "val accuracy" in capsys.readouterr().out
    chars = tmp_path / "chars"
    argv = ["train", "--task", "chars", "--seq-len", "16", "--tbptt", "4", *TINY]
    assert cli.main([*argv, "--out", str(chars)]) == 0
    assert "--- temperature 0," in (chars / "samples.txt").read_text()
    assert not (chars / "data.txt").exists()  # the built-in text needs no copy
    assert _summary(chars)["loss_unit"] == "bits per character"
    assert "dh_full_l0" in np.load(chars / "gradflow.npz").files


def test_chars_on_a_text_file_and_replay_from_its_folder(tmp_path):
    text = tmp_path / "book.txt"
    text.write_text("It was the best of times, it was the worst of times. " * 60)
    first = tmp_path / "first"
    argv = ["train", "--task", "chars", "--data", str(text), "--seq-len", "16", *TINY]
    assert cli.main([*argv, "--out", str(first)]) == 0
    assert (first / "data.txt").read_bytes() == text.read_bytes()
    STORE.clear()  # as a fresh process: the replay finds data.txt beside config.json
    again = tmp_path / "again"
    assert cli.main(["train", "--config", str(first / "config.json"), "--out", str(again)]) == 0
    a, b = (pd.read_csv(f / "metrics.csv") for f in (first, again))
    np.testing.assert_array_equal(a["loss"], b["loss"])


@pytest.mark.parametrize(
    ("content", "extra", "says"),
    [
        (b"level\n1\n2\n\n4\n" + b"5\n" * 30, [], "column: Column 'level' has 1 missing"),
        (b"\x00\x01binary", [], "binary file"),
        ("prix\n1\n2\n".encode("utf-16"), [], "UTF-16"),
        (b"a,b\nx,y\n", [], "No column holds numbers"),
        (b"level\n" + b"1\n2\n" * 20, ["--column", "volume"], "error: column: "),
        (b"level\n" + b"1\n2\n" * 20, ["--seq-len", "45"], "error: seq_len: "),
    ],
)
def test_bad_data_files_exit_2_with_one_line(tmp_path, capsys, content, extra, says):
    data = tmp_path / "bad.csv"
    data.write_bytes(content)
    argv = ["train", "--task", "series", "--data", str(data), *extra, "--out", str(tmp_path / "o")]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and says in err, err


def test_data_flags_that_make_no_sense(tmp_path, capsys):
    assert cli.main(["train", "--task", "digits", "--data", str(tmp_path)]) == 2
    assert "--data is read by --task series or chars" in capsys.readouterr().err
    assert cli.main(["train", "--task", "series", "--data", str(tmp_path / "none.csv")]) == 2
    assert "not a file" in capsys.readouterr().err


# -- the run folder --------------------------------------------------------------------------------
def _uploaded_series_run(tmp_path: Path) -> tuple[Trainer, Path]:
    raw = _series_csv(tmp_path / "up.csv").read_bytes()
    entry = STORE.put("up.csv", raw)
    config = RunConfig(task="series", data=entry.key, column="level", seq_len=10, hidden=8)
    trainer = Trainer(config.replace(steps=5))
    trainer.run()
    return trainer, save_run(tmp_path / "run", trainer)


def test_a_folder_brings_its_data_back_and_refuses_changed_data(tmp_path):
    trainer, folder = _uploaded_series_run(tmp_path)
    STORE.clear()
    opened = LiveRun.from_folder(folder)  # registers data.csv, rebuilds the task
    assert opened.snapshot().predictions is not None
    assert STORE.get(trainer.config.data).raw == (folder / "data.csv").read_bytes()
    loaded = load_zip(zip_run(folder))
    assert loaded.config == trainer.config
    (folder / "data.csv").write_bytes((folder / "data.csv").read_bytes() + b"99\n")
    with pytest.raises(BundleError, match="does not match the data key"):
        load_run(folder)
    (folder / "data.csv").unlink()
    with pytest.raises(BundleError, match=r"data\.csv is missing"):
        load_run(folder)


def test_a_folder_from_before_these_tasks_still_loads(tmp_path):
    """Old config.json files have no data or column; old metrics no accuracy columns."""
    from explorer.runs.bundle import load_history

    trainer = Trainer(RunConfig(task="adding", seq_len=6, hidden=4, steps=3))
    trainer.run()
    folder = save_run(tmp_path / "old", trainer)
    config = json.loads((folder / "config.json").read_text())
    del config["data"], config["column"]
    (folder / "config.json").write_text(json.dumps(config))
    history = load_history(folder)
    assert history.steps == trainer.history.steps and not history.has_accuracy
    assert all(p.dh_full is None for p in history.probes)


def test_digits_history_round_trips_with_accuracy(tmp_path):
    from explorer.runs.bundle import load_history

    trainer = Trainer(RunConfig(task="digits", hidden=8, steps=12, val_every=4))
    trainer.run()
    history = load_history(save_run(tmp_path / "d", trainer))
    assert history.steps == trainer.history.steps
    assert history.val_accuracies == trainer.history.val_accuracies


def test_compare_hands_the_data_to_its_worker_processes(tmp_path):
    trainer, _ = _uploaded_series_run(tmp_path)
    base = trainer.config.replace(steps=6)
    variants = make_variants(base, {"cell": ["rnn", "gru"]})
    comparison = Comparison(variants, tmp_path / "cmp", workers=1, idle_timeout=None).start()
    assert comparison.wait(120)
    states = comparison.states()
    assert [s.state for s in states] == ["completed", "completed"], [s.message for s in states]
    for s in states:
        assert (s.folder / "data.csv").read_bytes() == STORE.get(base.data).raw
    # the same numbers as in this process: the worker trained on the very same data
    here = Trainer(variants[1].config)
    here.run()
    worker = pd.read_csv(states[1].folder / "metrics.csv")
    np.testing.assert_allclose(worker["loss"], [r.loss for r in here.history.steps], rtol=1e-6)

"""Sweeps: a grid over any number of knobs, a seeded random search, and `python -m
explorer sweep` end to end on the local executor (tests/test_ray.py runs Ray)."""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explorer import cli
from explorer.config import ConfigError, RunConfig
from explorer.runs.bundle import load_history
from explorer.runs.compare import COMPARISONS
from explorer.runs.executor import ADDRESS_ENV, Executor, ExecutorError, ExecutorKind
from explorer.runs.sweep import MAX_SWEEP, Range, grid_variants, parse_range, random_variants
from explorer.runs.variants import CompareError

REPO = Path(__file__).resolve().parents[1]
BASE = RunConfig(task="adding", seq_len=10, hidden=8, steps=30, batch=8)


@pytest.fixture(autouse=True)
def stop_everything():
    yield
    COMPARISONS.close_all()


def test_a_grid_is_the_cross_product_of_any_number_of_knobs():
    variants = grid_variants(
        BASE, {"cell": ["rnn", "gru"], "lr": ["0.01", "0.1"], "hidden": ["4", "8", "16"]}
    )
    assert len(variants) == 12
    configs = {(v.config.cell, v.config.lr, v.config.hidden) for v in variants}
    assert configs == {(c, lr, h) for c in ("rnn", "gru") for lr in (0.01, 0.1) for h in (4, 8, 16)}
    assert all(v.config.seed == BASE.seed and v.config.task == "adding" for v in variants)


def test_a_grid_over_1000_variants_is_refused():
    grid = {"hidden": [str(h) for h in range(1, 101)], "lr": ["0.1", "0.01"], "seed": "0123456"}
    with pytest.raises(CompareError, match=f"at most {MAX_SWEEP}"):
        grid_variants(BASE, grid)  # 100 x 2 x 7 = 1400


def test_ranges_are_parsed_and_checked_by_the_config():
    assert parse_range("seq-len=5:50") == Range("seq_len", 5.0, 50.0)
    assert parse_range("cell=rnn,gru").choices == ("rnn", "gru")
    for bad in ("lr", "lr=", "lr=0.1", "lr=0.1:0.01", "lr=0:1:log", "nope=1:2", "cell=rnn,cnn"):
        with pytest.raises((CompareError, ConfigError)):
            parse_range(bad)
    with pytest.raises(ConfigError, match="lr"):
        parse_range("lr=1e-9:1")  # below the config's own bound


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_draws_stay_in_range_are_log_uniform_and_repeat_with_their_seed(seed):
    space = [parse_range("lr=1e-4:1e-1:log"), parse_range("hidden=8:64")]
    variants = random_variants(BASE, space, 600, seed=seed)
    lrs = np.array([v.config.lr for v in variants])
    hidden = np.array([v.config.hidden for v in variants])
    assert lrs.min() >= 1e-4 * (1 - 5e-3) and lrs.max() <= 0.1 * (1 + 5e-3)  # 3 digits
    assert hidden.min() >= 8 and hidden.max() <= 64
    assert all(isinstance(v.config.hidden, int) for v in variants)
    # log-uniform: each decade holds about a third of the draws (600/3 = 200, sd ~12)
    decades = np.histogram(np.log10(lrs), bins=[-4, -3, -2, -1])[0]
    assert np.all(np.abs(decades - 200) < 60), decades
    # uniform integers: the mean of 8..64 is 36 (sd of the mean ~0.7)
    assert abs(hidden.mean() - 36) < 4
    again = random_variants(BASE, space, 600, seed=seed)
    assert [v.config for v in again] == [v.config for v in variants]
    other = random_variants(BASE, space, 600, seed=seed + 10)
    assert [v.config for v in other] != [v.config for v in variants]
    # every variant shares the runs' seed: the same data, as in a comparison
    assert {v.config.seed for v in variants} == {BASE.seed}


def test_random_names_are_unique_even_when_a_draw_repeats():
    variants = random_variants(BASE, [parse_range("cell=rnn,gru")], 6, seed=0)
    names = [v.name for v in variants]
    assert len(set(names)) == 6
    assert {n.split(" #")[0] for n in names} <= {"cell=rnn", "cell=gru"}


def test_random_search_refuses_bad_counts_and_repeated_knobs():
    space = [parse_range("lr=1e-3:1e-1")]
    for n in (0, MAX_SWEEP + 1):
        with pytest.raises(CompareError):
            random_variants(BASE, space, n)
    with pytest.raises(CompareError, match="twice"):
        random_variants(BASE, space * 2, 3)


def test_the_executor_comes_from_the_flags_or_the_environment():
    assert Executor.choose(environ={}) == Executor()
    assert Executor.choose(environ={ADDRESS_ENV: "10.0.0.1:6379"}) == Executor(
        ExecutorKind.RAY, "10.0.0.1:6379"
    )
    assert Executor.choose("ray", environ={}) == Executor(ExecutorKind.RAY, None)
    for kind, address in (("spark", None), ("local", "auto")):
        with pytest.raises(ExecutorError):
            Executor.choose(kind, address, environ={})
    Executor().check()  # local needs nothing


def test_the_sweep_command_writes_every_run_and_a_table_pandas_reads(tmp_path, capsys):
    out = tmp_path / "sweep"
    search = ["--random", "5", "--space", "lr=1e-3:1e-1:log", "--space", "hidden=4:16"]
    run = ["--task", "adding", "--seq-len", "10", "--hidden", "8", "--steps", "30", "--batch", "8"]
    status = cli.main(["sweep", *search, *run, "--workers", "2", "--out", str(out)])
    assert status == 0
    csv = pd.read_csv(out / "sweep.csv")
    parquet = pd.read_parquet(out / "sweep.parquet")
    assert len(csv) == len(parquet) == 5
    assert {"variant", "lr", "hidden", "final_val_loss", "best_val_loss"} <= set(csv.columns)
    assert {"steps_to_target", "reach", "steps_per_second", "status"} <= set(csv.columns)
    assert (parquet["status"] == "completed").all()
    for _, row in parquet.iterrows():  # each row against its own run folder's metrics
        history = load_history(out / row["folder"])
        vals = [v for v in history.val_losses if math.isfinite(v)]
        assert row["final_val_loss"] == pytest.approx(vals[-1])
        assert row["best_val_loss"] == pytest.approx(min(vals))
        config = RunConfig.from_json((out / row["folder"] / "config.json").read_text())
        assert (config.lr, config.hidden) == (row["lr"], row["hidden"])
    assert "the ten best above" in capsys.readouterr().out


def test_the_sweep_command_refuses_bad_searches_before_training(tmp_path, capsys):
    for argv in (
        ["sweep", "--random", "3"],  # no space
        ["sweep", "--random", "2000", "--space", "lr=1e-3:1e-1"],
        ["sweep", "--random", "3", "--space", "lr=0.1:0.01"],
        ["sweep", "--grid", "cell=rnn", "--random", "3"],  # one search at a time
        ["sweep", "--grid", "lr=0.1", "--executor", "local", "--address", "auto"],
    ):
        assert cli.main([*argv, "--out", str(tmp_path / "x")]) == 2, argv
        assert "error" in capsys.readouterr().err


def test_the_sweep_figures_draw_the_table_they_are_given():
    from explorer.figures import sweep as sweep_figures

    table = pd.DataFrame(
        {
            "variant": ["a", "b", "c", "d"],
            "cell": ["rnn", "gru", "rnn", "gru"],
            "lr": [1e-4, 1e-3, 1e-2, 1e-1],
            "hidden": [8, 16, 32, 64],
            "final_val_loss": [0.5, 0.05, float("nan"), 0.2],
        }
    )
    fig = sweep_figures.parallel_figure(table, ["cell", "lr", "hidden"])
    (trace,) = fig.data
    cell, lr, hidden, loss = trace.dimensions
    # the failed variant (NaN) is left out; lr on log10 with decade ticks; cell as categories
    assert list(cell.values) == [1, 0, 0] and list(cell.ticktext) == ["gru", "rnn"]
    assert np.allclose(lr.values, [-4, -3, -1])
    assert list(lr.ticktext) == ["0.0001", "0.001", "0.01", "0.1"]
    assert list(hidden.values) == [8, 16, 64] and hidden.tickvals is None  # 8x: linear
    assert np.allclose(10 ** np.asarray(loss.values), [0.5, 0.05, 0.2])
    scatter = sweep_figures.knob_scatter_figure(table, "lr", "cell")
    assert scatter.layout.xaxis.type == "log" and scatter.layout.yaxis.type == "log"
    assert sorted(len(t.x) for t in scatter.data) == [1, 2]  # one trace per cell, NaN out
    entries = ["a", "b", "c", "d"]
    assert sweep_figures.best_entries(entries, table, 2) == ["b", "d"]
    assert sweep_figures.best_entries(entries, table, 10) == ["b", "d", "a"]


def test_ctrl_c_cancels_a_sweep_cleanly_and_keeps_what_ran(tmp_path):
    """The first Ctrl-C: running variants stop after their step and are saved, waiting
    ones are dropped, the table is still written, exit 130."""
    out = tmp_path / "sweep"
    argv = ["--random", "6", "--space", "lr=1e-3:1e-1:log", "--task", "adding", "--seq-len"]
    argv += ["10", "--hidden", "8", "--steps", "100000", "--workers", "2", "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", "sweep", *argv],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = process.stderr.readline()
    assert first.startswith("sweeping 6 variants"), first
    time.sleep(10)  # the workers start (a spawn, torch's import) and train a while
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    table = pd.read_csv(out / "sweep.csv")
    assert len(table) == 6
    assert set(table["status"]) <= {"stopped", "cancelled"} and "stopped" in set(table["status"])
    stopped = table[table["status"] == "stopped"]
    assert all((out / folder / "metrics.csv").is_file() for folder in stopped["folder"])

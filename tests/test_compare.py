"""Compare: variants, shared data, parallel == sequential, cancelling, the table, the
figures, the command line and the page (AppTest).

Worker processes cost a few seconds each to start (torch's import), so the tests that
spawn share what they can: one command-line comparison checks the CLI, the parallel result
against the sequential one and comparison.csv's numbers; one page comparison checks the
page end to end.
"""

from __future__ import annotations

import io
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from harness import chart_specs, open_app
from streamlit.testing.v1 import AppTest
from test_bundle import _members, _trained, _zip

from explorer import cli
from explorer.config import ConfigError, RunConfig
from explorer.engine.models import build_model
from explorer.figures import compare as compare_figures
from explorer.runs.bundle import load_history, save_run
from explorer.runs.compare import COMPARISONS, Comparison
from explorer.runs.entries import Entry, VariantState
from explorer.runs.live import REGISTRY
from explorer.runs.slots import SharedComparisons, WorkerSlots
from explorer.runs.table import (
    estimate_seconds_left,
    results_table,
    shared_baseline,
    steps_to_target,
)
from explorer.runs.variants import MAX_VARIANTS, CompareError, comparison_key, make_variants
from explorer.runs.zipped import zip_run
from explorer.tasks import make_task

ROOT = Path(__file__).resolve().parents[1]
TINY = RunConfig(task="adding", seq_len=10, hidden=8, batch=8, steps=30, val_every=5)
TINY_ARGS = [
    *("--task", "adding", "--seq-len", "10", "--hidden", "8", "--batch", "8"),
    *("--steps", "30", "--val-every", "5"),
]


@pytest.fixture(autouse=True)
def stop_everything():
    yield
    COMPARISONS.close_all()
    REGISTRY.stop_all()


# -- variants ---------------------------------------------------------------------------
def test_variants_are_the_cross_product_of_one_or_two_knobs():
    one = make_variants(TINY, {"cell": ["rnn", "lstm", "gru"]})
    assert [v.name for v in one] == ["cell=rnn", "cell=lstm", "cell=gru"]
    assert [v.config for v in one] == [TINY.replace(cell=c) for c in ("rnn", "lstm", "gru")]
    two = make_variants(TINY, {"clip": ["off", "norm"], "clip_value": ["0.5", "2"]})
    assert [v.name for v in two] == [
        "clip=off, clip_value=0.5",
        "clip=off, clip_value=2",
        "clip=norm, clip_value=0.5",
        "clip=norm, clip_value=2",
    ]
    assert two[3].config == TINY.replace(clip="norm", clip_value=2.0)
    twelve = make_variants(TINY, {"seed": [str(s) for s in range(12)]})
    assert len(twelve) == MAX_VARIANTS


@pytest.mark.parametrize(
    ("vary", "error", "words"),
    [
        ({"colour": ["red"]}, CompareError, "unknown knob 'colour'"),
        ({"steps": ["1", "2"]}, CompareError, "unknown knob 'steps'"),
        ({"seed": [str(s) for s in range(13)]}, CompareError, "13 variants; at most 12"),
        ({"cell": ["rnn", "gru"], "lr": list("1234567")}, CompareError, "2 x 7 = 14"),
        ({"hidden": ["0", "8"]}, ConfigError, "hidden: 0 is out of range"),
        ({"lr": ["fast"]}, ConfigError, "lr: expected a number"),
        ({"cell": ["rnn", "RNN"]}, CompareError, "lists rnn twice"),
        ({"cell": ["rnn"], "lr": ["1"], "seed": ["1"]}, CompareError, "at most two knobs"),
        ({"cell": ["rnn", "lstm"], "init": ["identity"]}, ConfigError, "variant cell=lstm"),
        ({}, CompareError, "one or two knobs"),
    ],
)
def test_bad_variations_are_refused_in_one_line(vary, error, words):
    with pytest.raises(error) as info:
        make_variants(TINY, vary)
    assert words in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("knob", "values", "same_weights"),
    [
        ("cell", ["rnn", "lstm", "gru"], False),
        ("lr", ["0.001", "0.1"], True),
        ("clip", ["off", "norm", "value"], True),
        ("clip_value", ["0.1", "10"], True),
        ("optimizer", ["adam", "sgd"], True),
        ("hidden", ["4", "16"], False),
        ("init", ["default", "orthogonal"], False),
    ],
)
def test_variants_see_the_same_batches_in_the_same_order(knob, values, same_weights):
    variants = make_variants(TINY, {knob: values})
    tasks = [make_task(v.config) for v in variants]
    for step in (0, 1, 17):
        first = tasks[0].train_batch(step)
        for task in tasks[1:]:
            batch = task.train_batch(step)
            assert torch.equal(batch.x, first.x) and torch.equal(batch.y, first.y)
    for task in tasks[1:]:
        assert torch.equal(task.val_batch().x, tasks[0].val_batch().x)
    if same_weights:  # a knob that leaves the shapes alone starts from the same weights
        pairs = zip(variants, tasks, strict=True)
        states = [build_model(v.config, t).state_dict() for v, t in pairs]
        for state in states[1:]:
            assert all(torch.equal(state[k], states[0][k]) for k in state)


def test_only_the_seed_knob_changes_the_data():
    a, b = (make_task(v.config) for v in make_variants(TINY, {"seed": ["0", "1"]}))
    assert not torch.equal(a.train_batch(0).x, b.train_batch(0).x)


# -- table and figures, against the recorded numbers -------------------------------------
@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    configs = [TINY, TINY.replace(cell="gru", seq_len=14)]
    return [Entry(f"run {n}", c, _trained(c).history, "completed") for n, c in enumerate(configs)]


def test_results_table_numbers(entries):
    target = 0.2
    table = results_table(entries, target)
    assert list(table["variant"]) == ["run 0", "run 1"]
    for row, e in zip(table.itertuples(), entries, strict=True):
        h = e.history
        assert row.final_val_loss == h.val_losses[-1]
        assert row.best_val_loss == min(h.val_losses)
        crossed = [s for s, v in zip(h.val_steps, h.val_losses, strict=True) if v <= target]
        assert (row.steps_to_target if crossed else None) == (crossed[0] if crossed else None)
        clipped = np.mean([r.grad_norm_clipped < r.grad_norm for r in h.steps])
        assert row.clipped_fraction == pytest.approx(clipped)
        assert row.steps_per_second == pytest.approx(len(h.steps) / sum(r.seconds for r in h.steps))
        for column, probe in (("reach_first", h.probes[0]), ("reach", h.probes[-1])):
            dh = probe.dh[-1]  # the reach counted again: steps back to the first t >= 1e-3
            assert getattr(row, column) == len(dh) - 1 - np.flatnonzero(dh >= 1e-3 * dh[-1])[0]
    # a column per setting that differs between the runs, with each run's value
    assert list(table.columns[1:3]) == ["cell", "seq_len"]
    assert list(table["cell"]) == ["rnn", "gru"] and list(table["seq_len"]) == [10, 14]
    never = results_table(entries, 0.0)
    assert never["steps_to_target"].isna().all()
    assert steps_to_target(entries[0].history, math.inf) == entries[0].history.val_steps[0]


def test_heatmaps_share_one_colour_scale(entries):
    fig = compare_figures.heatmap_grid_figure(entries)
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert [t.name for t in heatmaps] == ["run 0", "run 1"]
    assert {t.coloraxis for t in heatmaps} == {"coloraxis"}
    logs = [np.log10(np.maximum(e.history.dh_matrix()[1], 1e-30)) for e in entries]
    assert fig.layout.coloraxis.cmin == pytest.approx(min(z.min() for z in logs))
    assert fig.layout.coloraxis.cmax == pytest.approx(max(z.max() for z in logs))
    for t, e in zip(heatmaps, entries, strict=True):  # every probed row drawn: few here
        np.testing.assert_allclose(np.asarray(t.z), np.log10(e.history.dh_matrix()[1]))
    assert [len(t.x) for t in heatmaps] == [10, 14]


def test_loss_overlay_and_reach_draw_the_recorded_numbers(entries):
    fig = compare_figures.loss_overlay_figure(entries)
    val = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in val] == ["run 0", "run 1"]
    for t, e in zip(val, entries, strict=True):
        assert list(t.y) == e.history.val_losses and list(t.x) == e.history.val_steps
    reach = compare_figures.reach_figure(entries)
    for t, e in zip(reach.data, entries, strict=True):
        T = e.config.seq_len
        assert list(t.y) == [T - 1 - p.horizon for p in e.history.probes]
    empty = compare_figures.loss_overlay_figure([])
    assert not empty.data


# -- in parallel: the command line, checked against a sequential run ---------------------
def test_the_loss_overlay_draws_the_baseline_the_runs_share(entries):
    """The adding problem's trivial baseline: predicting the mean 1 scores the mean of
    (y - 1)^2 over the validation targets."""
    same = [entries[0], replace(entries[0], label="again")]
    targets = make_task(TINY).val_batch().y.numpy()
    expected = float(np.mean((targets - 1.0) ** 2))
    assert shared_baseline(same) == pytest.approx(expected)
    assert shared_baseline(entries) is None  # different sequence lengths: different data
    fig = compare_figures.loss_overlay_figure(same, log_y=True, baseline=expected)
    (line,) = [s for s in fig.layout.shapes if s.yref == "y"]
    assert line.y0 == line.y1 == pytest.approx(expected)


@pytest.fixture(scope="module")
def cli_race(tmp_path_factory):
    out = tmp_path_factory.mktemp("race") / "race"
    capture = pytest.MonkeyPatch()
    err = io.StringIO()
    capture.setattr(sys, "stderr", err)
    code = cli.main(
        [
            *("compare", "--vary", "cell=rnn,gru", *TINY_ARGS, "--workers", "2"),
            *("--target-loss", "0.2", "--out", str(out)),
        ]
    )
    capture.undo()
    return code, out, err.getvalue()


def test_parallel_runs_equal_sequential_ones(cli_race):
    code, out, _ = cli_race
    assert code == 0
    table = pd.read_csv(out / "comparison.csv", keep_default_na=False)
    assert list(table["variant"]) == ["cell=rnn", "cell=gru"]
    for row in table.itertuples():
        config = TINY.replace(cell=row.variant.split("=")[1])
        folder = out / row.folder
        assert RunConfig.from_json((folder / "config.json").read_text()) == config
        parallel = load_history(folder)
        sequential = _trained(config).history  # this process, one after another
        assert [r.loss for r in parallel.steps] == [r.loss for r in sequential.steps]
        assert parallel.val_losses == sequential.val_losses
        assert [r.grad_norm for r in parallel.steps] == [r.grad_norm for r in sequential.steps]


def test_comparison_csv_has_the_table_columns_and_numbers(cli_race):
    _, out, stderr = cli_race
    table = pd.read_csv(out / "comparison.csv", keep_default_na=False)
    assert list(table.columns) == [
        "variant",
        "cell",  # one column per knob
        "final_val_loss",
        "best_val_loss",
        "steps_to_target",
        "steps_per_second",
        "clipped_fraction",
        "reach_first",
        "reach",
        "status",
        "folder",
    ]
    for row in table.itertuples():
        metrics = pd.read_csv(out / row.folder / "metrics.csv")  # computed another way
        val = metrics.dropna(subset=["val_loss"])
        assert row.final_val_loss == val["val_loss"].iloc[-1]
        assert row.best_val_loss == val["val_loss"].min()
        hit = val[val["val_loss"] <= 0.2]["step"]
        assert str(row.steps_to_target) == (str(hit.iloc[0]) if len(hit) else "not reached")
        assert row.clipped_fraction == pytest.approx(metrics["clipped"].mean())
        assert row.status == "completed"
        summary = json.loads((out / row.folder / "summary.json").read_text())
        T = json.loads((out / row.folder / "config.json").read_text())["seq_len"]
        assert row.reach == T - 1 - summary["horizon_last"]
        assert row.cell == row.variant.removeprefix("cell=")
    for name in ("cell=rnn", "cell=gru"):  # not a terminal: periodic lines, one per tenth
        assert f"{name}  step 30/30" in stderr
    assert "\x1b[" not in stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--vary", "colour=red"], "error: vary: unknown knob 'colour'"),
        (["--vary", "hidden=0,8"], "error: hidden: 0 is out of range"),
        (["--vary", "seed=0,1,2,3", "--vary", "lr=1,2,3,4"], "error: vary: 4 x 4 = 16 variants"),
        (["--vary", "cell=rnn", "--vary", "cell=gru"], "error: vary: cell is given twice"),
        (["--vary", "cell"], "error: vary: expected KNOB=V1,V2"),
        (["--vary", "cell=rnn,gru", "--target-loss", "low"], "error: target-loss: expected"),
        (["--vary", "cell=rnn,gru", "--workers", "0"], "error: workers: 0 is out of range"),
        (["--cell", "rnn"], "error: the following arguments are required: --vary"),
    ],
)
def test_bad_compare_arguments_give_one_line_and_exit_2(args, words, tmp_path, capsys):
    assert cli.main(["compare", *args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(words) and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_progress_redraws_one_line_per_variant_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    variants = make_variants(TINY, {"cell": ["rnn", "gru"]})
    stream = Terminal()
    progress = cli.CompareProgress(variants, stream)
    states = [VariantState(i, v.name, v.config, "running", step=3) for i, v in enumerate(variants)]
    progress.update(tuple(states), force=True)
    states[1] = replace(states[1], step=30, state="completed")
    progress.update(tuple(states), force=True)
    lines = stream.getvalue().split("\n")
    assert lines[2].startswith("\x1b[2F")  # the second draw moves up over the first
    assert "cell=gru  step 30/30" in lines[3] and lines[3].endswith("completed")
    assert stream.getvalue().count("\n") == 4


# -- cancelling ------------------------------------------------------------------------------
def test_cancel_one_running_and_one_queued_variant(tmp_path):
    long = make_variants(TINY.replace(steps=100_000), {"cell": ["rnn", "gru"]})
    comparison = Comparison(long, tmp_path, workers=1).start()
    deadline = 60
    while comparison.states()[0].step < 3 and deadline > 0:
        comparison.wait(0.1)
        deadline -= 0.1
    comparison.cancel(1)  # still queued behind the first: cancelled at once
    assert comparison.states()[1].state == "cancelled"
    comparison.cancel(0)
    assert comparison.wait(60)
    first, second = comparison.states()
    assert first.state == "stopped" and first.message.startswith("Cancelled after")
    assert 3 <= first.step < 100_000 and first.folder is not None
    assert len(load_history(first.folder).steps) == first.step
    assert second.state == "cancelled" and second.folder is None
    assert [e.label for e in comparison.results()] == ["cell=rnn"]


# -- a server's worker slots and shared races ------------------------------------------------
def test_comparisons_wait_in_line_for_the_servers_worker_slots(tmp_path):
    """With one slot, a second comparison waits (its place shown) until the first is done;
    never more than one worker process runs."""
    slots = WorkerSlots(1)
    first = Comparison(make_variants(TINY, {"cell": ["rnn", "gru"]}), tmp_path / "a", slots=slots)
    second = Comparison(make_variants(TINY, {"seed": ["1", "2"]}), tmp_path / "b", slots=slots)
    first.start()
    deadline = time.monotonic() + 60
    while first.position() is not None or first.started_at is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second.start()
    positions, busy = set(), set()
    while first.active or second.active:
        assert time.monotonic() < deadline + 120
        positions.add(second.position())
        busy.add(slots.busy)
        time.sleep(0.05)
    assert 1 in positions  # it was told its place in line
    assert busy <= {0, 1} and first.workers == second.workers == 1
    assert [s.state for s in (*first.states(), *second.states())] == ["completed"] * 4
    assert slots.busy == 0


def test_a_comparison_cancelled_while_it_waits_starts_no_worker(tmp_path):
    slots = WorkerSlots(1)
    slots.acquire(object(), 1)  # someone else holds the only slot
    waiting = Comparison(make_variants(TINY, {"cell": ["rnn", "gru"]}), tmp_path, slots=slots)
    waiting.start()
    deadline = time.monotonic() + 10
    while waiting.position() != 1:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    waiting.cancel()
    assert waiting.wait(10)
    assert {s.state for s in waiting.states()} == {"cancelled"} and not waiting._processes
    slots.release(1)
    assert slots.busy == 0


def test_a_shared_race_is_one_comparison_and_ends_with_its_last_watcher(tmp_path):
    shared = SharedComparisons()
    variants = make_variants(TINY.replace(steps=100_000), {"cell": ["rnn", "gru"]})
    key = comparison_key(variants, tmp_path)
    started = []

    def start() -> Comparison:
        started.append(Comparison(variants, tmp_path / "race").start())
        return started[-1]

    a, a_started = shared.join(key, start)
    b, b_started = shared.join(key, start)
    assert a is b and (a_started, b_started) == (True, False) and len(started) == 1
    assert shared.watchers(a) == 2
    shared.leave(a)
    assert a.active  # the other page still watches
    shared.leave(a)
    assert a.wait(60)
    assert {s.state for s in a.states()} <= {"stopped", "cancelled"}


def test_the_time_left_follows_the_running_variants_pace():
    states = [
        VariantState(0, "a", TINY.replace(steps=1000), "running", step=400),
        VariantState(1, "b", TINY.replace(steps=1000), "running", step=100),
        VariantState(2, "c", TINY.replace(steps=1000), "queued"),
        VariantState(3, "d", TINY.replace(steps=1000), "completed", step=1000),
    ]
    # 40 + 10 steps/s together; 600 + 900 + 1000 steps to go
    assert estimate_seconds_left(states, {0: 10.0, 1: 10.0}) == pytest.approx(2500 / 50)
    assert estimate_seconds_left(states[2:], {}) is None


# -- the page ---------------------------------------------------------------------------------
SMALL_QUERY = {"task": "adding", "hidden": "8", "seq_len": "10", "steps": "30", "batch": "8"}


@pytest.fixture(autouse=True)
def runs_dir(tmp_path, monkeypatch) -> Path:
    """A fresh runs directory per test: the page lists exactly what the test made."""
    monkeypatch.setenv("RNN_EXPLORER_RUNS", str(tmp_path / "runs"))
    return tmp_path / "runs"


def page(query: dict[str, str] | None = None) -> AppTest:
    at = open_app(query or SMALL_QUERY)
    at.switch_page("views/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_runs_a_comparison_and_opens_a_variant():
    at = page()
    assert at.title[0].value == "Compare"
    at.selectbox(key="cmp_knob1").set_value("cell").run()
    at.multiselect(key="cmp_values1_cell").set_value(["rnn", "gru"]).run()
    at.button(key="cmp_run").click().run()
    comparison = at.session_state["comparison"]
    assert len(at.get("progress")) == 2  # one bar per variant
    assert comparison.wait(90), [s.state for s in comparison.states()]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert list(table["variant"]) == ["cell=rnn", "cell=gru"]
    reached = results_table(comparison.results(), at.number_input(key="cmp_target").value)
    assert list(table["steps_to_target"]) == list(reached["steps_to_target"].fillna(math.inf))
    assert list(table["status"]) == ["completed", "completed"]
    specs = chart_specs(at)
    heatmaps = [t for s in specs for t in s["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2 and {t["coloraxis"] for t in heatmaps} == {"coloraxis"}
    saved = at.dataframe[1].value  # the runs directory lists both
    assert sorted(saved["cell"]) == ["gru", "rnn"]

    at.button(key="cmp_open_1").click().run()  # "Open cell=gru"
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Train"
    snap = at.session_state["live_run"].snapshot()
    expected = RunConfig(task="adding", cell="gru", hidden=8, seq_len=10, steps=30, batch=8)
    assert snap.state == "completed" and snap.config == expected
    assert at.session_state["cfg_cell"] == "gru" and at.session_state["config"] == snap.config
    assert not [w for w in at.warning if "Settings changed" in w.value]
    losses = [r.loss for r in snap.history.steps]
    assert losses == [r.loss for r in comparison.results()[1].history.steps]


def test_two_pages_pressing_the_same_race_watch_one_comparison():
    """A class on one lesson: the second page joins the first's race instead of starting
    its own, says so, and cannot cancel it for the others; the page that started it can."""
    pages = [page({**SMALL_QUERY, "steps": "100000"}) for _ in range(2)]
    for at in pages:
        at.selectbox(key="cmp_knob1").set_value("cell").run()
        at.multiselect(key="cmp_values1_cell").set_value(["rnn", "gru"]).run()
        at.button(key="cmp_run").click().run()
    first, second = pages
    comparison = first.session_state["comparison"]
    assert second.session_state["comparison"] is comparison and comparison.active
    assert any("already running on this server" in i.value for i in second.info)
    assert second.button(key="cmp_cancel_all").disabled
    assert not first.button(key="cmp_cancel_all").disabled
    first.button(key="cmp_cancel_all").click().run()
    assert comparison.wait(60)


def test_more_than_twelve_variants_are_refused_on_the_page():
    at = page()
    at.selectbox(key="cmp_knob1").set_value("seed").run()
    at.text_input(key="cmp_values1_seed").input(",".join(str(s) for s in range(13))).run()
    assert any("13 variants; at most 12" in e.value for e in at.error)
    assert at.button(key="cmp_run").disabled


def test_uploads_on_the_page_are_checked(tmp_path):
    trainer = _trained(TINY)
    good = zip_run(save_run(tmp_path / "good", trainer))
    members = _members(tmp_path / "good")
    at = page()
    bad = _zip({**members, "../../evil.py": b"import os"})
    at.file_uploader(key="cmp_upload").set_value(("evil.zip", bad, "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "Refused evil.zip: unsafe member name" in errors
    at.file_uploader(key="cmp_upload").set_value(("mine.zip", good, "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Added mine.zip as" in s.value for s in at.success)
    assert at.multiselect(key="cmp_overlay").value  # kept and overlaid at once
    table = at.dataframe[0].value
    assert len(table) == 1 and table["final_val_loss"][0] == trainer.history.val_losses[-1]


def test_a_variant_cancelled_before_its_first_step_is_cancelled_not_stopped():
    """Cancelled between starting and its first step (a busy machine), a variant kept
    nothing: it reads as cancelled, like one cancelled in the queue."""
    from explorer.runs.worker import CANCEL, outcome, train_variant

    config = RunConfig(hidden=4, seq_len=5, steps=50)
    trainer = train_variant(config.to_json(), lambda *e: None, lambda: CANCEL)
    assert trainer.step == 0
    assert outcome(trainer) == ("cancelled", "Cancelled before it started.")
    ran = train_variant(config.replace(steps=3).to_json(), lambda *e: None, lambda: None)
    assert outcome(ran) == ("completed", ran.message)

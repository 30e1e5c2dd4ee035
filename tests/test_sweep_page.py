"""A sweep on the Compare page (AppTest): run from the page, progress and results in forms
that scale, Open any variant, a sweep folder made elsewhere shown whole, and Ray offered
only where the server has a cluster."""

from __future__ import annotations

import math

import numpy as np
import pytest
from harness import chart_specs, no_exception, open_app, values

from explorer import cli
from explorer.runs.bundle import load_history
from explorer.runs.compare import COMPARISONS
from explorer.runs.executor import ADDRESS_ENV
from explorer.runs.folders import runs_dir

SMALL = {"task": "adding", "seq_len": "8", "hidden": "4", "steps": "15", "batch": "8"}
PAGE = "views/compare.py"
N = 14  # more than a comparison's 12: the page draws the scalable forms


@pytest.fixture(autouse=True)
def stop_everything():
    yield
    COMPARISONS.close_all()


def spec(at, title_start: str) -> dict:
    found = [s for s in chart_specs(at) if s["layout"]["title"]["text"].startswith(title_start)]
    assert found, [s["layout"]["title"]["text"] for s in chart_specs(at)]
    return found[0]


def results_table(at):
    """The results table, known by its columns (AppTest gives dataframes no key)."""
    return next(d.value for d in at.dataframe if "final_val_loss" in d.value.columns)


def final_val(folder) -> float:
    """A run's last finite validation loss, read from its own folder."""
    return [v for v in load_history(folder).val_losses if math.isfinite(v)][-1]


def check_parallel(at, entries_by_label) -> None:
    """The parallel-coordinates chart's loss axis holds each run's own final loss."""
    (trace,) = spec(at, "Every variant")["data"]
    loss_axis = values(trace["dimensions"][-1]["values"])
    expected = sorted(final_val(folder) for folder in entries_by_label.values())
    assert np.allclose(sorted(10**loss_axis), expected, rtol=1e-9), (loss_axis, expected)


def test_a_sweep_runs_from_the_page_and_its_results_scale():
    at = open_app(SMALL, page=PAGE)
    at.radio(key="cmp_mode").set_value("sweep").run()
    at.number_input(key="cmp_sweep_n").set_value(N).run()
    at.text_area(key="cmp_sweep_space").set_value("lr=1e-3:1e-1:log\nhidden=4:8").run()
    no_exception(at)
    assert not [r for r in at.radio if r.key == "cmp_where"]  # no cluster configured here
    at.button(key="cmp_run").click().run()
    comparison = at.session_state["comparison"]
    assert len(comparison.variants) == N and comparison.wait(180)
    at.run()
    no_exception(at)
    assert comparison.out_dir.name.split("-")[2] == "sweep"
    states = {s.state.value for s in comparison.states()}
    assert states == {"completed"}, states
    assert [p for p in at.get("progress")], "no summary bar"
    table = results_table(at)
    assert len(table) == N
    check_parallel(at, {e.label: e.folder for e in comparison.results()})
    scatter = spec(at, "Final validation loss against")
    assert scatter["layout"]["yaxis"]["type"] == "log"
    best = spec(at, "Loss of every run")
    assert 0 < len({t["name"] for t in best["data"]}) <= 2 * 10  # ten runs, two curves each
    # Open any variant: the pick's settings reach the sidebar and the Train page
    at.selectbox(key="cmp_open_pick").set_value(3).run()
    at.button(key="cmp_open_any").click().run()
    opens = [e for e in comparison.results() if e.folder is not None]
    assert at.session_state["live_run"].config == opens[3].config
    no_exception(at)


def test_a_sweep_folder_made_elsewhere_is_shown_whole(tmp_path):
    out = runs_dir() / "from-the-cluster"
    argv = ["sweep", "--random", str(N), "--space", "lr=1e-3:1e-1:log", "--space", "hidden=4:8"]
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in SMALL.items()]
    assert cli.main([*argv, *flags, "--out", str(out)]) == 0
    at = open_app(SMALL, page=PAGE)
    at.selectbox(key="cmp_group_pick").set_value("from-the-cluster").run()
    at.button(key="cmp_group_show").click().run()
    no_exception(at)
    table = results_table(at)
    assert len(table) == N
    labels = set(table[table.columns[0]])
    assert all(label.startswith("hidden=") or label.startswith("lr=") for label in labels)
    folders = {p.name: p for p in out.iterdir() if p.is_dir()}
    check_parallel(at, folders)


def test_ray_is_offered_only_with_a_cluster_and_a_dead_one_is_refused(monkeypatch):
    monkeypatch.setenv(ADDRESS_ENV, "127.0.0.1:9")  # the discard port: nothing answers
    at = open_app(SMALL, page=PAGE)
    at.radio(key="cmp_where").set_value("ray").run()
    at.button(key="cmp_run").click().run()
    no_exception(at)
    assert at.session_state["comparison"] is None if "comparison" in at.session_state else True
    errors = " ".join(e.value for e in at.error)
    assert "nothing answers" in errors or "not installed" in errors, errors

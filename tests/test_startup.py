"""Fast start (issue 15): a first page imports nothing heavy, opens on a recorded example
that is what it says it is, and Train replaces it. Timing lives in bench/bench_startup.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from harness import (
    ROOT,
    chart_specs,
    chart_titles,
    no_exception,
    open_app,
    train_until,
    values,
)

import explorer.tasks
from explorer.config import RunConfig
from explorer.engine.training import Trainer
from explorer.presets import PRESETS, TRAIN_PAGE
from explorer.runs.bundle import load_history
from explorer.runs.examples import (
    DEFAULT,
    EXAMPLES_DIR,
    example_name,
    example_race,
    example_snapshot,
)
from explorer.tasks.facts import TASK_FACTS
from ui import session

HEAVY = ("torch", "pandas", "sklearn")
# What a page's first script run imported, read in a fresh interpreter (the warm-up held
# back, so only the script's own imports count).
FIRST_RUN = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60)
if sys.argv[2]:
    at.switch_page(sys.argv[2])
if sys.argv[3]:
    at.query_params["preset"] = sys.argv[3]
at.run()
print(json.dumps({"errors": [e.value for e in at.exception],
                  "heavy": [m for m in HEAVY if m in sys.modules]}))
""".replace("HEAVY", repr(HEAVY))
LESSONS = [n for n, p in PRESETS.items() if p.page == TRAIN_PAGE and not p.is_race]


def first_run_imports(page: str, preset: str = "") -> dict:
    env = {**os.environ, session.WARM_UP_DELAY_ENV: "600"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, str(ROOT / "app.py"), page, preset],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("", ()),  # the default page, Train
        ("views/gradient_flow.py", ()),
        ("views/classroom.py", ()),
        ("views/hidden_states.py", ("sklearn", "pandas")),  # its PCA (sklearn imports pandas)
    ],
)
def test_a_first_page_imports_only_what_it_draws(page: str, allowed: tuple[str, ...]) -> None:
    result = first_run_imports(page)
    assert result["errors"] == []
    assert set(result["heavy"]) <= set(allowed), result["heavy"]
    assert "torch" not in result["heavy"]


@pytest.mark.parametrize("preset", ["", *(n for n, p in PRESETS.items() if p.is_race)])
def test_compare_and_a_race_lesson_link_open_without_torch(preset: str) -> None:
    """Compare reads pandas for its tables; torch only once it reads a run bundle (after
    the lesson's Reveal, or a saved run chosen), so a race lesson's link is quick."""
    result = first_run_imports("" if preset else "views/compare.py", preset)
    assert result["errors"] == []
    assert set(result["heavy"]) <= {"pandas"}, result["heavy"]


def test_the_pages_marked_light_are_the_ones_checked_here() -> None:
    import app

    checked = {"views/train.py", "views/gradient_flow.py", "views/classroom.py"}
    checked.add("views/hidden_states.py")
    assert {p.path for p in app.PAGES if p.light} == checked


def test_the_lazy_task_names_all_resolve() -> None:
    for name in explorer.tasks.__all__:
        assert getattr(explorer.tasks, name) is not None
    with pytest.raises(AttributeError):
        _ = explorer.tasks.NoSuchTask


def test_task_facts_are_the_task_classes_attributes() -> None:
    for name in explorer.tasks.TASK_HOMES:
        cls = explorer.tasks.task_class(name)
        assert cls.name == name
        facts = TASK_FACTS[name]
        assert (cls.kind, cls.loss_unit, cls.draws_curve) == (
            facts.kind,
            facts.loss_unit,
            facts.draws_curve,
        )


TRAIN_TWO_STEPS = """
import sys
import threading
from explorer.config import RunConfig
from explorer.runs.live import LiveRun
run = LiveRun(RunConfig(task=sys.argv[1], steps=2))  # no runs directory: nothing saved
run.start()
run.join(60)
assert run.snapshot().state.value == "completed", run.snapshot()
print("pandas" in sys.modules)
"""


@pytest.mark.parametrize("task", sorted(explorer.tasks.TASK_HOMES))
def test_loads_pandas_names_exactly_the_tasks_whose_training_imports_it(task: str) -> None:
    """A Train pressed before the warm-up imports pandas (0.3 s, under the chart lock) only
    for these tasks; any other task's training must not import it behind that lock."""
    out = subprocess.run(
        [sys.executable, "-c", TRAIN_TWO_STEPS, task],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    loaded = out.stdout.strip().splitlines()[-1] == "True"
    assert loaded == (task in explorer.tasks.LOADS_PANDAS)


# -- the examples are what they say ----------------------------------------------------
def test_the_examples_are_the_default_settings_and_the_train_page_lessons() -> None:
    assert example_snapshot(DEFAULT).config == RunConfig()
    for lesson in LESSONS:
        assert example_name(lesson) == lesson
        assert example_snapshot(lesson).config == PRESETS[lesson].config
    assert example_name("vanishing") == DEFAULT  # a race: no single recorded run
    assert example_name(None) == DEFAULT


@pytest.mark.parametrize("name", [DEFAULT, *LESSONS])
def test_an_example_reads_as_the_checked_bundle_loader_reads_it(name: str) -> None:
    """The light reader (csv module, numpy) against explorer.runs.bundle (pandas, every
    file validated): the same steps, losses, probes and spectra."""
    light = example_snapshot(name)
    checked = load_history(EXAMPLES_DIR / name)
    assert light.history.steps == checked.steps
    assert light.history.val_steps == checked.val_steps
    np.testing.assert_array_equal(light.history.val_losses, checked.val_losses)
    assert len(light.history.probes) == len(checked.probes) > 0
    for a, b in zip(light.history.probes, checked.probes, strict=True):
        assert a.step == b.step and a.horizon == b.horizon
        np.testing.assert_array_equal(a.dh[-1], b.dh[-1])
    assert light.history.spectra == checked.spectra
    summary = json.loads((EXAMPLES_DIR / name / "summary.json").read_text())
    assert light.baseline_loss == summary["baseline_loss"]
    assert light.step == summary["steps_done"] == light.config.steps
    frame = pd.read_csv(EXAMPLES_DIR / name / "predictions.csv")
    np.testing.assert_array_equal(light.predictions.free_running, frame["free_running"])
    warmup = light.predictions.warmup
    assert frame["free_running"][:warmup].isna().all()
    assert frame["free_running"][warmup:].notna().all()


@pytest.mark.parametrize("name", [DEFAULT, *LESSONS])
def test_an_example_is_what_its_settings_train_here(name: str) -> None:
    """Recorded on another CPU, so compared over the first steps (before rounding
    differences can grow) with a margin: the same settings give the same losses."""
    recorded = example_snapshot(name)
    trainer = Trainer(recorded.config)
    trainer.run(max_steps=30)
    here = np.asarray([r.loss for r in trainer.history.steps])
    there = np.asarray([r.loss for r in recorded.history.steps[:30]])
    np.testing.assert_allclose(here, there, rtol=1e-3)


# -- the pages ------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["views/train.py", "views/gradient_flow.py"])
def test_pages_open_on_the_labelled_example_and_train_replaces_it(page: str) -> None:
    at = open_app({"hidden": "8", "seq_len": "20", "steps": "60"}, page=page)
    no_exception(at)
    assert any("Example run" in i.value for i in at.info)
    before = chart_specs(at)
    assert before, "the example draws charts"
    if page == "views/train.py":  # the example's 1000 recorded steps, not an empty chart
        loss = next(s for s in before if s["layout"]["title"]["text"].startswith("Loss"))
        assert values(loss["data"][0]["x"])[-1] == example_snapshot(DEFAULT).step
    snap = train_until(at, lambda s: s.step >= 60 and not s.active)
    no_exception(at)
    assert not any("Example run" in i.value for i in at.info)
    assert snap.example is None and snap.config.seq_len == 20
    assert any(t.startswith(("Loss", "‖dL/dh_t‖")) for t in chart_titles(at))


def test_the_page_drawn_after_train_already_shows_the_first_loss_point() -> None:
    """The click waits (briefly) for the new run's first step, so the redraw it triggers
    shows a point instead of an empty chart until the next poll."""
    at = open_app({"hidden": "8", "seq_len": "20", "steps": "100000"})
    session.engine()  # torch loaded, as after the warm-up: the wait is then a few ms
    at.button(key="btn_train").click().run()  # one script run, no polling in AppTest
    no_exception(at)
    loss = next(s for s in chart_specs(at) if s["layout"]["title"]["text"].startswith("Loss"))
    steps = values(loss["data"][0]["x"])
    assert len(steps) >= 1 and steps[-1] < 100_000, steps  # the new run's, not the example's
    assert not any("Example run" in i.value for i in at.info)
    at.button(key="btn_stop").click().run()


def test_a_lesson_link_opens_on_its_recorded_result_after_the_prediction() -> None:
    lesson = LESSONS[-1]
    at = open_app({"preset": lesson})
    no_exception(at)
    assert any("Example run" in i.value for i in at.info)
    assert chart_titles(at) == []  # predict, then reveal: the result waits
    at.button(key=f"reveal_{lesson}").click().run()
    loss = next(s for s in chart_specs(at) if s["layout"]["title"]["text"].startswith("Loss"))
    assert values(loss["data"][0]["x"])[-1] == PRESETS[lesson].config.steps  # its own run


RACES = [n for n, p in PRESETS.items() if p.is_race]


@pytest.mark.parametrize("lesson", RACES)
def test_a_race_lessons_example_is_its_race(lesson: str) -> None:
    """One recorded run per value of the lesson's varied knob, each the lesson's settings
    with that value, all complete."""
    preset = PRESETS[lesson]
    folder = example_race(lesson)
    assert folder is not None and example_name(lesson) == DEFAULT
    configs = [
        RunConfig.from_json((run / "config.json").read_text())
        for run in sorted(p for p in folder.iterdir() if p.is_dir())
    ]
    (knob, values_), *more = preset.vary
    expected = {preset.config.replace(**{knob: v}) for v in values_}
    if more:  # a grid: every pair
        ((knob2, values2),) = more
        expected = {c.replace(**{knob2: v}) for c in expected for v in values2}
    assert set(configs) == expected
    for run in folder.iterdir():
        if run.is_dir():
            summary = json.loads((run / "summary.json").read_text())
            assert summary["steps_done"] == preset.config.steps


def test_a_race_lesson_opens_compare_on_its_recorded_race_after_the_prediction() -> None:
    lesson = "vanishing"
    at = open_app({"preset": lesson}, page="views/compare.py")
    no_exception(at)
    assert chart_titles(at) == []  # predict first
    at.button(key=f"reveal_{lesson}").click().run()
    no_exception(at)
    assert any("Example race" in i.value for i in at.info)
    titles = chart_titles(at)
    assert titles, "the recorded race draws its charts"
    loss = chart_specs(at)[0]  # every run's loss, one trace pair per variant
    names = {trace["name"] for trace in loss["data"]}
    assert {"cell=rnn", "cell=gru", "cell=lstm"} <= names, names
    assert "Loss of every run" in titles[0]


def test_warm_up_delay_reads_the_environment() -> None:
    assert session.warm_up_delay({}) == session.WARM_UP_DELAY
    assert session.warm_up_delay({session.WARM_UP_DELAY_ENV: "0"}) == 0.0
    assert session.warm_up_delay({session.WARM_UP_DELAY_ENV: "soon"}) == session.WARM_UP_DELAY


def test_pandas_is_never_half_imported_while_a_page_builds_charts() -> None:
    """plotly reads sys.modules["pandas"] without importing it: the warm-up's import must
    wait while a page holds plot.BUILDING (the live fragment does), in a fresh process."""
    code = """
import sys, threading, time
from ui import plot
assert "pandas" not in sys.modules
with plot.BUILDING:
    worker = threading.Thread(target=plot.import_pandas)
    worker.start()
    time.sleep(0.5)
    assert "pandas" not in sys.modules, "imported while a chart was being built"
worker.join(30)
assert hasattr(sys.modules["pandas"], "Series")
print("ok")
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.stdout.strip() == "ok", out.stderr


def test_a_training_thread_saving_its_run_imports_pandas_only_between_charts(
    tmp_path,
) -> None:
    """A sine run trains without pandas; when it finishes its thread saves the run, whose
    writer needs pandas: it waits while a page builds charts, in a fresh process."""
    code = f"""
import sys, time
from pathlib import Path
from ui import plot
from explorer.config import RunConfig
from explorer.runs.live import LiveRun
run = LiveRun(RunConfig(steps=3), runs_dir=Path({str(tmp_path)!r}))
with plot.BUILDING:
    run.start()
    deadline = time.monotonic() + 30
    while len(run.snapshot().history.steps) < 3:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.5)
    assert "pandas" not in sys.modules, "imported while a chart was being built"
run.join(30)
assert hasattr(sys.modules["pandas"], "Series")
assert len(list(Path({str(tmp_path)!r}).iterdir())) == 1  # and the run was saved
print("ok")
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.stdout.strip() == "ok", out.stderr


def test_the_warm_up_thread_lowers_only_its_own_priority() -> None:
    """The warm-up runs at WARM_UP_NICE; the server's other threads keep theirs."""
    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread nice values are Linux's")

    def nice_of(tid: int) -> int:  # field 19 of /proc/<pid>/task/<tid>/stat
        stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[16])

    seen: dict[str, int] = {}

    def lowered() -> None:
        assert session.lower_thread_priority(session.WARM_UP_NICE)
        seen["warm-up"] = nice_of(threading.get_native_id())

    before = nice_of(threading.get_native_id())
    worker = threading.Thread(target=lowered)
    worker.start()
    worker.join(10)
    assert seen["warm-up"] == max(before, session.WARM_UP_NICE)
    assert nice_of(threading.get_native_id()) == before


WARM_UP_ALONE = """
import json, os, threading
from ui import session

worker = threading.Thread(target=session.warm_up, name="warm-up")
worker.start()
worker.join(300)
nice = {}
for tid in os.listdir("/proc/self/task"):
    try:
        with open(f"/proc/self/task/{tid}/stat") as stat:
            nice[tid] = int(stat.read().rsplit(")", 1)[1].split()[16])
    except FileNotFoundError:  # a thread that has just ended
        pass
print(json.dumps({"done": not worker.is_alive(), "nice": nice}))
"""


def test_the_warm_up_leaves_no_thread_at_its_priority() -> None:
    """A thread started from a niced one inherits its nice value: the worker threads that
    importing scipy (BLAS) and pandas (jemalloc) start must not be left at nice 19, or
    later pages would compute on them there (it was so before the torch part ran alone).
    Run in a fresh interpreter."""
    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread nice values are Linux's")
    env = {**os.environ, session.WARM_UP_DELAY_ENV: "0"}
    out = subprocess.run(
        [sys.executable, "-c", WARM_UP_ALONE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=360,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["done"]
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert set(result["nice"].values()) == {own}, result["nice"]


PRELOAD = """
import json, sys, threading, time
from explorer.engine.preload import preload_torch

longest = [0.0]
done = threading.Event()

def tick():  # a page's thread: it sleeps 1 ms at a time and needs the GIL to wake
    last = time.perf_counter()
    while not done.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        longest[0], last = max(longest[0], now - last), now

ticker = threading.Thread(target=tick)
ticker.start()
time.sleep(0.05)
longest[0] = 0.0
start = time.perf_counter()
loaded = preload_torch()
took = time.perf_counter() - start
gap = longest[0]
done.set()
ticker.join()
maps = open("/proc/self/maps").read()
result = {"loaded": [str(p) for p in loaded], "took": took, "gap": gap,
          "torch_imported": "torch" in sys.modules, "cpu_mapped": "libtorch_cpu" in maps}
import torch
result["sum"] = float(torch.ones(3).sum())
print(json.dumps(result))
"""


def test_torch_libraries_load_before_the_import_without_holding_the_gil() -> None:
    """preload_torch maps libtorch (~0.15 s of loader work here) while another thread keeps
    waking every millisecond; with the GIL held (ctypes.CDLL, or `import torch` itself)
    that thread's longest pause is the whole load. torch then imports and computes."""
    if not sys.platform.startswith("linux"):
        pytest.skip("/proc/self/maps is Linux's")
    out = subprocess.run(
        [sys.executable, "-c", PRELOAD], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    names = [os.path.basename(p) for p in result["loaded"]]
    assert names[0] == "libtorch_global_deps.so" and names[1].startswith("_C."), names
    assert not result["torch_imported"] and result["cpu_mapped"]
    assert result["gap"] < result["took"] / 2, result
    assert result["sum"] == 3.0

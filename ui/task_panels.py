"""Page parts for the series, digits and chars tasks and for truncated BPTT. The views call
these with the run's snapshot; they read explorer/ and place figures, nothing more.

A page asks the task, never its name: the labels a task uses are its facts
(explorer.tasks.facts: loss_unit, baseline_key, timestep_axis_key, ...), and what only
one kind of task draws is registered for its class (functools.singledispatch), as the
series' baselines and data panel are for SeriesTask in ui/series_panels.py.

A recorded example (Snapshot.example) is drawn from its facts alone: it builds no task,
so a first page imports no torch. A live run's task is built once per config."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer import figures
from explorer.config import RunConfig
from explorer.engine.history import History
from explorer.figures import tasks as task_figures
from explorer.runs.states import Snapshot
from explorer.tasks.datastore import DataError
from explorer.tasks.facts import TASK_FACTS, TaskFacts
from ui import widgets
from ui.i18n import t

if TYPE_CHECKING:
    from explorer.engine.pca import PCAResult
    from explorer.tasks import Task

SAMPLE_LENGTH = 300


@functools.lru_cache(maxsize=8)
def task_of(config: RunConfig) -> Task:
    """The run's task, built once per config (a config names immutable data)."""
    from explorer.tasks import make_task
    from ui import series_panels  # noqa: F401  (registers the series' panels)

    return make_task(config)


def _task(snap: Snapshot) -> Task | None:
    """The run's task; None for a recorded example (drawn from its facts) and for data
    this process no longer holds (the page draws without it)."""
    if snap.example is not None:
        return None
    try:
        return task_of(snap.config)
    except DataError:
        return None


def facts(config: RunConfig) -> TaskFacts:
    return TASK_FACTS[config.task]


def chart(
    fig: go.Figure | Callable[[], go.Figure],
    key: str,
    help_key: str | None = None,
    source: tuple | None = None,
) -> None:
    """widgets.chart with the explanation taken from explorer.i18n."""
    widgets.chart(fig, key, help_key, source=source)


# -- Train ------------------------------------------------------------------------------------
def loss_figure(snap: Snapshot, log_y: bool, lang: str):
    """The loss chart titled in the task's own loss (cross-entropy, bits per character);
    a series' with both its baselines."""
    history, baseline = snap.history, snap.baseline_loss
    task = _task(snap)
    if task is None:  # no task built: its facts still name the loss and baseline
        return _loss_figure_of(facts(snap.config), history, log_y, baseline, lang)
    return _loss_figure(task, history, log_y, baseline, lang)


def _loss_figure_of(task: Task | TaskFacts, history: History, log_y: bool, baseline, lang):
    name = t(task.baseline_key) if task.baseline_key else None
    return task_figures.task_loss_figure(history, task.loss_unit, log_y, baseline, name, lang)


@functools.singledispatch
def _loss_figure(task: Task, history: History, log_y: bool, baseline, lang: str):
    return _loss_figure_of(task, history, log_y, baseline, lang)


def baseline_help(snap: Snapshot) -> str | None:
    """The baseline metric's tooltip; a series' gives both baselines' scores."""
    task = _task(snap)
    if task is None:
        key = facts(snap.config).baseline_help_key
        return t(key) if key else None
    return _baseline_help(task)


@functools.singledispatch
def _baseline_help(task: Task) -> str | None:
    return t(task.baseline_help_key) if task.baseline_help_key else None


def train_extras(snap: Snapshot, lang: str) -> None:
    """Inside the live fragment, below the loss chart: the digits' accuracy, the series'
    data, windowing, normalisation and predictions in its own units."""
    if (task := _task(snap)) is not None:
        _train_extras(task, snap, lang)
    elif facts(snap.config).draws_curve:  # a recorded sine: its predictions, as recorded
        _predictions(snap, lang)


@functools.singledispatch
def _train_extras(task: Task, snap: Snapshot, lang: str) -> None:
    if task.draws_curve:  # a sine: the model's predictions against the truth
        _predictions(snap, lang)
    if task.kind == "classification":
        _accuracy(snap, task, lang)


def _predictions(snap: Snapshot, lang: str) -> None:
    chart(
        lambda: figures.prediction_figure(snap.predictions, lang=lang),
        "prediction",
        "chart.prediction",
        source=(snap.predictions, lang),
    )


def _accuracy(snap: Snapshot, task: Task, lang: str) -> None:
    h = snap.history
    baseline = task.baseline_accuracy()
    c1, c2 = st.columns(2)
    c1.metric(t("metric.val_accuracy"), f"{h.val_accuracies[-1]:.1%}" if h.val_accuracies else "–")
    c2.metric(t("metric.baseline_accuracy"), f"{baseline:.1%}")
    fig = task_figures.accuracy_figure(h, baseline, lang)
    chart(fig, "accuracy", "digits.help.accuracy")


@st.cache_data(max_entries=32, show_spinner=False)
def _sample(
    config_json: str, step: int, prompt: str, length: int, temperature: float, seed: int, _state
) -> str:
    """Text from the run's weights at `step` (cached: the same settings give the same
    text, and a slider moved back need not sample again)."""
    from explorer.engine.models import build_model
    from explorer.tasks import CharsTask
    from explorer.tasks.sampling import sample_text

    config = RunConfig.from_json(config_json)
    task = task_of(config)
    assert isinstance(task, CharsTask), config.task  # sampling_section asks only for text
    model = build_model(config, task)
    model.load_state_dict(_state)
    return sample_text(model, task, prompt, length, temperature, seed)


def sampling_section(snap: Snapshot | None) -> None:
    """Below the live charts of a chars run: sample text at a temperature, as in the
    tutorial. Sampling needs the weights, so it waits for the first steps."""
    config = snap.config if snap is not None else st.session_state.get("config")
    if config is None or facts(config).kind != "language":
        return
    st.subheader(t("chars.sample_header"))
    task = _task(snap) if snap is not None else None
    default_prompt = (task.probe_text() or "")[:20] if task is not None else ""
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    temperature = c1.slider(
        t("chars.temperature"),
        0.0,
        2.0,
        0.8,
        0.05,
        key="chars_temperature",
        help=t("chars.temperature_help"),
    )
    prompt = c2.text_input(
        t("chars.prompt"), default_prompt, key="chars_prompt", help=t("chars.prompt_help")
    )
    length = c3.number_input(t("chars.length"), 10, 2000, SAMPLE_LENGTH, 10, key="chars_len")
    seed = c4.number_input(t("chars.sample_seed"), 0, 2**31 - 1, 0, 1, key="chars_seed")
    if snap is None or snap.model_state is None or not snap.history.steps or task is None:
        st.info(t("chars.no_model"))
        return
    text = _sample(
        snap.config.to_json(),
        snap.step,
        prompt,
        int(length),
        float(temperature),
        int(seed),
        snap.model_state,
    )
    st.code(text, language=None, wrap_lines=True)
    from explorer.tasks.sampling import GREEDY_BELOW

    greedy = t("chars.greedy") if temperature < GREEDY_BELOW else ""
    st.caption(
        t(
            "chars.sample_caption",
            step=snap.step,
            temperature=temperature,
            greedy=greedy,
            seed=seed,
        )
    )


# -- Gradient flow ------------------------------------------------------------------------------
def time_axis(fig: go.Figure, snap: Snapshot) -> go.Figure:
    """Name the timestep axis after what a step is: a digit's row, a probe character."""
    key = facts(snap.config).timestep_axis_key
    if key is None:
        return fig
    task = _task(snap)
    labels = task.timestep_labels() if task is not None else None
    return task_figures.label_time_axis(fig, labels, t(key))


def probe_note(snap: Snapshot) -> None:
    """For the chars task: which string the gradient is measured on."""
    if facts(snap.config).kind != "language":
        return
    if (task := _task(snap)) is not None and (probe := task.probe_text()) is not None:
        st.caption(t("chars.probe_caption", probe=probe))


def tbptt_section(snap: Snapshot, layer: int, lang: str) -> None:
    """Truncated BPTT's profile beside full BPTT's, the cuts marked (only when truncating)."""
    config = snap.config
    if not 0 < config.tbptt < config.seq_len:
        return
    task = _task(snap)
    labels = task.timestep_labels() if task is not None else None
    fig = task_figures.tbptt_figure(snap.history, config.tbptt, layer, labels, lang)
    chart(time_axis(fig, snap), "gf_tbptt", "tbptt.help")


# -- Hidden states -------------------------------------------------------------------------------
def pca_chart(pca: PCAResult, snap: Snapshot, dims: int, lang: str) -> bool:
    """The class-coloured PCA for a classifier (True when drawn; False: not a classifier)."""
    if facts(snap.config).kind != "classification":
        return False
    task = _task(snap)
    classes = task.probe_classes() if task is not None else None
    if classes is None or pca.coords.shape[0] != np.asarray(classes).size:
        return False
    chart(
        lambda: task_figures.pca_class_figure(pca, classes, dims, lang),
        "pca",
        "digits.help.pca",
        source=(pca, dims, lang),
    )
    st.caption(t("digits.caption", per_class=int(np.bincount(classes).max())))
    return True

"""Page parts for the series, digits and chars tasks and for truncated BPTT. The views call
these with the run's snapshot; they read explorer/ and place figures, nothing more.

A page asks the task, never its name: the labels a task uses are attributes of its class
(Task.loss_unit, baseline_key, timestep_axis_key, ...), and what only one kind of task
draws is registered for its class (functools.singledispatch), as the series' baselines
and data panel are for SeriesTask."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer import figures
from explorer.config import RunConfig
from explorer.engine.analysis import PCAResult
from explorer.engine.history import History
from explorer.engine.models import build_model
from explorer.figures import tasks as task_figures
from explorer.runs.states import Snapshot
from explorer.tasks import TASK_CLASSES, CharsTask, SeriesTask, Task, make_task
from explorer.tasks.datasource import data_name
from explorer.tasks.datastore import DataError
from explorer.tasks.forecast import SeriesBaselines, persistence_curve, series_baselines
from explorer.tasks.sampling import GREEDY_BELOW, sample_text
from explorer.tasks.tables import date_strings
from ui import i18n, widgets
from ui.i18n import t

SAMPLE_LENGTH = 300


@functools.lru_cache(maxsize=8)
def task_of(config: RunConfig) -> Task:
    """The run's task, built once per config (a config names immutable data)."""
    return make_task(config)


def _task(config: RunConfig) -> Task | None:
    try:
        return task_of(config)
    except DataError:  # data this process no longer holds: the page draws without it
        return None


def chart(
    fig: go.Figure | Callable[[], go.Figure],
    key: str,
    help_key: str | None = None,
    source: tuple | None = None,
) -> None:
    """widgets.chart with the explanation taken from explorer.i18n."""
    widgets.chart(fig, key, help_key, source=source)


# -- Train ------------------------------------------------------------------------------------
def loss_figure(history: History, config: RunConfig, log_y: bool, baseline, lang: str):
    """The loss chart titled in the task's own loss (cross-entropy, bits per character);
    a series' with both its baselines."""
    task = _task(config)
    if task is None:  # the data is gone: the class still names the loss and baseline
        return _loss_figure_of(TASK_CLASSES[config.task], history, log_y, baseline, lang)
    return _loss_figure(task, history, log_y, baseline, lang)


def _loss_figure_of(task: Task | type[Task], history: History, log_y: bool, baseline, lang):
    name = t(task.baseline_key) if task.baseline_key else None
    return task_figures.task_loss_figure(history, task.loss_unit, log_y, baseline, name, lang)


@functools.singledispatch
def _loss_figure(task: Task, history: History, log_y: bool, baseline, lang: str):
    return _loss_figure_of(task, history, log_y, baseline, lang)


@_loss_figure.register
def _(task: SeriesTask, history: History, log_y: bool, baseline, lang: str):
    b = series_baselines(task)
    mean = (b.mean_mse, t("baseline.series"))
    last = (b.persistence_mse, t("baseline.series_persistence"))
    pair = (last, mean) if b.persistence_is_stronger else (mean, last)
    return task_figures.series_loss_figure(history, log_y, pair, lang)


def baseline_help(config: RunConfig) -> str | None:
    """The baseline metric's tooltip; a series' gives both baselines' scores."""
    task = _task(config)
    if task is None:
        key = TASK_CLASSES[config.task].baseline_help_key
        return t(key) if key else None
    return _baseline_help(task)


@functools.singledispatch
def _baseline_help(task: Task) -> str | None:
    return t(task.baseline_help_key) if task.baseline_help_key else None


@_baseline_help.register
def _(task: SeriesTask) -> str | None:
    b = series_baselines(task)
    return t("help.baseline.series", persistence=b.persistence_mse, mean=b.mean_mse)


def train_extras(snap: Snapshot, lang: str) -> None:
    """Inside the live fragment, below the loss chart: the digits' accuracy, the series'
    data, windowing, normalisation and predictions in its own units."""
    if (task := _task(snap.config)) is not None:
        _train_extras(task, snap, lang)


@functools.singledispatch
def _train_extras(task: Task, snap: Snapshot, lang: str) -> None:
    if task.draws_curve:  # a sine: the model's predictions against the truth
        chart(
            lambda: figures.prediction_figure(snap.predictions, lang=lang),
            "prediction",
            "chart.prediction",
            source=(snap.predictions, lang),
        )
    if task.kind == "classification":
        _accuracy(snap, task, lang)


def _accuracy(snap: Snapshot, task: Task, lang: str) -> None:
    h = snap.history
    baseline = task.baseline_accuracy()
    c1, c2 = st.columns(2)
    c1.metric(t("metric.val_accuracy"), f"{h.val_accuracies[-1]:.1%}" if h.val_accuracies else "–")
    c2.metric(t("metric.baseline_accuracy"), f"{baseline:.1%}")
    fig = task_figures.accuracy_figure(h, baseline, lang)
    chart(fig, "accuracy", "digits.help.accuracy")


@_train_extras.register
def _series(task: SeriesTask, snap: Snapshot, lang: str) -> None:
    """The model's validation RMSE beside both baselines' (the column's units), the
    verdict against the stronger, and the predictions with the baselines drawn in."""
    column = task.column
    b = series_baselines(task)
    val = snap.val_loss
    c1, c2, c3 = st.columns(3)
    model = f"{b.rmse(val):.4g}" if val is not None and math.isfinite(val) else "–"
    c1.metric(t("metric.rmse", column=column), model, help=t("help.rmse"))
    c2.metric(
        t("metric.persistence_rmse"),
        f"{b.rmse(b.persistence_mse):.4g}",
        help=t("help.persistence_rmse"),
    )
    c3.metric(t("metric.mean_rmse"), f"{b.rmse(b.mean_mse):.4g}", help=t("help.mean_rmse"))
    if val is not None and math.isfinite(val):
        st.markdown(_verdict(val, b))
    pred = snap.predictions
    rows = pred.t if pred is not None else np.zeros(0)
    fig = task_figures.series_prediction_figure(
        pred,
        column,
        lang,
        dates=task.dates_at(rows),
        persistence=persistence_curve(task, rows),
        mean=float(task.windowing.denormalise(task.target_mean())),
    )
    chart(fig, "series_prediction", "series.help")
    _series_data_panel(task)


def _verdict(model_mse: float, b: SeriesBaselines) -> str:
    """Whether the model beats the stronger baseline, and by how much (MSE ratio)."""
    name = t("baseline.series_persistence" if b.persistence_is_stronger else "baseline.series")
    gain = b.gain(model_mse)
    values = {"model": model_mse, "name": name, "baseline": b.stronger_mse}
    if gain > 0:
        return t("series.verdict_beats", gain=gain, **values)
    return t("series.verdict_loses", loss=-gain, **values)


def _series_data_panel(task: SeriesTask) -> None:
    """What was done to the data before the network saw it: windows and normalisation."""
    config, w, source = task.config, task.windowing, task.source
    st.subheader(t("series.header"))
    st.markdown(
        t(
            "series.windowing",
            column=source.column,
            name=data_name(config, i18n.lang()),
            n_values=w.n_values,
            window=w.window,
            n_windows=w.n_windows,
            n_train=w.n_train,
            n_val=w.n_val,
        )
    )
    st.markdown(t("series.normalisation", mean=w.mean, std=w.std))
    table = source.table
    if table.dates is not None:
        first, split, last = date_strings(table.dates[[0, w.split, -1]])
        order = t("data.detail.newest_first") if table.newest_first else ""
        st.markdown(
            t(
                "series.dates",
                column=table.date_column,
                first=first,
                last=last,
                split=split,
                order=order,
            )
        )


@st.cache_data(max_entries=32, show_spinner=False)
def _sample(
    config_json: str, step: int, prompt: str, length: int, temperature: float, seed: int, _state
) -> str:
    """Text from the run's weights at `step` (cached: the same settings give the same
    text, and a slider moved back need not sample again)."""
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
    if config is None or TASK_CLASSES[config.task].kind != "language":
        return
    st.subheader(t("chars.sample_header"))
    task = _task(config)
    default_prompt = task.probe_text()[:20] if isinstance(task, CharsTask) else ""
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
def time_axis(fig: go.Figure, config: RunConfig) -> go.Figure:
    """Name the timestep axis after what a step is: a digit's row, a probe character."""
    key = TASK_CLASSES[config.task].timestep_axis_key
    if key is None:
        return fig
    task = _task(config)
    labels = task.timestep_labels() if task is not None else None
    return task_figures.label_time_axis(fig, labels, t(key))


def probe_note(config: RunConfig) -> None:
    """For the chars task: which string the gradient is measured on."""
    if (task := _task(config)) is not None and (probe := task.probe_text()) is not None:
        st.caption(t("chars.probe_caption", probe=probe))


def tbptt_section(history: History, config: RunConfig, layer: int, lang: str) -> None:
    """Truncated BPTT's profile beside full BPTT's, the cuts marked (only when truncating)."""
    if not 0 < config.tbptt < config.seq_len:
        return
    task = _task(config)
    labels = task.timestep_labels() if task is not None else None
    fig = task_figures.tbptt_figure(history, config.tbptt, layer, labels, lang)
    chart(time_axis(fig, config), "gf_tbptt", "tbptt.help")


# -- Hidden states -------------------------------------------------------------------------------
def pca_chart(pca: PCAResult, config: RunConfig, dims: int, lang: str) -> bool:
    """The class-coloured PCA for a classifier (True when drawn; False: not a classifier)."""
    task = _task(config)
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

"""What only a series draws: its two baselines on the loss chart and in the tooltip, its
predictions in the column's own units, the verdict, and what was done to its data. Each
registers for SeriesTask on ui/task_panels.py's dispatchers when task_panels first builds
a task (the series needs pandas and torch; a first page does without)."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from explorer.engine.history import History
from explorer.figures import tasks as task_figures
from explorer.runs.states import Snapshot
from explorer.tasks import SeriesTask
from explorer.tasks.datasource import data_name
from explorer.tasks.forecast import SeriesBaselines, persistence_curve, series_baselines
from explorer.tasks.tables import date_strings
from ui import i18n, task_panels
from ui.i18n import t


@task_panels._loss_figure.register
def _(task: SeriesTask, history: History, log_y: bool, baseline, lang: str):
    b = series_baselines(task)
    mean = (b.mean_mse, t("baseline.series"))
    last = (b.persistence_mse, t("baseline.series_persistence"))
    pair = (last, mean) if b.persistence_is_stronger else (mean, last)
    return task_figures.series_loss_figure(history, log_y, pair, lang)


@task_panels._baseline_help.register
def _(task: SeriesTask) -> str | None:
    b = series_baselines(task)
    return t("help.baseline.series", persistence=b.persistence_mse, mean=b.mean_mse)


@task_panels._train_extras.register
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
    task_panels.chart(fig, "series_prediction", "series.help")
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

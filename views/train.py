"""Train: loss curves, prediction vs truth, headline numbers, downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from explorer import figures
from explorer.engine.history import History
from explorer.runs.states import Snapshot
from ui import i18n, session, task_panels, widgets
from ui.i18n import t

if TYPE_CHECKING:
    from explorer.runs.live import LiveRun


def main() -> None:
    st.title(t("page.train"))
    st.markdown(t("intro.train"))
    log_y = st.toggle(t("train.log_loss"), value=True, key="loss_log")
    lang = i18n.lang()
    widgets.live(lambda snap: body(snap, log_y, lang))
    task_panels.sampling_section(session.snapshot())  # chars: text at a temperature
    run, snap = session.current_run(), session.snapshot()
    if run is not None and snap is not None and snap.history.steps:
        downloads(run, snap)


def body(snap: Snapshot | None, log_y: bool, lang: str) -> None:
    if snap is None or not snap.history.steps:
        widgets.chart(
            figures.loss_figure(snap.history if snap else History(), lang=lang),
            "loss",
            "chart.loss",
        )
        return
    widgets.metrics(_metrics(snap))
    widgets.chart(
        task_panels.loss_figure(snap, log_y, lang),
        "loss",
        "chart.loss",
        steps=snap.steps_total,
    )
    task_panels.train_extras(snap, lang)  # the predictions, accuracy, a series' data


def _metrics(snap: Snapshot) -> list[tuple[str, str, str | None]]:
    """(label, value, help) of the headline numbers."""
    val = f"{snap.val_loss:.4g}" if snap.val_loss is not None else "–"
    shown = [
        (t("metric.step"), f"{snap.step} / {snap.steps_total}", None),
        (t("metric.train_loss"), f"{snap.loss:.4g}", None),
        (t("metric.val_loss"), val, None),
    ]
    if snap.baseline_loss is not None:
        help_text = task_panels.baseline_help(snap) or t("metric.baseline_help")
        shown.append((t("metric.baseline"), f"{snap.baseline_loss:.4g}", help_text))
    return [*shown, (t("metric.speed"), f"{snap.steps_per_second:.0f}", None)]


def downloads(run: LiveRun, snap: Snapshot) -> None:
    """The run as a bundle (a zip of its folder) and its metrics as CSV, made on click."""
    st.subheader(t("train.downloads"))

    def bundle_bytes() -> bytes:
        from explorer.runs.zipped import zip_run

        with tempfile.TemporaryDirectory() as tmp:
            return zip_run(run.save(Path(tmp) / "run"))

    c1, c2 = st.columns(2)
    c1.download_button(
        t("train.bundle"),
        data=bundle_bytes,
        key="dl_bundle",
        file_name=f"run-{snap.config.task}-{snap.config.cell}.zip",
        mime="application/zip",
        on_click="ignore",
        help=t("train.bundle_help"),
    )
    c2.download_button(
        t("train.metrics_csv"),
        key="dl_metrics",
        data=lambda: run.snapshot().history.metrics_frame().to_csv(index=False),
        file_name="metrics.csv",
        mime="text/csv",
        on_click="ignore",
    )


main()

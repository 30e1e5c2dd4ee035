"""Train: loss curves, prediction vs truth, headline numbers, downloads."""

import tempfile
from pathlib import Path

import streamlit as st

from explorer import figures
from explorer.engine.history import History
from explorer.runs.states import Snapshot
from explorer.runs.zipped import zip_run
from ui import i18n, session, task_panels, widgets
from ui.i18n import t

st.title(t("page.train"))
st.markdown(t("intro.train"))
log_y = st.toggle(t("train.log_loss"), value=True, key="loss_log")
LANG = i18n.lang()


def body(snap: Snapshot | None) -> None:
    if snap is None or not snap.history.steps:
        widgets.chart(
            figures.loss_figure(snap.history if snap else History(), lang=LANG),
            "loss",
            "chart.loss",
        )
        return
    h = snap.history
    widgets.metrics(
        [
            (t("metric.step"), f"{snap.step} / {snap.steps_total}", None),
            (t("metric.train_loss"), f"{snap.loss:.4g}", None),
            (
                t("metric.val_loss"),
                f"{snap.val_loss:.4g}" if snap.val_loss is not None else "–",
                None,
            ),
            *(
                [
                    (
                        t("metric.baseline"),
                        f"{snap.baseline_loss:.4g}",
                        task_panels.baseline_help(snap.config) or t("metric.baseline_help"),
                    )
                ]
                if snap.baseline_loss is not None
                else []
            ),
            (t("metric.speed"), f"{snap.steps_per_second:.0f}", None),
        ]
    )
    widgets.chart(
        task_panels.loss_figure(h, snap.config, log_y, snap.baseline_loss, LANG),
        "loss",
        "chart.loss",
        steps=snap.steps_total,
    )
    if snap.config.task.startswith("sine"):
        widgets.chart(
            lambda: figures.prediction_figure(snap.predictions, lang=LANG),
            "prediction",
            "chart.prediction",
            source=(snap.predictions, LANG),
        )
    task_panels.train_extras(snap, LANG)  # accuracy; the series' data and predictions


widgets.live(body)
task_panels.sampling_section(session.snapshot())  # chars: text at a temperature

run = session.current_run()
snap = session.snapshot()
if run is not None and snap is not None and snap.history.steps:
    st.subheader(t("train.downloads"))

    def bundle_bytes() -> bytes:
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

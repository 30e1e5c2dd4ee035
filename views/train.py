"""Train: loss curves, prediction vs truth, headline numbers, downloads."""

import tempfile
from pathlib import Path

import streamlit as st

from explorer import figures
from explorer.bundle import zip_run
from explorer.history import History
from explorer.live import Snapshot
from explorer.texts import text
from ui import session, widgets

st.title("Train")
st.markdown(text("intro.train"))
log_y = st.toggle("Log-scale loss", value=True, key="loss_log")


def body(snap: Snapshot | None) -> None:
    if snap is None or not snap.history.steps:
        widgets.chart(
            figures.loss_figure(snap.history if snap else History()), "loss", "chart.loss"
        )
        return
    h = snap.history
    cols = st.columns(5)
    cols[0].metric("Step", f"{snap.step} / {snap.steps_total}")
    cols[1].metric("Train loss", f"{snap.loss:.4g}")
    cols[2].metric("Validation loss", f"{snap.val_loss:.4g}" if snap.val_loss is not None else "–")
    if snap.baseline_loss is not None:
        cols[3].metric(
            "Baseline (trivial)",
            f"{snap.baseline_loss:.4g}",
            help="Validation loss of a model that always predicts the training mean.",
        )
    cols[4].metric("Steps / s", f"{snap.steps_per_second:.0f}")
    widgets.chart(figures.loss_figure(h, log_y, snap.baseline_loss), "loss", "chart.loss")
    if snap.config.task.startswith("sine"):
        widgets.chart(figures.prediction_figure(snap.predictions), "prediction", "chart.prediction")


widgets.live(body)

run = session.current_run()
snap = session.snapshot()
if run is not None and snap is not None and snap.history.steps:
    st.subheader("Downloads")

    def bundle_bytes() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            return zip_run(run.save(Path(tmp) / "run"))

    c1, c2 = st.columns(2)
    c1.download_button(
        "Run bundle (.zip)",
        data=bundle_bytes,
        key="dl_bundle",
        file_name=f"run-{snap.config.task}-{snap.config.cell}.zip",
        mime="application/zip",
        on_click="ignore",
        help="config.json, metrics.csv, gradflow.npz, hidden.npz, "
        "predictions.csv, model.pt, summary.json — as the command line "
        "writes them.",
    )
    c2.download_button(
        "Metrics (.csv)",
        key="dl_metrics",
        data=lambda: run.snapshot().history.metrics_frame().to_csv(index=False),
        file_name="metrics.csv",
        mime="text/csv",
        on_click="ignore",
    )

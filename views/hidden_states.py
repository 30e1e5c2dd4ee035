"""Hidden states: PCA trajectories of the probe sequences, at any point of training."""

import streamlit as st

from explorer import figures
from explorer.analysis import hidden_pca
from explorer.live import Snapshot
from explorer.texts import text
from ui import widgets

st.title("Hidden states")
st.markdown(text("intro.hidden"))
c1, c2 = st.columns([1, 3])
dims = c1.radio("View", [2, 3], format_func=lambda d: f"{d}D", horizontal=True, key="pca_dims")
follow = c2.toggle(
    "Follow the latest step",
    value=True,
    key="pca_follow",
    help="Turn off to pick an earlier point of training with the slider.",
)


def body(snap: Snapshot | None) -> None:
    records = snap.history.hidden if snap is not None else []
    if not records:
        widgets.chart(figures.pca_figure(None), "pca", "chart.pca")
        return
    index = len(records) - 1
    if not follow and len(records) > 1:
        steps = [r.step for r in records]
        chosen = st.select_slider("Training step", options=steps, value=steps[-1], key="pca_step")
        index = steps.index(chosen) if chosen in steps else index
    record = records[index]
    pca = hidden_pca(record.states, step=record.step)
    widgets.chart(figures.pca_figure(pca, dims), "pca", "chart.pca")
    st.caption(
        "Explained variance: "
        + ", ".join(f"PC{i + 1} {r:.1%}" for i, r in enumerate(pca.explained))
        + f" — {record.states.shape[0]} probe sequences of {record.states.shape[1]} steps, "
        f"{record.states.shape[2]} hidden units, snapshot at step {record.step}."
    )


widgets.live(body)

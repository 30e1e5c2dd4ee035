"""Hidden states: PCA trajectories of the probe sequences, at any point of training."""

import streamlit as st

from explorer import figures
from explorer.engine.pca import hidden_pca
from explorer.runs.states import Snapshot
from ui import i18n, task_panels, widgets
from ui.i18n import t


def main() -> None:
    st.title(t("page.hidden"))
    st.markdown(t("intro.hidden"))
    lang = i18n.lang()
    c1, c2 = st.columns([1, 3])
    dims = c1.radio(
        t("hidden.view"), [2, 3], format_func=lambda d: f"{d}D", horizontal=True, key="pca_dims"
    )
    follow = c2.toggle(
        t("hidden.follow"),
        value=True,
        key="pca_follow",
        help=t("hidden.follow_help"),
    )
    widgets.live(lambda snap: body(snap, dims, follow, lang))


def body(snap: Snapshot | None, dims: int, follow: bool, lang: str) -> None:
    records = snap.history.hidden if snap is not None else []
    if not records:
        widgets.chart(figures.pca_figure(None, lang=lang), "pca", "chart.pca")
        return
    index = len(records) - 1
    if not follow and len(records) > 1:
        steps = [r.step for r in records]
        chosen = st.select_slider(
            t("fig.training_step"), options=steps, value=steps[-1], key="pca_step"
        )
        index = steps.index(chosen) if chosen in steps else index
    record = records[index]
    pca = widgets.memo("pca", (record,), lambda: hidden_pca(record.states, step=record.step))
    if not task_panels.pca_chart(pca, snap, dims, lang):  # digits: coloured by class
        widgets.chart(
            lambda: figures.pca_figure(pca, dims, lang=lang),
            "pca",
            "chart.pca",
            source=(pca, dims, lang),
        )
    st.caption(
        t(
            "hidden.caption",
            explained=", ".join(f"PC{i + 1} {r:.1%}" for i, r in enumerate(pca.explained)),
            P=record.states.shape[0],
            T=record.states.shape[1],
            H=record.states.shape[2],
            step=record.step,
        )
    )


main()

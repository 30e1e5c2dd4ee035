"""Learn: the equations of the cells, BPTT and clipping, each beside this run's numbers."""

import numpy as np
import streamlit as st

from explorer import figures
from explorer.analysis import step_jacobians
from explorer.config import RunConfig
from explorer.live import Snapshot
from explorer.models import build_model
from explorer.tasks import make_task
from explorer.texts import EQUATIONS, text
from ui import widgets

CELL_NAMES = {"rnn": "Vanilla RNN", "lstm": "LSTM", "gru": "GRU"}

st.title("Learn")
st.markdown(text("intro.learn"))


@st.cache_data(max_entries=16, show_spinner=False)
def jacobians(config_json: str, step: int, _state: dict) -> np.ndarray:
    """Per-step Jacobian norms for the run's weights at `step` (cached per step)."""
    cfg = RunConfig.from_json(config_json)
    task = make_task(cfg)
    model = build_model(cfg, task)
    model.load_state_dict(_state)
    return step_jacobians(model, task)


def cell_section(config: RunConfig) -> None:
    st.header(f"The cell: {CELL_NAMES[config.cell]}")
    left, right = st.columns([3, 2])
    left.latex(EQUATIONS[config.cell])
    if config.nonlinearity == "relu":
        left.caption("This run is an IRNN: ReLU instead of tanh, and W_hh = I at the start.")
    n_params = sum(p.numel() for p in build_model(config, make_task(config)).parameters())
    right.markdown(
        f"- hidden units **H = {config.hidden}**, layers **{config.layers}**\n"
        f"- sequence length **T = {config.seq_len}**\n"
        f"- parameters: **{n_params:,}**"
    )


def bptt_section(snap: Snapshot | None) -> None:
    st.header("Backpropagation through time")
    left, right = st.columns([3, 2])
    for key in ("bptt", "bptt_product", "vanish"):
        left.latex(EQUATIONS[key])
    if snap is None or snap.model_state is None or not snap.history.probes:
        right.info("Train a few steps to see this run's Jacobians here.")
        return
    norms = jacobians(snap.config.to_json(), snap.step, snap.model_state)
    dh = snap.history.probes[-1].dh[0]  # layer 0, as the Jacobians
    ratio = dh / dh[-1] if dh[-1] > 0 else None
    spec = snap.history.spectra[-1]
    right.markdown(
        f"- σ_max of W_hh now **{spec.sigma_max[0]:.3f}**, spectral radius "
        f"**{spec.spectral_radius[0]:.3f}**; σ_max^T = "
        f"**{spec.sigma_max[0] ** snap.config.seq_len:.3g}**\n"
        f"- one-step Jacobian norms ‖∂h_t/∂h_(t−1)‖: mean **{np.mean(norms):.3f}**, "
        f"product over the sequence **{np.prod(norms):.3g}**\n"
        f"- measured ‖dL/dh_0‖ / ‖dL/dh_T‖ at step {snap.history.probes[-1].step}: "
        f"**{ratio[0] if ratio is not None else float('nan'):.3g}**"
    )
    widgets.chart(figures.jacobian_figure(norms, ratio), "learn_jacobian", "chart.jacobian")


def clipping_section(config: RunConfig, snap: Snapshot | None) -> None:
    st.header("Gradient clipping")
    left, right = st.columns([3, 2])
    left.latex(EQUATIONS["clip_norm"])
    left.latex(EQUATIONS["clip_value"])
    mode = {"off": "off", "norm": "by global norm", "value": "by value"}[config.clip]
    threshold = f", threshold **θ = {config.clip_value:g}**" if config.clip != "off" else ""
    right.markdown(f"- this run clips **{mode}**{threshold}")
    if snap is not None and snap.history.steps:
        right.markdown(
            f"- clipped on **{snap.history.clipped_fraction():.0%}** of the "
            f"{len(snap.history.steps)} steps so far"
        )


def tbptt_section(config: RunConfig) -> None:
    st.header("Truncated BPTT")
    left, right = st.columns([3, 2])
    left.latex(EQUATIONS["tbptt"])
    right.markdown(
        f"- window **k = {config.tbptt}**: no gradient crosses a window boundary"
        if config.tbptt
        else "- this run uses full BPTT (k = T); set a window under Advanced."
    )


def body(snap: Snapshot | None) -> None:
    config = snap.config if snap is not None else st.session_state.get("config", RunConfig())
    cell_section(config)
    bptt_section(snap)
    clipping_section(config, snap)
    tbptt_section(config)


widgets.live(body, every=1.0)

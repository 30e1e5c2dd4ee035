"""Gradient flow: ||dL/dh_t|| across timesteps and over training, per-parameter norms,
clipping, and the recurrent weights' spectrum."""

import streamlit as st

from explorer import figures
from explorer.live import Snapshot
from explorer.texts import text
from ui import widgets

st.title("Gradient flow")
st.markdown(text("intro.gradients"))
config = st.session_state.get("config")
layer = -1
if config is not None and config.layers > 1:
    layer = st.selectbox(
        "Layer",
        list(range(config.layers)),
        index=config.layers - 1,
        format_func=lambda i: f"layer {i}" + (" (top)" if i == config.layers - 1 else ""),
        key="gf_layer",
    )


def body(snap: Snapshot | None) -> None:
    if snap is None:
        st.plotly_chart(figures.empty("Gradient flow"), key="gf_empty")
        return
    h, cfg = snap.history, snap.config
    if h.probes:
        first, last = h.probes[0], h.probes[-1]
        T = len(last.dh[-1])
        cols = st.columns(4)
        cols[0].metric(
            "Gradient reach now",
            _reach(last.horizon, T),
            help="How many steps back the gradient reaches: the gradient horizon is the "
            "earliest t whose ‖dL/dh_t‖ is at least 1/1000 of the last step's. All T − 1 "
            "steps back means it reaches the first input.",
        )
        cols[1].metric(f"Reach at step {first.step}", _reach(first.horizon, T))
        cols[2].metric(
            "‖dL/dh_0‖ / ‖dL/dh_T‖",
            _ratio(last.dh[-1]),
            help="How much of the last step's gradient is left at the first step.",
        )
        cols[3].metric("Clipped steps", f"{h.clipped_fraction():.0%}")
    c1, c2 = st.columns(2)
    with c1:
        widgets.chart(
            figures.timestep_profile_figure(h, layer, "dh"), "gf_profile", "chart.profile"
        )
    with c2:
        widgets.chart(figures.heatmap_figure(h, layer, "dh"), "gf_heatmap", "chart.heatmap")
    if cfg.cell == "lstm":
        c1, c2 = st.columns(2)
        with c1:
            widgets.chart(
                figures.timestep_profile_figure(h, layer, "dc"), "gf_profile_c", "chart.cell"
            )
        with c2:
            widgets.chart(figures.heatmap_figure(h, layer, "dc"), "gf_heatmap_c", "chart.cell")
    c1, c2 = st.columns(2)
    with c1:
        widgets.chart(figures.param_norms_figure(h), "gf_params", "chart.params")
    with c2:
        widgets.chart(
            figures.clipping_figure(h, cfg.clip, cfg.clip_value), "gf_clip", "chart.clipping"
        )
    widgets.chart(figures.spectrum_figure(h), "gf_spectrum", "chart.spectrum")


def _ratio(norms) -> str:
    if not norms[-1] > 0:
        return "–"
    ratio = norms[0] / norms[-1]
    return "0 (underflow)" if ratio == 0 else f"{ratio:.2e}"


def _reach(horizon: int | None, T: int) -> str:
    return "–" if horizon is None else f"{T - 1 - horizon} / {T - 1} steps"


widgets.live(body)

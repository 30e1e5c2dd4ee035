"""Gradient flow: ||dL/dh_t|| across timesteps and over training, per-parameter norms,
clipping, and the recurrent weights' spectrum."""

import streamlit as st

from explorer import figures
from explorer.i18n import text
from explorer.runs.states import Snapshot
from ui import i18n, task_panels, widgets
from ui.i18n import t

st.title(t("page.gradients"))
st.markdown(t("intro.gradients"))
LANG = i18n.lang()
config = st.session_state.get("config")
layer = -1
if config is not None and config.layers > 1:
    layer = st.selectbox(
        t("gf.layer"),
        list(range(config.layers)),
        index=config.layers - 1,
        format_func=lambda i: (
            text("gf.layer_n", LANG, n=i) + (text("gf.top", LANG) if i == config.layers - 1 else "")
        ),
        key=i18n.translated("gf_layer"),
    )


def body(snap: Snapshot | None) -> None:
    if snap is None:
        widgets.chart(figures.empty(t("page.gradients"), t("fig.empty")), "gf_empty")
        return
    h, cfg = snap.history, snap.config
    if h.probes:
        first, last = h.probes[0], h.probes[-1]
        T = len(last.dh[-1])
        widgets.metrics(
            [
                (t("gf.reach_now"), _reach(last.horizon, T), t("gf.reach_help")),
                (t("gf.reach_at", step=first.step), _reach(first.horizon, T), None),
                ("‖dL/dh_0‖ / ‖dL/dh_T‖", _ratio(last.dh[-1]), t("gf.ratio_help")),
                (t("gf.clipped"), f"{h.clipped_fraction():.0%}", None),
            ]
        )
    task_panels.probe_note(cfg)  # chars: the string the gradient is measured on
    c1, c2 = widgets.chart_row(2)
    with c1:
        widgets.chart(
            task_panels.time_axis(figures.timestep_profile_figure(h, layer, "dh", lang=LANG), cfg),
            "gf_profile",
            "chart.profile",
        )
    with c2:
        widgets.chart(
            task_panels.time_axis(figures.heatmap_figure(h, layer, "dh", lang=LANG), cfg),
            "gf_heatmap",
            "chart.heatmap",
        )
    task_panels.tbptt_section(h, cfg, layer, LANG)  # truncated vs full BPTT
    if cfg.cell == "lstm":
        c1, c2 = widgets.chart_row(2)
        with c1:
            widgets.chart(
                task_panels.time_axis(
                    figures.timestep_profile_figure(h, layer, "dc", lang=LANG), cfg
                ),
                "gf_profile_c",
                "chart.cell",
            )
        with c2:
            widgets.chart(
                task_panels.time_axis(figures.heatmap_figure(h, layer, "dc", lang=LANG), cfg),
                "gf_heatmap_c",
                "chart.cell",
            )
    # The per-parameter and clipping charts (a trace per parameter: the costliest of the
    # page) follow once a second, the timestep charts above at every redraw.
    second = widgets.tick(1.0) if snap.active else snap.step
    c1, c2 = widgets.chart_row(2)
    with c1:
        widgets.chart(
            lambda: figures.param_norms_figure(h, lang=LANG),
            "gf_params",
            "chart.params",
            source=(second, snap.config, LANG),
            steps=snap.steps_total,
        )
    with c2:
        widgets.chart(
            lambda: figures.clipping_figure(h, cfg.clip, cfg.clip_value, lang=LANG),
            "gf_clip",
            "chart.clipping",
            source=(second, snap.config, LANG),
            steps=snap.steps_total,
        )
    widgets.chart(
        lambda: figures.spectrum_figure(h, lang=LANG),
        "gf_spectrum",
        "chart.spectrum",
        source=(len(h.spectra), snap.step if not h.spectra else h.spectra[-1].step, LANG),
        steps=snap.steps_total,
    )


def _ratio(norms) -> str:
    if not norms[-1] > 0:
        return "–"
    ratio = norms[0] / norms[-1]
    return t("gf.underflow") if ratio == 0 else f"{ratio:.2e}"


def _reach(horizon: int | None, T: int) -> str:
    return "–" if horizon is None else t("gf.reach_value", n=T - 1 - horizon, total=T - 1)


widgets.live(body)

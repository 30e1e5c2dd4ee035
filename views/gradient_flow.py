"""Gradient flow: ||dL/dh_t|| across timesteps and over training, per-parameter norms,
clipping, and the recurrent weights' spectrum."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from explorer import figures
from explorer.engine.history import History
from explorer.i18n import text
from explorer.runs.states import Snapshot
from ui import i18n, task_panels, watched, widgets
from ui.i18n import t

if TYPE_CHECKING:
    from explorer.watch.folder import WatchedRun

# The timestep charts of each gradient: (profile key, heatmap key, help of both).
TIMESTEP_CHARTS = {
    "dh": ("gf_profile", "gf_heatmap", ("chart.profile", "chart.heatmap")),
    "dc": ("gf_profile_c", "gf_heatmap_c", ("chart.cell", "chart.cell")),  # an LSTM's cell
}


def main() -> None:
    st.title(t("page.gradients"))
    st.markdown(t("intro.gradients"))
    lang = i18n.lang()
    if (run := watched.current()) is not None:  # the user's own model, opened on Compare
        watched_body(run, layer_select(run.meta["layers"], lang), lang)
        widgets.keep_alive()
        return
    config = st.session_state.get("config")
    layer = layer_select(config.layers if config is not None else 1, lang)
    widgets.live(lambda snap: body(snap, layer, lang))


def layer_select(layers: int, lang: str) -> int:
    """Which layer's gradients to show: the top one (-1) unless the user picks another."""
    if layers == 1:
        return -1
    top = layers - 1
    return st.selectbox(
        t("gf.layer"),
        list(range(layers)),
        index=top,
        format_func=lambda i: (
            text("gf.layer_n", lang, n=i) + (text("gf.top", lang) if i == top else "")
        ),
        key=i18n.translated("gf_layer"),
    )


def body(snap: Snapshot | None, layer: int, lang: str) -> None:
    if snap is None:
        widgets.chart(figures.empty(t("page.gradients"), t("fig.empty")), "gf_empty")
        return
    h, cfg = snap.history, snap.config
    if h.probes:
        widgets.metrics(_metrics(h))
    task_panels.probe_note(snap)  # chars: the string the gradient is measured on
    timestep_charts(snap, layer, "dh", lang)
    task_panels.tbptt_section(snap, layer, lang)  # truncated vs full BPTT
    if cfg.cell == "lstm":
        timestep_charts(snap, layer, "dc", lang)
    training_charts(snap, lang)


def _metrics(h: History) -> list[tuple[str, str, str | None]]:
    first, last = h.probes[0], h.probes[-1]
    T = len(last.dh[-1])
    return [
        (t("gf.reach_now"), _reach(last.horizon, T), t("gf.reach_help")),
        (t("gf.reach_at", step=first.step), _reach(first.horizon, T), None),
        ("‖dL/dh_0‖ / ‖dL/dh_T‖", _ratio(last.dh[-1]), t("gf.ratio_help")),
        (t("gf.clipped"), f"{h.clipped_fraction():.0%}", None),
    ]


def timestep_charts(snap: Snapshot, layer: int, which: str, lang: str) -> None:
    """A gradient's norm at every timestep: its latest profile beside its heatmap over
    training, the time axis named after the task's timestep."""
    draw_timestep_charts(snap.history, layer, which, lang, lambda f: task_panels.time_axis(f, snap))


def draw_timestep_charts(h: History, layer: int, which: str, lang: str, axis=lambda f: f) -> None:
    profile_key, heatmap_key, (profile_help, heatmap_help) = TIMESTEP_CHARTS[which]
    c1, c2 = widgets.chart_row(2)
    with c1:
        fig = figures.timestep_profile_figure(h, layer, which, lang=lang)
        widgets.chart(axis(fig), profile_key, profile_help)
    with c2:
        fig = figures.heatmap_figure(h, layer, which, lang=lang)
        widgets.chart(axis(fig), heatmap_key, heatmap_help)


def watched_body(run: WatchedRun, layer: int, lang: str) -> None:
    """A run watched in its owner's loop: what it recorded, nothing to train."""
    watched.banner(run)
    h = run.history
    if h.probes:
        widgets.metrics(_metrics(h))
    for which in ("dh", "dc") if run.meta["cell"] == "lstm" else ("dh",):
        draw_timestep_charts(h, layer, which, lang)
    c1, c2 = widgets.chart_row(2)
    with c1:
        widgets.chart(figures.param_norms_figure(h, lang=lang), "gf_params", "chart.params")
    with c2:
        mode = "seen" if h.clipped_fraction() > 0 else "off"
        widgets.chart(figures.clipping_figure(h, mode, 0.0, lang=lang), "gf_clip", "chart.clipping")
    widgets.chart(figures.spectrum_figure(h, lang=lang), "gf_spectrum", "chart.spectrum")


def training_charts(snap: Snapshot, lang: str) -> None:
    """The per-parameter and clipping charts (a trace per parameter: the costliest of the
    page) follow once a second, the timestep charts above at every redraw."""
    h, cfg = snap.history, snap.config
    second = widgets.tick(1.0) if snap.active else snap.step
    c1, c2 = widgets.chart_row(2)
    with c1:
        widgets.chart(
            lambda: figures.param_norms_figure(h, lang=lang),
            "gf_params",
            "chart.params",
            source=(second, cfg, lang),
            steps=snap.steps_total,
        )
    with c2:
        widgets.chart(
            lambda: figures.clipping_figure(h, cfg.clip, cfg.clip_value, lang=lang),
            "gf_clip",
            "chart.clipping",
            source=(second, cfg, lang),
            steps=snap.steps_total,
        )
    widgets.chart(
        lambda: figures.spectrum_figure(h, lang=lang),
        "gf_spectrum",
        "chart.spectrum",
        source=(len(h.spectra), snap.step if not h.spectra else h.spectra[-1].step, lang),
        steps=snap.steps_total,
    )


def _ratio(norms) -> str:
    if not norms[-1] > 0:
        return "–"
    ratio = norms[0] / norms[-1]
    return t("gf.underflow") if ratio == 0 else f"{ratio:.2e}"


def _reach(horizon: int | None, T: int) -> str:
    return "–" if horizon is None else t("gf.reach_value", n=T - 1 - horizon, total=T - 1)


main()

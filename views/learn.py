"""Learn: the seed tutorials' lessons, each equation beside this run's own numbers."""

import numpy as np
import streamlit as st

from explorer import figures
from explorer.config import RunConfig
from explorer.engine.analysis import step_jacobians
from explorer.engine.models import build_model
from explorer.i18n import EQUATIONS
from explorer.runs import examples
from explorer.runs.states import Snapshot
from explorer.tasks import make_task
from ui import i18n, widgets
from ui.i18n import t


def main() -> None:
    st.title(t("page.learn"))
    st.markdown(t("intro.learn"))
    widgets.live(body, every=1.0)


@st.cache_data(max_entries=16, show_spinner=False)
def jacobians(config_json: str, step: int, _state: dict) -> np.ndarray:
    """Per-step Jacobian norms for the run's weights at `step` (cached per step)."""
    cfg = RunConfig.from_json(config_json)
    task = make_task(cfg)
    model = build_model(cfg, task)
    model.load_state_dict(_state)
    return step_jacobians(model, task)


def cell_section(config: RunConfig) -> None:
    st.header(t("learn.cell", cell=t(f"choice.cell.{config.cell}")))
    left, right = st.columns([3, 2])
    left.markdown(t(f"lesson.{config.cell}"))
    left.latex(EQUATIONS[config.cell])
    if config.nonlinearity == "relu":
        left.caption(t("learn.irnn"))
    n_params = sum(p.numel() for p in build_model(config, make_task(config)).parameters())
    right.markdown(
        t(
            "learn.cell_numbers",
            hidden=config.hidden,
            layers=config.layers,
            T=config.seq_len,
            params=f"{n_params:,}",
        )
    )


def bptt_section(snap: Snapshot | None) -> None:
    st.header(t("learn.bptt"))
    left, right = st.columns([3, 2])
    left.markdown(t("lesson.bptt"))
    for key in ("bptt", "bptt_product"):
        left.latex(EQUATIONS[key])
    left.markdown(t("lesson.vanishing"))
    left.latex(EQUATIONS["vanish"])
    weights = snap.model_state if snap is not None else None
    if snap is not None and snap.example is not None:
        weights = examples.example_weights(snap.example)  # a recorded run's, from its folder
    if snap is None or weights is None or not snap.history.probes:
        right.info(t("learn.train_first"))
        return
    norms = jacobians(snap.config.to_json(), snap.step, weights)
    dh = snap.history.probes[-1].dh[0]  # layer 0, as the Jacobians
    ratio = dh / dh[-1] if dh[-1] > 0 else None
    spec = snap.history.spectra[-1]
    right.markdown(
        t(
            "learn.bptt_numbers",
            sigma=f"{spec.sigma_max[0]:.3f}",
            rho=f"{spec.spectral_radius[0]:.3f}",
            sigma_T=f"{spec.sigma_max[0] ** snap.config.seq_len:.3g}",
            mean=f"{np.mean(norms):.3f}",
            product=f"{np.prod(norms):.3g}",
            step=snap.history.probes[-1].step,
            ratio=f"{ratio[0] if ratio is not None else float('nan'):.3g}",
        )
    )
    widgets.chart(
        figures.jacobian_figure(norms, ratio, lang=i18n.lang()), "learn_jacobian", "chart.jacobian"
    )


def clipping_section(config: RunConfig, snap: Snapshot | None) -> None:
    st.header(t("learn.clipping"))
    left, right = st.columns([3, 2])
    left.markdown(t("lesson.clipping"))
    left.latex(EQUATIONS["clip_norm"])
    left.latex(EQUATIONS["clip_value"])
    mode = t(f"choice.clip.{config.clip}")
    if config.clip == "off":
        right.markdown(t("learn.clip_off"))
    else:
        right.markdown(t("learn.clip_mode", mode=mode, threshold=f"{config.clip_value:g}"))
    if snap is not None and snap.history.steps:
        right.markdown(
            t(
                "learn.clip_fraction",
                fraction=f"{snap.history.clipped_fraction():.0%}",
                steps=len(snap.history.steps),
            )
        )


def tbptt_section(config: RunConfig) -> None:
    st.header(t("learn.tbptt"))
    left, right = st.columns([3, 2])
    left.markdown(t("lesson.tbptt"))
    left.latex(EQUATIONS["tbptt"])
    right.markdown(t("learn.tbptt_on", k=config.tbptt) if config.tbptt else t("learn.tbptt_off"))


def body(snap: Snapshot | None) -> None:
    config = snap.config if snap is not None else st.session_state.get("config", RunConfig())
    cell_section(config)
    bptt_section(snap)
    clipping_section(config, snap)
    tbptt_section(config)


main()

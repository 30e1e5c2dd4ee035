"""Classroom glue: applying a preset, "predict, then reveal", presenter mode, hidden controls.

A preset writes its config into the sidebar's widget keys (and, for a race, the Compare
page's inputs), so everything after it is the ordinary app. Presenter mode and hidden
controls come from the URL, as in TensorFlow Playground: ?presenter=1&hide=lr,optimizer
or ?lr_hide=1 hides those controls (their values still apply).
"""

from __future__ import annotations

from dataclasses import fields

import plotly.graph_objects as go
import streamlit as st

from explorer.compare import knob_values
from explorer.config import RunConfig
from explorer.presets import PRESETS, Preset, preset_from_query
from ui.i18n import t as text

PRESET_KEY, REVEALED_KEY, PRESENTER_KEY, HIDDEN_KEY = (
    "preset",
    "preset_revealed",
    "presenter",
    "hidden_controls",
)
PRESENTER_CSS = """<style>
html { font-size: 21px; }
[data-testid="stSidebar"] { min-width: 22rem; }
h1 { font-size: 2.6rem !important; }
[data-testid="stMetricValue"] { font-size: 2.6rem !important; }
</style>"""


def apply(preset: Preset) -> None:
    """Write the preset into the widgets' state (call from a callback or before widgets)."""
    for f in fields(RunConfig):
        st.session_state[f"cfg_{f.name}"] = getattr(preset.config, f.name)
    st.session_state["last_valid_config"] = preset.config
    for slot, (knob, values) in enumerate(preset.vary, start=1):
        st.session_state[f"cmp_knob{slot}"] = knob
        choices = knob_values(knob)
        st.session_state[f"cmp_values{slot}_{knob}"] = (
            list(values) if choices is not None else ", ".join(values)
        )
    if len(preset.vary) < 2:
        st.session_state["cmp_knob2"] = "none"
    st.session_state[PRESET_KEY] = preset.name
    st.session_state[REVEALED_KEY] = False


def load_url_once(params: dict) -> list[str]:
    """Presets, presenter mode and hidden controls from a link; returns warnings."""
    preset, warning = preset_from_query(params)
    if preset is not None:
        apply(preset)
    st.session_state[PRESENTER_KEY] = str(params.get("presenter", "")).lower() in (
        "1",
        "true",
        "yes",
        "on",
    )
    names = {f.name for f in fields(RunConfig)} | {"lang", "presenter"}
    hidden = {h.strip() for h in str(params.get("hide", "")).split(",") if h.strip()}
    hidden |= {
        k.removesuffix("_hide")
        for k, v in params.items()
        if k.endswith("_hide") and str(v).lower() in ("1", "true", "yes", "on")
    }
    unknown = sorted(hidden - names)
    st.session_state[HIDDEN_KEY] = frozenset(hidden & names)
    warnings = [warning] if warning else []
    if unknown:
        warnings.append(
            f"URL parameter hide: {', '.join(unknown)} are not controls; "
            f"known are {', '.join(sorted(names))}."
        )
    return warnings


def hidden(name: str) -> bool:
    return name in st.session_state.get(HIDDEN_KEY, frozenset())


def active() -> Preset | None:
    return PRESETS.get(st.session_state.get(PRESET_KEY, ""))


def revealed() -> bool:
    """Charts show unless a lesson is waiting for the class's prediction."""
    return active() is None or bool(st.session_state.get(REVEALED_KEY, True))


def _reveal() -> None:
    st.session_state[REVEALED_KEY] = True


def prompt() -> None:
    """The lesson's question, before its charts; after Reveal, its answer above them."""
    preset = active()
    if preset is None:
        return
    if not revealed():
        with st.container(border=True):
            st.subheader(text("classroom.predict", question=text(preset.text_key("question"))))
            st.radio(
                text("classroom.predict", question=""),
                [text(k) for k in preset.options],
                index=None,
                key=f"guess_{preset.name}",
                label_visibility="collapsed",
            )
            st.button(
                text("classroom.reveal"),
                on_click=_reveal,
                type="primary",
                key=f"reveal_{preset.name}",
            )
    else:
        st.success(f"**{text(preset.text_key('title'))}** — {text(preset.text_key('answer'))}")


def presenter() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY))


def style_page() -> None:
    if presenter():
        st.markdown(PRESENTER_CSS, unsafe_allow_html=True)


def style_figure(fig: go.Figure) -> go.Figure:
    """Bigger text and charts for the back row of a classroom."""
    if presenter():
        height = fig.layout.height or 400
        fig.update_layout(font={"size": 20}, title_font_size=24, height=int(height * 1.25))
    return fig

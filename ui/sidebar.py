"""The shared sidebar: one widget per RunConfig field, synced with the URL, plus controls.

Widget keys are "cfg_<field>", written only through ui/widget_state.py. On a session's
first run the URL's query parameters seed them (bad ones warn and fall back); on every
run the URL is rewritten from the config, so the address bar is always a link that
reproduces the run.
"""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from explorer.config import ConfigError, RunConfig, task_defaults
from explorer.config import field_spec as spec
from explorer.i18n import TEXTS, text
from explorer.runs.states import ACTIVE, FINISHED, RunState
from ui import classroom, i18n, session, task_widgets, widget_state
from ui.i18n import t
from ui.widget_state import key

REFUSED_KEY = "settings_refused"  # why the settings shown cannot train, or None


def load_url_once() -> None:
    """Seed the widgets from the URL on the session's first run."""
    if st.session_state.get("url_loaded"):
        return
    params = st.query_params.to_dict()
    extra = [*i18n.load_url_once(params), *classroom.load_url_once(params)]  # preset first
    preset = classroom.active()
    config, warnings = RunConfig.from_query(params, base=preset.config if preset else None)
    config, data_warnings = task_widgets.check_url_data(config)  # a key from another session
    warnings = [*warnings, *data_warnings]
    widget_state.show(config)
    st.session_state["url_warnings"] = [*extra, *warnings]
    st.session_state["url_loaded"] = True


def write_url(config: RunConfig) -> None:
    """Settings as they differ from the defaults; in a lesson, from the lesson's own setup,
    which the link's preset= names (a link opens from it)."""
    lesson = classroom.active()
    wanted = config.to_query(base=lesson.config if lesson else None)
    for f in fields(RunConfig):
        if f.name in wanted:
            if st.query_params.get(f.name) != wanted[f.name]:
                st.query_params[f.name] = wanted[f.name]
        elif f.name in st.query_params:
            del st.query_params[f.name]


def _help(name: str) -> str:
    meta = spec(name).metadata
    if meta["lo"] is None:
        return t(f"help.{name}")
    return t(f"help.{name}", lo=f"{meta['lo']:g}", hi=f"{meta['hi']:g}")


def _label(name: str) -> str:
    return t(f"label.{name}")


def _number(name: str, step: float | int, fmt: str | None = None, disabled: bool = False) -> None:
    if classroom.hidden(name):
        return
    meta = spec(name).metadata
    is_int = isinstance(spec(name).default, int)
    lo = int(meta["lo"]) if is_int else float(meta["lo"])
    hi = int(meta["hi"]) if is_int else float(meta["hi"])
    st.number_input(
        _label(name),
        min_value=lo,
        max_value=hi,
        step=step,
        format=fmt,
        key=key(name),
        help=_help(name),
        disabled=disabled,
    )


def _slider(name: str) -> None:
    if not classroom.hidden(name):
        meta = spec(name).metadata
        st.slider(_label(name), int(meta["lo"]), int(meta["hi"]), key=key(name), help=_help(name))


def _choice(name: str, radio: bool = False, on_change=None) -> None:
    if classroom.hidden(name):
        return
    options = spec(name).metadata["choices"]
    lang = i18n.lang()  # bound now: AppTest calls format functions outside a script run

    def label(value: str) -> str:  # a choice without a translation shows its own label
        for k in (f"choice.{name}.{value}", f"{name}.{value}"):  # (series, digits, chars)
            if k in TEXTS:
                return text(k, lang)
        return options[value]

    if radio:
        st.radio(
            _label(name),
            list(options),
            format_func=label,
            key=i18n.translated(key(name)),
            horizontal=True,
            help=_help(name),
        )
    else:
        st.selectbox(
            _label(name),
            list(options),
            format_func=label,
            key=i18n.translated(key(name)),
            help=_help(name),
            on_change=on_change,
        )


def _task_changed() -> None:
    """Give a task its natural sequence length when the user switches to it."""
    for name, value in task_defaults(widget_state.value("task")).items():
        widget_state.set_value(name, value)


def config_widgets() -> RunConfig:
    """Draw the settings; return the config they describe (or the last valid one, with an
    error shown, when the combination is invalid)."""
    sb = st.sidebar
    with sb.expander(t("sidebar.model"), expanded=True):
        _choice("task", on_change=_task_changed)
        _choice("cell", radio=True)
        _slider("hidden")
        _slider("layers")
        _slider("seq_len")
    task_widgets.data_section()  # the series and chars tasks' data
    with sb.expander(t("sidebar.optimisation"), expanded=True):
        _number("lr", step=0.001, fmt="%g")
        _choice("optimizer", radio=True)
        _choice("clip", radio=True)
        _number(
            "clip_value", step=0.1, fmt="%g", disabled=st.session_state.get(key("clip")) == "off"
        )
        _number("steps", step=100)
        _number("batch", step=8)
    with sb.expander(t("sidebar.init")):
        _choice("init")
        _number("whh_gain", step=0.1, fmt="%g")
        _number(
            "forget_bias", step=0.5, fmt="%g", disabled=st.session_state.get(key("cell")) != "lstm"
        )
    with sb.expander(t("sidebar.advanced")):
        _number("tbptt", step=1)
        _number("probe_every", step=1)
        _number("val_every", step=1)
        _number("seed", step=1)
    values = {f.name: st.session_state.get(key(f.name), f.default) for f in fields(RunConfig)}
    try:
        config = RunConfig(**values)
        problem = task_widgets.data_problem(config)
    except ConfigError as exc:
        problem = t("sidebar.invalid", error=str(exc))
    st.session_state[REFUSED_KEY] = problem
    if problem is not None:
        # What the sidebar shows is refused: nothing trains on it (Train and Step wait,
        # with the reason) and the pages keep drawing the last valid settings.
        sb.error(problem)
        return widget_state.last_valid()
    widget_state.remember(config)
    return config


def display_widgets() -> None:
    """How the app looks, not what it trains: presenter mode (hideable like any control)."""
    if not classroom.hidden("presenter"):
        st.sidebar.toggle(
            t("classroom.presenter"),
            key=classroom.PRESENTER_KEY,
            help=t("classroom.presenter_help"),
        )


def controls(config: RunConfig) -> None:
    """Train / Pause / Resume / Step / Stop / Reset, depending on the run's state."""
    snap = session.snapshot()
    state = snap.state if snap is not None else RunState.IDLE
    refused = st.session_state.get(REFUSED_KEY)
    # Train (Pause, Resume) on a row of its own, Step and Stop below: three in a row cut
    # their labels in presenter mode's larger type.
    c1 = st.container()
    c2, c3 = st.columns(2)
    if state in ACTIVE:
        c1.button(t("btn.pause"), on_click=session.pause, key="btn_pause", width="stretch")
    elif state is RunState.PAUSED:
        c1.button(
            t("btn.resume"),
            on_click=session.train,
            args=(snap.config,),
            key="btn_resume",
            type="primary",
            width="stretch",
        )
    else:
        c1.button(
            t("btn.train"),
            on_click=session.train,
            args=(config,),
            key="btn_train",
            type="primary",
            width="stretch",
            disabled=refused is not None,
            help=refused,
        )
    c2.button(
        t("btn.step"),
        on_click=session.step,
        args=(config,),
        key="btn_step",
        width="stretch",
        disabled=state in FINISHED or refused is not None,
        help=refused or t("btn.step_help"),
    )
    c3.button(
        t("btn.stop"),
        on_click=session.stop,
        key="btn_stop",
        width="stretch",
        disabled=state not in (*ACTIVE, "paused"),
    )
    st.button(
        t("btn.reset"),
        on_click=session.reset,
        args=(config,),
        key="btn_reset",
        width="stretch",
        help=t("btn.reset_help"),
    )

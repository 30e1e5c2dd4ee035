"""Classroom glue: applying a preset, "predict, then reveal", presenter mode, hidden controls.

A preset writes its config into the sidebar's widget keys (and, for a race, the Compare
page's inputs), so everything after it is the ordinary app. Presenter mode and hidden
controls come from the URL, as in TensorFlow Playground: ?presenter=1&hide=lr,optimizer
or ?lr_hide=1 hides those controls (their values still apply).
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import plotly.graph_objects as go
import streamlit as st

from explorer.config import RunConfig
from explorer.i18n import text as text_in
from explorer.presets import PRESETS, TRAIN_PAGE, Preset, preset_from_query
from explorer.runs.variants import knob_values
from ui import i18n, widget_state
from ui.i18n import t as text

PRESET_KEY, REVEALED_KEY, PRESENTER_KEY, HIDDEN_KEY = (
    "preset",
    "preset_revealed",
    "presenter",
    "hidden_controls",
)
GO_KEY = "lesson_page_pending"  # the lesson's page, to switch to on the next run
GUESS_KEY = "preset_guess"  # the prediction made before Reveal (an option's text key)
PRESENTER_CSS = """<style>
html { font-size: 20px; }
h1 { font-size: 2.4rem !important; }
[data-testid="stMetricValue"] { font-size: 2.1rem !important; }
</style>"""


def apply(preset: Preset) -> None:
    """Write the preset into the widgets' state (call from a callback or before widgets)."""
    widget_state.show(preset.config)
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
    st.session_state[GUESS_KEY] = None
    st.session_state[GO_KEY] = preset.page


def banner() -> None:
    """Above every page while a lesson is on: which lesson, and a way out of it."""
    lesson = active()
    if lesson is None:
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(
        text("classroom.active", title=text(lesson.text_key("title"))), icon=":material/school:"
    )
    right.button(
        text("classroom.leave"),
        key="lesson_leave",
        on_click=leave,
        help=text("classroom.leave_help"),
    )


def leave() -> None:
    """End the lesson: its settings stay, its question and its link go."""
    st.session_state.pop(PRESET_KEY, None)
    st.session_state[REVEALED_KEY] = True


def page_path(page: str) -> str:
    """A page file's address in the app: the default page lives at the root."""
    return "" if page == TRAIN_PAGE else Path(page).stem


def go_to_lesson_page(current_path: str) -> None:
    """After a lesson is set up (by a click or a link), show it on its own page once."""
    page = st.session_state.pop(GO_KEY, None)
    if page is not None and page_path(page) != current_path:
        st.switch_page(page)


def lesson_link(preset: Preset, lang: str) -> str:
    """An absolute link that opens the lesson's page, setup and question for anyone:
    this server's address as the browser sees it, the page, preset= (and lang=)."""
    parts = urlsplit(st.context.url or "")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    base = st.get_option("server.baseUrlPath").strip("/")
    path = "/".join(p for p in (base, page_path(preset.page)) if p)
    query = {"preset": preset.name, **({"lang": lang} if lang != "en" else {})}
    return f"{origin}/{path}?{urlencode(query)}"


def write_url() -> None:
    """While a lesson is on, the address bar names it: a copied link keeps the question."""
    lesson = active()
    if lesson is not None:
        if st.query_params.get(PRESET_KEY) != lesson.name:
            st.query_params[PRESET_KEY] = lesson.name
    elif PRESET_KEY in st.query_params:
        del st.query_params[PRESET_KEY]


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


def _reveal(preset: Preset) -> None:
    st.session_state[REVEALED_KEY] = True
    # The radio goes with the question; its answer is kept to say whether it was right.
    st.session_state[GUESS_KEY] = st.session_state.get(f"guess_{preset.name}")


def prompt() -> None:
    """The lesson's question, before its charts; after Reveal, its answer above them."""
    preset = active()
    if preset is None:
        return
    if not revealed():
        lang = i18n.lang()  # bound now: AppTest calls format functions outside a script run
        with st.container(border=True):
            st.subheader(text("classroom.predict", question=text(preset.text_key("question"))))
            st.radio(
                text("classroom.predict", question=""),
                list(preset.options),  # ids: the guess survives a language switch
                format_func=lambda option: text_in(option, lang),
                index=None,
                key=i18n.translated(f"guess_{preset.name}"),
                label_visibility="collapsed",
            )
            st.button(
                text("classroom.reveal"),
                on_click=_reveal,
                args=(preset,),
                type="primary",
                key=f"reveal_{preset.name}",
            )
    else:
        st.success(f"**{text(preset.text_key('title'))}** — {text(preset.text_key('answer'))}")
        st.markdown(verdict(preset, st.session_state.get(GUESS_KEY)))


def verdict(preset: Preset, guess: str | None) -> str:
    """Whether the class's prediction (an option's text key) was right."""
    answer = text(preset.correct)
    if guess is None:
        return text("classroom.no_guess", answer=answer)
    if guess == preset.correct:
        return text("classroom.right", guess=text(guess))
    return text("classroom.wrong", guess=text(guess), answer=answer)


def presenter() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY))


def style_page() -> None:
    if presenter():
        st.html(PRESENTER_CSS)


def style_figure(fig: go.Figure) -> go.Figure:
    """Bigger text and charts for the back row of a classroom."""
    if presenter():
        height = fig.layout.height or 400
        fig.update_layout(font={"size": 20}, title_font_size=24, height=int(height * 1.25))
        for name in fig.layout:  # a log axis labels only its decades: the 2s and 5s
            axis = fig.layout[name]  # between them stay small whatever the font size
            if name.startswith(("xaxis", "yaxis")) and axis.type == "log":
                axis.dtick = 1
    return fig

"""The session's language: ?lang=zh in a link, or the sidebar's switch. Pages call t(key)."""

from __future__ import annotations

import streamlit as st

from explorer.i18n import LANGUAGES, text

LANG_KEY = "lang"  # the language: "en" or "zh"
SELECT_KEY = "lang_select"  # its widget
TRANSLATED_KEY = "translated_widgets"  # see translated()


def lang() -> str:
    return st.session_state.get(LANG_KEY, "en")


def t(key: str, /, **values: object) -> str:
    return text(key, lang(), **values)


def load_url_once(params: dict) -> list[str]:
    """Set the language from a link; a bad value warns and falls back to English."""
    raw = str(params.get(LANG_KEY, "en")).strip().lower()
    st.session_state[LANG_KEY] = raw if raw in LANGUAGES else "en"
    if raw in LANGUAGES:
        return []
    return [f"URL parameter lang: {raw!r} is not one of {', '.join(LANGUAGES)}."]


def write_url() -> None:
    if lang() != "en":
        st.query_params[LANG_KEY] = lang()
    elif LANG_KEY in st.query_params:
        del st.query_params[LANG_KEY]


def translated(key: str) -> str:
    """Register a widget whose options are ids shown in the session's language, and return
    its key. Streamlit 1.67 keeps a radio's or select box's value in the browser as the
    label it shows, so after a language switch the browser would send back a label of the
    old language, which matches no option (the setting looked unset, then fell back to its
    default). A switch therefore hands every such widget its value again (relabel)."""
    st.session_state.setdefault(TRANSLATED_KEY, set()).add(key)
    return key


def begin_run() -> None:
    """Forget the widgets of the last full run: only those drawn now are relabelled."""
    st.session_state[TRANSLATED_KEY] = set()


def _switched() -> None:
    st.session_state[LANG_KEY] = st.session_state[SELECT_KEY]
    for key in st.session_state.get(TRANSLATED_KEY, set()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def switch() -> None:
    """The language selector, at the top of the sidebar. The language itself lives under
    its own key, so a page switch that drops the widget's state cannot lose it."""
    if st.session_state.get(SELECT_KEY) != lang():
        st.session_state[SELECT_KEY] = lang()
    st.sidebar.selectbox(
        t("sidebar.language"),
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=SELECT_KEY,
        on_change=_switched,
    )

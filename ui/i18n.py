"""The session's language: ?lang=zh in a link, or the sidebar's switch. Pages call t(key)."""

from __future__ import annotations

import streamlit as st

from explorer.texts import LANGUAGES, text

LANG_KEY = "lang"


def lang() -> str:
    return st.session_state.get(LANG_KEY, "en")


def t(key: str, **values: object) -> str:
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


def switch() -> None:
    """The language selector, at the top of the sidebar."""
    st.sidebar.selectbox(
        t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=LANG_KEY
    )

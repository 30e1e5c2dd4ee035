"""The one writer of the settings' widget state.

Each RunConfig field has a sidebar widget keyed "cfg_<field>". Streamlit lets a widget's
value be set only before the widget is drawn (in a callback, or before the sidebar), and
several things set them: a link, a lesson, a run opened from Compare, a task switch, an
upload. They all come through here, so the rule and the key names live in one place.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import streamlit as st

from explorer.config import RunConfig

PREFIX = "cfg_"
LAST_VALID_KEY = "last_valid_config"  # the config the sidebar last drew without an error


def key(name: str) -> str:
    """The widget key of a RunConfig field."""
    return PREFIX + name


def value(name: str, default: Any = None) -> Any:
    """A field's value as its widget holds it now."""
    return st.session_state.get(key(name), default)


def set_value(name: str, new: Any) -> None:
    """Set one field's widget (before it is drawn in this run)."""
    st.session_state[key(name)] = new


def show(config: RunConfig) -> None:
    """Set every field's widget to the config, which becomes the last valid one."""
    for f in fields(RunConfig):
        set_value(f.name, getattr(config, f.name))
    remember(config)


def remember(config: RunConfig) -> None:
    st.session_state[LAST_VALID_KEY] = config


def last_valid() -> RunConfig:
    return st.session_state.get(LAST_VALID_KEY, RunConfig())

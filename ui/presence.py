"""Whether this page's server process is the one that served it before.

When an app process ends (a crash, a restart; behind `python -m explorer serve` HAProxy
then sends the browser to another process), the browser reconnects and Streamlit starts a
new session: the settings come back with the address, a run in the old process's memory
does not. To say so, every page stores this process's boot id in a cookie (a tiny
component's script: Streamlit sets no cookies itself), and a new session compares the
cookie its browser brought with its own process's id.
"""

from __future__ import annotations

import os
import time
from functools import cache

import streamlit as st

COOKIE = "rnnexp_page"
MAX_AGE = 8 * 3600  # s: a school day; a page left longer is not "moved", just old
CHECKED_KEY = "presence_checked"
# One id per server process: its name behind `explorer serve`, its pid and start time.
BOOT = f"{os.environ.get('RNN_EXPLORER_PROCESS', 'app')}-{os.getpid()}-{int(time.time())}"
JS = f"""
export default function (component) {{
  document.cookie = `{COOKIE}=${{component.data.boot}}; path=/; max-age={MAX_AGE}; samesite=lax`;
}}
"""


@cache
def _component():
    return st.components.v2.component("rnn_presence", js=JS, isolate_styles=False)


def mark() -> None:
    """Store this process's id in the browser (call on every full run)."""
    _component()(key="presence", data={"boot": BOOT}, height=0)


def moved_here() -> bool:
    """True, once a session, when the browser last saw a page from another process (or
    another life of this one): whatever that process held in memory is gone."""
    if st.session_state.get(CHECKED_KEY):
        return False
    st.session_state[CHECKED_KEY] = True
    seen = st.context.cookies.get(COOKIE)
    return isinstance(seen, str) and bool(seen) and seen != BOOT  # (AppTest: a mock)

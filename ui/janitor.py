"""Free the runs of sessions whose tab has gone, and give the memory back to the system.

Streamlit keeps a disconnected session for a while (server.disconnectedSessionTTL) so a
tab can reconnect, and it drops one only when it next writes to that store: the state of a
class's closed tabs, models and histories included, could stay for the rest of the day.
A run pauses by itself when nobody polls it (explorer.runs.live); this thread goes further once
the session has been disconnected for GRACE_SECONDS: the run is stopped (its history is
saved to the runs directory) and released, then glibc is asked to return the freed heap.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
import time
from typing import TYPE_CHECKING

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explorer.runs.registry import REGISTRY

if TYPE_CHECKING:
    from explorer.runs.live import LiveRun

log = logging.getLogger(__name__)

GRACE_SECONDS = 60.0  # a network blip or a laptop lid reconnects well within this
CHECK_SECONDS = 5.0
RELEASED = "Stopped and released: its tab closed."


def adopt(run: LiveRun) -> None:
    """Tie the run to the session of the script that is running now (none in tests that
    run no script)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        run.session_id = ctx.session_id


def sweep(gone_since: dict[int, float], now: float, is_active) -> int:
    """One pass: release the runs whose session has been inactive for GRACE_SECONDS;
    returns how many were released. gone_since remembers when each was first seen gone."""
    released = 0
    for run in REGISTRY.all():
        owner = run.session_id
        if owner is None or run.released or is_active(owner):
            gone_since.pop(id(run), None)
            continue
        first = gone_since.setdefault(id(run), now)
        if now - first >= GRACE_SECONDS:
            run.release(RELEASED)
            gone_since.pop(id(run), None)
            released += 1
    return released


M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_arenas(count: int = 2) -> bool:
    """glibc gives each new thread its own malloc arena (up to 8 per core), and memory
    freed into one stays mapped while any block in it lives: ten training threads left
    the server 16% above where it started after they had all been freed; with two arenas
    it comes back to within 1%. Called before the first training thread starts. True
    when glibc took the setting."""
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, count) == 1
    return False


def trim_heap() -> bool:
    """Return freed heap pages to the system (glibc only; elsewhere nothing happens).
    True when glibc gave some back."""
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL("libc.so.6").malloc_trim(0) == 1
    return False


def _loop() -> None:
    gone_since: dict[int, float] = {}
    while True:
        time.sleep(CHECK_SECONDS)
        try:
            if not runtime.exists():
                continue
            instance = runtime.get_instance()
            if sweep(gone_since, time.monotonic(), instance.is_active_session):
                trim_heap()
        except Exception:  # the janitor must never take the server down
            log.exception("session janitor failed")


@st.cache_resource(show_spinner=False)
def start() -> threading.Thread:
    """Once per server process."""
    limit_arenas()
    thread = threading.Thread(target=_loop, daemon=True, name="session-janitor")
    thread.start()
    return thread

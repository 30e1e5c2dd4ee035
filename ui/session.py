"""The session's one live run, kept in st.session_state, and the controls acting on it."""

from __future__ import annotations

import threading
import weakref

import streamlit as st

from explorer.config import RunConfig
from explorer.live import FINISHED, LiveRun, Snapshot
from explorer.training import warm_up

RUN_KEY = "live_run"
GUARD_KEY = "live_run_guard"
POLL_SECONDS = 0.25  # 4 redraws a second while a run trains


@st.cache_resource(show_spinner=False)
def warm_up_in_background() -> threading.Thread:
    """Once per server process: pay torch's ~1 s of one-off costs before the first Train."""
    thread = threading.Thread(target=warm_up, daemon=True, name="warm-up")
    thread.start()
    return thread


class _SessionGuard:
    """Lives exactly as long as the session's state."""


def current_run() -> LiveRun | None:
    return st.session_state.get(RUN_KEY)


def snapshot() -> Snapshot | None:
    run = current_run()
    return run.snapshot() if run is not None else None


def replace_run(config: RunConfig) -> LiveRun:
    """A new idle run for config; the old one's thread is told to stop."""
    old = current_run()
    if old is not None:
        old.stop("Replaced by a new run.")
    run = LiveRun(config)
    st.session_state[RUN_KEY] = run
    # When Streamlit drops the session, its state goes and the guard with it: stop the
    # thread then (the heartbeat in LiveRun catches what this misses).
    guard = _SessionGuard()
    weakref.finalize(guard, run.stop, "Session ended.")
    st.session_state[GUARD_KEY] = guard
    return run


# -- button callbacks: they run before the script, so the page redraws in the new state --
def _run_for(config: RunConfig) -> LiveRun:
    """The current run, or a new one when there is none, it has finished, or it never
    started and the settings have changed since."""
    run = current_run()
    state = run.snapshot().state if run is not None else None
    if run is None or state in FINISHED or (state == "idle" and run.config != config):
        run = replace_run(config)
    return run


def train(config: RunConfig) -> None:
    _run_for(config).start()


def pause() -> None:
    if (run := current_run()) is not None:
        run.pause()


def step(config: RunConfig) -> None:
    _run_for(config).step_once()


def stop() -> None:
    if (run := current_run()) is not None:
        run.stop("Stopped by you; the history so far is kept.")


def reset(config: RunConfig) -> None:
    replace_run(config)


def live_interval(snap: Snapshot | None) -> float | None:
    """Fragments poll only while a run trains, so an idle page costs the server nothing."""
    return POLL_SECONDS if snap is not None and snap.active else None

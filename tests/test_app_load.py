"""What a student sees when the server is busy or their tab went away (AppTest)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from harness import open_app
from streamlit.testing.v1 import AppTest

from explorer.config import RunConfig
from explorer.runs import live
from explorer.runs.live import REGISTRY, LiveRun
from explorer.runs.scheduler import RunQueue
from ui import janitor

ROOT = Path(__file__).resolve().parents[1]
ENDLESS = {"hidden": "8", "seq_len": "12", "steps": "100000", "batch": "8"}


@pytest.fixture(autouse=True)
def stop_runs():
    yield
    REGISTRY.stop_all()


@pytest.fixture
def one_place(monkeypatch) -> RunQueue:
    """A server that trains one run at a time."""
    queue = RunQueue(capacity=1)
    monkeypatch.setattr(live, "QUEUE", queue)  # the page reads the capacity off the snapshot
    return queue


def app(lang: str = "en") -> AppTest:
    return open_app({**ENDLESS, "lang": lang})


def peek(run: LiveRun):
    with run._cond:
        return run._snapshot


def status(at: AppTest) -> str:
    return " ".join(a.value for a in [*at.info, *at.error])


def test_a_busy_server_shows_the_place_in_line_then_trains(one_place):
    blocker = LiveRun(RunConfig(hidden=8, seq_len=12, batch=8, steps=100_000))
    blocker.start()
    blocker.wait_for(lambda s: s.step >= 1)
    at = app()
    at.button(key="btn_train").click().run()
    run = at.session_state["live_run"]
    assert run.wait_for(lambda s: s.state == "queued").queue_position == 1
    at.run()
    assert not at.exception
    assert "queued" in status(at) and "position 1 in line" in status(at)
    assert "as many runs as it takes at once (1)" in status(at)
    assert at.button(key="btn_pause")  # a queued run can be paused or stopped
    assert not at.button(key="btn_stop").disabled
    blocker.stop()  # a place frees: the queued run trains
    assert run.wait_for(lambda s: s.state == "running" and s.step >= 2).state == "running"
    at.run()
    assert "running" in status(at) and "line" not in status(at)


def test_the_queue_speaks_chinese_too(one_place):
    blocker = LiveRun(RunConfig(hidden=8, seq_len=12, batch=8, steps=100_000))
    blocker.start()
    blocker.wait_for(lambda s: s.step >= 1)
    at = app("zh")
    at.button(key="btn_train").click().run()
    at.session_state["live_run"].wait_for(lambda s: s.state == "queued")
    at.run()
    assert "排队中" in status(at) and "第 1 位" in status(at)


def test_a_run_nobody_watches_pauses_and_says_why():
    at = app()
    at.button(key="btn_train").click().run()
    run = at.session_state["live_run"]
    run.idle_timeout = 0.3  # as if the tab had been closed for IDLE_TIMEOUT
    deadline = time.monotonic() + 30
    while (paused := peek(run)).state != "paused" and time.monotonic() < deadline:
        time.sleep(0.05)  # (reading the snapshot would count as a tab watching it)
    assert paused.state == "paused" and paused.message == live.IDLE_MESSAGE
    at.run()
    assert "no open tab showed this run" in status(at)
    assert at.button(key="btn_resume")  # and it goes on where it was


def test_a_released_run_says_where_its_history_went(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_EXPLORER_RUNS", str(tmp_path))
    at = app()
    at.button(key="btn_train").click().run()
    run = at.session_state["live_run"]
    run.wait_for(lambda s: s.step >= 2)
    assert run.session_id is not None  # the app ties each run to its session
    seen: dict[int, float] = {}

    def gone(session_id):
        return session_id != run.session_id

    janitor.sweep(seen, 0.0, gone)
    janitor.sweep(seen, janitor.GRACE_SECONDS, gone)
    assert run.released
    at.run()
    assert not at.exception
    assert "released when its tab closed" in status(at) and str(tmp_path) in status(at)


def test_settings_too_heavy_for_a_shared_server_are_refused_with_the_reason(monkeypatch):
    monkeypatch.setenv("RNN_EXPLORER_MAX_WORK", "1000000")
    at = open_app({"hidden": "64", "seq_len": "100", "batch": "64"})
    at.button(key="btn_train").click().run()
    assert not at.exception
    assert "live_run" not in at.session_state or at.session_state["live_run"] is None
    message = " ".join(e.value for e in at.error)
    assert "too heavy" in message and "2.7e+07" in message and "1e+06" in message
    at.button(key="btn_step").click().run()  # Step is refused the same way
    assert "too heavy" in " ".join(e.value for e in at.error)
    at.run()  # the message goes once it has been read; the app carries on
    assert not at.error and not at.exception

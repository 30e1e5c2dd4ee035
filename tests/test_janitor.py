"""The janitor frees the runs of sessions whose tab has gone, and only those."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np
import pytest

from explorer.config import RunConfig
from explorer.runs.bundle import history_of, load_run
from explorer.runs.live import REGISTRY, LiveRun
from ui import janitor

ENDLESS = RunConfig(hidden=8, seq_len=10, batch=8, steps=100_000, val_every=5)


@pytest.fixture(autouse=True)
def stop_runs():
    yield
    REGISTRY.stop_all()


def test_a_run_whose_session_is_gone_is_released_after_the_grace_with_its_history_saved(
    tmp_path,
):
    gone = LiveRun(ENDLESS, runs_dir=tmp_path)
    kept = LiveRun(ENDLESS, runs_dir=tmp_path)
    gone.session_id, kept.session_id = "closed-tab", "open-tab"
    for run in (gone, kept):
        run.start()
        run.wait_for(lambda s: s.step >= 3)
    steps_before = gone.snapshot().step

    def is_active(session_id):  # (other tests' sessions count as open)
        return session_id != "closed-tab"

    seen: dict[int, float] = {}
    assert janitor.sweep(seen, 100.0, is_active) == 0  # gone, but within the grace
    assert not gone.released and gone.snapshot().active
    assert janitor.sweep(seen, 100.0 + janitor.GRACE_SECONDS, is_active) == 1
    snap = gone.snapshot()
    assert gone.released and snap.state == "stopped" and not gone._thread.is_alive()
    assert gone._trainer is None and not snap.history.steps and snap.model_state is None
    saved = history_of(load_run(snap.saved_to))  # every finished step is on disk
    assert snap.step >= steps_before
    assert [r.step for r in saved.steps] == list(range(1, snap.step + 1))
    assert kept.snapshot().active and not kept.released  # the open tab trains on
    assert janitor.sweep(seen, 1e6, is_active) == 0  # released once


def test_a_session_that_comes_back_within_the_grace_keeps_its_run():
    run = LiveRun(ENDLESS)
    run.session_id = "flaky"
    run.start()
    run.wait_for(lambda s: s.step >= 1)
    seen: dict[int, float] = {}
    janitor.sweep(seen, 0.0, lambda _: False)  # the tab dropped...
    janitor.sweep(seen, 10.0, lambda _: True)  # ...and reconnected: the clock resets
    assert janitor.sweep(seen, janitor.GRACE_SECONDS + 1, lambda _: False) == 0
    assert not run.released and run.snapshot().active


def test_runs_without_a_session_are_left_alone():
    run = LiveRun(ENDLESS)  # a test's or the command line's run
    assert janitor.sweep({}, 1e9, lambda _: False) == 0 and not run.released


def _rss_mib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_trimming_the_heap_gives_freed_memory_back():
    """Blocks freed below a live one stay mapped until the heap is trimmed: 128 MiB of
    64 KiB arrays (under glibc's mmap threshold, so on the heap), all freed but the last."""
    blocks = [np.ones(8192) for _ in range(2048)]  # 2048 x 64 KiB
    last = blocks[-1]
    del blocks
    before = _rss_mib()
    assert janitor.trim_heap()
    assert before - _rss_mib() > 64, (before, _rss_mib())
    assert last.sum() == 8192


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_limiting_malloc_arenas_is_taken_by_glibc():
    assert janitor.limit_arenas()

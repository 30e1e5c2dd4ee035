"""Every live run of this server process, held weakly: the janitor frees the runs of gone
sessions, and tests stop them all."""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explorer.runs.live import LiveRun


class RunRegistry:
    """Every live run in this process, held weakly: for tests (stop all) and server caps."""

    def __init__(self) -> None:
        self._runs: weakref.WeakSet[LiveRun] = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, run: LiveRun) -> None:
        with self._lock:
            self._runs.add(run)

    def active(self) -> list[LiveRun]:
        with self._lock:
            return [r for r in self._runs if r.thread_alive]

    def all(self) -> list[LiveRun]:
        with self._lock:
            return list(self._runs)

    def stop_all(self, timeout: float = 5.0) -> None:
        for run in self.active():
            run.stop()
            run.join(timeout)


REGISTRY = RunRegistry()

"""A server's comparison worker processes, shared by every page, and shared races."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explorer.runs.compare import Comparison


def default_worker_slots() -> int:
    """Worker processes one server runs at once, over all comparisons:
    $RNN_EXPLORER_MAX_WORKERS, else one per core, fewer if memory is short (a worker takes
    300-800 MB: GUIDE section 5)."""
    raw = os.environ.get("RNN_EXPLORER_MAX_WORKERS", "")
    if raw.strip().isdigit() and int(raw) > 0:
        return int(raw)
    cores = os.cpu_count() or 1
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return cores
    return max(1, min(cores, memory // WORKER_BYTES))


WORKER_BYTES = 800 * 2**20


class WorkerSlots:
    """A server's worker processes, shared by every comparison: first come, first served.
    Thirty students pressing Run comparison at once used to start sixty processes; now
    the comparisons wait in line, each told its place, and take the slots as they free.
    The first in line starts as soon as one slot is free, with as many as are."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._free = capacity
        self._line: list[Comparison] = []
        self._cond = threading.Condition()

    def acquire(self, comparison: Comparison, wanted: int, give_up=lambda: False) -> int:
        """Block until `comparison` is first in line and a slot is free; take up to
        `wanted`. Returns 0 (taking none) once give_up() says it is no longer needed."""
        with self._cond:
            self._line.append(comparison)
            try:
                while not (self._line[0] is comparison and self._free > 0):
                    if give_up():
                        return 0
                    self._cond.wait(0.5)
                granted = min(wanted, self._free)
                self._free -= granted
                return granted
            finally:
                self._line.remove(comparison)
                self._cond.notify_all()

    def release(self, n: int) -> None:
        with self._cond:
            self._free = min(self.capacity, self._free + n)
            self._cond.notify_all()

    def position(self, comparison: Comparison) -> int | None:
        with self._cond:
            return self._line.index(comparison) + 1 if comparison in self._line else None

    @property
    def busy(self) -> int:
        with self._cond:
            return self.capacity - self._free


class SharedComparisons:
    """Comparisons by key (same variants, same runs directory), so a class that presses
    Run comparison on the same lesson watches one race instead of starting thirty. Each
    page that watches one says so (join) and lets go (leave); the last to leave a race
    still running cancels it."""

    def __init__(self) -> None:
        self._watchers: dict[tuple, tuple[Comparison, int]] = {}
        self._lock = threading.Lock()

    def join(self, key: tuple, start) -> tuple[Comparison, bool]:
        """The comparison with this key that is still running (started=False), or a new
        one from start() (started=True)."""
        with self._lock:
            found = self._watchers.get(key)
            if found is not None and found[0].active:
                comparison, count = found
                self._watchers[key] = (comparison, count + 1)
                return comparison, False
            comparison = start()
            self._watchers[key] = (comparison, 1)
            return comparison, True

    def watchers(self, comparison: Comparison) -> int:
        with self._lock:
            found = self._watchers.get(comparison.key)
            return found[1] if found is not None and found[0] is comparison else 0

    def leave(self, comparison: Comparison) -> None:
        with self._lock:
            found = self._watchers.get(comparison.key)
            if found is None or found[0] is not comparison:
                comparison.cancel()
                return
            count = found[1] - 1
            if count > 0:
                self._watchers[comparison.key] = (comparison, count)
                return
            del self._watchers[comparison.key]
        comparison.cancel()


SLOTS = WorkerSlots(default_worker_slots())


SHARED = SharedComparisons()

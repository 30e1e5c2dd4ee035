"""Who may train now: a server-wide queue of runs and a fair turn at the CPU.

Every session trains in a thread of the one server process, so the runs share one GIL.
Ten threads each running tiny torch ops convoy on it: each op drops the GIL and waits up
to a switch interval to get it back, and the whole server slows to a crawl (measured: ten
sessions made no step in 30 s). Two tools keep it responsive:

- `RunQueue` admits at most `capacity` runs at once; the others wait in arrival order and
  can read their position, so a busy server says "queued, position 3" instead of freezing.
- `FairGate` lets `slots` admitted runs compute at a time and hands the next turn to the
  waiting run that has used the least compute time so far, so a heavy configuration
  cannot starve a light one and no run waits for more than one turn of each other run.
  The threads that wait do not touch the GIL, which leaves it to the page updates.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import threading
import time
from collections import deque
from collections.abc import Hashable, Iterator
from contextlib import contextmanager

from explorer.config import RunConfig


class RunQueue:
    """At most `capacity` owners hold a place at once; the rest wait first come, first
    served. `enter` never blocks, so a caller can show the position while it waits."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity is at least 1, not {capacity}")
        self.capacity = capacity
        self._cond = threading.Condition()
        self._running: set[Hashable] = set()
        self._waiting: deque[Hashable] = deque()

    def enter(self, owner: Hashable) -> int:
        """Join (or stay in) the queue; returns the position, 0 once admitted."""
        with self._cond:
            if owner not in self._running and owner not in self._waiting:
                self._waiting.append(owner)
                self._promote()
            return self._position(owner)

    def position(self, owner: Hashable) -> int | None:
        """0 when admitted, 1 for the next in line, ...; None when not in the queue."""
        with self._cond:
            return self._position(owner)

    def wait(self, owner: Hashable, timeout: float) -> int | None:
        """Wait until admitted, out of the queue, or the timeout; returns the position."""
        with self._cond:
            self._cond.wait_for(lambda: self._position(owner) in (0, None), timeout)
            return self._position(owner)

    def leave(self, owner: Hashable) -> None:
        with self._cond:
            self._running.discard(owner)
            if owner in self._waiting:
                self._waiting.remove(owner)
            self._promote()

    @property
    def load(self) -> tuple[int, int]:
        """(admitted, waiting)."""
        with self._cond:
            return len(self._running), len(self._waiting)

    def _position(self, owner: Hashable) -> int | None:
        if owner in self._running:
            return 0
        try:
            return self._waiting.index(owner) + 1
        except ValueError:
            return None

    def _promote(self) -> None:
        moved = False
        while self._waiting and len(self._running) < self.capacity:
            self._running.add(self._waiting.popleft())
            moved = True
        if moved:
            self._cond.notify_all()


class FairGate:
    """At most `slots` owners compute at once. Two kinds of turn share it:

    - urgent turns (a page redraw) go first, in arrival order, while they have had less
      than `urgent_share` of the gate's recent time: a redraw is wanted a few times a
      second and each is short, a training thread would take every turn it can get;
    - training turns share the rest fairly in time, not in count: a free slot goes to the
      waiter that has used the least compute time (ties: first to ask), so a run whose
      steps cost ten times more gets a tenth of the turns and cannot starve a light one.

    A training owner that releases its slot while still behind the first waiter keeps it
    reserved for a moment (`RESERVE` s) for its next step, as a CPU scheduler lets a
    process run on until its slice is used. A newcomer, or a run back from a pause, starts
    at the least time any owner granted a turn has used, so it neither takes a burst of
    turns to catch up nor waits behind the others' history. Owners call `step_aside`
    before they wait for something else (a pause)."""

    RESERVE = 0.01
    EXPIRY_CHECK = 0.5
    WINDOW = 2.0  # seconds: the urgent share is measured over about this long

    def __init__(self, slots: int = 1, urgent_share: float = 0.6) -> None:
        if slots < 1:
            raise ValueError(f"slots is at least 1, not {slots}")
        if not 0.0 < urgent_share <= 1.0:
            raise ValueError(f"urgent_share is in (0, 1], not {urgent_share}")
        self.slots = slots
        self.urgent_share = urgent_share
        self._lock = threading.Lock()
        self._busy = 0  # slots computing or reserved
        self._used: dict[Hashable, float] = {}
        self._reserved: dict[Hashable, float] = {}  # owner -> deadline
        self._floor = 0.0  # the most used time of any owner when it was granted a turn
        self._heap: list[tuple[float, int, threading.Event, Hashable]] = []
        self._urgent: deque[threading.Event] = deque()
        self._order = itertools.count()
        self._recent = [0.0, 0.0]  # decaying seconds of (urgent, training) turns
        self._recent_at = time.monotonic()

    @contextmanager
    def turn(self, owner: Hashable, urgent: bool = False) -> Iterator[None]:
        """Compute inside the block (see the class for who goes first)."""
        with self._lock:
            event: threading.Event | None = None
            if urgent:
                if self._busy < self.slots and not self._waiting():
                    self._busy += 1
                else:
                    event = threading.Event()
                    self._urgent.append(event)
            else:
                used = max(self._used.get(owner, 0.0), self._floor)
                self._used[owner] = used
                reserved = self._reserved.pop(owner, None) is not None
                if reserved and not self._urgent_next():
                    self._floor = max(self._floor, used)  # its own reserved slot
                elif not reserved and self._busy < self.slots and not self._waiting():
                    self._busy += 1
                    self._floor = max(self._floor, used)
                else:
                    if reserved:  # a redraw goes first: the reserved slot goes to it
                        self._pass_on()
                    event = threading.Event()
                    heapq.heappush(self._heap, (used, next(self._order), event, owner))
        # The releasing owner counts the slot as busy for us when it sets the event. Owners
        # give up reservations themselves (step_aside, forget); as a safety net a waiter
        # passes on one that has run out, checking rarely: every wake-up of a waiting
        # thread takes the GIL from the page updates.
        while event is not None and not event.wait(self.EXPIRY_CHECK):
            with self._lock:
                self._expire(time.monotonic())
        began = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - began
            with self._lock:
                self._account(urgent, spent)
                if urgent:
                    self._pass_on()
                else:
                    used = self._used.get(owner, self._floor) + spent
                    self._used[owner] = used
                    if self._heap and used <= self._heap[0][0] and not self._urgent_next():
                        self._reserved[owner] = time.monotonic() + self.RESERVE
                    else:
                        self._pass_on()

    def step_aside(self, owner: Hashable) -> None:
        """Give up a reserved slot now (the owner is about to wait for something else)."""
        with self._lock:
            if self._reserved.pop(owner, None) is not None:
                self._pass_on()

    def forget(self, owner: Hashable) -> None:
        """The owner is done: free its reservation and drop its account."""
        self.step_aside(owner)
        with self._lock:
            self._used.pop(owner, None)

    def used(self, owner: Hashable) -> float:
        """Compute seconds this training owner has had (for tests and benches)."""
        with self._lock:
            return self._used.get(owner, 0.0)

    def _waiting(self) -> bool:
        return bool(self._heap or self._urgent)

    def _account(self, urgent: bool, spent: float) -> None:
        now = time.monotonic()
        decay = math.exp(-(now - self._recent_at) / self.WINDOW)
        self._recent = [self._recent[0] * decay, self._recent[1] * decay]
        self._recent[0 if urgent else 1] += spent
        self._recent_at = now

    def _urgent_next(self) -> bool:
        """(lock held) Whether a waiting redraw should have the next free slot."""
        if not self._urgent:
            return False
        if not self._heap:
            return True
        total = self._recent[0] + self._recent[1]
        return total <= 0 or self._recent[0] / total < self.urgent_share

    def _pass_on(self) -> None:
        """(lock held) A slot frees: the next waiter gets it, else it is free."""
        if self._urgent_next():
            self._urgent.popleft().set()
        elif self._heap:
            used, _, waiter, _ = heapq.heappop(self._heap)
            self._floor = max(self._floor, used)
            waiter.set()
        elif self._urgent:
            self._urgent.popleft().set()
        else:
            self._busy -= 1

    def _expire(self, now: float) -> None:
        for owner, deadline in list(self._reserved.items()):
            if deadline < now:
                del self._reserved[owner]
                self._pass_on()


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value >= 1 else default


def default_capacity() -> int:
    """Runs training at once before new ones queue: $RNN_EXPLORER_MAX_RUNS, else 5 per
    core. On 2 cores, bench/bench_load.py measured ten sessions training at ~4 redraws a
    second each, and twelve (with eight more queued) at ~1.3: the page updates, not the
    training, run out first."""
    return _env_int("RNN_EXPLORER_MAX_RUNS", 5 * (os.cpu_count() or 1))


def default_slots() -> int:
    """Training steps computing at once: $RNN_EXPLORER_COMPUTE_SLOTS, else 1. The GIL
    lets one thread run Python at a time; a second computing thread mostly adds convoy
    waits to every page update."""
    return _env_int("RNN_EXPLORER_COMPUTE_SLOTS", 1)


def default_max_work() -> int:
    """The most work (RunConfig.step_work) one live training step may have:
    $RNN_EXPLORER_MAX_WORK, else 2e9, about 0.3 s a step on one core. Turns are not
    preempted, so one huge step would hold every other session's redraws back."""
    return _env_int("RNN_EXPLORER_MAX_WORK", 2_000_000_000)


def too_heavy(config: RunConfig, limit: int | None = None) -> bool:
    """Whether a live run of this configuration would hold the server too long a step."""
    return config.step_work > (default_max_work() if limit is None else limit)


QUEUE = RunQueue(default_capacity())
GATE = FairGate(default_slots())

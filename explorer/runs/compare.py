"""A comparison: the same run in up to 12 variants, differing in one or two knobs, trained
in parallel worker processes, one core each.

Every variant starts from the same config and seed, so it sees the same batches in the same
order and (for the same shapes) the same initial weights: batches are a pure function of
(seed, step) and weights of the seed. A difference between variants comes from the knob
alone, unless the knob is the seed.

Workers are separate processes started with "spawn" (fork would copy a server's threads
and locks mid-flight), at most os.cpu_count() of them, each with one torch thread. They
take variants from a queue, train, save each run folder (explorer/runs/bundle.py) and report
progress through a second queue; a monitor thread in the parent reads it. Results come back
through the folder on disk, as a saved run would. Each variant has a cancel Event that its
worker checks between steps. The variants themselves are explorer/runs/variants.py.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from explorer.engine.states import RunState
from explorer.runs.entries import Entry, VariantState, load_entry
from explorer.runs.executor import Executor, ExecutorKind
from explorer.runs.folders import new_run_folder
from explorer.runs.slots import WorkerSlots
from explorer.runs.table import estimate_seconds_left
from explorer.runs.variants import MAX_VARIANTS, CompareError, Variant, comparison_key
from explorer.runs.worker import data_payload

log = logging.getLogger(__name__)

# A comparison nobody has polled for this long cancels itself (a closed tab ends nothing
# promptly otherwise). Generous: its page polls only while it is open, and a student may
# spend a while on the other pages meanwhile.
IDLE_TIMEOUT = 1800.0


class Comparison:
    """Variants trained by a pool of worker processes; controls and reads are thread-safe.
    The monitor thread never touches any UI: a page polls states() and results()."""

    def __init__(
        self,
        variants: Sequence[Variant],
        out_dir: Path,
        workers: int | None = None,
        idle_timeout: float | None = IDLE_TIMEOUT,
        slots: WorkerSlots | None = None,
        executor: Executor | None = None,
        max_variants: int = MAX_VARIANTS,
    ) -> None:
        if not variants:
            raise CompareError("vary: no variants to run")
        if len(variants) > max_variants:
            raise CompareError(f"vary: {len(variants)} variants; at most {max_variants}")
        self.executor = executor or Executor()
        self.variants = list(variants)
        self.out_dir = Path(out_dir)
        self.workers = max(1, min(workers or os.cpu_count() or 1, len(self.variants)))
        self.idle_timeout = idle_timeout
        self.folders = self._folders()
        self._lock = threading.Lock()
        self._states = [
            VariantState(i, v.name, v.config, RunState.QUEUED) for i, v in enumerate(variants)
        ]
        self._results: dict[int, Entry] = {}
        self._ctx = mp.get_context("spawn")
        self._cancels = [self._ctx.Event() for _ in self.variants]
        self._processes: list[Any] = []
        self._monitor: threading.Thread | None = None
        self._last_touch = time.monotonic()
        self.started_at: float | None = None
        self.ready_at: float | None = None  # when Ray was up (None for the local pool)
        self.finished_at: float | None = None
        self.slots = slots  # a server's cap on worker processes over all comparisons
        self._began: dict[int, float] = {}  # variant index -> when its worker took it
        COMPARISONS.add(self)

    def _folders(self) -> list[Path]:
        """A distinct folder name per variant, reserved now (not created: a variant
        cancelled before its first step leaves nothing behind)."""
        folders: list[Path] = []
        for v in self.variants:
            folder = new_run_folder(self.out_dir, v.config, create=False)
            while folder in folders:  # same second, same hash: cannot happen, but be sure
                folder = folder.with_name(folder.name + "-b")
            folders.append(folder)
        return folders

    # -- controls ----------------------------------------------------------------------
    def start(self) -> Comparison:
        """Start the monitor thread, which starts the workers (after waiting for free
        worker slots, with a server's cap); returns at once."""
        if self._monitor is not None:
            return self
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._monitor = threading.Thread(target=self._run, daemon=True, name="compare-monitor")
        self._monitor.start()
        return self

    def position(self) -> int | None:
        """Its place in line for worker slots (1 = next), or None once it has them."""
        return self.slots.position(self) if self.slots is not None else None

    def _run(self) -> None:
        if self.slots is not None:
            granted = self.slots.acquire(self, self.workers, give_up=self._all_final)
            if granted == 0:  # everything was cancelled while it waited
                self.finished_at = time.monotonic()
                return
            self.workers = granted
        try:
            self._spawn_and_watch()
        finally:
            if self.slots is not None:
                self.slots.release(self.workers)

    def _spawn_and_watch(self) -> None:
        tasks, events = self._ctx.Queue(), self._ctx.Queue()
        for i, v in enumerate(self.variants):
            tasks.put((i, v.config.to_json(), str(self.folders[i]), data_payload(v.config)))
        for _ in range(self.workers):
            tasks.put(None)
        self.started_at = time.monotonic()
        self._processes = self.executor.start(self._ctx, tasks, events, self._cancels, self.workers)
        self._watch(tasks, events)

    def cancel(self, index: int | None = None) -> None:
        """Cancel one variant (between two of its steps) or, with None, all of them.
        A variant still queued is cancelled at once; a running one keeps what it did."""
        indices = range(len(self.variants)) if index is None else [index]
        with self._lock:
            for i in indices:
                self._cancels[i].set()
                if self._states[i].state is RunState.QUEUED:
                    self._states[i] = replace(
                        self._states[i],
                        state=RunState.CANCELLED,
                        message="Cancelled before it started.",
                    )

    def touch(self) -> None:
        self._last_touch = time.monotonic()

    def states(self) -> tuple[VariantState, ...]:
        self.touch()
        with self._lock:
            return tuple(self._states)

    def results(self) -> list[Entry]:
        """The finished variants that have a saved history, in variant order."""
        with self._lock:
            return [self._results[i] for i in sorted(self._results)]

    @property
    def active(self) -> bool:
        return self._monitor is not None and self._monitor.is_alive()

    @property
    def key(self) -> tuple:
        return comparison_key(self.variants, self.out_dir.parent)

    def seconds_left(self) -> float | None:
        """A rough time to the end (see estimate_seconds_left); None until it can tell."""
        now = time.monotonic()
        with self._lock:
            states = list(self._states)
        elapsed = {i: now - t for i, t in self._began.items()}
        return estimate_seconds_left(states, elapsed)

    @property
    def wall_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.finished_at or time.monotonic()) - self.started_at

    @property
    def work_seconds(self) -> float | None:
        """wall_seconds without starting the backend (Ray's init and warm-up)."""
        if self.started_at is None:
            return None
        return (self.finished_at or time.monotonic()) - (self.ready_at or self.started_at)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every variant has finished (True) or the timeout passes (False)."""
        if self._monitor is not None:
            self._monitor.join(timeout)
        return not self.active

    def close(self, timeout: float = 10.0) -> None:
        """Cancel everything and wait for the workers; kill any that will not end."""
        self.cancel()
        self.wait(timeout)
        for process in self._processes:
            if process.is_alive():
                process.kill()
                process.join(1)
        self.executor.clean_up(self._processes)

    # -- the monitor thread --------------------------------------------------------------
    def _watch(self, tasks, events) -> None:
        running: dict[int, int] = {}  # variant index -> worker pid
        next_check = 0.0
        try:
            while not self._all_final():
                if (message := _next(events, 0.2)) is not None:
                    self._handle(message, running)
                if (now := time.monotonic()) >= next_check:
                    self._check_workers(events, running)
                    self._check_idle()
                    next_check = now + 0.5
        except Exception:  # never leave the page waiting on a dead monitor
            log.exception("comparison monitor failed")
            with self._lock:
                for i, s in enumerate(self._states):
                    if not s.finished:
                        self._states[i] = replace(
                            s, state=RunState.ERROR, message="Monitor failed."
                        )
        finally:
            self.finished_at = time.monotonic()
            for process in self._processes:
                process.join(5)
            self.executor.clean_up(self._processes)
            for q in (tasks, events):
                q.cancel_join_thread()
                q.close()

    def _all_final(self) -> bool:
        with self._lock:
            return all(s.finished for s in self._states)

    def _handle(self, message: tuple, running: dict[int, int]) -> None:
        kind, index = message[0], message[1]
        if kind == "fatal":  # the backend failed as a whole (Ray): index is the reason
            self._fail_all(index)
        elif kind == "ready":  # Ray started and its workers warm: the variants begin
            self.ready_at = time.monotonic()
        elif kind == "started":
            running[index] = message[2]
            self._began[index] = time.monotonic()
            self._update(index, state=RunState.RUNNING)
        elif kind == "progress":
            step, loss, val = message[2:]
            self._update(index, step=step, loss=loss, val_loss=val)
        elif kind == "done":
            running.pop(index, None)
            status, text, folder = message[2:]
            entry = None
            if folder is not None:
                try:
                    entry = self._load(index, Path(folder), status)
                except Exception as exc:  # a damaged folder: the variant failed
                    status, text = RunState.ERROR, f"{text} Could not read it back: {exc}"
            with self._lock:
                if entry is not None:
                    self._results[index] = entry
                old = self._states[index]
                if not (old.state is RunState.CANCELLED and status == RunState.CANCELLED):
                    folder_path = Path(folder) if folder else None
                    self._states[index] = replace(
                        old, state=RunState(status), message=text, folder=folder_path
                    )

    def _load(self, index: int, folder: Path, status: str) -> Entry:
        return replace(load_entry(folder, self.variants[index].name), status=status)

    def _update(self, index: int, **changes: Any) -> None:
        with self._lock:
            old = self._states[index]
            if old.finished:
                changes.pop("state", None)
            self._states[index] = replace(old, **changes)

    def _check_workers(self, events, running: dict[int, int]) -> None:
        """A worker that died (killed, out of memory) fails its variant; when none is left,
        the queued variants fail too. A worker flushes its messages before it exits, so
        whatever it said is read first: a variant that finished is not failed."""
        alive = {p.pid for p in self._processes if p.is_alive()}
        if alive and all(pid in alive for pid in running.values()):
            return
        while (message := _next(events, 0.05)) is not None:
            self._handle(message, running)
        ended = (
            "The worker process ended unexpectedly."
            if self.executor.kind is ExecutorKind.LOCAL
            else "The Ray driver process ended unexpectedly (is the cluster still up?)."
        )
        for index, pid in list(running.items()):
            if pid not in alive:
                running.pop(index)
                self._fail(index, ended)
        if not alive:
            self._fail_all("No worker process is left to run it.")

    def _fail_all(self, text: str) -> None:
        """Fail every variant not finished yet."""
        with self._lock:
            unfinished = [s.index for s in self._states if not s.finished]
        for index in unfinished:
            self._fail(index, text)

    def _fail(self, index: int, text: str) -> None:
        with self._lock:
            if not self._states[index].finished:
                self._states[index] = replace(
                    self._states[index], state=RunState.ERROR, message=text
                )

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_touch
        if self.idle_timeout is not None and idle > self.idle_timeout:
            self.cancel()


def _next(events, timeout: float) -> tuple | None:
    try:
        return events.get(timeout=timeout)
    except queue.Empty:
        return None


class ComparisonRegistry:
    """Every comparison in this process, held weakly: tests cancel them all."""

    def __init__(self) -> None:
        self._items: weakref.WeakSet[Comparison] = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, comparison: Comparison) -> None:
        with self._lock:
            self._items.add(comparison)

    def close_all(self) -> None:
        with self._lock:
            items = list(self._items)
        for comparison in items:
            if comparison.active:
                comparison.close()


COMPARISONS = ComparisonRegistry()


def run_sequential(variants: Sequence[Variant], out_dir: Path) -> list[Entry]:
    """The same variants one after another in this process: the reference the parallel
    result must equal, and the benchmark's baseline."""
    from explorer.engine.training import Trainer
    from explorer.runs.bundle import save_run

    entries = []
    for v in variants:
        trainer = Trainer(v.config)
        trainer.run()
        folder = save_run(new_run_folder(Path(out_dir), v.config), trainer)
        entries.append(load_entry(folder, v.name))
    return entries

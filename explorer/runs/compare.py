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
worker checks between steps.

>>> variants = make_variants(RunConfig(), {"cell": ["rnn", "gru"], "lr": ["0.01", "0.1"]})
>>> [v.name for v in variants]
['cell=rnn, lr=0.01', 'cell=rnn, lr=0.1', 'cell=gru, lr=0.01', 'cell=gru, lr=0.1']
>>> variants[3].config == RunConfig(cell="gru", lr=0.1)
True
"""

from __future__ import annotations

import itertools
import logging
import math
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.config import ConfigError, RunConfig, field_spec
from explorer.runs.folders import new_run_folder

if TYPE_CHECKING:  # the command line imports this module before torch: keep it light
    import pandas as pd

    from explorer.engine.history import History

log = logging.getLogger(__name__)

MAX_VARIANTS = 12
# The knobs a comparison may vary: the physics ones. Not steps (progress would not line
# up), nor task or batch (the data would differ, which is not a comparison).
KNOBS = (
    "cell",
    "clip",
    "clip_value",
    "lr",
    "hidden",
    "seq_len",
    "init",
    "seed",
    "optimizer",
    "whh_gain",
    "forget_bias",
    "tbptt",
)
PROGRESS_SECONDS = 0.2  # a worker reports its step at most this often
# A comparison nobody has polled for this long cancels itself (a closed tab ends nothing
# promptly otherwise). Generous: its page polls only while it is open, and a student may
# spend a while on the other pages meanwhile.
IDLE_TIMEOUT = 1800.0
FINAL = ("completed", "diverged", "stopped", "cancelled", "error")


class CompareError(ValueError):
    """A comparison that cannot run as asked; the message says why in one line."""


# -- variants ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    name: str  # "cell=gru, lr=0.01": the knob values that set it apart
    config: RunConfig


def format_value(value: Any) -> str:
    """A knob value as it reads in a variant's name: 0.001, 64, gru.

    >>> format_value(0.001), format_value(1e-05), format_value(64)
    ('0.001', '1e-05', '64')
    """
    return f"{value:g}" if isinstance(value, float) else str(value)


def parse_vary(text: str) -> tuple[str, list[str]]:
    """'cell=rnn,lstm' -> ('cell', ['rnn', 'lstm']); dashes in the knob name are allowed
    as on the command line ('seq-len=50,100').

    >>> parse_vary("seq-len=50, 100")
    ('seq_len', ['50', '100'])
    """
    knob, sep, values = text.partition("=")
    knob = knob.strip().replace("-", "_")
    items = [v.strip() for v in values.split(",") if v.strip()]
    if not sep or not knob or not items:
        raise CompareError(f"vary: expected KNOB=V1,V2,... (e.g. cell=rnn,gru), got {text!r}")
    return knob, items


def make_variants(base: RunConfig, vary: Mapping[str, Sequence[Any]]) -> list[Variant]:
    """The cross product of the values given for one or two knobs, each applied to base.
    Every value is checked by RunConfig itself (same messages as `train`); CompareError or
    ConfigError say what is wrong."""
    if not vary:
        raise CompareError("vary: name one or two knobs to vary")
    if len(vary) > 2:
        raise CompareError(f"vary: at most two knobs at once, got {len(vary)}")
    checked: dict[str, list[Any]] = {}
    for knob, raw_values in vary.items():
        if knob not in KNOBS:
            raise CompareError(f"vary: unknown knob {knob!r}; the knobs are {', '.join(KNOBS)}")
        values: list[Any] = []
        for raw in raw_values:
            value = _checked(base, knob, raw)
            if value in values:
                raise CompareError(f"vary: {knob} lists {format_value(value)} twice")
            values.append(value)
        if not values:
            raise CompareError(f"vary: no values for {knob}")
        checked[knob] = values
    count = math.prod(len(v) for v in checked.values())
    if count > MAX_VARIANTS:
        sizes = " x ".join(str(len(v)) for v in checked.values())
        raise CompareError(f"vary: {sizes} = {count} variants; at most {MAX_VARIANTS} run at once")
    variants = []
    for combo in itertools.product(*checked.values()):
        changes = dict(zip(checked, combo, strict=True))
        name = ", ".join(f"{k}={format_value(v)}" for k, v in changes.items())
        try:
            variants.append(Variant(name, base.replace(**changes)))
        except ConfigError as exc:  # a combination the config refuses (IRNN on an LSTM)
            raise ConfigError(exc.field, f"{_reason(exc)} (variant {name})") from None
    return variants


def _checked(base: RunConfig, knob: str, raw: Any) -> Any:
    """One value coerced and range-checked as the config's own field would."""
    try:
        return getattr(replace(base, **{knob: raw}), knob)
    except ConfigError as exc:
        if exc.field != knob:  # valid alone, refused with the base (IRNN + LSTM)
            raise ConfigError(exc.field, f"{_reason(exc)} (with {knob}={raw})") from None
        raise


def _reason(exc: ConfigError) -> str:
    return str(exc).removeprefix(f"{exc.field}: ")


SUGGESTED = {  # a first guess at values worth comparing, shown in the page's inputs
    "cell": ["rnn", "lstm", "gru"],
    "clip": ["off", "norm"],
    "clip_value": ["0.1", "1", "10"],
    "hidden": ["16", "32", "64"],
    "seq_len": ["25", "50", "100"],
    "init": ["default", "orthogonal"],
    "seed": ["0", "1", "2"],
    "optimizer": ["adam", "sgd"],
    "whh_gain": ["0.5", "1", "2"],
    "forget_bias": ["0", "1"],
    "tbptt": ["0", "10"],
}


def suggested_values(knob: str, base: RunConfig) -> list[str]:
    """Values to start from: for the learning rate a decade either side of the base.

    >>> suggested_values("lr", RunConfig(lr=0.01))
    ['0.001', '0.01', '0.1']
    """
    if knob == "lr":
        return [format_value(float(f"{base.lr * f:.3g}")) for f in (0.1, 1.0, 10.0)]
    return list(SUGGESTED[knob])


def knob_values(knob: str) -> list[str] | None:
    """The allowed values of a choice knob (cell, clip, init, optimizer); None for numbers."""
    choices = field_spec(knob).metadata["choices"]
    return list(choices) if choices is not None else None


# -- the worker process ------------------------------------------------------------------
def _worker(tasks, events, cancels, parent_pid: int) -> None:
    """Runs in a spawned process: take (index, config JSON, folder, data) until None.
    data is (name, bytes) of the user's data the config names by key, or None: a spawned
    process starts with an empty data store, so the parent hands the bytes over."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it cancels
    import torch

    torch.set_num_threads(1)
    while (item := tasks.get()) is not None:
        if os.getppid() != parent_pid:  # orphaned: leave the rest undone
            return
        index, config_json, folder, data = item
        if data is not None:
            from explorer.tasks.datastore import STORE

            STORE.put(*data)
        try:
            _train_variant(index, config_json, Path(folder), events, cancels[index], parent_pid)
        except Exception as exc:  # this variant fails; the worker takes the next one
            events.put(("done", index, "error", f"{type(exc).__name__}: {exc}", None))


def _train_variant(index, config_json, folder, events, cancel, parent_pid) -> None:
    from explorer.runs.bundle import save_run
    from explorer.engine.training import Trainer

    if cancel.is_set():
        events.put(("done", index, "cancelled", "Cancelled before it started.", None))
        return
    config = RunConfig.from_json(config_json)
    events.put(("started", index, os.getpid()))
    trainer = Trainer(config)
    last = 0.0
    while not trainer.done:
        if cancel.is_set():
            trainer.stop(f"Cancelled after {trainer.step} of {config.steps} steps.")
            break
        if os.getppid() != parent_pid:  # the parent died: nobody will read this run
            trainer.stop("Stopped: the process that started the comparison ended.")
            break
        trainer.train_step()
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS:
            events.put(("progress", index, trainer.step, *_latest(trainer.history)))
            last = now
    events.put(("progress", index, trainer.step, *_latest(trainer.history)))
    saved = None
    if trainer.step >= 1:
        saved = str(save_run(folder, trainer))
    events.put(("done", index, trainer.status, trainer.message, saved))


def _latest(history: History) -> tuple[float, float]:
    loss = history.steps[-1].loss if history.steps else math.nan
    val = history.val_losses[-1] if history.val_losses else math.nan
    return loss, val


# -- the parent side -----------------------------------------------------------------------
@dataclass(frozen=True)
class VariantState:
    """What the UI may read about one variant at one moment."""

    index: int
    name: str
    config: RunConfig
    state: str  # queued | running | completed | diverged | stopped | cancelled | error
    step: int = 0
    loss: float = math.nan  # last training-batch loss
    val_loss: float = math.nan  # last validation loss
    message: str = ""
    folder: Path | None = None  # the saved run folder, once finished with >= 1 step

    @property
    def fraction(self) -> float:
        return min(1.0, self.step / self.config.steps)

    @property
    def finished(self) -> bool:
        return self.state in FINAL


@dataclass(frozen=True)
class Entry:
    """A finished run ready to draw and tabulate: a compared variant or a saved run."""

    label: str
    config: RunConfig
    history: History
    status: str
    folder: Path | None = None


def load_entry(folder: Path, label: str | None = None) -> Entry:
    """A saved run folder (validated by explorer.runs.bundle) as an Entry, labelled by its
    folder name unless told otherwise."""
    from explorer.runs.bundle import history_of, load_run

    loaded = load_run(Path(folder))
    status = str(loaded.summary.get("status", "saved"))
    return Entry(label or Path(folder).name, loaded.config, history_of(loaded), status, folder)


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
    ) -> None:
        if not variants:
            raise CompareError("vary: no variants to run")
        if len(variants) > MAX_VARIANTS:
            raise CompareError(f"vary: {len(variants)} variants; at most {MAX_VARIANTS}")
        self.variants = list(variants)
        self.out_dir = Path(out_dir)
        self.workers = max(1, min(workers or os.cpu_count() or 1, len(self.variants)))
        self.idle_timeout = idle_timeout
        self.folders = self._folders()
        self._lock = threading.Lock()
        self._states = [VariantState(i, v.name, v.config, "queued") for i, v in enumerate(variants)]
        self._results: dict[int, Entry] = {}
        self._ctx = mp.get_context("spawn")
        self._cancels = [self._ctx.Event() for _ in self.variants]
        self._processes: list[Any] = []
        self._monitor: threading.Thread | None = None
        self._last_touch = time.monotonic()
        self.started_at: float | None = None
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
            tasks.put((i, v.config.to_json(), str(self.folders[i]), _data_payload(v.config)))
        for _ in range(self.workers):
            tasks.put(None)
        self.started_at = time.monotonic()
        for n in range(self.workers):
            process = self._ctx.Process(
                target=_worker,
                args=(tasks, events, self._cancels, os.getpid()),
                name=f"compare-worker-{n}",
                daemon=True,
            )
            process.start()
            self._processes.append(process)
        self._watch(tasks, events)

    def cancel(self, index: int | None = None) -> None:
        """Cancel one variant (between two of its steps) or, with None, all of them.
        A variant still queued is cancelled at once; a running one keeps what it did."""
        indices = range(len(self.variants)) if index is None else [index]
        with self._lock:
            for i in indices:
                self._cancels[i].set()
                if self._states[i].state == "queued":
                    self._states[i] = replace(
                        self._states[i], state="cancelled", message="Cancelled before it started."
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
                        self._states[i] = replace(s, state="error", message="Monitor failed.")
        finally:
            self.finished_at = time.monotonic()
            for process in self._processes:
                process.join(5)
            for q in (tasks, events):
                q.cancel_join_thread()
                q.close()

    def _all_final(self) -> bool:
        with self._lock:
            return all(s.finished for s in self._states)

    def _handle(self, message: tuple, running: dict[int, int]) -> None:
        kind, index = message[0], message[1]
        if kind == "started":
            running[index] = message[2]
            self._began[index] = time.monotonic()
            self._update(index, state="running")
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
                    status, text = "error", f"{text} Could not read it back: {exc}"
            with self._lock:
                if entry is not None:
                    self._results[index] = entry
                old = self._states[index]
                if not (old.state == "cancelled" and status == "cancelled"):
                    folder_path = Path(folder) if folder else None
                    self._states[index] = replace(
                        old, state=status, message=text, folder=folder_path
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
        for index, pid in list(running.items()):
            if pid not in alive:
                running.pop(index)
                self._fail(index, "The worker process ended unexpectedly.")
        if not alive:
            with self._lock:
                queued = [s.index for s in self._states if not s.finished]
            for index in queued:
                self._fail(index, "No worker process is left to run it.")

    def _fail(self, index: int, text: str) -> None:
        with self._lock:
            if not self._states[index].finished:
                self._states[index] = replace(self._states[index], state="error", message=text)

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_touch
        if self.idle_timeout is not None and idle > self.idle_timeout:
            self.cancel()


def _data_payload(config: RunConfig) -> tuple[str, bytes] | None:
    """(name, bytes) of the user's data a variant trains on, for its worker process."""
    from explorer.tasks.datasource import data_file

    data = data_file(config)
    return None if data is None else (data.name, data.raw)


def _next(events, timeout: float) -> tuple | None:
    try:
        return events.get(timeout=timeout)
    except queue.Empty:
        return None


def comparison_key(variants: Sequence[Variant], runs_root: Path) -> tuple:
    """What a comparison trains and where it saves: two with equal keys are one race."""
    return (str(runs_root), tuple(v.config.to_json() for v in variants))


def estimate_seconds_left(
    states: Sequence[VariantState], elapsed: Mapping[int, float]
) -> float | None:
    """Steps still to take over the steps a second the running variants make together:
    elapsed[i] is how long variant i has run. None until a running variant has taken a step.

    >>> run = VariantState(0, "a", RunConfig(steps=100), "running", step=50)
    >>> wait = VariantState(1, "b", RunConfig(steps=100), "queued")
    >>> estimate_seconds_left([run, wait], {0: 10.0})  # 150 steps to go at 5 steps/s
    30.0
    """
    rate = sum(
        s.step / elapsed[s.index]
        for s in states
        if s.state == "running" and s.step > 0 and elapsed.get(s.index, 0) > 0
    )
    if rate <= 0:
        return None
    left = sum(s.config.steps - s.step for s in states if not s.finished)
    return left / rate


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
SLOTS = WorkerSlots(default_worker_slots())
SHARED = SharedComparisons()


def run_sequential(variants: Sequence[Variant], out_dir: Path) -> list[Entry]:
    """The same variants one after another in this process: the reference the parallel
    result must equal, and the benchmark's baseline."""
    from explorer.runs.bundle import save_run
    from explorer.engine.training import Trainer

    entries = []
    for v in variants:
        trainer = Trainer(v.config)
        trainer.run()
        folder = save_run(new_run_folder(Path(out_dir), v.config), trainer)
        entries.append(load_entry(folder, v.name))
    return entries


# -- the results table ---------------------------------------------------------------------
TABLE_COLUMNS = (
    "variant",
    "final_val_loss",
    "best_val_loss",
    "steps_to_target",
    "steps_per_second",
    "clipped_fraction",
    "reach_first",
    "reach",
    "status",
    "folder",
)


def steps_to_target(history: History, target: float) -> int | None:
    """The first step whose validation loss is at or below target (validation: the batch
    loss is too noisy to call a threshold crossed); None when never.

    >>> from explorer.engine.history import History
    >>> h = History(val_steps=[1, 10, 20], val_losses=[0.2, 0.05, 0.01])
    >>> steps_to_target(h, 0.05), steps_to_target(h, 0.001)
    (10, None)
    """
    for step, loss in zip(history.val_steps, history.val_losses, strict=True):
        if loss <= target:
            return step
    return None


def mean_steps_per_second(history: History) -> float:
    """Training steps over their own time (validation and probe bookkeeping aside), as
    the run summary counts it. Under parallel runs this is each run's own pace."""
    seconds = sum(r.seconds for r in history.steps)
    return len(history.steps) / seconds if seconds > 0 else math.nan


def reach(probe) -> float:
    """How many steps back the gradient reaches in one probe: T - 1 - its horizon (the
    earliest t whose ||dL/dh_t|| is at least 1e-3 of the last step's), as the lessons
    and the Gradient flow page count it. NaN without a horizon."""
    if probe is None or probe.horizon is None:
        return math.nan
    return len(probe.dh[-1]) - 1 - probe.horizon


def table_row(entry: Entry, target: float) -> dict[str, Any]:
    """One row of the results table. "reach_first" and "reach" are the gradient's reach
    (see reach) at the first and the last probe: what the forget-bias and initialisation
    lessons compare at step 1, and the vanishing lesson at the end."""
    h = entry.history
    finite = [v for v in h.val_losses if math.isfinite(v)]
    reached = steps_to_target(h, target)
    return {
        "variant": entry.label,
        "final_val_loss": h.val_losses[-1] if h.val_losses else math.nan,
        "best_val_loss": min(finite) if finite else math.nan,
        "steps_to_target": math.nan if reached is None else reached,
        "steps_per_second": mean_steps_per_second(h),
        "clipped_fraction": h.clipped_fraction() if h.steps else math.nan,
        "reach_first": reach(h.probes[0] if h.probes else None),
        "reach": reach(h.probes[-1] if h.probes else None),
        "status": entry.status,
        "folder": entry.folder.name if entry.folder is not None else "",
    }


def varied_fields(entries: Sequence[Entry]) -> list[str]:
    """The settings that differ between the entries (a comparison's knobs, or whatever
    sets overlaid runs apart), in the config's order."""
    from dataclasses import fields

    names = [f.name for f in fields(RunConfig) if f.name != "data"]
    return [n for n in names if len({getattr(e.config, n) for e in entries}) > 1]


def results_table(entries: Sequence[Entry], target: float) -> pd.DataFrame:
    """One row per entry, with a column per varied setting after the variant's name.
    Numbers stay numbers ("steps_to_target" is NaN when the target was not reached; a page
    shows that as "not reached"), so every column sorts."""
    import pandas as pd

    knobs = varied_fields(entries)
    rows = [
        {"variant": e.label, **{k: getattr(e.config, k) for k in knobs}, **table_row(e, target)}
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["variant", *knobs, *TABLE_COLUMNS[1:]])


def comparison_entries(comparison: Comparison) -> list[Entry]:
    """Every variant in order: its loaded run, or (cancelled before a step, failed) an
    empty history with its status, so the table still has a row for it."""
    from explorer.engine.history import History

    loaded = {e.label: e for e in comparison.results()}
    return [
        loaded.get(s.name) or Entry(s.name, s.config, History(), s.state, None)
        for s in comparison.states()
    ]


def table_for_csv(table: pd.DataFrame) -> pd.DataFrame:
    """The table as comparison.csv holds it: "not reached" spelled out, whole numbers."""
    out = table.copy()
    out["steps_to_target"] = [
        "not reached" if math.isnan(v) else str(int(v)) for v in table["steps_to_target"]
    ]
    for column in ("reach_first", "reach"):
        out[column] = ["" if math.isnan(v) else str(int(v)) for v in table[column]]
    return out


def shared_baseline(entries: Sequence[Entry]) -> float | None:
    """The trivial baseline's validation loss when every entry has the same data (task,
    data, column, sequence length, seed), so one line means the same for all; else None."""
    from explorer.tasks import make_task

    same = {
        (e.config.task, e.config.data, e.config.column, e.config.seq_len, e.config.seed)
        for e in entries
    }
    if len(same) != 1:
        return None
    return make_task(entries[0].config).baseline_loss()


def default_target(config: RunConfig) -> float:
    """A level that means "learned something", to two significant digits: a tenth of the
    trivial baseline's validation loss (adding: 0.016), or what the task asks of it
    (a series: beating persistence at all, Task.target_fraction)."""
    from explorer.tasks import make_task

    task = make_task(config)
    value = task.baseline_loss() * task.target_fraction
    return float(f"{value:.2g}")

"""A training run in a background thread, controlled by a UI and read through snapshots.

The UI never touches the trainer: it calls start/pause/resume/step_once/stop and reads
`snapshot()`, an immutable copy published by the thread (at most ~20 times a second, and
at every change of state). The thread never imports or calls the UI.

A run shares the server with a classroom's other runs (explorer.runs.scheduler): it waits for a
place in the server's queue before it trains ("queued", with its position) and computes
each step in a fair turn. When nobody has read a snapshot for `idle_timeout` seconds (a
closed or long-hidden tab) a training run pauses, and a paused thread ends: a closed tab
holds no thread and no CPU, and Resume picks up where it left off in a new thread.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import torch

from explorer.config import RunConfig
from explorer.engine.analysis import Predictions
from explorer.engine.analysis import predictions as task_predictions
from explorer.engine.history import History
from explorer.engine.models import build_model
from explorer.engine.training import Trainer
from explorer.runs.scheduler import GATE, QUEUE, FairGate, RunQueue
from explorer.tasks import make_task

log = logging.getLogger(__name__)

ACTIVE = ("starting", "queued", "running")
FINISHED = ("completed", "diverged", "stopped", "error")
PUBLISH_SECONDS = 0.05  # history copies at most this often (a copy costs ~0.1-1 ms)
EXTRAS_SECONDS = 1.0  # predictions and a weights copy at most this often (the pages
# redraw what comes of them only when they change: see ui.widgets.memo)
# A visible page polls 4 times a second, a hidden tab about once a second (browsers slow
# that to once a minute after 5 minutes). A run nobody has polled for this long has lost
# its tab: it pauses, and as long again later (a paused page does not poll) its thread
# ends. A closed tab's run stops costing CPU within seconds.
IDLE_TIMEOUT = 15.0
IDLE_MESSAGE = "Paused: no open tab has shown this run for a while."


@dataclass(frozen=True)
class Snapshot:
    """What the UI may read about a run at one moment."""

    config: RunConfig
    state: str  # idle|starting|queued|running|paused|completed|diverged|stopped|error
    message: str
    step: int
    history: History
    predictions: Predictions | None
    model_state: dict[str, torch.Tensor] | None  # a copy of the weights, for analysis
    baseline_loss: float | None
    saved_to: Path | None = None  # the run folder, once the finished run is on disk
    queue_position: int | None = None  # 1 = next to train, while the state is "queued"

    @property
    def steps_total(self) -> int:
        return self.config.steps

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def loss(self) -> float | None:
        return self.history.steps[-1].loss if self.history.steps else None

    @property
    def val_loss(self) -> float | None:
        return self.history.val_losses[-1] if self.history.val_losses else None

    @property
    def steps_per_second(self) -> float:
        return self.history.steps_per_second()


class LiveRun:
    def __init__(
        self,
        config: RunConfig,
        idle_timeout: float = IDLE_TIMEOUT,
        runs_dir: Path | None = None,
        queue: RunQueue | None = None,
        gate: FairGate | None = None,
    ) -> None:
        """runs_dir: where the thread saves the run once it completes, diverges or is
        stopped after at least one step; None (the default, for tests) saves nothing.
        queue, gate: the server's (explorer.runs.scheduler), unless a test brings its own."""
        self.config = config
        self.idle_timeout = idle_timeout
        self.runs_dir = runs_dir
        self._queue = queue if queue is not None else QUEUE
        self._gate = gate if gate is not None else GATE
        self._saved_to: Path | None = None
        self._cond = threading.Condition()
        self._train_lock = threading.Lock()  # held by the thread around each step
        self._state = "idle"
        self._message = "Press Train to start."
        self._pending_steps = 0
        self._stop = False
        self._queue_position: int | None = None
        self._released = False
        self.session_id: str | None = None  # the UI session that owns it, if any
        self._thread: threading.Thread | None = None
        self._trainer: Trainer | None = None
        self._last_touch = time.monotonic()
        self._snapshot = Snapshot(config, "idle", self._message, 0, History(), None, None, None)
        REGISTRY.add(self)

    @classmethod
    def finished(
        cls,
        config: RunConfig,
        history: History,
        model_state: dict[str, torch.Tensor] | None,
        predictions: Predictions | None,
        message: str,
        state: str = "completed",
        baseline_loss: float | None = None,
        saved_to: Path | None = None,
    ) -> LiveRun:
        """A run in its final state, without a thread: a compared or saved run opened in
        the single-run pages. Its controls do nothing (it is finished); save() copies
        saved_to."""
        if state not in FINISHED:
            raise ValueError(f"a finished run's state is one of {FINISHED}, not {state!r}")
        run = cls(config)
        if baseline_loss is None:
            baseline_loss = make_task(config).baseline_loss()
        run._state, run._message, run._saved_to = state, message, saved_to
        run._snapshot = Snapshot(
            config,
            state,
            message,
            history.last_step,
            history,
            predictions,
            model_state,
            baseline_loss,
            saved_to,
        )
        return run

    @classmethod
    def from_folder(cls, folder: Path) -> LiveRun:
        """A saved run folder (validated by explorer.runs.bundle) as a finished run."""
        from explorer.runs.bundle import history_of, load_run

        loaded = load_run(folder)
        task = make_task(loaded.config)
        model = build_model(loaded.config, task)
        model.load_state_dict(loaded.state_dict)
        with torch.no_grad():
            predictions = task_predictions(model, task)
        status = str(loaded.summary.get("status", "completed"))
        return cls.finished(
            loaded.config,
            history_of(loaded),
            {k: v.detach().clone() for k, v in model.state_dict().items()},
            predictions,
            str(loaded.summary.get("message", "")) or f"Opened {Path(folder).name}.",
            state=status if status in FINISHED else "stopped",
            baseline_loss=task.baseline_loss(),
            saved_to=Path(folder),
        )

    # -- controls (called from the UI thread) ----------------------------------------
    def start(self) -> None:
        """Train; if paused, resume."""
        with self._cond:
            if self._state in FINISHED:
                return
            if self._thread is None:
                if self._trainer is None:
                    self._state = "starting"
                    self._message = "Building the model..."
                else:  # a paused run whose thread ended: go on in a new one
                    self._state, self._message = "running", ""
                self._start_thread()
            elif self._state == "paused":
                self._state = "running"
                self._message = ""
            self._publish_state()
            self._cond.notify_all()

    def _start_thread(self) -> None:
        """(caller holds the lock)"""
        self._thread = threading.Thread(
            target=self._loop, daemon=True, name=f"train-{self.config.cell}"
        )
        self._thread.start()

    def pause(self) -> None:
        """Returns once the step in progress (if any) has finished and been published,
        so the snapshot shows exactly where the run stopped."""
        with self._cond:
            if self._state not in ACTIVE:
                return
            self._state = "paused"
            self._message = "Paused."
            self._queue_position = None
            self._queue.leave(self)
            self._publish_state()
        with self._train_lock:
            if self._trainer is not None:
                self._publish(self._trainer, extras=True)

    def step_once(self) -> None:
        """One optimizer step, then paused (starts the thread if needed)."""
        with self._cond:
            if self._state in FINISHED:
                return
            self._pending_steps += 1
            if self._thread is None:
                self._state = "paused"
                self._start_thread()
            elif self._state in ACTIVE:
                self._state = "paused"
                self._queue_position = None
            self._message = "Paused after single steps."
            self._publish_state()
            target = self._snapshot.step + self._pending_steps
            self._cond.notify_all()
            # Like pause(): return once the step is published, so the rerun that follows
            # the click shows it (a paused page does not poll).
            self._cond.wait_for(
                lambda: self._snapshot.step >= target or self._state != "paused", timeout=5
            )

    def stop(self, reason: str = "Stopped.") -> None:
        with self._cond:
            self._stop = True
            if self._state not in FINISHED:
                self._state = "stopped"
                self._message = reason
                self._queue_position = None
                self._queue.leave(self)
                self._publish_state()
            self._cond.notify_all()

    def release(self, reason: str) -> None:
        """Free what the run holds once nobody will look at it again (its session has
        gone): stop it, so its history is saved to the runs directory, then drop the
        model, optimizer, data and history. The run stays, stopped, with the message."""
        self.stop(reason)
        self.join(30)
        with self._train_lock, self._cond:
            self._released = True
            self._trainer = None
            old = self._snapshot
            note = f" Saved to {self._saved_to}." if self._saved_to is not None else ""
            self._message = f"{reason}{note}"
            self._snapshot = Snapshot(
                old.config,
                old.state,
                self._message,
                old.step,
                History(),
                None,
                None,
                old.baseline_loss,
                self._saved_to,
            )

    @property
    def released(self) -> bool:
        return self._released

    def touch(self) -> None:
        self._last_touch = time.monotonic()

    def snapshot(self) -> Snapshot:
        self.touch()
        with self._cond:
            return self._snapshot

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_for(self, predicate, timeout: float = 30.0) -> Snapshot:
        """Block until predicate(snapshot) holds or the timeout passes (for tests, CLI)."""
        deadline = time.monotonic() + timeout
        snap = self.snapshot()
        while not predicate(snap) and time.monotonic() < deadline:
            time.sleep(0.01)
            snap = self.snapshot()
        return snap

    def save(self, folder: Path) -> Path:
        """Write the run folder; waits for the step in progress, so it is consistent. A
        finished run without a trainer (LiveRun.finished) copies the folder it came from."""
        from explorer.runs.bundle import KNOWN_FILES, save_run

        with self._train_lock:
            if self._trainer is None:
                if self._saved_to is None:
                    raise RuntimeError("nothing to save: the run has not started")
                folder = Path(folder)
                folder.mkdir(parents=True, exist_ok=True)
                for name in KNOWN_FILES:
                    if (self._saved_to / name).is_file():
                        shutil.copyfile(self._saved_to / name, folder / name)
                return folder
            return save_run(folder, self._trainer)

    # -- the thread ------------------------------------------------------------------
    def _loop(self) -> None:
        torch.set_num_threads(1)  # one core per run: several sessions share the machine
        released = False  # True when a paused thread ends to free itself, not the run
        try:
            trainer = self._trainer
            if trainer is None:
                with self._gate.turn(self):
                    trainer = Trainer(self.config)
                with self._cond:
                    self._trainer = trainer
                self._publish(trainer, extras=True)
            last_publish = last_extras = time.monotonic()
            while True:
                with self._cond:
                    while self._should_wait():
                        self._queue.leave(self)  # a paused run holds no place
                        self._gate.step_aside(self)
                        if self._idle():  # nobody is looking: free the thread
                            self._thread, released = None, True
                            return
                        self._cond.wait(timeout=1.0)
                    if self._stop:
                        break
                    single = self._state == "paused"
                    if single:
                        self._pending_steps -= 1
                if not single and not self._admit():
                    continue  # paused, stopped or idle while queued
                with self._train_lock, self._gate.turn(self):
                    trainer.train_step()
                now = time.monotonic()
                if trainer.done or single or now - last_publish >= PUBLISH_SECONDS:
                    extras = trainer.done or single or now - last_extras >= EXTRAS_SECONDS
                    with self._cond:
                        if trainer.done:
                            self._state = trainer.status
                            self._message = trainer.message
                    self._publish(trainer, extras=extras)
                    last_publish = now
                    last_extras = now if extras else last_extras
                if trainer.done:
                    break
                if self._idle():
                    with self._cond:
                        self._pause_idle()
        except Exception as exc:  # a bug or a resource error: this run ends, the server lives
            log.exception("training thread failed")
            with self._cond:
                self._state = "error"
                self._message = f"Training failed: {type(exc).__name__}: {exc}"
                self._publish_state()
        finally:
            self._queue.leave(self)
            if not released:
                self._gate.forget(self)
                if self._trainer is not None:
                    self._publish(self._trainer, extras=True)
                    self._save_finished(self._trainer)

    def _admit(self) -> bool:
        """Hold a place in the server's queue before training. While it waits the state
        is "queued" and the snapshot carries the position; False when the run was paused
        or stopped meanwhile, or its tab went away (it pauses then)."""
        while True:
            with self._cond:  # stop() and pause() leave the queue under this lock too
                if self._stop or self._state == "paused":
                    self._queue.leave(self)
                    return False
                if self._idle():
                    self._queue.leave(self)
                    self._pause_idle()
                    return False
                position = self._queue.enter(self)
                if position == 0:
                    break
                if self._state != "queued" or self._queue_position != position:
                    self._state, self._message = "queued", ""
                    self._queue_position = position
                    self._publish_state()
            self._gate.step_aside(self)  # (it may hold a reservation from a single step)
            self._queue.wait(self, timeout=0.5)
        with self._cond:
            if self._state in ("starting", "queued"):
                self._state, self._message = "running", ""
            if self._queue_position is not None:
                self._queue_position = None
                self._publish_state()
        return True

    def _save_finished(self, trainer: Trainer) -> None:
        """Keep a completed, diverged or stopped run (with at least one step) in the runs
        directory, then re-publish with where it went. A disk error becomes part of the
        message: the run on screen matters more than its copy on disk. Once saved, the
        trainer (model, optimizer, data) goes: save() copies the folder, and a session
        that lingers after its tab closed holds only the snapshot."""
        if self.runs_dir is None or trainer.step < 1:
            return
        with self._cond:
            state, message = self._state, self._message
        if state not in ("completed", "diverged", "stopped"):
            return
        from explorer.runs.bundle import save_run
        from explorer.runs.folders import new_run_folder

        try:
            with self._train_lock:
                trainer.stop(message)  # a stop from outside: the summary says "stopped"
                folder = save_run(new_run_folder(Path(self.runs_dir), self.config), trainer)
            note, saved = f"Saved to {folder}.", folder
        except Exception as exc:  # a full disk, a read-only folder, ...
            log.warning("could not save the run: %s", exc)
            note, saved = f"Not saved ({type(exc).__name__}: {exc}).", None
        with self._cond:
            self._saved_to = saved
            self._message = f"{self._message} {note}".strip()
            self._publish_state()
        if saved is not None:
            with self._train_lock:
                self._trainer = None

    def _should_wait(self) -> bool:
        return not self._stop and self._state == "paused" and self._pending_steps <= 0

    def _idle(self) -> bool:
        return time.monotonic() - self._last_touch > self.idle_timeout

    def _pause_idle(self) -> None:
        """(caller holds the lock) The tab went away: pause, keeping everything."""
        if self._state in ACTIVE:
            self._state, self._message = "paused", IDLE_MESSAGE
            self._queue_position = None
            self._publish_state()
        self._last_touch = time.monotonic()  # the paused thread waits its own timeout

    def _publish(self, trainer: Trainer, extras: bool) -> None:
        history = trainer.history.snapshot()
        predictions = model_state = None
        if extras:
            with self._gate.turn(self), torch.no_grad():
                predictions = task_predictions(trainer.model, trainer.task)
            model_state = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
        baseline = self._snapshot.baseline_loss
        if baseline is None:
            baseline = trainer.task.baseline_loss()
        with self._cond:
            old = self._snapshot
            self._snapshot = Snapshot(
                self.config,
                self._state,
                self._message,
                trainer.step,
                history,
                predictions if extras else old.predictions,
                model_state if extras else old.model_state,
                baseline,
                self._saved_to,
                self._queue_position,
            )
            self._cond.notify_all()  # step_once waits for its step to show

    def _publish_state(self) -> None:
        """Re-publish the last snapshot with the current state (caller holds the lock)."""
        old = self._snapshot
        self._snapshot = Snapshot(
            old.config,
            self._state,
            self._message,
            old.step,
            old.history,
            old.predictions,
            old.model_state,
            old.baseline_loss,
            self._saved_to,
            self._queue_position,
        )


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
            return [r for r in self._runs if r._thread is not None and r._thread.is_alive()]

    def all(self) -> list[LiveRun]:
        with self._lock:
            return list(self._runs)

    def stop_all(self, timeout: float = 5.0) -> None:
        for run in self.active():
            run.stop()
            run.join(timeout)


REGISTRY = RunRegistry()

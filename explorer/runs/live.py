"""A training run in a background thread, controlled by a UI and read through snapshots.

The UI never touches the trainer: it calls start/pause/step_once/stop and reads
`snapshot()` (explorer.runs.states), an immutable copy the thread publishes at most ~20
times a second and at every change of state; the thread never calls the UI.

It waits for a place in the server's queue (explorer.runs.scheduler) and computes each
step in a fair turn. Unread for `idle_timeout` seconds (a closed tab) it pauses and its
thread ends, holding no CPU; Resume goes on from the same step in a new thread.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

import torch

from explorer.config import RunConfig
from explorer.engine.analysis import predictions as task_predictions
from explorer.engine.history import History
from explorer.engine.training import Trainer
from explorer.runs.pandas_lock import import_pandas
from explorer.runs.registry import REGISTRY
from explorer.runs.scheduler import GATE, QUEUE, FairGate, RunQueue
from explorer.runs.states import ACTIVE, FINISHED, Reason, RunState, Snapshot

log = logging.getLogger(__name__)

PUBLISH_SECONDS = 0.05  # history copies at most this often (a copy costs ~0.1-1 ms)
EXTRAS_SECONDS = 1.0  # predictions and a weights copy at most this often (ui.widgets.memo)
# A visible page polls 4 times a second, a hidden tab about once a second. A run nobody
# has polled for this long has lost its tab: it pauses, and as long again later its
# thread ends, so a closed tab's run stops costing CPU within seconds.
IDLE_TIMEOUT = 15.0
IDLE_MESSAGE = "Paused: no open tab has shown this run for a while."


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
        self._state = RunState.IDLE
        self._message = "Press Train to start."
        self._reason = Reason("idle")
        self._pending_steps = 0
        self._stop = False
        self._queue_position: int | None = None
        self._released = False
        self.session_id: str | None = None  # the UI session that owns it, if any
        self._thread: threading.Thread | None = None
        self._trainer: Trainer | None = None
        self._last_touch = time.monotonic()
        self._snapshot = Snapshot(
            config, RunState.IDLE, self._message, 0, History(), None, None, None
        )
        REGISTRY.add(self)

    @classmethod
    def finished(cls, config: RunConfig, history: History, *args, **kwargs) -> LiveRun:
        """A run in its final state, without a thread (explorer.runs.opened.finished)."""
        from explorer.runs.opened import finished

        return finished(cls, config, history, *args, **kwargs)

    @classmethod
    def from_folder(cls, folder: Path) -> LiveRun:
        """A saved run folder as a finished run (explorer.runs.opened.from_folder)."""
        from explorer.runs.opened import from_folder

        return from_folder(cls, folder)

    # -- controls (called from the UI thread) ----------------------------------------
    def start(self) -> None:
        """Train; if paused, resume."""
        with self._cond:
            if self._state in FINISHED:
                return
            if self._thread is None:
                if self._trainer is None:
                    self._state = RunState.STARTING
                    self._message = "Building the model..."
                    self._reason = Reason("starting")
                else:  # a paused run whose thread ended: go on in a new one
                    self._state, self._message = RunState.RUNNING, ""
                    self._reason = Reason("running")
                self._start_thread()
            elif self._state == RunState.PAUSED:
                self._state = RunState.RUNNING
                self._message, self._reason = "", Reason("running")
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
            self._state = RunState.PAUSED
            self._message, self._reason = "Paused.", Reason("paused")
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
                self._state = RunState.PAUSED
                self._start_thread()
            elif self._state in ACTIVE:
                self._state = RunState.PAUSED
                self._queue_position = None
            self._message, self._reason = "Paused after single steps.", Reason("paused")
            self._publish_state()
            target = self._snapshot.step + self._pending_steps
            self._cond.notify_all()
            # Like pause(): return once the step is published, so the rerun that follows
            # the click shows it (a paused page does not poll).
            self._cond.wait_for(
                lambda: self._snapshot.step >= target or self._state != RunState.PAUSED, timeout=5
            )

    def stop(self, reason: str = "Stopped.", why: Reason | None = None) -> None:
        """reason: the words for logs; why: the code a page shows (default "stopped")."""
        with self._cond:
            self._stop = True
            if self._state not in FINISHED:
                self._state = RunState.STOPPED
                self._message, self._reason = reason, why or Reason("stopped")
                self._queue_position = None
                self._queue.leave(self)
                self._publish_state()
            self._cond.notify_all()

    def release(self, reason: str) -> None:
        """Free what the run holds once nobody will look at it again (its session has
        gone): stop it, so its history is saved to the runs directory, then drop the
        model, optimizer, data and history. The run stays, stopped, with the message."""
        self.stop(reason, Reason("released"))
        self.join(30)
        with self._train_lock, self._cond:
            self._released = True
            self._trainer = None
            note = f" Saved to {self._saved_to}." if self._saved_to is not None else ""
            self._message = f"{reason}{note}"
            self._publish_state(history=History(), predictions=None, model_state=None)

    @property
    def thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

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
        """Block until predicate(snapshot) holds or the timeout passes (tests, CLI, Train)."""
        deadline = time.monotonic() + timeout
        snap = self.snapshot()
        while not predicate(snap) and time.monotonic() < deadline:
            time.sleep(0.01)
            snap = self.snapshot()
        return snap

    def save(self, folder: Path) -> Path:
        """Write the run folder; waits for the step in progress, so it is consistent. A
        finished run without a trainer (LiveRun.finished) copies the folder it came from."""
        import_pandas()  # the bundle writer's; see explorer/runs/pandas_lock.py
        from explorer.runs.bundle import save_run
        from explorer.runs.opened import copy_run

        with self._train_lock:
            if self._trainer is None:
                return copy_run(self._saved_to, Path(folder))
            return save_run(folder, self._trainer)

    # -- the thread ------------------------------------------------------------------
    def _loop(self) -> None:
        torch.set_num_threads(1)  # one core per run: several sessions share the machine
        released = False  # True when a paused thread ends to free itself, not the run
        try:
            trainer = self._ensure_trainer()
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
                    single = self._state == RunState.PAUSED
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
                            self._state = RunState(trainer.status)
                            self._message = trainer.message
                            self._reason = Reason(trainer.status)
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
                self._state = RunState.ERROR
                detail = f"{type(exc).__name__}: {exc}"
                self._message, self._reason = (
                    f"Training failed: {detail}",
                    Reason("error", {"detail": detail}),
                )
                self._publish_state()
        finally:
            self._queue.leave(self)
            if not released:
                self._gate.forget(self)
                if self._trainer is not None:
                    self._publish(self._trainer, extras=True)
                    self._save_finished(self._trainer)

    def _ensure_trainer(self) -> Trainer:
        """The run's trainer, built (in a compute turn) the first time the thread runs."""
        if self._trainer is None:
            with self._gate.turn(self):
                trainer = Trainer(self.config)
            with self._cond:
                self._trainer = trainer
            self._publish(trainer, extras=True)
        return self._trainer

    def _admit(self) -> bool:
        """Hold a place in the server's queue before training. While it waits the state
        is RunState.QUEUED and the snapshot carries the position; False when the run was paused
        or stopped meanwhile, or its tab went away (it pauses then)."""
        while True:
            with self._cond:  # stop() and pause() leave the queue under this lock too
                if self._stop or self._state == RunState.PAUSED:
                    self._queue.leave(self)
                    return False
                if self._idle():
                    self._queue.leave(self)
                    self._pause_idle()
                    return False
                position = self._queue.enter(self)
                if position == 0:
                    break
                if self._state != RunState.QUEUED or self._queue_position != position:
                    self._state, self._message = RunState.QUEUED, ""
                    self._reason = Reason("queued", {"position": position})
                    self._queue_position = position
                    self._publish_state()
            self._gate.step_aside(self)  # (it may hold a reservation from a single step)
            self._queue.wait(self, timeout=0.5)
        with self._cond:
            if self._state in (RunState.STARTING, RunState.QUEUED):
                self._state, self._message, self._reason = RunState.RUNNING, "", Reason("running")
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
        if state not in (RunState.COMPLETED, RunState.DIVERGED, RunState.STOPPED):
            return
        import_pandas()  # the first in this process may be here, in a training thread
        from explorer.runs.bundle import save_run
        from explorer.runs.folders import new_run_folder

        try:
            with self._train_lock:
                trainer.stop(message)  # a stop from outside: the summary says RunState.STOPPED
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
        return not self._stop and self._state == RunState.PAUSED and self._pending_steps <= 0

    def _idle(self) -> bool:
        return time.monotonic() - self._last_touch > self.idle_timeout

    def _pause_idle(self) -> None:
        """(caller holds the lock) The tab went away: pause, keeping everything."""
        if self._state in ACTIVE:
            self._state, self._message = RunState.PAUSED, IDLE_MESSAGE
            self._reason = Reason("paused_idle")
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
            self._publish_state(step=trainer.step, history=history, baseline_loss=baseline)
            if extras:
                self._snapshot = replace(
                    self._snapshot, predictions=predictions, model_state=model_state
                )
            self._cond.notify_all()  # step_once waits for its step to show

    def _publish_state(self, **changes) -> None:
        """Re-publish the last snapshot with the current state, and any other changes
        (caller holds the lock)."""
        self._snapshot = replace(
            self._snapshot,
            state=self._state,
            message=self._message,
            reason=self._reason,
            saved_to=self._saved_to,
            queue_position=self._queue_position,
            queue_capacity=self._queue.capacity,
            **changes,
        )

"""A training run in a background thread, controlled by a UI and read through snapshots.

The UI never touches the trainer: it calls start/pause/resume/step_once/stop and reads
`snapshot()`, an immutable copy published by the thread (at most ~20 times a second, and
at every change of state). The thread never imports or calls the UI. It stops itself when
nobody has read a snapshot for `idle_timeout` seconds: a closed tab ends no thread
promptly otherwise.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import torch

from explorer.analysis import Predictions, sine_predictions
from explorer.config import RunConfig
from explorer.history import History
from explorer.training import Trainer

log = logging.getLogger(__name__)

ACTIVE = ("starting", "running")
FINISHED = ("completed", "diverged", "stopped", "error")
PUBLISH_SECONDS = 0.05  # history copies at most this often (a copy costs ~0.1-1 ms)
EXTRAS_SECONDS = 0.5  # predictions and a weights copy at most this often
# A visible page polls 4 times a second; a background tab is throttled to about once a
# minute. A running run nobody has polled for this long is orphaned: stop it.
IDLE_TIMEOUT = 300.0


@dataclass(frozen=True)
class Snapshot:
    """What the UI may read about a run at one moment."""

    config: RunConfig
    state: str  # idle | starting | running | paused | completed | diverged | stopped | error
    message: str
    step: int
    history: History
    predictions: Predictions | None
    model_state: dict[str, torch.Tensor] | None  # a copy of the weights, for analysis
    baseline_loss: float | None

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
    def __init__(self, config: RunConfig, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.config = config
        self.idle_timeout = idle_timeout
        self._cond = threading.Condition()
        self._train_lock = threading.Lock()  # held by the thread around each step
        self._state = "idle"
        self._message = "Press Train to start."
        self._pending_steps = 0
        self._stop = False
        self._thread: threading.Thread | None = None
        self._trainer: Trainer | None = None
        self._last_touch = time.monotonic()
        self._snapshot = Snapshot(config, "idle", self._message, 0, History(), None, None, None)
        REGISTRY.add(self)

    # -- controls (called from the UI thread) ----------------------------------------
    def start(self) -> None:
        """Train; if paused, resume."""
        with self._cond:
            if self._state in FINISHED:
                return
            if self._thread is None:
                self._state = "starting"
                self._message = "Building the model..."
                self._thread = threading.Thread(
                    target=self._loop, daemon=True, name=f"train-{self.config.cell}"
                )
                self._thread.start()
            elif self._state == "paused":
                self._state = "running"
                self._message = ""
            self._publish_state()
            self._cond.notify_all()

    def pause(self) -> None:
        """Returns once the step in progress (if any) has finished and been published,
        so the snapshot shows exactly where the run stopped."""
        with self._cond:
            if self._state not in ACTIVE:
                return
            self._state = "paused"
            self._message = "Paused."
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
                self._thread = threading.Thread(target=self._loop, daemon=True)
                self._thread.start()
            elif self._state in ACTIVE:
                self._state = "paused"
            self._message = "Paused after single steps."
            self._publish_state()
            self._cond.notify_all()

    def stop(self, reason: str = "Stopped.") -> None:
        with self._cond:
            self._stop = True
            if self._state not in FINISHED:
                self._state = "stopped"
                self._message = reason
                self._publish_state()
            self._cond.notify_all()

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
        """Write the run folder; waits for the step in progress, so it is consistent."""
        from explorer.bundle import save_run

        with self._train_lock:
            if self._trainer is None:
                raise RuntimeError("nothing to save: the run has not started")
            return save_run(folder, self._trainer)

    # -- the thread ------------------------------------------------------------------
    def _loop(self) -> None:
        torch.set_num_threads(1)  # one core per run: several sessions share the machine
        try:
            trainer = Trainer(self.config)
            with self._cond:
                self._trainer = trainer
                if self._state == "starting":
                    self._state = "running"
                    self._message = ""
            self._publish(trainer, extras=True)
            last_publish = last_extras = time.monotonic()
            while True:
                with self._cond:
                    while self._should_wait():
                        self._cond.wait(timeout=1.0)
                        if self._idle():
                            self._stop_idle()
                    if self._stop:
                        break
                    single = self._state == "paused"
                    if single:
                        self._pending_steps -= 1
                with self._train_lock:
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
                        self._stop_idle()
        except Exception as exc:  # a bug or a resource error: this run ends, the server lives
            log.exception("training thread failed")
            with self._cond:
                self._state = "error"
                self._message = f"Training failed: {type(exc).__name__}: {exc}"
                self._publish_state()
        finally:
            if self._trainer is not None:
                self._publish(self._trainer, extras=True)

    def _should_wait(self) -> bool:
        return not self._stop and self._state == "paused" and self._pending_steps <= 0

    def _idle(self) -> bool:
        # A paused run costs no CPU, only memory: give its reader six times longer.
        limit = self.idle_timeout * (6 if self._state == "paused" else 1)
        return time.monotonic() - self._last_touch > limit

    def _stop_idle(self) -> None:
        self._stop = True
        self._state = "stopped"
        self._message = "Stopped: no browser has watched this run for a while."

    def _publish(self, trainer: Trainer, extras: bool) -> None:
        history = trainer.history.snapshot()
        predictions = model_state = None
        if extras:
            with torch.no_grad():
                predictions = sine_predictions(trainer.model, trainer.task)
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
            )

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

    def stop_all(self, timeout: float = 5.0) -> None:
        for run in self.active():
            run.stop()
            run.join(timeout)


REGISTRY = RunRegistry()

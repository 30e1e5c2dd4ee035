"""The worker process of a comparison: take variants, train, save, report progress."""

from __future__ import annotations

import math
import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.config import RunConfig

if TYPE_CHECKING:  # the command line imports this module before torch: keep it light
    from explorer.engine.history import History


PROGRESS_SECONDS = 0.2  # a worker reports its step at most this often
CANCEL = "cancel"  # what stop_reason() returns for a cancel (the message counts the steps)


# -- the worker process ------------------------------------------------------------------
def worker_main(tasks, events, cancels, parent_pid: int) -> None:
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

    def stop_reason() -> str | None:
        if cancel.is_set():
            return CANCEL
        if os.getppid() != parent_pid:  # the parent died: nobody will read this run
            return "Stopped: the process that started the comparison ended."
        return None

    if cancel.is_set():
        events.put(("done", index, "cancelled", "Cancelled before it started.", None))
        return
    events.put(("started", index, os.getpid()))
    trainer = train_variant(config_json, lambda *e: events.put((e[0], index, *e[1:])), stop_reason)
    saved = str(save_run(folder, trainer)) if trainer.step >= 1 else None
    events.put(("done", index, *outcome(trainer), saved))


def outcome(trainer) -> tuple[str, str]:
    """(status, message) of a variant's end. Cancelled before its first step, it is
    "cancelled" like one cancelled in the queue: nothing ran, so nothing is kept (a
    "stopped" variant always has a run folder)."""
    if trainer.step == 0 and trainer.message.startswith("Cancelled after"):
        return "cancelled", "Cancelled before it started."
    return str(trainer.status), trainer.message


def train_variant(config_json: str, report, stop_reason):
    """Train one variant to its end, or until stop_reason() gives a reason: CANCEL (the
    message counts the steps done) or a sentence. report("progress", step, loss, val) at
    most every PROGRESS_SECONDS and once at the end. Returns the Trainer. The same code
    trains a variant in a local worker and in a Ray task."""
    from explorer.engine.training import Trainer

    config = RunConfig.from_json(config_json)
    trainer = Trainer(config)
    last = 0.0
    while not trainer.done:
        if (reason := stop_reason()) is not None:
            if reason == CANCEL:
                reason = f"Cancelled after {trainer.step} of {config.steps} steps."
            trainer.stop(reason)
            break
        trainer.train_step()
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS:
            report("progress", trainer.step, *_latest(trainer.history))
            last = now
    report("progress", trainer.step, *_latest(trainer.history))
    return trainer


def _latest(history: History) -> tuple[float, float]:
    loss = history.steps[-1].loss if history.steps else math.nan
    val = history.val_losses[-1] if history.val_losses else math.nan
    return loss, val


def data_payload(config: RunConfig) -> tuple[str, bytes] | None:
    """(name, bytes) of the user's data a variant trains on, for its worker process."""
    from explorer.tasks.datasource import data_file

    data = data_file(config)
    return None if data is None else (data.name, data.raw)

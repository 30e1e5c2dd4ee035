"""The Ray backend's driver: a child process of the Comparison's, speaking the local
pool's protocol (explorer/runs/executor.py), that runs each variant as a Ray task.

Ray core tasks, not Ray Tune: a variant of a few hundred steps lasts seconds, and Tune's
per-trial overhead is several times that. Each task trains with one torch thread and
returns its run folder as a zip; the driver unpacks it where the Comparison reserved the
folder, so a sweep made on a cluster lands whole on the machine that asked for it.
Progress and cancels go through one small actor, the Board. A task whose worker dies is
retried once (Ray's max_retries); a cancelled task still queued is dropped, a running
one stops after its step and returns what it did.

Imports ray only inside driver_main: this module is imported by the app's process.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.2  # how often the driver forwards progress and looks at cancels
RETRIES = 1  # a variant whose worker died runs once more
MAX_RUN_BYTES = 2**30  # a zipped run folder coming back from a task
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the explorer package


class Board:
    """An actor: the tasks' progress, queued until the driver collects it, and which
    variants are cancelled."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.cancelled: set[int] = set()

    def put(self, event: tuple) -> None:
        self.events.append(event)

    def drain(self) -> list[tuple]:
        events, self.events = self.events, []
        return events

    def cancel(self, index: int) -> None:
        self.cancelled.add(index)

    def is_cancelled(self, index: int) -> bool:
        return index in self.cancelled


def run_variant(index: int, config_json: str, data: Any, board: Any) -> tuple:
    """A Ray task: train one variant, return (status, message, zipped run folder)."""
    import ray
    import torch

    from explorer.runs.bundle import save_run
    from explorer.runs.worker import CANCEL, outcome, train_variant
    from explorer.runs.zipped import zip_run

    torch.set_num_threads(1)
    if data is not None:
        from explorer.tasks.datastore import STORE

        STORE.put(*data)
    board.put.remote(("started", index, os.getpid()))
    last_check, cancelled = 0.0, False

    def stop_reason() -> str | None:
        nonlocal last_check, cancelled
        if not cancelled and time.monotonic() - last_check >= POLL_SECONDS:
            cancelled = ray.get(board.is_cancelled.remote(index))
            last_check = time.monotonic()
        return CANCEL if cancelled else None

    trainer = train_variant(
        config_json, lambda *e: board.put.remote((e[0], index, *e[1:])), stop_reason
    )
    if trainer.step < 1:
        return (*outcome(trainer), None)
    with tempfile.TemporaryDirectory() as tmp:
        return str(trainer.status), trainer.message, zip_run(save_run(Path(tmp) / "run", trainer))


def driver_main(tasks, events, cancels, parent_pid: int, address: str | None, cpus: int) -> None:
    """Runs in a spawned process: take every variant off `tasks`, run them on Ray,
    forward their events, write their folders. A failure of Ray itself is one "fatal"
    event with the reason; the Comparison fails what is left with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it cancels
    # A process group of its own, which the local Ray's head processes join: if this
    # driver is killed, the Comparison ends them with it (Executor.clean_up).
    os.setpgrp()
    items = []
    while (item := tasks.get()) is not None:
        items.append(item)
    try:
        import ray

        _init(ray, address, cpus)
    except Exception as exc:
        from explorer.runs.readers import one_line

        events.put(("fatal", f"Ray could not start: {one_line(exc)}"))
        return
    try:
        _warm_up(ray, len(items))
        events.put(("ready", 0))
        _drive(ray, items, events, cancels, parent_pid)
    except Exception as exc:  # the cluster went away, or Ray failed otherwise
        from explorer.runs.readers import one_line

        events.put(("fatal", f"Ray failed: {one_line(exc)}"))
    finally:
        ray.shutdown()


def _init(ray, address: str | None, cpus: int) -> None:
    try:
        _start(ray, address, cpus)
    finally:
        private_token()


def private_token() -> None:
    """Ray 2.60 leaves its auth token (~/.ray/auth_token) readable by every user of the
    machine, which lets any of them submit work to the cluster: make it the owner's."""
    token = Path.home() / ".ray" / "auth_token"
    if token.exists():
        token.chmod(0o600)
        token.parent.chmod(0o700)


def _start(ray, address: str | None, cpus: int) -> None:
    if address is None:  # a Ray of our own for this run, on this machine only
        ray.init(
            num_cpus=cpus,
            include_dashboard=False,
            log_to_driver=False,
            _node_ip_address="127.0.0.1",
            runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
        )
    else:  # the cluster's workers get the package from here
        ray.init(
            address=address,
            log_to_driver=False,
            runtime_env={"py_modules": [str(ROOT / "explorer")]},
        )


def warm() -> int:
    """A Ray task that loads torch and the trainer into its worker, then holds the CPU a
    moment so that the next one lands on another worker."""
    # The imports are the point: torch, the trainer and the bundle writer.
    import explorer.engine.training
    import explorer.runs.bundle
    import explorer.runs.zipped  # noqa: F401

    time.sleep(0.5)
    return os.getpid()


def _warm_up(ray, variants: int) -> None:
    """Load torch in as many workers as will train at once (a cold worker spends seconds
    importing it: part of starting Ray, not of any variant)."""
    cpus = int(ray.cluster_resources().get("CPU", 1))
    task = ray.remote(num_cpus=1)(warm)
    ray.get([task.remote() for _ in range(max(1, min(cpus, variants)))])


def _drive(ray, items: list, events, cancels, parent_pid: int) -> None:
    board = ray.remote(num_cpus=0)(Board).remote()
    task = ray.remote(num_cpus=1, max_retries=RETRIES)(run_variant)
    pending: dict[Any, tuple[int, str]] = {}  # task ref -> (variant index, folder)
    for index, config_json, folder, data in items:
        if cancels[index].is_set():
            events.put(("done", index, "cancelled", "Cancelled before it started.", None))
            continue
        pending[task.remote(index, config_json, data, board)] = (index, folder)
    started: set[int] = set()
    told: set[int] = set()
    while pending:
        if os.getppid() != parent_pid:  # nobody will read these runs
            for ref in pending:
                ray.cancel(ref, force=True)
            return
        done, _ = ray.wait(list(pending), num_returns=len(pending), timeout=POLL_SECONDS)
        for event in ray.get(board.drain.remote()):
            if event[0] == "started":  # the Comparison watches the driver, not Ray's workers
                started.add(event[1])
                event = (*event[:2], os.getpid())
            events.put(event)
        for ref, (index, _) in pending.items():
            if cancels[index].is_set() and index not in told:
                told.add(index)
                board.cancel.remote(index)  # a running task stops after its step
                if index not in started:  # ray.cancel would interrupt a running step
                    ray.cancel(ref)
        for ref in done:
            index, folder = pending.pop(ref)
            events.put(_result(ray, ref, index, Path(folder)))


def _result(ray, ref, index: int, folder: Path) -> tuple:
    """The "done" event of a finished task, its folder unpacked where it was reserved."""
    from explorer.runs.readers import one_line
    from explorer.runs.zipped import unpack_zip

    try:
        status, message, zipped = ray.get(ref)
    except ray.exceptions.TaskCancelledError:
        return ("done", index, "cancelled", "Cancelled before it started.", None)
    except ray.exceptions.RayError as exc:
        return ("done", index, "error", f"Ray: {one_line(exc)}", None)
    if zipped is None:
        return ("done", index, status, message, None)
    try:  # a folder that cannot be written fails this variant, not the sweep
        folder.mkdir(parents=True)
        unpack_zip(zipped, folder, max_bytes=MAX_RUN_BYTES, load=False)  # read back later
    except Exception as exc:
        return ("done", index, "error", f"Its run could not be kept: {one_line(exc)}", None)
    return ("done", index, status, message, str(folder))

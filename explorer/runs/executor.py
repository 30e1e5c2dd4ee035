"""Where a comparison's or a sweep's variants train: `local`, a pool of worker processes
on this machine (the default), or `ray`, tasks on a Ray cluster.

Both speak one protocol to the Comparison that started them: variants come in on a
queue as (index, config JSON, folder, data), events go out on another ("started",
"progress", "done", and "fatal" when the whole backend fails), and a cancel Event per
variant. The Ray driver is a child process of its own (explorer/runs/ray_driver.py): the
app's process never imports ray, and Ray ending its driver when the cluster's head dies
(after 60 s) ends that child, never the app.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

ADDRESS_ENV = "RNN_EXPLORER_RAY_ADDRESS"  # a Ray cluster's address: "auto" or HOST:PORT
CONNECT_SECONDS = 3.0  # a HOST:PORT that does not answer this fast is refused
HOST_PORT = re.compile(r"(?:ray://)?(?P<host>[^:/\s]+):(?P<port>\d{1,5})")


class ExecutorKind(str, Enum):
    LOCAL = "local"
    RAY = "ray"

    def __str__(self) -> str:
        return self.value


class ExecutorError(ValueError):
    """An executor that cannot be used as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Executor:
    """kind, and for Ray the cluster's address (None: a local Ray started for the run
    and shut down after it)."""

    kind: ExecutorKind = ExecutorKind.LOCAL
    address: str | None = None

    @classmethod
    def choose(
        cls,
        kind: str | None = None,
        address: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Executor:
        """From the command line or the app's settings, falling back on the environment:
        an address in RNN_EXPLORER_RAY_ADDRESS means Ray, none means local.

        >>> Executor.choose(environ={})
        Executor(kind=<ExecutorKind.LOCAL: 'local'>, address=None)
        >>> Executor.choose(environ={"RNN_EXPLORER_RAY_ADDRESS": "auto"}).kind
        <ExecutorKind.RAY: 'ray'>
        """
        environ = os.environ if environ is None else environ
        address = address or environ.get(ADDRESS_ENV) or None
        if kind is None:
            kind = ExecutorKind.RAY if address else ExecutorKind.LOCAL
        try:
            chosen = ExecutorKind(kind)
        except ValueError:
            raise ExecutorError(f"executor: {kind!r}; use local or ray") from None
        if chosen is ExecutorKind.LOCAL and address:
            raise ExecutorError("executor local takes no --address (that is for ray)")
        return cls(chosen, address)

    @property
    def label(self) -> str:
        if self.kind is ExecutorKind.LOCAL:
            return "local worker processes"
        return f"Ray at {self.address}" if self.address else "a local Ray started for this run"

    def check(self) -> None:
        """Refuse at once what would fail later: ray not installed, an address that is
        not "auto" or HOST:PORT, or one where nothing answers (ray.init would wait on it
        for minutes)."""
        if self.kind is ExecutorKind.LOCAL:
            return
        if importlib.util.find_spec("ray") is None:
            raise ExecutorError(
                "executor ray: ray is not installed here; pip install -r requirements-ray.txt"
            )
        if self.address in (None, "auto"):
            return
        match = HOST_PORT.fullmatch(self.address)
        if match is None:
            raise ExecutorError(f"ray address {self.address!r}: use auto or HOST:PORT")
        host, port = match["host"], int(match["port"])
        try:
            with socket.create_connection((host, port), timeout=CONNECT_SECONDS):
                pass
        except OSError as exc:
            raise ExecutorError(
                f"ray address {self.address}: nothing answers there ({exc.strerror or exc}); "
                "is the cluster up (ray start --head)?"
            ) from None

    def clean_up(self, processes: list) -> None:
        """After the backend's processes ended (or were killed): end whatever they left.
        A Ray driver that was killed leaves its local Ray's head processes, which shared
        its process group, running for a minute or more."""
        if self.kind is ExecutorKind.LOCAL:
            return
        for process in processes:
            if process.pid is not None and not process.is_alive():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)

    def start(self, ctx: Any, tasks: Any, events: Any, cancels: list, workers: int) -> list:
        """Start the processes that take the variants off `tasks`; returns them. For Ray
        it is one driver process, and `workers` caps the CPUs of a Ray started here."""
        from explorer.runs.worker import worker_main

        if self.kind is ExecutorKind.LOCAL:
            target, args = worker_main, (tasks, events, cancels, os.getpid())
            count = workers
        else:
            from explorer.runs.ray_driver import driver_main

            target, args = driver_main, (tasks, events, cancels, os.getpid(), self.address, workers)
            count = 1
        processes = []
        for n in range(count):
            process = ctx.Process(target=target, args=args, name=f"{self.kind}-{n}", daemon=True)
            process.start()
            processes.append(process)
        return processes

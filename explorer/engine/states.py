"""A run's state, one vocabulary from the trainer up: the live run, a comparison's
variants, the saved summary and the pages all speak it."""

from __future__ import annotations

from enum import Enum


class RunState(str, Enum):
    """A run's state. A str, so a state compares equal to its name ("completed") where
    it is written to disk or read by a test."""

    IDLE = "idle"
    READY = "ready"  # a trainer built or part-way: it takes another step when asked
    STARTING = "starting"
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    DIVERGED = "diverged"
    STOPPED = "stopped"
    CANCELLED = "cancelled"  # a comparison's variant cancelled before it trained
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


ACTIVE = frozenset({RunState.STARTING, RunState.QUEUED, RunState.RUNNING})
FINISHED = frozenset(
    {RunState.COMPLETED, RunState.DIVERGED, RunState.STOPPED, RunState.CANCELLED, RunState.ERROR}
)

"""What a run is doing, as data: one RunState for the trainer, the live run and a
comparison's variants, a Reason (a code and the values its words need, put into words by
the UI in the page's language, never English to parse), and the Snapshot a page reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.engine.states import ACTIVE, FINISHED, RunState

__all__ = ["ACTIVE", "FINISHED", "Reason", "RunState", "Snapshot"]

if TYPE_CHECKING:
    import torch

    from explorer.config import RunConfig
    from explorer.engine.history import History
    from explorer.tasks.predictions import Predictions


@dataclass(frozen=True)
class Reason:
    """Why a run is in its state: `code` names the words (the UI's text "msg.<code>"),
    `values` fill them in. "paused_idle" (its tab went away), "released" (its session
    ended), "error" (detail), "queued" (position, capacity), ..."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """What the UI may read about a run at one moment."""

    config: RunConfig
    state: RunState
    message: str  # in English, for logs and the command line; a page shows `reason`
    step: int
    history: History
    predictions: Predictions | None
    model_state: dict[str, torch.Tensor] | None  # a copy of the weights, for analysis
    baseline_loss: float | None
    saved_to: Path | None = None  # the run folder, once the finished run is on disk
    queue_position: int | None = None  # 1 = next to train, while the state is "queued"
    reason: Reason = field(default_factory=lambda: Reason("idle"))
    queue_capacity: int | None = None  # runs this server process trains at once
    example: str | None = None  # a recorded example's name (explorer.runs.examples)

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

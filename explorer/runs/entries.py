"""What a comparison tells the UI: each variant's state, and finished runs as entries."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.config import RunConfig
from explorer.engine.states import FINISHED, RunState

if TYPE_CHECKING:  # the command line imports this module before torch: keep it light
    from explorer.engine.history import History


# -- the parent side -----------------------------------------------------------------------
@dataclass(frozen=True)
class VariantState:
    """What the UI may read about one variant at one moment."""

    index: int
    name: str
    config: RunConfig
    state: RunState
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
        return self.state in FINISHED


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

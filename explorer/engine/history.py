"""A run's history: what every step, validation and probe recorded, in append-only lists.

The trainer appends; a live run hands out `snapshot()` copies under a lock, and figures,
the run folder and the command line only ever read those copies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from explorer.engine.records import ProbeRecord, SpectrumRecord

if TYPE_CHECKING:
    import pandas as pd

# Hidden-state snapshots are the bulky part of a history: (P, T, H) floats each.
HIDDEN_BYTES_BUDGET = 16 * 2**20
# Probe records: a 100k-step run probed every step would otherwise hold 100k x T norms.
MAX_PROBES = 4096
HIDDEN_SNAPSHOTS = 64  # aimed-for number of hidden-state snapshots over a run


@dataclass(frozen=True)
class StepRecord:
    step: int  # 1-based: the number of optimizer steps taken after this one
    loss: float
    grad_norm: float  # global L2 norm before clipping
    grad_norm_clipped: float  # after clipping (equal to grad_norm when not clipped)
    clipped: bool
    seconds: float  # wall time of the training step itself
    accuracy: float | None = None  # of the training batch; classification tasks only


@dataclass(frozen=True)
class HiddenRecord:
    step: int
    states: np.ndarray  # (P, T, H): top-layer hidden states of the probe sequences


@dataclass
class History:
    steps: list[StepRecord] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    probes: list[ProbeRecord] = field(default_factory=list)
    hidden: list[HiddenRecord] = field(default_factory=list)
    spectra: list[SpectrumRecord] = field(default_factory=list)
    hidden_every: int = 1  # doubles whenever the snapshot budget fills: keeps them spread
    val_accuracies: list[float] = field(default_factory=list)  # with val_steps; classifiers

    def snapshot(self) -> History:
        """Shallow copies of the lists; the records themselves are immutable."""
        return History(
            list(self.steps),
            list(self.val_steps),
            list(self.val_losses),
            list(self.probes),
            list(self.hidden),
            list(self.spectra),
            self.hidden_every,
            list(self.val_accuracies),
        )

    def add_probe(self, record: ProbeRecord) -> None:
        self.probes.append(record)
        if len(self.probes) > MAX_PROBES:  # thin out as add_hidden does; charts show <= 240
            self.probes = [*self.probes[:-1:2], self.probes[-1]]

    def add_hidden(self, record: HiddenRecord) -> None:
        self.hidden.append(record)
        cap = max(4, HIDDEN_BYTES_BUDGET // max(record.states.nbytes, 1))
        if len(self.hidden) > cap:  # thin out: keep the first, the last and every other
            self.hidden = [*self.hidden[:-1:2], self.hidden[-1]]
            self.hidden_every *= 2

    # -- views -----------------------------------------------------------------------
    @property
    def last_step(self) -> int:
        return self.steps[-1].step if self.steps else 0

    def column(self, name: str) -> np.ndarray:
        return np.asarray([getattr(r, name) for r in self.steps], dtype=float)

    def metrics_frame(self) -> pd.DataFrame:
        """One row per step; val_loss is NaN (empty in CSV) where not evaluated. A
        classifier's run adds accuracy and val_accuracy after the usual columns."""
        import pandas as pd  # here: a page that only draws a history never needs pandas

        frame = pd.DataFrame(
            {
                "step": [r.step for r in self.steps],
                "loss": [r.loss for r in self.steps],
                "val_loss": np.nan,
                "grad_norm": [r.grad_norm for r in self.steps],
                "grad_norm_clipped": [r.grad_norm_clipped for r in self.steps],
                "clipped": [r.clipped for r in self.steps],
                "seconds": [r.seconds for r in self.steps],
            }
        )
        if self.val_steps and len(frame):
            val = dict(zip(self.val_steps, self.val_losses, strict=True))
            frame["val_loss"] = frame["step"].map(val)
        if self.has_accuracy:
            frame["accuracy"] = [np.nan if r.accuracy is None else r.accuracy for r in self.steps]
            frame["val_accuracy"] = np.nan
            if self.val_accuracies and len(frame):
                acc = dict(zip(self.val_steps, self.val_accuracies, strict=True))
                frame["val_accuracy"] = frame["step"].map(acc)
        return frame

    @property
    def has_accuracy(self) -> bool:
        return bool(self.val_accuracies) or any(r.accuracy is not None for r in self.steps)

    def dh_full_matrix(self, layer: int = -1) -> tuple[np.ndarray, np.ndarray] | None:
        """(probe steps (K,), full-BPTT ||dL/dh_t|| (K, T)) of the probes that carry the
        reference (truncated runs only); None when none does."""
        probes = [p for p in self.probes if p.dh_full is not None]
        if not probes:
            return None
        steps = np.asarray([p.step for p in probes], dtype=int)
        return steps, np.stack([p.dh_full[layer] for p in probes])

    def dh_matrix(self, layer: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """(probe steps (K,), ||dL/dh_t|| (K, T)) for one layer (default: the top)."""
        steps = np.asarray([p.step for p in self.probes], dtype=int)
        if not self.probes:
            return steps, np.zeros((0, 0))
        return steps, np.stack([p.dh[layer] for p in self.probes])

    def dc_matrix(self, layer: int = -1) -> tuple[np.ndarray, np.ndarray] | None:
        if not self.probes or self.probes[0].dc is None:
            return None
        steps = np.asarray([p.step for p in self.probes], dtype=int)
        return steps, np.stack([p.dc[layer] for p in self.probes])

    def clipped_fraction(self) -> float:
        return float(np.mean([r.clipped for r in self.steps])) if self.steps else 0.0

    def steps_per_second(self, window: int = 50) -> float:
        """Over the last `window` steps, from their own timings (validation excluded)."""
        recent = [r.seconds for r in self.steps[-window:]]
        total = sum(recent)
        return len(recent) / total if total > 0 else 0.0

    def final_val_loss(self) -> float:
        return self.val_losses[-1] if self.val_losses else math.nan

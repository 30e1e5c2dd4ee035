"""A model's predictions next to the truth, as a task draws them: one step ahead from true
inputs (the fit) and free-running, fed its own outputs (whether it learnt the dynamics or
only to copy its input). The model is anything callable as model(x, state) -> (y, state),
time-major: this module needs no import from the engine.

The record itself needs neither torch nor pandas (a recorded run draws it on a page that
has imported neither); the functions that compute one live in explorer.tasks.predict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Predictions:
    t: np.ndarray  # (N,) time axis (the sine's t, a series' row)
    truth: np.ndarray  # (N,) the clean signal
    one_step: np.ndarray  # (N,) one-step-ahead prediction from true inputs; NaN where undefined
    free_running: np.ndarray  # (N,) fed its own outputs after the warm-up; NaN during it
    warmup: int  # number of true inputs used before free-running

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "t": self.t,
                "truth": self.truth,
                "one_step": self.one_step,
                "free_running": self.free_running,
            }
        )

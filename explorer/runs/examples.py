"""The recorded runs every page opens on before Train: a run of the default settings and
one of each lesson watched on the Train page, shipped as run folders under
explorer/data/examples (made by scripts/make_examples.py with the command line).

Read with numpy and the csv module alone, and drawn from the task's facts
(explorer.tasks.facts): a first page shows a real run without importing torch or pandas.
These are the repository's own files, written by explorer.runs.bundle; an upload goes
through bundle.load_run, which checks everything.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from explorer.config import RunConfig
from explorer.engine.history import HIDDEN_SNAPSHOTS
from explorer.runs.history_io import history_from
from explorer.runs.states import Reason, RunState, Snapshot
from explorer.tasks.predictions import Predictions

if TYPE_CHECKING:
    import torch

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "examples"
DEFAULT = "default"  # the sidebar's default settings
KEPT_SNAPSHOTS = 8  # hidden-state snapshots an example keeps


def example_name(preset: str | None) -> str:
    """The example a page opens on: the lesson's own recorded run, else the default's."""
    if preset and (EXAMPLES_DIR / preset / "summary.json").is_file():
        return preset
    return DEFAULT


def example_race(preset: str | None) -> Path | None:
    """A race lesson's recorded comparison: a group folder of its variants' run folders."""
    folder = EXAMPLES_DIR / (preset or "")
    if preset and folder.is_dir() and not (folder / "summary.json").is_file():
        return folder
    return None


@functools.lru_cache(maxsize=16)
def example_snapshot(name: str) -> Snapshot:
    """The recorded run as a finished run's snapshot, marked as an example."""
    folder = EXAMPLES_DIR / name
    config = RunConfig.from_json((folder / "config.json").read_text())
    summary = json.loads((folder / "summary.json").read_text())
    with np.load(folder / "gradflow.npz") as g, np.load(folder / "hidden.npz") as h:
        gradflow = {k: g[k] for k in g.files}
        hidden = {k: h[k] for k in h.files}
    every = max(1, math.ceil(config.steps / HIDDEN_SNAPSHOTS))
    history = history_from(
        read_columns(folder / "metrics.csv"), gradflow, hidden, config.layers, every
    )
    return Snapshot(
        config,
        RunState.COMPLETED,
        f"The recorded example {name!r}.",
        history.last_step,
        history,
        read_predictions(folder / "predictions.csv"),
        None,  # the weights load with torch, when a page needs them (example_weights)
        summary.get("baseline_loss"),
        reason=Reason("example"),
        example=name,
    )


def example_weights(name: str) -> dict[str, torch.Tensor]:
    import torch

    return torch.load(EXAMPLES_DIR / name / "model.pt", map_location="cpu", weights_only=True)


def read_columns(path: Path) -> dict[str, np.ndarray]:
    """A CSV of numbers (and True/False) as one float array per column; empty cells NaN."""
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cells = np.asarray([[_number(c) for c in row] for row in body], dtype=float)
    cells = cells.reshape(len(body), len(header))
    return {name: cells[:, i] for i, name in enumerate(header)}


def read_predictions(path: Path) -> Predictions | None:
    """The sine tasks' curve; the warm-up is where free-running begins (NaN before)."""
    if not path.is_file():
        return None
    c = read_columns(path)
    started = np.flatnonzero(np.isfinite(c["free_running"]))
    warmup = int(started[0]) if started.size else len(c["t"])
    return Predictions(c["t"], c["truth"], c["one_step"], c["free_running"], warmup)


def _number(cell: str) -> float:
    if cell in ("True", "False"):
        return float(cell == "True")
    return float(cell) if cell else np.nan

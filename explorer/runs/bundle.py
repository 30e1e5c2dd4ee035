"""A run on disk: one folder of plain files that a spreadsheet, numpy or torch can open.

    config.json       the RunConfig (replay with `python -m explorer train --config`)
    metrics.csv       one row per step; val_loss empty where not evaluated
    gradflow.npz      ||dL/dh_t|| per probe step and layer, parameter norms, W_hh spectra
    hidden.npz        hidden-state snapshots and the PCA of the last one
    predictions.csv   sine and series tasks: truth, one-step and free-running predictions
                      (a series' in its own units; t is its row, date its date if it has one)
    model.pt          the weights (a state_dict of plain tensors)
    summary.json      the headline numbers (explorer.engine.analysis.run_summary)
    data.csv          series with a user's data: the very bytes trained on; config.json
    data.txt          (chars) names them by their SHA-256, checked on loading
    samples.txt       chars: text sampled at a few temperatures

Loading treats a folder or a zip as untrusted (it may be an upload): names, sizes and
shapes are checked, and the weights are read with torch.load(weights_only=True), which
refuses pickled code. Every refusal is a BundleError with a one-line message.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from explorer.config import RunConfig, data_kind
from explorer.engine.analysis import hidden_pca, predictions, run_summary
from explorer.engine.history import HIDDEN_SNAPSHOTS, History
from explorer.engine.training import Trainer
from explorer.runs.history_io import history_from
from explorer.runs.readers import (
    BundleError,
    mib,
    one_line,
    read_config,
    read_csv,
    read_json,
    read_npz,
    read_weights,
)
from explorer.tasks.datasource import DATA_SUFFIX, data_file
from explorer.tasks.datastore import MAX_DATA_BYTES, STORE, DataError, content_key, short_key
from explorer.tasks.tables import date_strings

REQUIRED_FILES = (
    "config.json",
    "metrics.csv",
    "gradflow.npz",
    "hidden.npz",
    "model.pt",
    "summary.json",
)
OPTIONAL_FILES = ("predictions.csv", "data.csv", "data.txt", "samples.txt")
KNOWN_FILES = frozenset(REQUIRED_FILES + OPTIONAL_FILES)
METRIC_COLUMNS = (
    "step",
    "loss",
    "val_loss",
    "grad_norm",
    "grad_norm_clipped",
    "clipped",
    "seconds",
)
GRADFLOW_KEYS = (
    "steps",
    "dh",
    "horizon",
    "param_names",
    "param_norms",
    "spectrum_steps",
    "spectral_radius",
    "sigma_max",
)


@dataclass(frozen=True)
class LoadedRun:
    config: RunConfig
    metrics: pd.DataFrame  # one row per step, METRIC_COLUMNS
    summary: dict[str, Any]
    gradflow: dict[str, np.ndarray]  # the arrays of gradflow.npz
    state_dict: dict[str, torch.Tensor]
    hidden: dict[str, np.ndarray] = field(default_factory=dict)  # the arrays of hidden.npz
    predictions: pd.DataFrame | None = None  # sine tasks only


# -- saving ------------------------------------------------------------------------------
def save_run(folder: Path, trainer: Trainer) -> Path:
    """Write the run folder (created if needed, known files overwritten); returns it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    history = trainer.history.snapshot()
    (folder / "config.json").write_text(trainer.config.to_json() + "\n")
    history.metrics_frame().to_csv(folder / "metrics.csv", index=False)
    np.savez(folder / "gradflow.npz", **_gradflow_arrays(trainer, history))
    states = np.stack([h.states for h in history.hidden])  # (S, P, T, H)
    pca = hidden_pca(states[-1], history.hidden[-1].step)
    np.savez_compressed(
        folder / "hidden.npz",
        steps=np.asarray([h.step for h in history.hidden], dtype=np.int64),
        states=states,
        pca_coords=pca.coords,
        pca_explained=pca.explained,
    )
    curve = predictions(trainer.model, trainer.task)
    if curve is not None:
        frame = curve.to_frame()
        dates = trainer.task.dates_at(curve.t)
        if dates is not None:
            frame.insert(1, "date", date_strings(dates))  # beside t, the row: both kept
        frame.to_csv(folder / "predictions.csv", index=False)
    if (data := data_file(trainer.config)) is not None:
        (folder / f"data.{DATA_SUFFIX[data_kind(trainer.config.task)]}").write_bytes(data.raw)
    if trainer.task.kind == "language":
        from explorer.tasks.sampling import samples_text

        samples = samples_text(trainer.model, trainer.task, trainer.config.seed)  # type: ignore[arg-type]
        (folder / "samples.txt").write_text(samples, encoding="utf-8")
    torch.save(trainer.model.state_dict(), folder / "model.pt")
    summary = run_summary(trainer)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return folder


def _gradflow_arrays(trainer: Trainer, history) -> dict[str, np.ndarray]:
    names = [name for name, _ in trainer.model.named_parameters()]
    T = trainer.probe.x.shape[0]
    return gradflow_arrays(history, names, trainer.model.layers, trainer.model.cell == "lstm", T)


def gradflow_arrays(
    history: History, names: list[str], layers: int, lstm: bool, T: int
) -> dict[str, np.ndarray]:
    """Probe records as (K, T) matrices per layer, spectra as (S, L): gradflow.npz's arrays
    (also a watched module's, explorer.watch.folder)."""
    probes = history.probes
    arrays: dict[str, np.ndarray] = {
        "steps": np.asarray([p.step for p in probes], dtype=np.int64),
        "horizon": np.asarray([-1 if p.horizon is None else p.horizon for p in probes], np.int64),
        "param_names": np.asarray(names, dtype=str),
        "param_norms": np.asarray(
            [[p.param_norms.get(n, np.nan) for n in names] for p in probes], dtype=np.float64
        ).reshape(len(probes), len(names)),
        "spectrum_steps": np.asarray([s.step for s in history.spectra], dtype=np.int64),
        "spectral_radius": np.asarray([s.spectral_radius for s in history.spectra], np.float64),
        "sigma_max": np.asarray([s.sigma_max for s in history.spectra], np.float64),
    }
    for layer in range(layers):
        arrays[f"dh_l{layer}"] = _stack([p.dh[layer] for p in probes], T)
        if lstm:
            arrays[f"dc_l{layer}"] = _stack([p.dc[layer] for p in probes], T)
    top = layers - 1
    arrays["dh"] = arrays[f"dh_l{top}"]
    if lstm:
        arrays["dc"] = arrays[f"dc_l{top}"]
    if any(p.dh_full is not None for p in probes):  # truncated BPTT's full reference
        nan = np.full(T, np.nan)
        for layer in range(layers):
            rows = [p.dh_full[layer] if p.dh_full is not None else nan for p in probes]
            arrays[f"dh_full_l{layer}"] = _stack(rows, T)
    return arrays


def _stack(rows: list[np.ndarray], T: int) -> np.ndarray:
    return np.stack(rows).astype(np.float64) if rows else np.zeros((0, T))


# -- loading -----------------------------------------------------------------------------
def load_run(folder: Path) -> LoadedRun:
    """Read and validate a run folder; BundleError says what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BundleError(f"{folder} is not a folder")
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise BundleError(
            f"missing {', '.join(missing)} (a run folder needs all of {', '.join(REQUIRED_FILES)})"
        )
    config = read_config(folder / "config.json")
    metrics = read_csv(folder / "metrics.csv", METRIC_COLUMNS)
    summary = read_json(folder / "summary.json")
    gradflow = read_npz(folder / "gradflow.npz", GRADFLOW_KEYS)
    hidden = read_npz(folder / "hidden.npz", ("steps", "states"))
    _load_data(folder, config, summary)
    try:
        state_dict = read_weights(folder / "model.pt", config)
    except DataError as exc:  # the task cannot use the data (kept, but e.g. too short)
        raise BundleError(f"data: {one_line(exc)}") from None
    predictions = None
    if (folder / "predictions.csv").is_file():
        predictions = read_csv(
            folder / "predictions.csv", ("t", "truth", "one_step", "free_running")
        )
    return LoadedRun(config, metrics, summary, gradflow, state_dict, hidden, predictions)


def _load_data(folder: Path, config: RunConfig, summary: dict[str, Any]) -> None:
    """A run on a user's data keeps the bytes beside its config; they must hash to the
    key config.json names. Registered in the data store, so the task can be rebuilt."""
    if not config.data:
        return
    name = f"data.{DATA_SUFFIX[data_kind(config.task)]}"
    path = folder / name
    if not path.is_file():
        raise BundleError(f"config.json names data {short_key(config.data)} but {name} is missing")
    if path.stat().st_size > MAX_DATA_BYTES:
        raise BundleError(f"{name}: larger than the {mib(MAX_DATA_BYTES)} data limit")
    raw = path.read_bytes()
    if content_key(raw) != config.data:
        raise BundleError(f"{name} does not match the data key in config.json (changed?)")
    STORE.put(str(summary.get("data_name") or name), raw)


# -- a History back from a folder --------------------------------------------------------
def load_history(folder: Path) -> History:
    """The run's History rebuilt from its folder (validated as load_run does), so a saved or
    uploaded run draws with the same figure functions as a live one."""
    return history_of(load_run(folder))


def history_of(run: LoadedRun) -> History:
    """The run's History from its loaded files (explorer.runs.history_io)."""
    metrics = {name: run.metrics[name].to_numpy() for name in run.metrics.columns}
    hidden_every = max(1, math.ceil(run.config.steps / HIDDEN_SNAPSHOTS))
    return history_from(metrics, run.gradflow, run.hidden, run.config.layers, hidden_every)

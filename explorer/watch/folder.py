"""A watched run on disk: the app's run-folder formats where they apply, and watch.json in
place of config.json, model.pt and hidden.npz (a watched model is the caller's, not one
the app can rebuild):

    watch.json     where it came from: "source": "watch", the module's class, cell, layers,
                   sizes, batch_first, the probe schedule, torch version, created time
    metrics.csv    one row per step, explorer.runs.bundle.METRIC_COLUMNS (loss and
                   val_loss empty unless the caller used probe.log)
    gradflow.npz   bundle.GRADFLOW_KEYS plus dh_l{k} (and dc_l{k} for an LSTM), (K, T)
    summary.json   the headline numbers, one entry per layer (explorer.watch.notebook)

Loading validates as explorer.runs.readers does: every refusal a one-line BundleError.

>>> import tempfile, torch
>>> from torch import nn
>>> from explorer.watch import watch
>>> lstm = nn.LSTM(2, 4, num_layers=2)
>>> probe = watch(lstm, interval=1)
>>> lstm(torch.randn(6, 3, 2))[0].sum().backward()  # x: (T, B, F)
>>> with tempfile.TemporaryDirectory() as tmp:
...     run = load_watched(probe.save(tmp))
...     is_watched_folder(tmp), run.meta["cell"], run.history.probes[0].dc[1].shape
(True, 'lstm', (6,))
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from explorer.engine.history import History
from explorer.runs.bundle import GRADFLOW_KEYS, METRIC_COLUMNS, gradflow_arrays
from explorer.runs.folders import WATCH_SOURCE as SOURCE
from explorer.runs.folders import is_watched_folder as is_watched_folder  # the API's
from explorer.runs.history_io import history_from
from explorer.runs.readers import BundleError, read_csv, read_json, read_npz
from explorer.watch.spec import MODES

WATCH_FILES = ("watch.json", "metrics.csv", "gradflow.npz", "summary.json")
CELLS = frozenset(cell for cell, _ in MODES.values())
MAX_LAYERS = 64  # a sanity bound on what a folder may claim


@dataclass(frozen=True)
class WatchedRun:
    meta: dict[str, Any]  # watch.json
    history: History  # steps, validation, probes and spectra; no hidden states
    summary: dict[str, Any]  # summary.json


def save_watched(
    folder: Path | str, history: History, meta: dict[str, Any], summary: dict[str, Any]
) -> Path:
    """Write the folder (created if needed, its files overwritten); returns it. `history`
    must hold profiles of one length (Probe.history pads them)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / "watch.json", meta)
    history.metrics_frame().to_csv(folder / "metrics.csv", index=False)
    T = len(history.probes[0].dh[0]) if history.probes else 0
    names = list(history.probes[0].param_norms) if history.probes else []
    arrays = gradflow_arrays(history, names, meta["layers"], meta["cell"] == "lstm", T)
    np.savez(folder / "gradflow.npz", **arrays)
    _write_json(folder / "summary.json", summary)
    return folder


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Strict JSON: NaN and infinities become null."""
    path.write_text(json.dumps(_finite(data), indent=2, allow_nan=False) + "\n")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def load_watched(folder: Path | str) -> WatchedRun:
    """Read and validate a watched run folder; BundleError says what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BundleError(f"{folder} is not a folder")
    missing = [name for name in WATCH_FILES if not (folder / name).is_file()]
    if missing:
        raise BundleError(
            f"missing {', '.join(missing)} (a watched run folder needs all of "
            f"{', '.join(WATCH_FILES)})"
        )
    meta = _read_meta(folder / "watch.json")
    metrics = read_csv(folder / "metrics.csv", METRIC_COLUMNS)
    layers = meta["layers"]
    per_layer = [f"dh_l{k}" for k in range(layers)]
    if meta["cell"] == "lstm":
        per_layer += [f"dc_l{k}" for k in range(layers)]
    gradflow = read_npz(folder / "gradflow.npz", GRADFLOW_KEYS + tuple(per_layer))
    columns = {name: metrics[name].to_numpy() for name in metrics.columns}
    no_states = {"steps": np.zeros(0, np.int64), "states": np.zeros((0, 0, 0, 0))}
    history = history_from(columns, gradflow, no_states, layers)
    return WatchedRun(meta, history, read_json(folder / "summary.json"))


def _read_meta(path: Path) -> dict[str, Any]:
    meta = read_json(path)
    if meta.get("source") != SOURCE:
        raise BundleError(f'watch.json: "source" is {meta.get("source")!r}, not "{SOURCE}"')
    if meta.get("cell") not in CELLS:
        raise BundleError(f"watch.json: cell {meta.get('cell')!r} is not one of {sorted(CELLS)}")
    for key in ("layers", "hidden", "input_size"):
        value = meta.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not value >= 1:
            raise BundleError(f"watch.json: {key} must be a positive whole number, got {value!r}")
    if meta["layers"] > MAX_LAYERS:
        raise BundleError(f"watch.json: {meta['layers']} layers is more than {MAX_LAYERS}")
    return meta

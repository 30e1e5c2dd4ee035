"""Reading a run folder's files, each refused with a one-line reason (BundleError) when
it is not what a saved run holds: weights read with weights_only=True. pandas and torch
load where a file needs them: config, JSON and arrays are read without either."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from explorer.config import ConfigError, RunConfig

if TYPE_CHECKING:
    import pandas as pd
    import torch


class BundleError(ValueError):
    """A run folder or zip that cannot be loaded; the message says what is wrong."""


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def read_config(path: Path) -> RunConfig:
    try:
        return RunConfig.from_json(path.read_text())
    except (ConfigError, UnicodeDecodeError) as exc:
        raise BundleError(f"config.json: {one_line(exc)}") from None


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path.name}: not valid JSON ({one_line(exc)})") from None
    if not isinstance(data, dict):
        raise BundleError(f"{path.name}: expected a JSON object")
    return data


def read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path.name}: not a readable CSV ({one_line(exc)})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BundleError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return frame


def read_npz(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise BundleError(
            f"{path.name}: not a readable .npz of plain arrays ({one_line(exc)})"
        ) from None
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise BundleError(f"{path.name}: missing array(s) {', '.join(missing)}")
    return arrays


def read_weights(path: Path, config: RunConfig) -> dict[str, torch.Tensor]:
    """Plain tensors only (weights_only refuses pickled code), with exactly the names and
    shapes of the model the config builds."""
    import torch

    from explorer.engine.models import build_model
    from explorer.tasks import make_task

    try:
        weights = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # the unpickler raises many kinds; all mean "refused"
        raise BundleError(
            f"model.pt: refused, not a plain state_dict of tensors ({one_line(exc)})"
        ) from None
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in weights.items()
    ):
        raise BundleError("model.pt: expected a state_dict mapping names to tensors")
    expected = build_model(config, make_task(config)).state_dict()
    if set(weights) != set(expected):
        extra, absent = sorted(set(weights) - set(expected)), sorted(set(expected) - set(weights))
        raise BundleError(
            f"model.pt: parameter names do not match a {config.cell} model of "
            f"{config.layers} layer(s) (unexpected: {extra or 'none'}; missing: {absent or 'none'})"
        )
    for name, tensor in expected.items():
        if not weights[name].is_floating_point():
            raise BundleError(f"model.pt: {name} holds {weights[name].dtype}, not floats")
        if weights[name].shape != tensor.shape:
            raise BundleError(
                f"model.pt: {name} has shape {tuple(weights[name].shape)}, expected "
                f"{tuple(tensor.shape)} for hidden={config.hidden}"
            )
    return dict(weights)

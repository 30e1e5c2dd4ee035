"""Argument text -> checked values: the run's config, the counts, the target, the folder.

Nothing here imports torch (a bad argument must cost a fraction of a second, not the
seconds torch takes), except checking a --data file, which loads the tasks, and the default
target loss, which needs the task's baseline. Each failure is a ConfigError (or a
CompareError) naming the setting, so main() prints `error: <field>: <why>`.

>>> positive("workers", "4", default=1), positive("workers", None, default=1)
(4, 1)
>>> positive("workers", "0", default=1)
Traceback (most recent call last):
...
explorer.config.ConfigError: workers: 0 is out of range; allowed 1 to 64
"""

from __future__ import annotations

import argparse
import contextlib
import math
from dataclasses import fields
from pathlib import Path
from typing import Any

from explorer.config import DATA_TASKS, ConfigError, RunConfig
from explorer.runs.folders import runs_dir
from explorer.runs.variants import CompareError, parse_vary

MAX_THREADS = 64
FIELD_NAMES = tuple(f.name for f in fields(RunConfig))

# Which setting a data problem is about, so the message names what to change.
_DATA_FIELDS = {
    "unknown_column": "column",
    "gaps": "column",
    "constant": "column",
    "too_short_for_window": "seq_len",
    "text_too_short_for_window": "seq_len",
}


def resolve_config(args: argparse.Namespace) -> RunConfig:
    """The saved config (if any) overlaid with the flags given; ConfigError on bad input."""
    values: dict[str, Any] = _saved_config(args.config) if args.config else {}
    flags = {n: getattr(args, n) for n in FIELD_NAMES if n != "data"}
    values.update({n: v for n, v in flags.items() if v is not None})
    if args.data:
        task = str(values.get("task", RunConfig().task)).strip().lower()
        if task not in DATA_TASKS:
            raise ConfigError("data", f"--data is read by --task series or chars, not {task}")
        values["data"] = _read_data(args.data)
    elif args.config and values.get("data"):
        _data_beside(Path(args.config))
    config = RunConfig.from_dict(values)
    _check_data(config)
    return config


def _saved_config(path: str) -> dict[str, Any]:
    """A config.json's values; its errors name the file, since the flags are not to blame."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a text file"
        raise ConfigError("config", f"cannot read {path} ({reason})") from None
    try:
        return RunConfig.from_json(text).to_dict()
    except ConfigError as exc:
        reason = str(exc).removeprefix(f"{exc.field}: ")
        raise ConfigError(exc.field, f"{reason} (in {path})") from None


def _read_data(path: str) -> str:
    """Read and register the file --data names; its content key goes into the config."""
    from explorer.tasks.datastore import DataError, read_file

    try:
        return read_file(path).key
    except DataError as exc:
        where = "" if exc.code == "unreadable" else f"{path}: "
        raise ConfigError("data", f"{where}{exc}") from None


def _data_beside(config_path: Path) -> None:
    """Replaying a run folder's config.json: register the data.csv or data.txt beside it
    (the config names it by its hash; a wrong or missing file is caught by _check_data)."""
    from explorer.tasks.datastore import DataError, read_file

    for name in ("data.csv", "data.txt"):
        if (config_path.parent / name).is_file():
            with contextlib.suppress(DataError):
                read_file(config_path.parent / name)


def _check_data(config: RunConfig) -> None:
    """Parse the task's data now, so a bad file answers before training starts. Only the
    tasks that read data have any to check; the others skip the import, which loads
    explorer.tasks and with it torch (seconds), so their argument errors answer at once."""
    if config.task not in DATA_TASKS:
        return
    from explorer.tasks.datasource import check_data
    from explorer.tasks.datastore import DataError

    try:
        check_data(config)
    except DataError as exc:
        raise ConfigError(_DATA_FIELDS.get(exc.code, "data"), str(exc)) from None


def positive(
    name: str, text: str | None, default: int, high: int = MAX_THREADS, low: int = 1
) -> int:
    """--threads, --workers, --random, --search-seed: a whole number from low to high."""
    if text is None:
        return default
    try:
        n = int(text)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {text!r}") from None
    if not low <= n <= high:
        raise ConfigError(name, f"{n} is out of range; allowed {low} to {high}")
    return n


def vary(texts: list[str]) -> dict[str, list[str]]:
    """--vary flags -> {knob: values}; a knob given twice is refused."""
    knobs: dict[str, list[str]] = {}
    for text in texts:
        knob, values = parse_vary(text)
        if knob in knobs:
            raise CompareError(f"vary: {knob} is given twice; list its values once")
        knobs[knob] = values
    return knobs


def target_loss(text: str | None, config: RunConfig) -> float:
    """--target-loss, or a tenth of the baseline (needs the task, so torch: after parsing)."""
    if text is None:
        from explorer.runs.table import default_target

        return default_target(config)
    try:
        value = float(text)
    except ValueError:
        raise ConfigError("target-loss", f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ConfigError("target-loss", f"{text} is not a loss; give a number >= 0")
    return value


def out_folder(out: str | None, runs: str | None, default_name: str) -> Path:
    """--out, or a new folder under the runs directory; created now, so a folder that
    cannot be made fails before minutes of training rather than after."""
    folder = Path(out) if out else runs_dir(runs) / default_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("out", f"cannot create {folder} ({exc.strerror})") from None
    return folder


def sweep_variants(args: argparse.Namespace) -> tuple[RunConfig, list, list[str]]:
    """(base config, variants, the knobs swept) of `sweep`: --grid's cross product, or
    --random N draws from --space."""
    from explorer.runs.sweep import MAX_SWEEP, grid_variants, parse_range, random_variants

    config = resolve_config(args)
    if args.grid:
        grid = vary(args.grid)
        return config, grid_variants(config, grid), list(grid)
    if not args.space:
        raise CompareError("random: give the space to draw from (--space KNOB=LOW:HIGH)")
    n = positive("random", args.random, 1, high=MAX_SWEEP)
    seed = positive("search-seed", args.search_seed, 0, high=2**31 - 1, low=0)
    space = [parse_range(text, config) for text in args.space]
    return config, random_variants(config, space, n, seed), [r.knob for r in space]

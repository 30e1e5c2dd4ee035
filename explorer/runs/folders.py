"""The local runs directory: where finished runs are kept, what they are called, and a list
of what is there.

Every finished run, single or compared, lands in one folder of the bundle format
(explorer/runs/bundle.py) under the runs directory: ./runs by default, $RNN_EXPLORER_RUNS when
set, or the --runs-dir flag. Folder names are made here from the run's own settings
(timestamp, task, cell, a hash of the config), never from user text, so an upload called
"../../x.zip" cannot choose where it lands.

>>> from datetime import datetime
>>> run_name(RunConfig(task="adding", cell="gru"), datetime(2025, 1, 2, 3, 4, 5))
'20250102-030405-adding-gru-236444'
>>> runs_dir(environ={})
PosixPath('runs')
>>> runs_dir("elsewhere", environ={"RNN_EXPLORER_RUNS": "ignored"})
PosixPath('elsewhere')
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from explorer.config import RunConfig

RUNS_ENV = "RNN_EXPLORER_RUNS"
DEFAULT_RUNS_DIR = Path("runs")
SAFE_NAME = re.compile(r"^\.?[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")  # no "/", no ".."
RUN_FILES = ("config.json", "summary.json")  # summary.json is written last: a complete run
WATCH_SOURCE = "watch"  # watch.json's "source" in a folder written by explorer.watch


def runs_dir(flag: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The runs directory: the flag, else $RNN_EXPLORER_RUNS, else ./runs (relative to
    the working directory, as `python -m explorer train` has always written)."""
    if flag:
        return Path(flag)
    env = os.environ if environ is None else environ
    return Path(env[RUNS_ENV]) if env.get(RUNS_ENV) else DEFAULT_RUNS_DIR


def flag_from_argv(argv: Sequence[str]) -> str | None:
    """--runs-dir from a script's arguments (`streamlit run app.py -- --runs-dir DIR`);
    anything else there is not ours and is ignored.

    >>> flag_from_argv(["--runs-dir", "/data/runs", "-x"])
    '/data/runs'
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--runs-dir", default=None)
    try:
        known, _ = parser.parse_known_args(list(argv))
    except SystemExit:  # `--runs-dir` without a value: fall back to the environment
        return None
    return known.runs_dir


def _digest(config: RunConfig) -> str:
    return hashlib.sha1(config.to_json().encode()).hexdigest()[:6]


def run_name(config: RunConfig, now: datetime | None = None) -> str:
    """timestamp-task-cell-hash: sorts by time, reads at a glance, and differs between the
    variants of a comparison (their configs differ, so do their hashes)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{config.task}-{config.cell}-{_digest(config)}"


def group_name(
    config: RunConfig, knobs: Sequence[str], now: datetime | None = None, kind: str = "compare"
) -> str:
    """The folder that holds one comparison's (or sweep's) runs: timestamp-kind-task-
    knobs-hash.

    >>> group_name(RunConfig(), ["cell", "lr"], datetime(2025, 1, 2, 3, 4, 5))
    '20250102-030405-compare-sine_next-cell-lr-152ae7'
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    knob_part = "-".join(knobs) or "none"
    return f"{stamp}-{kind}-{config.task}-{knob_part}-{_digest(config)}"


def unique_folder(root: Path, name: str, create: bool = True) -> Path:
    """root/name, or root/name-2, -3, ... when taken. With create, the folder is made
    atomically (mkdir without exist_ok), so two writers never share one."""
    if not SAFE_NAME.match(name):
        raise ValueError(f"unsafe run folder name {name!r}")
    root = Path(root)
    for n in range(1, 1000):
        folder = root / (name if n == 1 else f"{name}-{n}")
        if create:
            root.mkdir(parents=True, exist_ok=True)
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            return folder
        if not folder.exists():
            return folder
    raise FileExistsError(f"no free folder name for {name} in {root}")


def new_run_folder(root: Path, config: RunConfig, create: bool = True) -> Path:
    return unique_folder(root, run_name(config), create)


# -- listing -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedRun:
    """One run folder as the listing shows it (read from config.json and summary.json)."""

    name: str  # the path relative to the runs directory, e.g. "2025...-adding-gru-ab12cd"
    path: Path
    task: str
    cell: str
    steps: int  # steps done
    final_val_loss: float | None
    status: str
    date: datetime  # when summary.json was written: when the run was saved
    settings: str = ""  # what differs from the defaults, "cell=gru, lr=0.001": tells runs apart


def _is_run(folder: Path) -> bool:
    return all((folder / name).is_file() for name in RUN_FILES)


def _read(folder: Path, root: Path) -> SavedRun | None:
    try:
        config = json.loads((folder / "config.json").read_text())
        summary = json.loads((folder / "summary.json").read_text())
        final = summary.get("final_val_loss")
        return SavedRun(
            name=folder.relative_to(root).as_posix(),
            path=folder,
            task=str(config["task"]),
            cell=str(config["cell"]),
            steps=int(summary.get("steps_done") or 0),
            final_val_loss=float(final) if final is not None else None,
            status=str(summary.get("status", "?")),
            date=datetime.fromtimestamp((folder / "summary.json").stat().st_mtime),
            settings=_settings(config),
        )
    except (OSError, ValueError, KeyError, TypeError):  # half-written or foreign: skip it
        return None


def _settings(config: dict) -> str:
    """A saved config's settings that differ from the defaults, as a link names them
    (task and cell have their own columns; a data key is shortened)."""
    from explorer.config import RunConfig

    query = RunConfig.from_dict(config).to_query()
    if "data" in query:
        query["data"] = query["data"][:15] + "…"
    return ", ".join(f"{k}={v}" for k, v in query.items() if k not in ("task", "cell"))


def list_runs(root: Path) -> list[SavedRun]:
    """Run folders directly under root and one level down (a comparison's group folder),
    newest first. Unreadable folders are left out, not fatal: the list is a convenience."""
    root = Path(root)
    if not root.is_dir():
        return []
    found: list[SavedRun] = []
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        candidates = [child] if _is_run(child) else sorted(p for p in child.iterdir() if p.is_dir())
        for folder in candidates:
            if _is_run(folder) and (run := _read(folder, root)) is not None:
                found.append(run)
    return sorted(found, key=lambda r: (r.date, r.name), reverse=True)


def runs_frame(runs: Sequence[SavedRun]):
    """The listing as a table (pandas is imported here, not at module import)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "name": [r.name for r in runs],
            "task": [r.task for r in runs],
            "cell": [r.cell for r in runs],
            "settings": [r.settings for r in runs],
            "steps": [r.steps for r in runs],
            "final val loss": [
                r.final_val_loss if r.final_val_loss is not None else math.nan for r in runs
            ],
            "status": [r.status for r in runs],
            "date": [r.date.replace(microsecond=0) for r in runs],
        }
    )


def resolve(root: Path, name: str) -> Path:
    """The folder of a listed run by its name, refusing anything outside the runs
    directory (a name comes back from the browser, so it is not trusted)."""
    root_real = Path(root).resolve()
    folder = (root_real / name).resolve()
    if root_real not in folder.parents or not _is_run(folder):
        raise FileNotFoundError(f"no saved run called {name!r}")
    return folder


def import_zip(data: bytes, root: Path, max_bytes: int | None = None) -> Path:
    """Validate an uploaded bundle (explorer.runs.bundle.unpack_zip: size, zip slip, known
    files, weights_only) and keep it in the runs directory under a generated name.
    BundleError on a bad bundle, and nothing is left behind."""
    from explorer.runs.zipped import unpack_zip

    root = Path(root)
    staging = unique_folder(root, f".upload-{os.getpid()}")
    try:
        kwargs = {} if max_bytes is None else {"max_bytes": max_bytes}
        loaded = unpack_zip(data, staging, **kwargs)
        folder = unique_folder(root, run_name(loaded.config))  # reserved, empty
        staging.replace(folder)
        return folder
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def list_groups(root: Path) -> list[Path]:
    """Folders directly under root that hold runs (a comparison's or a sweep's, made
    here or copied from a cluster), newest name first."""
    root = Path(root)
    if not root.is_dir():
        return []
    groups = [
        child
        for child in root.iterdir()
        if child.is_dir()
        and not child.name.startswith(".")
        and not _is_run(child)
        and any(_is_run(p) for p in child.iterdir() if p.is_dir())
    ]
    return sorted(groups, key=lambda p: p.name, reverse=True)


def is_watched_folder(path: Path | str) -> bool:
    """Whether `path` is a folder written by explorer.watch's Probe.save (its watch.json
    says so); the app tells watched runs from its own by this. Here, not in the watch
    package, whose import loads torch: the Compare page lists them before it needs it."""
    meta = Path(path) / "watch.json"
    if not meta.is_file():
        return False
    try:
        return json.loads(meta.read_text()).get("source") == WATCH_SOURCE
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return False

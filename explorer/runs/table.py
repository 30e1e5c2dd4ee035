"""The results table of finished runs, and what a comparison's page reads off it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.config import RunConfig
from explorer.runs.entries import Entry, VariantState

if TYPE_CHECKING:
    import pandas as pd

    from explorer.engine.history import History
    from explorer.runs.compare import (
        Comparison,  # the command line imports this module before torch: keep it light
    )


def estimate_seconds_left(
    states: Sequence[VariantState], elapsed: Mapping[int, float]
) -> float | None:
    """Steps still to take over the steps a second the running variants make together:
    elapsed[i] is how long variant i has run. None until a running variant has taken a step.

    >>> run = VariantState(0, "a", RunConfig(steps=100), "running", step=50)
    >>> wait = VariantState(1, "b", RunConfig(steps=100), "queued")
    >>> estimate_seconds_left([run, wait], {0: 10.0})  # 150 steps to go at 5 steps/s
    30.0
    """
    rate = sum(
        s.step / elapsed[s.index]
        for s in states
        if s.state == "running" and s.step > 0 and elapsed.get(s.index, 0) > 0
    )
    if rate <= 0:
        return None
    left = sum(s.config.steps - s.step for s in states if not s.finished)
    return left / rate


# -- the results table ---------------------------------------------------------------------
TABLE_COLUMNS = (
    "variant",
    "final_val_loss",
    "best_val_loss",
    "steps_to_target",
    "steps_per_second",
    "clipped_fraction",
    "reach_first",
    "reach",
    "status",
    "folder",
)


def steps_to_target(history: History, target: float) -> int | None:
    """The first step whose validation loss is at or below target (validation: the batch
    loss is too noisy to call a threshold crossed); None when never.

    >>> from explorer.engine.history import History
    >>> h = History(val_steps=[1, 10, 20], val_losses=[0.2, 0.05, 0.01])
    >>> steps_to_target(h, 0.05), steps_to_target(h, 0.001)
    (10, None)
    """
    for step, loss in zip(history.val_steps, history.val_losses, strict=True):
        if loss <= target:
            return step
    return None


def mean_steps_per_second(history: History) -> float:
    """Training steps over their own time (validation and probe bookkeeping aside), as
    the run summary counts it. Under parallel runs this is each run's own pace."""
    seconds = sum(r.seconds for r in history.steps)
    return len(history.steps) / seconds if seconds > 0 else math.nan


def reach(probe) -> float:
    """How many steps back the gradient reaches in one probe: T - 1 - its horizon (the
    earliest t whose ||dL/dh_t|| is at least 1e-3 of the last step's), as the lessons
    and the Gradient flow page count it. NaN without a horizon."""
    if probe is None or probe.horizon is None:
        return math.nan
    return len(probe.dh[-1]) - 1 - probe.horizon


def table_row(entry: Entry, target: float) -> dict[str, Any]:
    """One row of the results table. "reach_first" and "reach" are the gradient's reach
    (see reach) at the first and the last probe: what the forget-bias and initialisation
    lessons compare at step 1, and the vanishing lesson at the end."""
    h = entry.history
    finite = [v for v in h.val_losses if math.isfinite(v)]
    reached = steps_to_target(h, target)
    return {
        "variant": entry.label,
        "final_val_loss": h.val_losses[-1] if h.val_losses else math.nan,
        "best_val_loss": min(finite) if finite else math.nan,
        "steps_to_target": math.nan if reached is None else reached,
        "steps_per_second": mean_steps_per_second(h),
        "clipped_fraction": h.clipped_fraction() if h.steps else math.nan,
        "reach_first": reach(h.probes[0] if h.probes else None),
        "reach": reach(h.probes[-1] if h.probes else None),
        "status": entry.status,
        "folder": entry.folder.name if entry.folder is not None else "",
    }


def varied_fields(entries: Sequence[Entry]) -> list[str]:
    """The settings that differ between the entries (a comparison's knobs, or whatever
    sets overlaid runs apart), in the config's order."""
    from dataclasses import fields

    names = [f.name for f in fields(RunConfig) if f.name != "data"]
    return [n for n in names if len({getattr(e.config, n) for e in entries}) > 1]


def results_table(entries: Sequence[Entry], target: float) -> pd.DataFrame:
    """One row per entry, with a column per varied setting after the variant's name.
    Numbers stay numbers ("steps_to_target" is NaN when the target was not reached; a page
    shows that as "not reached"), so every column sorts."""
    import pandas as pd

    knobs = varied_fields(entries)
    rows = [
        {"variant": e.label, **{k: getattr(e.config, k) for k in knobs}, **table_row(e, target)}
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["variant", *knobs, *TABLE_COLUMNS[1:]])


def comparison_entries(comparison: Comparison) -> list[Entry]:
    """Every variant in order: its loaded run, or (cancelled before a step, failed) an
    empty history with its status, so the table still has a row for it."""
    from explorer.engine.history import History

    loaded = {e.label: e for e in comparison.results()}
    return [
        loaded.get(s.name) or Entry(s.name, s.config, History(), s.state, None)
        for s in comparison.states()
    ]


def table_for_csv(table: pd.DataFrame) -> pd.DataFrame:
    """The table as comparison.csv holds it: "not reached" spelled out, whole numbers."""
    out = table.copy()
    out["steps_to_target"] = [
        "not reached" if math.isnan(v) else str(int(v)) for v in table["steps_to_target"]
    ]
    for column in ("reach_first", "reach"):
        out[column] = ["" if math.isnan(v) else str(int(v)) for v in table[column]]
    return out


def shared_baseline(entries: Sequence[Entry]) -> float | None:
    """The trivial baseline's validation loss when every entry has the same data (task,
    data, column, sequence length, seed), so one line means the same for all; else None."""
    from explorer.tasks import make_task

    same = {
        (e.config.task, e.config.data, e.config.column, e.config.seq_len, e.config.seed)
        for e in entries
    }
    if len(same) != 1:
        return None
    return make_task(entries[0].config).baseline_loss()


def default_target(config: RunConfig) -> float:
    """A level that means "learned something", to two significant digits: a tenth of the
    trivial baseline's validation loss (adding: 0.016), or what the task asks of it
    (a series: beating persistence at all, Task.target_fraction)."""
    from explorer.tasks import make_task

    task = make_task(config)
    value = task.baseline_loss() * task.target_fraction
    return float(f"{value:.2g}")


def group_entries(folder: Path) -> list[Entry]:
    """Every readable run in a group folder (a comparison or a sweep), labelled by the
    settings that set it apart from the others ("lr=0.01, hidden=13"), as its variant
    was named; an unreadable run is left out."""
    from explorer.runs.bundle import BundleError
    from explorer.runs.entries import load_entry
    from explorer.runs.variants import format_value

    entries = []
    for sub in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        try:
            entries.append(load_entry(sub))
        except (BundleError, OSError):
            continue
    knobs = varied_fields(entries)
    if not knobs:
        return entries
    return [
        replace(e, label=", ".join(f"{k}={format_value(getattr(e.config, k))}" for k in knobs))
        for e in entries
    ]


def progress_counts(states: Sequence[VariantState]) -> dict[str, int]:
    """How many variants are done (of total), running, failed and waiting: a sweep's one
    line of progress, in the app and on the command line.

    >>> progress_counts([VariantState(0, "a", RunConfig(), "running")])
    {'done': 0, 'total': 1, 'running': 1, 'failed': 0, 'waiting': 0}
    """
    done = sum(s.finished for s in states)
    running = sum(s.state == "running" for s in states)
    failed = sum(s.state in ("error", "diverged") for s in states)
    return {
        "done": done,
        "total": len(states),
        "running": running,
        "failed": failed,
        "waiting": len(states) - done - running,
    }

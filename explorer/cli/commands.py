"""The two commands, each run after every argument has been checked: `train` one run, or
`compare` variants in worker processes. Both show the one progress display on stderr
(stdout keeps the results, for a pipe), both stop on Ctrl-C the same way, and both save
what exists before they return.

torch and the training code are imported inside the commands, not at the top: main()
imports this module before parsing, and a bad argument must answer before torch loads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.cli.interrupt import GracefulStop
from explorer.cli.progress import CompareProgress, TrainProgress
from explorer.cli.summary import format_summary
from explorer.config import RunConfig

if TYPE_CHECKING:  # torch takes seconds to import: argument errors answer before it
    from explorer.runs.compare import Comparison
    from explorer.runs.variants import Variant

# The process's exit statuses: 130 = 128 + SIGINT, the shell's code for a Ctrl-C.
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
POLL_SECONDS = 0.2  # how often `compare` looks at its workers


def train(config: RunConfig, folder: Path, threads: int = 1) -> int:
    """Train, save the folder (also when stopped or diverged), print the summary.
    A diverged run is a result (0); a run stopped by Ctrl-C is saved and answers 130."""
    import torch

    from explorer.engine.analysis import run_summary
    from explorer.engine.training import Trainer
    from explorer.runs.bundle import save_run

    torch.set_num_threads(threads)
    trainer = Trainer(config)
    changed = {name: getattr(config, name) for name in RunConfig().diff(config)}
    progress = TrainProgress(config.steps, sys.stderr)
    with GracefulStop() as stop:
        # Announced once the handler is in place: a Ctrl-C from then on stops gracefully.
        print(f"training {json.dumps(changed)} -> {folder}", file=sys.stderr, flush=True)
        while not trainer.done and not stop.requested:
            if trainer.train_step() is not None:
                progress.update(trainer)
    progress.update(trainer, force=True)  # where it ended, also between two redraws
    progress.close()
    stopped = stop.requested and not trainer.done
    if stopped:
        trainer.stop(f"Stopped by Ctrl-C after {trainer.step} of {config.steps} steps.")
    save_run(folder, trainer)
    print(format_summary(run_summary(trainer), trainer.task.baseline_name, folder))
    return EXIT_INTERRUPTED if stopped else EXIT_OK


def compare(variants: list[Variant], folder: Path, workers: int, target: float) -> int:
    """Train the variants in parallel, write comparison.csv, print the table. Ctrl-C
    cancels every variant after its current step (the runs so far are saved): exit 130."""
    from explorer.runs.compare import Comparison

    comparison = Comparison(variants, folder, workers=workers, idle_timeout=None)
    progress = CompareProgress(variants, sys.stderr)
    cancelled = False
    with GracefulStop() as stop:
        print(
            f"comparing {len(variants)} variants on {comparison.workers} worker processes "
            f"-> {folder}",
            file=sys.stderr,
            flush=True,
        )
        comparison.start()
        while not comparison.wait(POLL_SECONDS):
            if stop.requested and not cancelled:
                comparison.cancel()  # the workers stop after their step and save
                cancelled = True
            progress.update(comparison.states())
    if stop.forced:  # a second Ctrl-C: stop the workers now
        comparison.close(timeout=5)
    progress.update(comparison.states(), force=True)
    progress.close()
    _print_table(comparison, folder, target)
    return EXIT_INTERRUPTED if cancelled or stop.forced else EXIT_OK


def _print_table(comparison: Comparison, folder: Path, target: float) -> None:
    """comparison.csv (with each run's folder) and the same table on stdout (without)."""
    from explorer.runs.table import comparison_entries, results_table, table_for_csv

    table = table_for_csv(results_table(comparison_entries(comparison), target))
    table.to_csv(folder / "comparison.csv", index=False)
    print(table.drop(columns=["folder"]).to_string(index=False, float_format="{:.4g}".format))
    print(f"\ntarget val loss {target:g}; wall time {comparison.wall_seconds:.1f} s")
    print(f"comparison.csv and run folders: {folder}")

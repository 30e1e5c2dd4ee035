"""The commands, each run after every argument has been checked: `train` one run, or
`compare` variants in worker processes. Both show the one progress display on stderr
(stdout keeps the results, for a pipe), both stop on Ctrl-C the same way, and both save
what exists before they return.

`export` writes a saved run folder as TensorBoard event files.

torch and the training code are imported inside the commands, not at the top: main()
imports this module before parsing, and a bad argument must answer before torch loads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.cli.interrupt import GracefulStop
from explorer.cli.progress import CompareProgress, SweepProgress, TrainProgress
from explorer.cli.summary import format_summary
from explorer.config import RunConfig

if TYPE_CHECKING:  # torch takes seconds to import: argument errors answer before it
    from explorer.runs.compare import Comparison
    from explorer.runs.executor import Executor
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


def export(run: Path, log_dir: Path) -> int:
    """A run folder (the app's or a watched one) as TensorBoard event files in log_dir."""
    from explorer.runs.bundle import load_history
    from explorer.runs.readers import BundleError
    from explorer.watch.folder import is_watched_folder, load_watched
    from explorer.watch.tensorboard import MissingTensorBoard, write_events

    try:
        history = load_watched(run).history if is_watched_folder(run) else load_history(run)
        write_events(history, log_dir)
    except (BundleError, MissingTensorBoard) as exc:
        where = f"{run}: " if isinstance(exc, BundleError) else ""
        print(f"error: {where}{exc}", file=sys.stderr)
        return EXIT_USAGE
    kind = "watched run" if is_watched_folder(run) else "run"
    print(
        f"{kind} {run}: {len(history.steps)} steps, {len(history.probes)} probes "
        f"-> TensorBoard events in {log_dir} (tensorboard --logdir {log_dir})"
    )
    return EXIT_OK


def compare(
    variants: list[Variant],
    folder: Path,
    workers: int,
    target: float,
    executor: Executor | None = None,
) -> int:
    """Train the variants in parallel, write comparison.csv, print the table. Ctrl-C
    cancels every variant after its current step (the runs so far are saved): exit 130."""
    from explorer.runs.compare import Comparison

    comparison = Comparison(variants, folder, workers=workers, idle_timeout=None, executor=executor)
    progress = CompareProgress(variants, sys.stderr)
    status = _run(
        comparison, "comparing", lambda force: progress.update(comparison.states(), force)
    )
    progress.close()
    _print_table(comparison, folder, target)
    return status


def sweep(
    variants: list[Variant],
    folder: Path,
    workers: int,
    target: float,
    executor: Executor | None = None,
) -> int:
    """compare() for up to 1,000 variants: one summary row of progress, sweep.csv and
    sweep.parquet (the table with every knob a column), the best ten on stdout."""
    from explorer.runs.compare import Comparison
    from explorer.runs.sweep import MAX_SWEEP

    comparison = Comparison(
        variants,
        folder,
        workers=workers,
        idle_timeout=None,
        executor=executor,
        max_variants=MAX_SWEEP,
    )
    progress = SweepProgress(len(variants), sys.stderr)
    status = _run(
        comparison,
        "sweeping",
        lambda force: progress.update(comparison.states(), comparison.seconds_left(), force),
    )
    progress.close()
    _print_sweep(comparison, folder, target)
    return status


def _run(comparison: Comparison, verb: str, show) -> int:
    """Start, show progress until every variant ended; the first Ctrl-C cancels them all
    (each stops after its step and is saved), a second stops the workers now."""
    cancelled = False
    with GracefulStop() as stop:
        local = comparison.executor.kind == "local"
        where = f"{comparison.workers} worker processes" if local else comparison.executor.label
        print(
            f"{verb} {len(comparison.variants)} variants on {where} -> {comparison.out_dir}",
            file=sys.stderr,
            flush=True,
        )
        comparison.start()
        while not comparison.wait(POLL_SECONDS):
            if stop.requested and not cancelled:
                comparison.cancel()  # the workers stop after their step and save
                cancelled = True
            show(False)
    if stop.forced:  # a second Ctrl-C: stop the workers now
        comparison.close(timeout=5)
    show(True)
    return EXIT_INTERRUPTED if cancelled or stop.forced else EXIT_OK


def _print_table(comparison: Comparison, folder: Path, target: float) -> None:
    """comparison.csv (with each run's folder) and the same table on stdout (without)."""
    from explorer.runs.table import comparison_entries, results_table, table_for_csv

    table = table_for_csv(results_table(comparison_entries(comparison), target))
    table.to_csv(folder / "comparison.csv", index=False)
    print(table.drop(columns=["folder"]).to_string(index=False, float_format="{:.4g}".format))
    print(f"\ntarget val loss {target:g}; {_timing(comparison)}")
    print(f"comparison.csv and run folders: {folder}")


def _print_sweep(comparison: Comparison, folder: Path, target: float) -> None:
    """sweep.csv and sweep.parquet (every variant, its knobs as columns, its folder), and
    the ten best by final validation loss on stdout."""
    from explorer.runs.table import comparison_entries, results_table, table_for_csv

    table = results_table(comparison_entries(comparison), target)
    table["status"] = table["status"].map(str)  # RunState -> its name, for parquet
    table_for_csv(table).to_csv(folder / "sweep.csv", index=False)
    table.to_parquet(folder / "sweep.parquet", index=False)  # numbers stay numbers (NaN)
    best = table.sort_values("final_val_loss").head(10).drop(columns=["folder"])
    with_results = len(comparison.results())
    failed = len(comparison.variants) - with_results
    print(best.to_string(index=False, float_format="{:.4g}".format))
    print(f"\n{with_results} variants with results, {failed} without; the ten best above")
    print(f"target val loss {target:g}; {_timing(comparison)}")
    print(f"sweep.csv, sweep.parquet and run folders: {folder}")


def _timing(comparison: Comparison) -> str:
    text = f"wall time {comparison.wall_seconds:.1f} s"
    if comparison.ready_at is not None:
        text += f" ({comparison.work_seconds:.1f} s after Ray started)"
    return text

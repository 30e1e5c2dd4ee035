"""The headless command line: train one run (or compare variants), save, summarise.

    python -m explorer train --task adding --seq-len 100 --cell gru --hidden 64 \\
        --steps 3000 --lr 0.001 --clip norm --clip-value 1.0 --seed 0 --out runs/gru-adding
    python -m explorer compare --vary cell=rnn,lstm,gru --task adding --seq-len 100 \\
        --steps 3000 --out runs/race
    python -m explorer sweep --random 200 --space lr=1e-4:1e-1:log --space hidden=8:64 \\
        --task adding --seq-len 50 --steps 200 --executor ray
    python -m explorer train --task series --data prices.csv --column close --seq-len 20
    python -m explorer train --task digits --cell gru
    python -m explorer train --task chars --data book.txt --seq-len 64 --tbptt 16
    python -m explorer export runs/my-model --tensorboard tb/my-model
    python -m explorer serve ...   (explorer.serve: its own arguments)

Every RunConfig field is a flag (seq_len -> --seq-len), generated from the same table that
feeds the sidebar, and RunConfig itself validates the values, so the two never disagree.
A bad argument prints one line, `error: <field>: <why>`, and exits 2, before torch is
imported. A diverged run is a result (exit 0); Ctrl-C stops after the current step, saves
what exists and exits 130.

The package, one idea a module: parser (the flags), arguments (text -> checked values),
commands (train, compare, sweep, export), progress (the one display), interrupt (the one
Ctrl-C policy), summary (the end-of-run screen).

>>> args = build_parser().parse_args(["train", "--cell", "gru", "--seq-len", "20"])
>>> resolve_config(args).seq_len
20
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

from explorer.cli.arguments import (
    out_folder,
    positive,
    resolve_config,
    sweep_variants,
    target_loss,
    vary,
)
from explorer.cli.commands import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    compare,
    export,
    sweep,
    train,
)
from explorer.cli.interrupt import GracefulStop
from explorer.cli.parser import UsageError, build_parser
from explorer.cli.progress import CompareProgress, Progress, Row, TrainProgress
from explorer.cli.summary import format_summary
from explorer.config import ConfigError
from explorer.runs.executor import Executor, ExecutorError
from explorer.runs.folders import group_name, run_name
from explorer.runs.variants import CompareError, make_variants

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CompareProgress",
    "GracefulStop",
    "Progress",
    "Row",
    "TrainProgress",
    "UsageError",
    "build_parser",
    "compare",
    "format_summary",
    "main",
    "resolve_config",
    "train",
]


def main(argv: list[str] | None = None) -> int:
    """Parse, train, save, summarise. Returns the exit status (0, 2 or 130)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # a server for a class, not a run: its own arguments
        from explorer.serve import main as serve

        return serve(argv[1:])
    try:
        command = prepare(argv)
    except UsageError as exc:
        print(f"error: {exc} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigError, CompareError, ExecutorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        return command()
    except KeyboardInterrupt:  # before training began, or a second Ctrl-C while saving
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def prepare(argv: list[str]) -> Callable[[], int]:
    """Check every argument, then hand back the command with its values bound: all the
    refusals (UsageError, ConfigError, CompareError) come out of here, none from the run.
    What needs no config is checked first: checking a config's data loads the tasks, and
    with them torch, which takes seconds."""
    args = build_parser().parse_args(argv)
    if args.command == "export":
        return functools.partial(export, Path(args.run), Path(args.tensorboard))
    if args.command in ("compare", "sweep"):
        return _prepare_variants(args)
    threads = positive("threads", args.threads, 1)
    config = resolve_config(args)
    folder = out_folder(args.out, args.runs_dir, run_name(config))
    return functools.partial(train, config, folder, threads)


def _prepare_variants(args) -> Callable[[], int]:
    """compare and sweep: the variants, where they train, the folder, the target."""
    executor = Executor.choose(args.executor, args.address)
    executor.check()  # ray missing, or nothing at the address: refused now
    workers = positive("workers", args.workers, os.cpu_count() or 1)
    if args.command == "compare":
        knobs = vary(args.vary)
        config = resolve_config(args)
        variants, command = make_variants(config, knobs), compare
        name = group_name(config, list(knobs))
    else:
        config, variants, knobs = sweep_variants(args)
        command, name = sweep, group_name(config, knobs, kind="sweep")
    target = target_loss(args.target_loss, config)
    folder = out_folder(args.out, args.runs_dir, name)
    return functools.partial(command, variants, folder, workers, target, executor)

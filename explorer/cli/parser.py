"""The argument parser: `train`, `compare`, `sweep` (every RunConfig field a flag), `export`.

The flags are generated from RunConfig's field table, the same table that feeds the
sidebar, so the command line and the app never disagree on a knob, its bounds or its
default. Values stay strings here: RunConfig coerces and checks them, with its messages.

>>> args = build_parser().parse_args(["train", "--cell", "gru", "--seq-len", "20"])
>>> (args.command, args.cell, args.seq_len, args.hidden)
('train', 'gru', '20', None)
"""

from __future__ import annotations

import argparse
from dataclasses import fields

from explorer.config import RunConfig
from explorer.runs.executor import ADDRESS_ENV
from explorer.runs.folders import RUNS_ENV
from explorer.runs.variants import KNOBS


class UsageError(Exception):
    """argparse's own complaint (unknown flag, missing value), raised instead of exiting,
    so main() answers every bad argument the same way: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; `serve` is listed for --help but parses its own arguments."""
    parser = _Parser(
        prog="python -m explorer",
        description="Train small RNN/LSTM/GRU models and measure gradient flow.",
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "serve",
        help="serve the app to a class: one process per core behind HAProxy",
        add_help=False,  # explorer.serve parses its own arguments
    )
    _train_command(commands)
    _compare_command(commands)
    _sweep_command(commands)
    _export_command(commands)
    return parser


def _export_command(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="write a run folder's numbers as TensorBoard event files",
        description="Write a run folder (trained here, or watched with explorer.watch) as "
        "TensorBoard event files: loss, val_loss, the gradient norm before and after "
        "clipping, the horizon, each layer's spectral radius and sigma_max, and every "
        "probe's ||dL/dh_t|| profile as a histogram over t. Needs TensorBoard "
        "(pip install -r requirements-tensorboard.txt).",
        allow_abbrev=False,
    )
    export.add_argument("run", metavar="RUN", help="the run folder")
    export.add_argument(
        "--tensorboard", required=True, metavar="DIR", help="log directory for the event files"
    )


def _train_command(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser(
        "train",
        help="train one run and save its folder",
        description="Train one run, save its folder and print a summary.",
        allow_abbrev=False,
    )
    _run_flags(train)
    train.add_argument(
        "--out", metavar="DIR", help="run folder (default <runs dir>/<time>-<task>-<cell>-<hash>)"
    )
    train.add_argument(
        "--threads", default="1", metavar="N", help="torch threads (default 1: sane when shared)"
    )


def _compare_command(commands: argparse._SubParsersAction) -> None:
    compare = commands.add_parser(
        "compare",
        help="train variants of one run in parallel and tabulate them",
        description="Train up to 12 variants of one run (the cross product of the values "
        "given for one or two knobs) in parallel worker processes, save each run folder "
        "under --out and write comparison.csv. Every variant sees the same data and seed.",
        allow_abbrev=False,
    )
    compare.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KNOB=V1,V2",
        help=f"a knob and its values, e.g. cell=rnn,lstm,gru; twice for a grid. Knobs: "
        f"{', '.join(KNOBS)}",
    )
    _run_flags(compare)
    compare.add_argument(
        "--out", metavar="DIR", help="folder for the runs (default <runs dir>/<time>-compare-...)"
    )
    _variant_flags(compare)


def _sweep_command(commands: argparse._SubParsersAction) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="train up to 1,000 variants (a grid or a random search) and tabulate them",
        description="Train up to 1,000 variants of one run, a grid over any number of knobs "
        "(--grid, the cross product) or a seeded random search (--random N with --space), "
        "locally or on Ray; save each run folder under --out and write sweep.csv and "
        "sweep.parquet. Every variant sees the same data and seed.",
        allow_abbrev=False,
    )
    search = sweep.add_mutually_exclusive_group(required=True)
    search.add_argument(
        "--grid",
        action="append",
        metavar="KNOB=V1,V2",
        help=f"a knob and its values; once per knob. Knobs: {', '.join(KNOBS)}",
    )
    search.add_argument("--random", metavar="N", help="draw N variants from --space")
    sweep.add_argument(
        "--space",
        action="append",
        metavar="KNOB=LOW:HIGH[:log]",
        help="a knob's range for --random (KNOB=A,B,C for a choice); once per knob",
    )
    sweep.add_argument(
        "--search-seed",
        default="0",
        metavar="N",
        help="seeds the random draws (the runs share --seed) (default 0)",
    )
    _run_flags(sweep)
    sweep.add_argument(
        "--out", metavar="DIR", help="folder for the runs (default <runs dir>/<time>-sweep-...)"
    )
    _variant_flags(sweep)


def _variant_flags(command: argparse.ArgumentParser) -> None:
    """Where variants train and what is tabulated: the same for compare and sweep."""
    command.add_argument(
        "--workers", default=None, metavar="N", help="parallel processes (default: all cores)"
    )
    command.add_argument(
        "--target-loss",
        default=None,
        metavar="X",
        help="validation loss whose first crossing is tabulated (default: baseline / 10)",
    )
    command.add_argument(
        "--executor",
        default=None,
        choices=["local", "ray"],
        help=f"local worker processes or Ray tasks (default: ray if ${ADDRESS_ENV} is set, "
        "else local)",
    )
    command.add_argument(
        "--address",
        default=None,
        metavar="auto|HOST:PORT",
        help=f"the Ray cluster (default ${ADDRESS_ENV}; none: a local Ray for this run)",
    )


def _run_flags(command: argparse.ArgumentParser) -> None:
    """Every RunConfig field as a flag (seq_len -> --seq-len), plus --config and
    --runs-dir: the same for `train` and `compare`."""
    knobs = command.add_argument_group("run settings (RunConfig)")
    default = RunConfig()
    for f in fields(RunConfig):
        if f.name == "data":  # a file to read here; the config keeps its content key
            knobs.add_argument("--data", dest="data", default=None, metavar="FILE", help=_DATA)
            continue
        meta = f.metadata
        if meta["choices"] is not None:
            allowed, metavar = "", "{" + ",".join(meta["choices"]) + "}"
        elif meta.get("pattern") is not None:
            allowed, metavar = "", "NAME"
        else:
            allowed = f"; {meta['lo']:g} to {meta['hi']:g}"
            metavar = "N" if isinstance(f.default, int) else "X"
        knobs.add_argument(
            "--" + f.name.replace("_", "-"),
            dest=f.name,
            default=None,  # None = not given, so a --config file's value stands
            metavar=metavar,
            help=f"{meta['help']}{allowed} (default {getattr(default, f.name)})",
        )
    command.add_argument(
        "--config", metavar="FILE", help="replay a saved config.json; explicit flags override it"
    )
    command.add_argument(
        "--runs-dir",
        metavar="DIR",
        help=f"the runs directory, where runs go without --out (default ${RUNS_ENV} or ./runs)",
    )


_DATA = (
    "--task series: a CSV (comma, semicolon or tab separated, header optional); --task "
    "chars: a UTF-8 text file. Read once, at most 2 MB; the run folder keeps a copy "
    "(data.csv or data.txt). Default: the built-in example series or text"
)

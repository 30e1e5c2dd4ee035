"""The headless command line: train one run (or compare variants), save, summarise.

    python -m explorer train --task adding --seq-len 100 --cell gru --hidden 64 \\
        --steps 3000 --lr 0.001 --clip norm --clip-value 1.0 --seed 0 --out runs/gru-adding
    python -m explorer compare --vary cell=rnn,lstm,gru --task adding --seq-len 100 \\
        --steps 3000 --out runs/race
    python -m explorer train --task series --data prices.csv --column close --seq-len 20
    python -m explorer train --task digits --cell gru
    python -m explorer train --task chars --data book.txt --seq-len 64 --tbptt 16

Every RunConfig field is a flag (seq_len -> --seq-len), generated from the same table that
feeds the sidebar, and RunConfig itself validates the values, so the two never disagree.
A bad argument prints one line, `error: <field>: <why>`, and exits 2. A diverged run is a
result (exit 0); Ctrl-C stops after the current step, saves what exists and exits 130.

>>> parser = build_parser()
>>> args = parser.parse_args(["train", "--cell", "gru", "--seq-len", "20"])
>>> resolve_config(args).seq_len
20
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import threading
import time
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from explorer.config import DATA_TASKS, ConfigError, RunConfig
from explorer.runs.folders import RUNS_ENV, group_name, run_name, runs_dir
from explorer.runs.variants import KNOBS, CompareError, make_variants, parse_vary

if TYPE_CHECKING:  # torch takes seconds to import: argument errors answer before it
    from explorer.engine.training import Trainer
    from explorer.runs.entries import VariantState
    from explorer.runs.variants import Variant

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
MAX_THREADS = 64
FIELD_NAMES = tuple(f.name for f in fields(RunConfig))


class UsageError(Exception):
    """argparse's own complaint (unknown flag, missing value), raised instead of exiting."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def build_parser() -> argparse.ArgumentParser:
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
    compare.add_argument(
        "--workers", default=None, metavar="N", help="parallel processes (default: all cores)"
    )
    compare.add_argument(
        "--target-loss",
        default=None,
        metavar="X",
        help="validation loss whose first crossing is tabulated (default: baseline / 10)",
    )
    return parser


def _run_flags(command: argparse.ArgumentParser) -> None:
    """Every RunConfig field as a flag (seq_len -> --seq-len), plus --config and
    --runs-dir: the same for `train` and `compare`."""
    knobs = command.add_argument_group("run settings (RunConfig)")
    default = RunConfig()
    for f in fields(RunConfig):
        meta = f.metadata
        if f.name == "data":  # a file to read here; the config keeps its content key
            knobs.add_argument(
                "--data",
                dest="data",
                default=None,
                metavar="FILE",
                help="--task series: a CSV (comma, semicolon or tab separated, header "
                "optional); --task chars: a UTF-8 text file. Read once, at most 2 MB; the "
                "run folder keeps a copy (data.csv or data.txt). Default: the built-in "
                "example series or text",
            )
            continue
        if meta["choices"] is not None:
            allowed, metavar = "", "{" + ",".join(meta["choices"]) + "}"
        elif meta.get("pattern") is not None:
            allowed, metavar = "", "NAME"
        else:
            allowed = f"; {meta['lo']:g} to {meta['hi']:g}"
            metavar = "N" if isinstance(f.default, int) else "X"
        # Strings, not typed values: RunConfig coerces and checks them, with its messages.
        knobs.add_argument(
            _flag(f.name),
            dest=f.name,
            default=None,
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


def resolve_config(args: argparse.Namespace) -> RunConfig:
    """The saved config (if any) overlaid with the flags given; ConfigError on bad input."""
    values: dict[str, Any] = {}
    if args.config:
        try:
            text = Path(args.config).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not a text file"
            raise ConfigError("config", f"cannot read {args.config} ({reason})") from None
        try:
            values = RunConfig.from_json(text).to_dict()
        except ConfigError as exc:
            raise ConfigError(exc.field, f"{_reason(exc)} (in {args.config})") from None
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


# Which setting a data problem is about, so the message names what to change.
_DATA_FIELDS = {
    "unknown_column": "column",
    "gaps": "column",
    "constant": "column",
    "too_short_for_window": "seq_len",
    "text_too_short_for_window": "seq_len",
}


def _check_data(config: RunConfig) -> None:
    """Parse the task's data now, so a bad file answers before torch is even imported."""
    from explorer.tasks.datasource import check_data
    from explorer.tasks.datastore import DataError

    try:
        check_data(config)
    except DataError as exc:
        raise ConfigError(_DATA_FIELDS.get(exc.code, "data"), str(exc)) from None


def _reason(exc: ConfigError) -> str:
    return str(exc).removeprefix(f"{exc.field}: ")


def _positive(name: str, text: str | None, default: int) -> int:
    """--threads or --workers: a whole number from 1 to MAX_THREADS."""
    if text is None:
        return default
    try:
        n = int(text)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {text!r}") from None
    if not 1 <= n <= MAX_THREADS:
        raise ConfigError(name, f"{n} is out of range; allowed 1 to {MAX_THREADS}")
    return n


def _vary(texts: list[str]) -> dict[str, list[str]]:
    """--vary flags -> {knob: values}; a knob given twice is refused."""
    vary: dict[str, list[str]] = {}
    for text in texts:
        knob, values = parse_vary(text)
        if knob in vary:
            raise CompareError(f"vary: {knob} is given twice; list its values once")
        vary[knob] = values
    return vary


def _target(text: str | None, config: RunConfig) -> float:
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


def _out_folder(args: argparse.Namespace, default_name: str) -> Path:
    folder = Path(args.out) if args.out else runs_dir(args.runs_dir) / default_name
    try:  # fail now, not after minutes of training
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("out", f"cannot create {folder} ({exc.strerror})") from None
    return folder


# -- progress ----------------------------------------------------------------------------
class Progress:
    """A plain-text progress line on a stream: redrawn in place (\\r) at most 10 times a
    second on a terminal; elsewhere (a log file, CI) one line per tenth of the run."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.start = self.last_draw = time.perf_counter()
        self.next_tenth = 1
        self.drawn = False

    def update(self, trainer: Trainer) -> None:
        k, now = trainer.step, time.perf_counter()
        if self.tty:
            if now - self.last_draw >= 0.1 or k == self.total:
                self.stream.write("\r" + self.line(trainer, now))
                self.stream.flush()
                self.last_draw, self.drawn = now, True
        elif k * 10 >= self.next_tenth * self.total:
            self.stream.write(self.line(trainer, now) + "\n")
            self.stream.flush()
            self.next_tenth = k * 10 // self.total + 1

    def line(self, trainer: Trainer, now: float) -> str:
        k, history = trainer.step, trainer.history
        rate = k / (now - self.start) if now > self.start else 0.0
        loss = history.steps[-1].loss if history.steps else float("nan")
        val = history.val_losses[-1] if history.val_losses else float("nan")
        width = 20
        filled = width * k // self.total
        bar = f"[{'#' * filled}{'.' * (width - filled)}] " if self.tty else ""
        return f"{bar}step {k}/{self.total}  loss {loss:.4g}  val {val:.4g}  {rate:.1f} steps/s"

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class _StopRequest:
    """SIGINT handler: the first Ctrl-C asks the loop to stop after the current step;
    a second one interrupts at once."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


def _train(trainer: Trainer, progress: Progress, announce: str) -> bool:
    """Run to the end; True when Ctrl-C stopped it first. The announcement goes out once
    the handler is in place, so a Ctrl-C from then on always stops gracefully."""
    stop = _StopRequest()
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, stop) if in_main else None
    try:
        print(announce, file=progress.stream, flush=True)
        while not trainer.done and not stop.requested:
            if trainer.train_step() is not None:
                progress.update(trainer)
    except KeyboardInterrupt:
        stop.requested = True
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
        progress.close()
    return stop.requested and not trainer.done


# -- summary -----------------------------------------------------------------------------
def _num(value: float | None, fmt: str = ".4g") -> str:
    return "n/a" if value is None else format(value, fmt)


def format_summary(summary: dict[str, Any], baseline_name: str, folder: Path) -> str:
    """The end-of-run screen: what happened and where it is saved."""
    T = summary["seq_len"]

    def horizon(h: int | None) -> str:
        return "none (no gradient reached back)" if h is None else f"t={h}"

    rate = summary["steps_per_second"]
    clipped = summary["clipped_fraction"]
    rows = [
        ("status", f"{summary['status']}: {summary['message']}"),
        ("steps", str(summary["steps_done"])),
        ("train loss", f"{_num(summary['final_loss'])} (last step)"),
        (
            "val loss",
            f"{_num(summary['final_val_loss'])} (final), best {_num(summary['best_val_loss'])}",
        ),
        ("baseline loss", f"{_num(summary['baseline_loss'])} ({baseline_name})"),
        *_task_rows(summary),
        ("speed", f"{_num(rate, '.1f')} steps/s (training steps only)"),
        ("clipped", f"{_num(None if clipped is None else 100 * clipped, '.1f')}% of steps"),
        (
            "grad horizon",
            f"{horizon(summary['horizon_first'])} -> {horizon(summary['horizon_last'])} "
            f"of t=0..{T - 1} (first -> last probe)",
        ),
        ("", "the earliest t where ||dL/dh_t|| >= 1e-3 ||dL/dh_T||: lower reaches further"),
        ("run folder", str(folder)),
    ]
    return "\n".join(f"{name:<14}{value}" for name, value in rows)


def _task_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The summary lines a task adds: accuracy, the loss's unit, the normalisation."""
    rows = []
    if summary.get("kind") == "classification":
        rows.append(
            (
                "val accuracy",
                f"{_num(summary.get('final_val_accuracy'), '.1%')} (final), best "
                f"{_num(summary.get('best_val_accuracy'), '.1%')}; majority class "
                f"{_num(summary.get('baseline_accuracy'), '.1%')}",
            )
        )
    if summary.get("loss_unit"):
        rows.append(("loss unit", str(summary["loss_unit"])))
    if "normalisation" in summary:
        norm = summary["normalisation"]
        rows.append(
            (
                "normalised",
                f"{summary.get('column')}: (value - {norm['mean']:.6g}) / {norm['std']:.6g}; "
                "losses in these units",
            )
        )
    return rows


# -- entry point -------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """Parse, train, save, summarise. Returns the exit status (0, 2 or 130)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # a server for a class, not a run: its own arguments
        from explorer.serve import main as serve

        return serve(argv[1:])
    try:
        args = build_parser().parse_args(argv)
        config = resolve_config(args)
        if args.command == "compare":
            vary = _vary(args.vary)
            variants = make_variants(config, vary)
            workers = _positive("workers", args.workers, os.cpu_count() or 1)
            target = _target(args.target_loss, config)
            folder = _out_folder(args, group_name(config, list(vary)))
        else:
            threads = _positive("threads", args.threads, 1)
            folder = _out_folder(args, run_name(config))
    except UsageError as exc:
        print(f"error: {exc} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigError, CompareError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        if args.command == "compare":
            return compare(variants, folder, workers, target)
        return train(config, folder, threads)
    except KeyboardInterrupt:  # before training began, or a second Ctrl-C while saving
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def train(config: RunConfig, folder: Path, threads: int = 1) -> int:
    """Train, save the folder (also when stopped or diverged), print the summary."""
    import torch

    from explorer.engine.analysis import run_summary
    from explorer.engine.training import Trainer
    from explorer.runs.bundle import save_run

    torch.set_num_threads(threads)
    trainer = Trainer(config)
    changed = {name: getattr(config, name) for name in RunConfig().diff(config)}
    announce = f"training {json.dumps(changed)} -> {folder}"
    stopped = _train(trainer, Progress(config.steps, sys.stderr), announce)
    if stopped:
        trainer.stop(f"Stopped by Ctrl-C after {trainer.step} of {config.steps} steps.")
    save_run(folder, trainer)
    print(format_summary(run_summary(trainer), trainer.task.baseline_name, folder))
    return EXIT_INTERRUPTED if stopped else EXIT_OK


# -- compare -----------------------------------------------------------------------------
class CompareProgress:
    """One progress line per variant on a stream. On a terminal the block of lines is
    redrawn in place (cursor up) at most 5 times a second; elsewhere (a log, CI) a variant
    prints a line each time it passes a tenth of its steps, and when it ends."""

    def __init__(self, variants: list[Variant], stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.width = max(len(v.name) for v in variants)
        self.drawn_lines = 0
        self.last_draw = 0.0
        self.tenths = [0] * len(variants)
        self.ended = [False] * len(variants)

    def update(self, states: tuple[VariantState, ...], force: bool = False) -> None:
        now = time.perf_counter()
        if self.tty:
            if force or now - self.last_draw >= 0.2:
                up = f"\x1b[{self.drawn_lines}F" if self.drawn_lines else ""
                lines = "".join(f"\x1b[2K{self.line(s)}\n" for s in states)
                self.stream.write(up + lines)
                self.stream.flush()
                self.drawn_lines, self.last_draw = len(states), now
            return
        for s in states:
            tenth = s.step * 10 // s.config.steps
            ended = s.finished
            if tenth > self.tenths[s.index] or (ended and not self.ended[s.index]):
                self.stream.write(self.line(s) + "\n")
                self.stream.flush()
                self.tenths[s.index], self.ended[s.index] = tenth, ended

    def line(self, s: VariantState) -> str:
        total = s.config.steps
        bar = ""
        if self.tty:
            filled = 20 * s.step // total
            bar = f"[{'#' * filled}{'.' * (20 - filled)}] "
        return (
            f"{bar}{s.name:<{self.width}}  step {s.step}/{total}  loss {s.loss:.4g}  "
            f"val {s.val_loss:.4g}  {s.state}"
        )


def compare(variants: list[Variant], folder: Path, workers: int, target: float) -> int:
    """Train the variants in parallel, write comparison.csv, print the table. Ctrl-C
    cancels every variant after its current step (the runs so far are saved): exit 130."""
    from explorer.runs.compare import Comparison
    from explorer.runs.table import comparison_entries, results_table, table_for_csv

    comparison = Comparison(variants, folder, workers=workers, idle_timeout=None)
    progress = CompareProgress(variants, sys.stderr)
    stop = _StopRequest()
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, stop) if in_main else None
    cancelled = False
    try:
        print(
            f"comparing {len(variants)} variants on {comparison.workers} worker processes "
            f"-> {folder}",
            file=sys.stderr,
            flush=True,
        )
        comparison.start()
        while not comparison.wait(0.2):
            if stop.requested and not cancelled:
                comparison.cancel()
                cancelled = True
            progress.update(comparison.states())
    except KeyboardInterrupt:  # a second Ctrl-C: stop the workers now
        cancelled = True
        comparison.close(timeout=5)
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    progress.update(comparison.states(), force=True)
    table = table_for_csv(results_table(comparison_entries(comparison), target))
    table.to_csv(folder / "comparison.csv", index=False)
    print(table.drop(columns=["folder"]).to_string(index=False, float_format="{:.4g}".format))
    print(f"\ntarget val loss {target:g}; wall time {comparison.wall_seconds:.1f} s")
    print(f"comparison.csv and run folders: {folder}")
    return EXIT_INTERRUPTED if cancelled else EXIT_OK

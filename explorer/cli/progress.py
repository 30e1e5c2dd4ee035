"""The one progress display: a row per run, for `train` (one row) and `compare` (a row per
variant).

On a terminal the rows are redrawn in place, with a bar, at most 10 times a second (and at
once when a run ends), so a long run costs no scrollback. Anywhere else (a log file, CI, a
pipe) there are no control characters: a row is printed as a plain line each time its run
passes a tenth of its steps, and when it ends, so a log shows the whole course in ~10 lines
per run.

>>> import io
>>> display = Progress(io.StringIO(), labels=["a", "bb"])
>>> display.show([Row(step=5, total=10, note="running"), Row(step=10, total=10, ended=True)])
>>> print(display.stream.getvalue(), end="")
a   step 5/10  loss nan  val nan  running
bb  step 10/10  loss nan  val nan
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # annotations only: this module must not import torch
    from explorer.engine.training import Trainer
    from explorer.runs.entries import VariantState
    from explorer.runs.variants import Variant

REDRAW_SECONDS = 0.1  # a terminal is redrawn at most this often
BAR_WIDTH = 20  # characters


@dataclass(frozen=True)
class Row:
    """One run's progress at one moment, whatever is running it."""

    step: int
    total: int  # steps planned
    loss: float = math.nan  # last training-batch loss
    val_loss: float = math.nan  # last validation loss
    note: str = ""  # the end of the line: the speed (train) or the state (compare)
    ended: bool = False  # finished, diverged, stopped or failed: no more steps will come


class Progress:
    """Rows of progress on a stream: redrawn in place on a terminal, printed as periodic
    lines elsewhere. One row returns to its start with \\r and keeps the cursor on it (close
    ends the line); several rows are a block that ends below itself and is redrawn by moving
    the cursor up over it."""

    def __init__(self, stream: TextIO, labels: Sequence[str]) -> None:
        self.stream = stream
        self.labels = list(labels)  # "" for train's single row: no name column
        self.width = max(len(label) for label in self.labels)
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last_draw = -math.inf
        self.drawn_rows = 0  # rows on screen from the last redraw
        self.tenths = [0] * len(self.labels)  # the last tenth printed, per row (not a tty)
        self.ended = [False] * len(self.labels)  # rows already shown as ended

    def show(self, rows: Sequence[Row], force: bool = False) -> None:
        """Show the rows (in the order of the labels); `force` skips a terminal's rate limit."""
        if self.tty:
            self._redraw(rows, force)
        else:
            self._print_news(rows)

    def _redraw(self, rows: Sequence[Row], force: bool) -> None:
        now = time.perf_counter()
        newly_ended = any(r.ended and not seen for r, seen in zip(rows, self.ended, strict=True))
        self.ended = [r.ended for r in rows]
        if not (force or newly_ended or now - self.last_draw >= REDRAW_SECONDS):
            return
        lines = [self.line(label, row) for label, row in zip(self.labels, rows, strict=True)]
        if len(lines) == 1:  # \x1b[K clears what a longer line left beyond this one
            frame = f"\r{lines[0]}\x1b[K"
        else:  # \x1b[nF: to the start of the line n up; \x1b[2K: clear the line
            up = f"\x1b[{self.drawn_rows}F" if self.drawn_rows else ""
            frame = up + "".join(f"\x1b[2K{line}\n" for line in lines)
        self.stream.write(frame)
        self.stream.flush()
        self.drawn_rows, self.last_draw = len(lines), now

    def _print_news(self, rows: Sequence[Row]) -> None:
        for i, (label, row) in enumerate(zip(self.labels, rows, strict=True)):
            tenth = row.step * 10 // max(row.total, 1)
            if tenth > self.tenths[i] or (row.ended and not self.ended[i]):
                self.stream.write(self.line(label, row) + "\n")
                self.stream.flush()
                self.tenths[i], self.ended[i] = tenth, row.ended

    def line(self, label: str, row: Row) -> str:
        """One row as text: [bar on a terminal] [label] step k/n  loss  val  [note]."""
        bar = ""
        if self.tty:
            filled = BAR_WIDTH * min(row.step, row.total) // max(row.total, 1)
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
        name = f"{label:<{self.width}}  " if self.width else ""
        note = f"  {row.note}" if row.note else ""
        return (
            f"{bar}{name}step {row.step}/{row.total}  loss {row.loss:.4g}  "
            f"val {row.val_loss:.4g}{note}"
        )

    def close(self) -> None:
        """End the display: a single redrawn row still holds the cursor; give it its newline."""
        if self.tty and self.drawn_rows == 1:
            self.stream.write("\n")
            self.stream.flush()


class TrainProgress(Progress):
    """`train`'s one row, read off the trainer; the speed counts from construction."""

    def __init__(self, total: int, stream: TextIO) -> None:
        super().__init__(stream, labels=[""])
        self.total = total
        self.start = time.perf_counter()

    def update(self, trainer: Trainer, force: bool = False) -> None:
        elapsed = time.perf_counter() - self.start
        rate = trainer.step / elapsed if elapsed > 0 else 0.0
        history = trainer.history
        row = Row(
            step=trainer.step,
            total=self.total,
            loss=history.steps[-1].loss if history.steps else math.nan,
            val_loss=history.val_losses[-1] if history.val_losses else math.nan,
            note=f"{rate:.1f} steps/s",
            ended=trainer.done,
        )
        self.show([row], force)


class CompareProgress(Progress):
    """`compare`'s rows, one per variant, labelled by the variant's name."""

    def __init__(self, variants: Sequence[Variant], stream: TextIO) -> None:
        super().__init__(stream, labels=[v.name for v in variants])

    def update(self, states: Sequence[VariantState], force: bool = False) -> None:
        rows = [
            Row(s.step, s.config.steps, s.loss, s.val_loss, note=s.state, ended=s.finished)
            for s in sorted(states, key=lambda s: s.index)
        ]
        self.show(rows, force)


class SweepProgress(Progress):
    """A sweep's one summary row (hundreds of variants get no row each): variants done
    out of all, how many run, failed and wait, the best validation loss so far, the time
    left."""

    def __init__(self, total: int, stream: TextIO) -> None:
        super().__init__(stream, labels=["sweep"])
        self.total = total

    def update(
        self, states: Sequence[VariantState], seconds_left: float | None, force: bool = False
    ) -> None:
        from explorer.runs.table import progress_counts

        c = progress_counts(states)
        done = c["done"]
        finite = [s.val_loss for s in states if s.finished and math.isfinite(s.val_loss)]
        note = f"{c['running']} running · {c['failed']} failed · {c['waiting']} waiting"
        if finite:
            note += f" · best val {min(finite):.4g}"
        if seconds_left is not None and done < len(states):
            note += f" · about {seconds_left:.0f} s left"
        self.show([Row(done, self.total, note=note, ended=done == len(states))], force)

    def line(self, label: str, row: Row) -> str:
        bar = ""
        if self.tty:
            filled = BAR_WIDTH * min(row.step, row.total) // max(row.total, 1)
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
        return f"{bar}{label}  {row.step}/{row.total} variants done  {row.note}"

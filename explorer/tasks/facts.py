"""What the pages call each task's things, by task name, as keys of explorer.i18n (None:
the generic label). A table with no torch in it: a page labels a recorded run (the example
it opens on, a run whose data this process no longer holds) without building its task.
The Task classes take their attributes from here (explorer.tasks.base)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["regression", "classification", "language"]


@dataclass(frozen=True)
class TaskFacts:
    kind: Kind = "regression"
    loss_unit: str | None = None  # loss.title.<unit>: "mse", "ce" or "bits"
    baseline_key: str | None = None  # the baseline's name on the loss chart
    baseline_help_key: str | None = None  # the baseline metric's tooltip
    timestep_axis_key: str | None = None  # what one timestep is (a digit's row, a character)
    draws_curve: bool = False  # the Train page draws the predictions against the truth


TASK_FACTS: dict[str, TaskFacts] = {
    "adding": TaskFacts(),
    "sine_next": TaskFacts(draws_curve=True),
    "sine_window": TaskFacts(draws_curve=True),
    "series": TaskFacts(loss_unit="mse", baseline_key="baseline.series"),
    "digits": TaskFacts(
        kind="classification",
        loss_unit="ce",
        baseline_key="baseline.digits",
        baseline_help_key="help.baseline.digits",
        timestep_axis_key="digits.row_axis",
    ),
    "chars": TaskFacts(
        kind="language",
        loss_unit="bits",
        baseline_key="baseline.chars",
        baseline_help_key="help.baseline.chars",
        timestep_axis_key="chars.probe_axis",
    ),
}

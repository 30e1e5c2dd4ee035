"""The end-of-run screen of `train`: what happened, in numbers, and where it is saved.

It reads the summary dict that run_summary computes and summary.json stores, so the screen
and the file never disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def format_summary(summary: dict[str, Any], baseline_name: str, folder: Path) -> str:
    """The end-of-run screen: aligned `name  value` lines."""
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


def _num(value: float | None, fmt: str = ".4g") -> str:
    """A number, or n/a where the run never produced it (no validation yet, no steps)."""
    return "n/a" if value is None else format(value, fmt)

"""A sweep: up to 1,000 variants of one run, a grid over any number of knobs or a seeded
random search, trained like a comparison (same data and seed for every variant) by either
executor, tabulated in sweep.csv and sweep.parquet.

>>> space = [parse_range("lr=1e-4:1e-1:log"), parse_range("hidden=8:64")]
>>> [v.name for v in random_variants(RunConfig(), space, 3, seed=0)]
['lr=0.00814, hidden=23', 'lr=0.000133, hidden=9', 'lr=0.0275, hidden=59']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer.config import ConfigError, RunConfig, field_spec
from explorer.runs.variants import (
    CompareError,
    Variant,
    check_knob,
    checked_value,
    format_value,
    make_variants,
)

MAX_SWEEP = 1000


@dataclass(frozen=True)
class Range:
    """Where a random search draws one knob: uniformly in [low, high] (log: uniformly in
    log space), rounded to the field's type; or uniformly among choices."""

    knob: str
    low: float = math.nan
    high: float = math.nan
    log: bool = False
    choices: tuple[str, ...] = ()

    def draw(self, rng: np.random.Generator, integer: bool) -> Any:
        if self.choices:
            return self.choices[int(rng.integers(len(self.choices)))]
        if self.log:
            value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        else:
            value = rng.uniform(self.low, self.high)
        # Integers round; floats keep 3 significant digits, so a name is its config.
        return round(value) if integer else float(f"{value:.3g}")


def parse_range(text: str, base: RunConfig | None = None) -> Range:
    """KNOB=LOW:HIGH[:log] for a number, KNOB=A,B,C for a choice; both ends (and every
    choice) checked by RunConfig as the knob's own values.

    >>> parse_range("lr=1e-4:1e-1:log")
    Range(knob='lr', low=0.0001, high=0.1, log=True, choices=())
    >>> parse_range("hidden=64:8")
    Traceback (most recent call last):
    ...
    explorer.runs.variants.CompareError: space: hidden=64:8: LOW must be below HIGH
    """
    base = base or RunConfig()
    knob, sep, spec = text.partition("=")
    knob = knob.strip().replace("-", "_")
    if not sep or not spec.strip():
        raise CompareError(f"space: {text!r}: use KNOB=LOW:HIGH[:log] or KNOB=A,B,C")
    check_knob(knob)
    if field_spec(knob).metadata["choices"] is not None:
        choices = tuple(v.strip() for v in spec.split(",") if v.strip())
        for choice in choices:
            checked_value(base, knob, choice)
        return Range(knob, choices=choices)
    parts = spec.split(":")
    log = parts[-1].strip().lower() == "log"
    if log:
        parts = parts[:-1]
    if len(parts) != 2:
        raise CompareError(f"space: {text}: use KNOB=LOW:HIGH[:log]")
    low, high = (float(checked_value(base, knob, p.strip())) for p in parts)
    if not low < high:
        raise CompareError(f"space: {text}: LOW must be below HIGH")
    if log and low <= 0:
        raise CompareError(f"space: {text}: a log range needs LOW > 0")
    return Range(knob, low, high, log)


def grid_variants(base: RunConfig, grid: Mapping[str, Sequence[Any]]) -> list[Variant]:
    """The cross product over any number of knobs, up to MAX_SWEEP variants."""
    return make_variants(base, grid, max_knobs=None, max_variants=MAX_SWEEP)


def random_variants(
    base: RunConfig, space: Sequence[Range], n: int, seed: int = 0
) -> list[Variant]:
    """n variants drawn from the space with their own seed (not the runs' seed, which
    every variant shares so that they see the same data)."""
    if not 1 <= n <= MAX_SWEEP:
        raise CompareError(f"random: {n} variants; 1 to {MAX_SWEEP}")
    if not space:
        raise CompareError("random: give the space to draw from (--space KNOB=LOW:HIGH)")
    knobs = [r.knob for r in space]
    if len(set(knobs)) != len(knobs):
        raise CompareError("space: a knob is given twice")
    rng = np.random.default_rng(seed)
    integer = {r.knob: isinstance(field_spec(r.knob).default, int) for r in space}
    variants = []
    names: dict[str, int] = {}  # name -> times drawn
    for _ in range(n):
        changes = {r.knob: r.draw(rng, integer[r.knob]) for r in space}
        name = ", ".join(f"{k}={format_value(v)}" for k, v in changes.items())
        if (seen := names.get(name, 0)) > 0:  # drawn before: same run, its own name
            name_seen, name = name, f"{name} #{seen + 1}"
            names[name_seen] = seen + 1
        else:
            names[name] = 1
        try:
            variants.append(Variant(name, base.replace(**changes)))
        except ConfigError as exc:  # a combination the config refuses (IRNN on an LSTM)
            raise ConfigError(exc.field, f"{exc} (variant {name})") from None
    return variants

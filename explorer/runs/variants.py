"""Variants of a run: the cross product of the values of one or two knobs, each checked
by RunConfig itself.

>>> variants = make_variants(RunConfig(), {"cell": ["rnn", "gru"], "lr": ["0.01", "0.1"]})
>>> [v.name for v in variants]
['cell=rnn, lr=0.01', 'cell=rnn, lr=0.1', 'cell=gru, lr=0.01', 'cell=gru, lr=0.1']
>>> variants[3].config == RunConfig(cell="gru", lr=0.1)
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from explorer.config import ConfigError, RunConfig, field_spec, varied_knobs

MAX_VARIANTS = 12


KNOBS = varied_knobs()  # the knobs a comparison may vary (explorer.config)


class CompareError(ValueError):
    """A comparison that cannot run as asked; the message says why in one line."""


# -- variants ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    name: str  # "cell=gru, lr=0.01": the knob values that set it apart
    config: RunConfig


def format_value(value: Any) -> str:
    """A knob value as it reads in a variant's name: 0.001, 64, gru.

    >>> format_value(0.001), format_value(1e-05), format_value(64)
    ('0.001', '1e-05', '64')
    """
    return f"{value:g}" if isinstance(value, float) else str(value)


def parse_vary(text: str) -> tuple[str, list[str]]:
    """'cell=rnn,lstm' -> ('cell', ['rnn', 'lstm']); dashes in the knob name are allowed
    as on the command line ('seq-len=50,100').

    >>> parse_vary("seq-len=50, 100")
    ('seq_len', ['50', '100'])
    """
    knob, sep, values = text.partition("=")
    knob = knob.strip().replace("-", "_")
    items = [v.strip() for v in values.split(",") if v.strip()]
    if not sep or not knob or not items:
        raise CompareError(f"vary: expected KNOB=V1,V2,... (e.g. cell=rnn,gru), got {text!r}")
    return knob, items


def make_variants(
    base: RunConfig,
    vary: Mapping[str, Sequence[Any]],
    max_knobs: int | None = 2,
    max_variants: int = MAX_VARIANTS,
) -> list[Variant]:
    """The cross product of the values given for the knobs (one or two for a comparison;
    any number for a sweep's grid), each applied to base. Every value is checked by
    RunConfig itself (same messages as `train`); CompareError or ConfigError say what is
    wrong."""
    if not vary:
        raise CompareError("vary: name one or two knobs to vary")
    if max_knobs is not None and len(vary) > max_knobs:
        raise CompareError(f"vary: at most two knobs at once, got {len(vary)}")
    checked: dict[str, list[Any]] = {}
    for knob, raw_values in vary.items():
        check_knob(knob)
        values: list[Any] = []
        for raw in raw_values:
            value = checked_value(base, knob, raw)
            if value in values:
                raise CompareError(f"vary: {knob} lists {format_value(value)} twice")
            values.append(value)
        if not values:
            raise CompareError(f"vary: no values for {knob}")
        checked[knob] = values
    count = math.prod(len(v) for v in checked.values())
    if count > max_variants:
        sizes = " x ".join(str(len(v)) for v in checked.values())
        raise CompareError(f"vary: {sizes} = {count} variants; at most {max_variants} run at once")
    variants = []
    for combo in itertools.product(*checked.values()):
        changes = dict(zip(checked, combo, strict=True))
        name = ", ".join(f"{k}={format_value(v)}" for k, v in changes.items())
        try:
            variants.append(Variant(name, base.replace(**changes)))
        except ConfigError as exc:  # a combination the config refuses (IRNN on an LSTM)
            raise ConfigError(exc.field, f"{_reason(exc)} (variant {name})") from None
    return variants


def check_knob(knob: str) -> None:
    if knob not in KNOBS:
        raise CompareError(f"vary: unknown knob {knob!r}; the knobs are {', '.join(KNOBS)}")


def checked_value(base: RunConfig, knob: str, raw: Any) -> Any:
    """One value coerced and range-checked as the config's own field would."""
    try:
        return getattr(replace(base, **{knob: raw}), knob)
    except ConfigError as exc:
        if exc.field != knob:  # valid alone, refused with the base (IRNN + LSTM)
            raise ConfigError(exc.field, f"{_reason(exc)} (with {knob}={raw})") from None
        raise


def _reason(exc: ConfigError) -> str:
    return str(exc).removeprefix(f"{exc.field}: ")


SUGGESTED = {  # a first guess at values worth comparing, shown in the page's inputs
    "cell": ["rnn", "lstm", "gru"],
    "clip": ["off", "norm"],
    "clip_value": ["0.1", "1", "10"],
    "hidden": ["16", "32", "64"],
    "seq_len": ["25", "50", "100"],
    "init": ["default", "orthogonal"],
    "seed": ["0", "1", "2"],
    "optimizer": ["adam", "sgd"],
    "whh_gain": ["0.5", "1", "2"],
    "forget_bias": ["0", "1"],
    "tbptt": ["0", "10"],
}


def suggested_values(knob: str, base: RunConfig) -> list[str]:
    """Values to start from: for the learning rate a decade either side of the base.

    >>> suggested_values("lr", RunConfig(lr=0.01))
    ['0.001', '0.01', '0.1']
    """
    if knob == "lr":
        return [format_value(float(f"{base.lr * f:.3g}")) for f in (0.1, 1.0, 10.0)]
    return list(SUGGESTED[knob])


def knob_values(knob: str) -> list[str] | None:
    """The allowed values of a choice knob (cell, clip, init, optimizer); None for numbers."""
    choices = field_spec(knob).metadata["choices"]
    return list(choices) if choices is not None else None


def comparison_key(variants: Sequence[Variant], runs_root: Path) -> tuple:
    """What a comparison trains and where it saves: two with equal keys are one race."""
    return (str(runs_root), tuple(v.config.to_json() for v in variants))

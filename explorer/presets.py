"""Classroom presets: one click (or ?preset=NAME) sets up a lesson that shows its effect
within two minutes on a 2-core machine. A preset is a config, optionally a race of one
knob's values on the Compare page, and a narrative (texts keyed "preset.<name>.*").

The effects the narratives claim are asserted in tests/test_presets.py by running each
preset headlessly, shortened where it must be.

>>> PRESETS["vanishing"].vary
(('cell', ('rnn', 'gru', 'lstm')),)
>>> preset, warning = preset_from_query({"preset": "nope"})
>>> preset is None and warning.startswith("URL parameter preset: 'nope' is not one of")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from explorer.config import RunConfig

NARRATIVE = ("title", "watch", "expect", "why", "question", "answer")
TRAIN_PAGE = "views/train.py"  # the app's default page


@dataclass(frozen=True)
class Preset:
    name: str
    config: RunConfig
    vary: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a race on the Compare page
    options: tuple[str, ...] = ()  # text keys of the answers to "predict, then reveal"
    page: str = TRAIN_PAGE  # where the lesson is watched
    correct: str = ""  # the text key, among options, of the right answer

    @property
    def is_race(self) -> bool:
        return bool(self.vary)

    def text_key(self, part: str) -> str:
        return f"preset.{self.name}.{part}"


# The long-memory lessons share one setup: the adding problem, Adam 3e-3, clip at norm 1.
ADDING = RunConfig(
    task="adding", hidden=32, batch=32, lr=0.003, clip="norm", clip_value=1.0, val_every=50
)


def _options(name: str, order: tuple[int, ...], right: int) -> dict:
    """The answers in the order shown (texts preset.<name>.option<i>), and the right one;
    the orders differ between lessons, so the right answer is not always in one place."""
    keys = tuple(f"preset.{name}.option{i}" for i in order)
    return {"options": keys, "correct": f"preset.{name}.option{right}"}


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "tutorial_sine",
            RunConfig(
                task="sine_window",
                seq_len=5,
                cell="rnn",
                hidden=32,
                lr=0.01,
                optimizer="adam",
                clip="norm",
                clip_value=0.5,
                steps=100,
                batch=256,
                val_every=5,
            ),
            **_options("tutorial_sine", (2, 1, 3), right=2),
        ),
        Preset(
            "free_running",
            RunConfig(
                task="sine_next",
                seq_len=50,
                cell="rnn",
                hidden=16,
                init="small_normal",
                lr=0.01,
                clip="norm",
                clip_value=1.0,
                steps=1500,
                batch=16,
            ),
            **_options("free_running", (1, 3, 2), right=2),
        ),
        Preset(
            "vanishing",
            ADDING.replace(seq_len=100, cell="rnn", steps=1500),
            vary=(("cell", ("rnn", "gru", "lstm")),),
            **_options("vanishing", (1, 2, 3), right=2),
            page="views/compare.py",
        ),
        Preset(
            "exploding",
            # An IRNN pushed past 1: W_hh = 1.15 I with ReLU, so the state and the gradient
            # grow ~1.15x per step (66x over 30). The first gradient (norm a few hundred)
            # is the same in both runs; unclipped, one SGD step of that size throws W_hh's
            # spectral radius from 1.15 into the millions. tests/test_presets.py checks the
            # claims on seeds 0-9.
            RunConfig(
                task="adding",
                seq_len=30,
                cell="rnn",
                hidden=32,
                init="identity",
                whh_gain=1.15,
                optimizer="sgd",
                lr=0.01,
                clip="off",
                clip_value=1.0,
                steps=300,
                val_every=10,
            ),
            vary=(("clip", ("off", "norm")),),
            **_options("exploding", (3, 1, 2), right=2),
            page="views/compare.py",
        ),
        Preset(
            "forget_bias",
            ADDING.replace(seq_len=100, cell="lstm", steps=1500),
            vary=(("forget_bias", ("0", "1")),),
            **_options("forget_bias", (2, 3, 1), right=2),
            page="views/compare.py",
        ),
        Preset(
            "init_lab",
            ADDING.replace(seq_len=50, cell="rnn", steps=800),
            vary=(("init", ("default", "orthogonal", "identity")),),
            **_options("init_lab", (3, 2, 1), right=2),
            page="views/compare.py",
        ),
    )
}


def preset_from_query(params: Mapping[str, Any]) -> tuple[Preset | None, str | None]:
    """The preset a link names, or (None, a warning naming the parameter)."""
    raw = params.get("preset")
    if raw is None:
        return None, None
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else ""
    name = str(raw).strip().lower()
    if name in PRESETS:
        return PRESETS[name], None
    return None, f"URL parameter preset: {raw!r} is not one of {', '.join(PRESETS)}."

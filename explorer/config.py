"""RunConfig: every knob of a run, its default and its bounds, in one frozen dataclass.

One table (the dataclass fields and their metadata) feeds validation, the command line,
the Streamlit sidebar and the URL, so a shared link reproduces a run, seed included.

>>> cfg = RunConfig(cell="gru", hidden=64)
>>> RunConfig.from_json(cfg.to_json()) == cfg
True
>>> cfg.to_query()
{'cell': 'gru', 'hidden': '64'}
>>> RunConfig(hidden=0)
Traceback (most recent call last):
...
explorer.config.ConfigError: hidden: 0 is out of range; allowed 1 to 256
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any

from explorer.i18n import text

CELLS = {"rnn": "Vanilla RNN (tanh)", "lstm": "LSTM", "gru": "GRU"}
TASKS = {
    "sine_next": "Sine, next step",
    "sine_window": "Noisy sine window",
    "adding": "Adding problem",
    "series": text("task.series"),
    "digits": text("task.digits"),
    "chars": text("task.chars"),
}


class DataKind(str, Enum):
    """What a task reads from a user, when it reads anything: a table of numbers (a CSV,
    pasted numbers) or a text. The pages, the command line and the checks ask this, not
    the task's name."""

    TABLE = "table"
    TEXT = "text"


TASK_DATA = {"series": DataKind.TABLE, "chars": DataKind.TEXT}  # the tasks that read data
DATA_TASKS = frozenset(TASK_DATA)


def data_kind(task: str) -> DataKind | None:
    """What the task reads from a user; None for a task with built-in data only."""
    return TASK_DATA.get(task)


DIGITS_ROWS = 8  # the digits task reads 8x8 images one row per step: T is always 8
DATA_KEY = r"sha256:[0-9a-f]{64}"  # see explorer.tasks.datastore: data is named by content
COLUMN_NAME = r"[^\x00-\x1f\x7f]{0,100}"  # printable, as a CSV header cell can be
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD with momentum 0.9"}
CLIP_MODES = {"off": "Off", "norm": "By global norm", "value": "By value"}
INITS = {
    "default": "PyTorch default (uniform ±1/√H)",
    "orthogonal": "Orthogonal W_hh",
    "identity": "Identity W_hh + ReLU (IRNN, vanilla RNN only)",
    "small_normal": "Normal(0, 0.001) for the recurrent weights (the tutorial's)",
}
SINE_WINDOW_MAX = 100  # leaves at least 100 windows of sine_window's 200-point series


class ConfigError(ValueError):
    """A bad value for one field; the message names the field and what is allowed."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.field = name


def _knob(
    default: Any,
    help: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    choices: Mapping[str, str] | None = None,
    pattern: str | None = None,
    varies: bool = False,
    by_task: Mapping[str, Any] | None = None,
) -> Any:
    """pattern: for a free-text field, the regular expression a whole value must match.
    varies: a comparison may vary it (the physics knobs; not steps, whose progress would
    not line up, nor the task, data or batch, which would change the data). by_task: the
    default a task starts from when the user switches to it, where it differs."""
    meta = {
        "help": help,
        "lo": lo,
        "hi": hi,
        "choices": choices,
        "pattern": pattern,
        "varies": varies,
        "by_task": by_task or {},
    }
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class RunConfig:
    """One training run. Bounds keep a run small enough to stay live on a 2-core CPU."""

    task: str = _knob(
        "sine_next",
        "what the network learns: the next point of a sine (50-point segments, later "
        "generated free-running), the next value of the tutorial's noisy sine from a window, "
        "or the adding problem (sum two marked values from a long sequence: memory)",
        choices=TASKS,
    )
    # Never a path: a content key looked up in explorer.tasks.datastore ("" = built-in data).
    data: str = _knob("", text("field.data"), pattern=f"(?:{DATA_KEY})?")
    column: str = _knob("", text("field.column"), pattern=COLUMN_NAME)
    cell: str = _knob("rnn", "recurrent cell type", choices=CELLS, varies=True)
    hidden: int = _knob(32, "hidden units per layer", lo=1, hi=256, varies=True)
    layers: int = _knob(1, "stacked recurrent layers", lo=1, hi=3)
    seq_len: int = _knob(
        50,
        "timesteps per sequence (the window, for sine_window)",
        lo=2,
        hi=500,
        varies=True,
        by_task={"sine_window": 5, "adding": 100, "series": 20, "digits": DIGITS_ROWS, "chars": 64},
    )
    batch: int = _knob(32, "sequences per step (capped at the training set's size)", lo=1, hi=1024)
    steps: int = _knob(1000, "optimizer steps in the run", lo=1, hi=100_000)
    lr: float = _knob(0.01, "learning rate", lo=1e-6, hi=10.0, varies=True)
    optimizer: str = _knob("adam", "optimizer", choices=OPTIMIZERS, varies=True)
    clip: str = _knob("norm", "gradient clipping mode", choices=CLIP_MODES, varies=True)
    clip_value: float = _knob(
        1.0, "clipping threshold (max global norm, or max |g|)", lo=1e-4, hi=1e4, varies=True
    )
    init: str = _knob("default", "weight initialisation", choices=INITS, varies=True)
    whh_gain: float = _knob(
        1.0, "multiplies W_hh after init; >1 pushes towards explosion", lo=0.0, hi=10.0, varies=True
    )
    forget_bias: float = _knob(
        0.0,
        "added to the LSTM forget-gate bias (+1 is the usual fix)",
        lo=-5.0,
        hi=5.0,
        varies=True,
    )
    tbptt: int = _knob(
        0, "truncated BPTT window in steps; 0 means full BPTT", lo=0, hi=500, varies=True
    )
    probe_every: int = _knob(
        0, "measure gradient flow every k steps; 0 = auto (1, LSTM 25)", lo=0, hi=10_000
    )
    val_every: int = _knob(10, "evaluate the validation loss every k steps", lo=1, hi=10_000)
    seed: int = _knob(
        0, "seeds the data, the weights and the batch order", lo=0, hi=2**31 - 1, varies=True
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _check(f, getattr(self, f.name)))
        # Settings a task does not read are set to what it uses, so equal runs compare
        # equal and links stay short: data only for series and chars, the column only for
        # series, and the digits' fixed 8 rows as the sequence length.
        if self.task not in DATA_TASKS:
            object.__setattr__(self, "data", "")
        if data_kind(self.task) is not DataKind.TABLE:
            object.__setattr__(self, "column", "")
        if self.task == "digits":
            object.__setattr__(self, "seq_len", DIGITS_ROWS)
        if self.init == "identity" and self.cell != "rnn":
            raise ConfigError("init", "identity (IRNN) applies to the vanilla RNN only")
        if self.task == "sine_window" and self.seq_len > SINE_WINDOW_MAX:
            raise ConfigError(
                "seq_len",
                f"{self.seq_len} is out of range for sine_window "
                f"(a window of the 200-point series); allowed 2 to "
                f"{SINE_WINDOW_MAX}",
            )

    # -- derived -----------------------------------------------------------------
    @property
    def probe_interval(self) -> int:
        """Steps between instrumented steps. Auto: a probed RNN step costs about what the
        fused one does and a probed GRU step less (models.GRULayer), so probe every step;
        nn.LSTM runs as one oneDNN kernel on the CPU, about 3x faster than a probed step
        (models.LSTMLayer), so probe every 25th. Fixed, not measured on the machine, so
        which steps a run probed never depends on the CPU (bench/bench_probes.py)."""
        if self.probe_every:
            return self.probe_every
        return 25 if self.cell == "lstm" else 1

    @property
    def step_work(self) -> int:
        """Multiply-adds of one training step, roughly: batch x T x layers x gates x
        H x (H + 1). About 0.1-0.2 ns each on one core of the reference machine, so the
        default (1.7e6) takes ~3 ms and the largest allowed values minutes."""
        gates = {"rnn": 1, "gru": 3, "lstm": 4}[self.cell]
        h = self.hidden
        return self.batch * self.seq_len * self.layers * gates * h * (h + 1)

    @property
    def nonlinearity(self) -> str:
        return "relu" if self.init == "identity" else "tanh"

    # -- serialisation ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunConfig:
        """Strict: unknown keys and bad values raise ConfigError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(unknown[0], f"unknown setting; known are {', '.join(sorted(known))}")
        return cls(**dict(data))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str) -> RunConfig:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError("config", f"not valid JSON ({exc.msg}, line {exc.lineno})") from exc
        if not isinstance(data, dict):
            raise ConfigError("config", "expected a JSON object of settings")
        return cls.from_dict(data)

    def to_query(self, base: RunConfig | None = None) -> dict[str, str]:
        """Only the values that differ from the defaults (or from `base`, a lesson's own
        config, which from_query(..., base=base) starts from), so links stay short."""
        default = RunConfig() if base is None else base
        return {
            f.name: _format(getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }

    @classmethod
    def from_query(
        cls, params: Mapping[str, Any], base: RunConfig | None = None
    ) -> tuple[RunConfig, list[str]]:
        """Lenient: each bad or unknown parameter falls back to its default (or to base's
        value, e.g. a preset's) and yields a warning naming it, so a mangled link opens."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = base.to_dict() if base is not None else {}
        warnings: list[str] = []
        for name, raw in params.items():
            if name not in known:
                continue  # other pages' parameters (preset, lang, ...) are not ours
            if isinstance(raw, list | tuple):
                raw = raw[-1] if raw else ""
            try:
                values[name] = _check(known[name], raw)
            except ConfigError as exc:
                fallback = values.get(name, known[name].default)
                warnings.append(f"URL parameter {exc}. Using {_format(fallback)!r}.")
        try:
            return cls(**values), warnings
        except ConfigError as exc:  # a combination that is invalid as a whole
            values.pop(exc.field, None)
            warnings.append(f"URL parameter {exc}. Using the default.")
            try:
                return cls(**values), warnings
            except ConfigError:
                return cls(), [*warnings, "URL parameters conflict; using all defaults."]

    def replace(self, **changes: Any) -> RunConfig:
        return dataclasses.replace(self, **changes)

    def diff(self, other: RunConfig) -> list[str]:
        """Names of the fields whose values differ."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


def varied_knobs() -> tuple[str, ...]:
    """The fields a comparison may vary, in the config's order."""
    return tuple(f.name for f in fields(RunConfig) if f.metadata["varies"])


def task_defaults(task: str) -> dict[str, Any]:
    """The fields a task starts from when the user switches to it: its own default where
    it has one, the config's otherwise."""
    return {
        f.name: f.metadata["by_task"].get(task, f.default)
        for f in fields(RunConfig)
        if f.metadata["by_task"]
    }


def field_spec(name: str) -> dataclasses.Field:
    """The field object (with help, bounds and choices in .metadata) for one knob."""
    for f in fields(RunConfig):
        if f.name == name:
            return f
    raise KeyError(name)


def _format(value: Any) -> str:
    """A value as it reads in a URL or a message: 0.01, 64, 1.0, nan."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(value) if abs(value) < 1e16 else repr(value)
    return repr(value) if isinstance(value, float) else str(value)


def _check(f: dataclasses.Field, value: Any) -> Any:
    """Coerce a value (possibly a string from a URL or a command line) to the field's type
    and check it against the field's bounds or choices."""
    meta = f.metadata
    kind = type(f.default)
    if meta.get("pattern") is not None:
        if not isinstance(value, str):
            raise ConfigError(f.name, f"expected text, got {value!r}")
        text = value.strip()
        if not re.fullmatch(meta["pattern"], text):
            shown = text if len(text) <= 40 else text[:37] + "..."
            what = "a data key (sha256: and 64 hex digits)" if f.name == "data" else "a name"
            raise ConfigError(f.name, f"{shown!r} is not {what}")
        return text
    if meta["choices"] is not None:
        text = str(value).strip().lower()
        if text not in meta["choices"]:
            raise ConfigError(f.name, f"{value!r} is not one of {', '.join(meta['choices'])}")
        return text
    if isinstance(value, bool):
        raise ConfigError(f.name, f"expected a number, got {value!r}")
    try:
        if kind is int:
            number: float = float(value) if isinstance(value, str) else value
            if isinstance(number, float):
                if not number.is_integer():
                    raise ValueError
                number = int(number)
            number = int(number)
        else:
            number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(
            f.name, f"expected {'a whole number' if kind is int else 'a number'}, got {value!r}"
        ) from None
    lo, hi = meta["lo"], meta["hi"]
    if number != number or not (lo <= number <= hi):  # NaN fails both comparisons
        raise ConfigError(
            f.name, f"{_format(number)} is out of range; allowed {_format(lo)} to {_format(hi)}"
        )
    return number

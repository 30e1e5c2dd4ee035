"""What a watched module is, and what cannot be watched: every refusal is one line that says
what and why, raised by `describe` before anything is hooked.

>>> from torch import nn
>>> describe(nn.LSTM(3, 8, num_layers=2, batch_first=True)).cell
'lstm'
>>> describe(nn.LSTM(3, 8, proj_size=4))
Traceback (most recent call last):
...
ValueError: explorer.watch: LSTM with proj_size > 0 is not supported (h_t is projected)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from torch import nn

# nn.RNNBase.mode -> (cell, nonlinearity): the four recurrences the unrolled path knows.
MODES = {
    "RNN_TANH": ("rnn", "tanh"),
    "RNN_RELU": ("rnn", "relu"),
    "LSTM": ("lstm", "tanh"),
    "GRU": ("gru", "tanh"),
}
SUPPORTED = (nn.RNN, nn.LSTM, nn.GRU)
# The block of weight_hh that feeds the candidate state, whose spectrum is recorded:
# PyTorch orders gates LSTM (i, f, g, o) and GRU (r, z, n) (as explorer.engine.models).
CANDIDATE_BLOCK = {"rnn": 0, "lstm": 2, "gru": 2}


@dataclass(frozen=True)
class ModuleSpec:
    """The watched module's shape, as the run folder's watch.json records it."""

    module_class: str  # e.g. "torch.nn.modules.rnn.LSTM"
    cell: str  # "rnn", "lstm" or "gru"
    nonlinearity: str  # "tanh" or "relu" (a vanilla RNN's; gated cells: "tanh")
    input_size: int
    hidden: int  # hidden units per layer, H
    layers: int
    batch_first: bool
    bias: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _refuse(message: str, kind: type[Exception] = ValueError) -> Exception:
    return kind(f"explorer.watch: {message}")


def describe(module: nn.Module) -> ModuleSpec:
    """The spec of an nn.RNN / nn.LSTM / nn.GRU the unrolled path reproduces exactly;
    TypeError or ValueError (one line) for anything else."""
    cls = type(module)
    if not isinstance(module, SUPPORTED):
        raise _refuse(
            f"{cls.__name__} is not supported; watch an nn.RNN, nn.LSTM or nn.GRU "
            "(the recurrent layer inside your model, e.g. model.encoder)",
            TypeError,
        )
    base = next(c for c in SUPPORTED if isinstance(module, c))
    if cls.forward is not base.forward:
        raise _refuse(
            f"{cls.__name__} overrides forward; only the plain {base.__name__} forward can "
            "be reproduced step by step",
            TypeError,
        )
    if "forward" in vars(module):
        raise _refuse(
            "this module's forward is replaced on the instance already (watched, or patched "
            "by another tool); call remove() on its probe first"
        )
    if module.bidirectional:
        raise _refuse(
            "bidirectional layers are not supported (the backward direction's h_t would "
            "need its own probes); watch a unidirectional layer"
        )
    if getattr(module, "proj_size", 0) > 0:
        raise _refuse("LSTM with proj_size > 0 is not supported (h_t is projected)")
    if module.dropout > 0 and module.num_layers > 1:
        raise _refuse(
            f"dropout={module.dropout} between layers is not supported: the fused kernel "
            "draws its own masks, so a probed step could not give the same outputs"
        )
    cell, nonlinearity = MODES[module.mode]
    return ModuleSpec(
        module_class=f"{cls.__module__}.{cls.__qualname__}",
        cell=cell,
        nonlinearity=nonlinearity,
        input_size=int(module.input_size),
        hidden=int(module.hidden_size),
        layers=int(module.num_layers),
        batch_first=bool(module.batch_first),
        bias=bool(module.bias),
    )

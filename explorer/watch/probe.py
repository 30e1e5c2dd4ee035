"""The Probe: hooks on one nn.RNN / nn.LSTM / nn.GRU inside a caller's model and loop.

What it hooks, and what remove() takes away again:
- the instance's forward (an attribute on the module, shadowing the class's): a training
  forward with grad enabled is counted; a probed one runs explorer.watch.unroll with zero
  probes on every h_t (c_t) whose tensor hooks catch dL/dh_t in the caller's backward;
  every other call runs the class's own forward, the fused layer untouched;
- a post-accumulate-grad hook on each of the module's parameters: the norm of .grad after
  each backward (accumulated micro-batches included), before any clipping;
- with an optimizer, a step pre-hook: the step ends there, after the caller's clipping,
  so the norm it reads is the clipped one.

A step is one optimizer.step() when an optimizer is given, otherwise one training
forward (it ends at the next one, or when the probe is read). A forward no backward
reaches is no step and is not recorded.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from explorer.engine.history import History, StepRecord
from explorer.engine.probes import global_grad_norm
from explorer.watch import notebook
from explorer.watch.folder import SOURCE, save_watched
from explorer.watch.record import (
    Capture,
    global_norm,
    padded,
    probe_record,
    spectrum_every,
    spectrum_record,
)
from explorer.watch.schedule import ProbeSchedule
from explorer.watch.spec import ModuleSpec
from explorer.watch.unroll import State, unrolled_forward

if TYPE_CHECKING:
    from explorer.watch.tensorboard import TensorBoardLogger

CLIP_TOLERANCE = 1e-6  # a norm this much below the unclipped one counts as clipped


@dataclass
class _Step:
    """The step in progress: opened by its first training forward."""

    number: int  # 1-based, as StepRecord.step
    started: float  # time.perf_counter() at its first forward, s
    captures: list[Capture] = field(default_factory=list)
    spectrum_taken: bool = False
    backward_seen: bool = False
    loss: float | None = None
    val_loss: float | None = None


class Probe:
    """Made by explorer.watch(); see its docstring for the use."""

    def __init__(
        self,
        module: nn.RNNBase,
        spec: ModuleSpec,
        schedule: ProbeSchedule,
        optimizer: torch.optim.Optimizer | None = None,
        logger: TensorBoardLogger | None = None,
    ) -> None:
        self.module, self.spec, self.schedule, self.logger = module, spec, schedule, logger
        self.optimizer = optimizer
        self._history = History()
        self._open: _Step | None = None
        self._calls = 0  # training forwards seen
        self._probes = 0  # of them probed
        self._last_call: tuple[float, bool] | None = None  # (when, probed) of the last one
        self._grad_norms: dict[str, torch.Tensor] = {}  # 0-d norms of each .grad, latest
        self._handles = [
            p.register_post_accumulate_grad_hook(functools.partial(self._on_grad, name))
            for name, p in module.named_parameters()
        ]
        if optimizer is not None:
            self._handles.append(optimizer.register_step_pre_hook(self._on_optimizer_step))
        module.forward = self._forward  # the instance's own: remove() deletes it
        self._removed = False

    def __repr__(self) -> str:
        spec, history = self.spec, self._history
        schedule = self.schedule
        every = f"every {schedule.fixed}" if schedule.fixed else f"budget {schedule.budget:g}"
        state = "removed" if self._removed else "watching"
        return (
            f"<Probe {state} {spec.cell} {spec.layers}x{spec.hidden}: {len(history.steps)} "
            f"steps, {len(history.probes)} probes ({every})>"
        )

    # -- the hooks -----------------------------------------------------------------------
    def _forward(self, input: torch.Tensor, hx: State | None = None) -> tuple[Any, State]:
        module = self.module
        if not (module.training and torch.is_grad_enabled()):
            return type(module).forward(module, input, hx)
        if isinstance(input, PackedSequence):
            raise TypeError(
                "explorer.watch: PackedSequence input is not supported (a probe needs every "
                "h_t of a padded batch); pass the padded tensor, or remove() the probe"
            )
        if self.optimizer is None:
            self._close()  # without an optimizer a step ends at the next forward
        now = time.perf_counter()  # after closing: its cost belongs to the step before
        if self._last_call is not None:
            self.schedule.observe(self._last_call[1], now - self._last_call[0])
        self._calls += 1
        probed = self.schedule.due(self._calls)
        self._last_call = (now, probed)
        if self._open is None:
            self._open = _Step(len(self._history.steps) + 1, now)
        if not probed:
            return type(module).forward(module, input, hx)
        return self._probed_forward(input, hx)

    def _probed_forward(self, input: torch.Tensor, hx: State | None) -> tuple[Any, State]:
        step = self._open
        if not step.spectrum_taken and self._probes % spectrum_every(self.spec.hidden) == 0:
            step.spectrum_taken = True  # of the weights this step starts from
            self._history.spectra.append(spectrum_record(self.module, self.spec, step.number - 1))
        self._probes += 1
        output, state, probes = unrolled_forward(self.module, self.spec, input, hx)
        capture = Capture(self.spec.layers, self.spec.cell == "lstm", T=probes.h[0].shape[0])
        for layer, eps in enumerate(probes.h):
            eps.register_hook(functools.partial(self._on_probe, capture, "h", layer))
        for layer, eps in enumerate(probes.c or []):
            eps.register_hook(functools.partial(self._on_probe, capture, "c", layer))
        step.captures.append(capture)
        return output, state

    def _on_probe(self, capture: Capture, kind: str, layer: int, grad: torch.Tensor) -> None:
        capture.add(kind, layer, grad)
        if self._open is not None:
            self._open.backward_seen = True

    def _on_grad(self, name: str, param: torch.Tensor) -> None:
        self._grad_norms[name] = torch.linalg.vector_norm(param.grad.detach())
        if self._open is not None:
            self._open.backward_seen = True

    def _on_optimizer_step(self, optimizer, args, kwargs) -> None:
        self._close(clipped=global_grad_norm(list(self.module.parameters())))

    # -- closing a step ------------------------------------------------------------------
    def _close(self, clipped: float | None = None) -> None:
        """Record the open step (if a backward reached it): its norms and probes."""
        step, self._open = self._open, None
        if step is None or not step.backward_seen:
            return
        norms = {name: 0.0 for name, _ in self.module.named_parameters()}
        norms.update({name: float(v) for name, v in self._grad_norms.items()})
        self._grad_norms = {}
        before = global_norm(norms)
        after = before if clipped is None else clipped
        seconds = time.perf_counter() - step.started
        loss = math.nan if step.loss is None else step.loss
        record = StepRecord(
            step.number, loss, before, after, after < before * (1 - CLIP_TOLERANCE), seconds
        )
        self._history.steps.append(record)
        if step.val_loss is not None:
            self._add_val_loss(step.number, step.val_loss)
        probes = [probe_record(step.number, c, norms) for c in step.captures if c.reached]
        for probe in probes:
            self._history.add_probe(probe)
        if self.logger is not None:
            spectra = [s for s in self._history.spectra[-1:] if s.step == step.number - 1]
            self.logger.log_step(record, probes, spectra)

    def _add_val_loss(self, step: int, value: float) -> None:
        self._history.val_steps.append(step)
        self._history.val_losses.append(value)
        if self.logger is not None:
            self.logger.scalar("val_loss", value, step)

    # -- the caller's side ----------------------------------------------------------------
    def log(self, loss: float | None = None, val_loss: float | None = None) -> None:
        """Attach the loss (and a validation loss) to the step of the latest training
        forward. Without this call the loss columns stay empty (NaN): the probe sees the
        module, not the caller's criterion. Tensors are read with .item()."""
        loss, val_loss = _number(loss), _number(val_loss)
        if self._open is not None:
            self._open.loss = loss if loss is not None else self._open.loss
            self._open.val_loss = val_loss if val_loss is not None else self._open.val_loss
            return
        if not self._history.steps:
            raise RuntimeError("explorer.watch: log() before any training step of the module")
        last = self._history.steps[-1]
        if loss is not None:
            self._history.steps[-1] = replace(last, loss=loss)
            if self.logger is not None:
                self.logger.scalar("loss", loss, last.step)
        if val_loss is not None:
            self._add_val_loss(last.step, val_loss)

    def flush(self) -> None:
        """Without an optimizer, close the step in progress if its backward has run (saving
        and reading do it); with one, a step ends only at optimizer.step(), after clipping."""
        if self.optimizer is None and self._open is not None and self._open.backward_seen:
            self._close()
        if self.logger is not None:
            self.logger.flush()

    @property
    def history(self) -> History:
        """A snapshot of everything recorded, profiles padded to one length (NaN)."""
        self.flush()
        return padded(self._history)

    @property
    def steps(self) -> int:
        """Steps recorded (the one in progress counted once its backward has run)."""
        self.flush()
        return len(self._history.steps)

    def figure(self, name: str, **options) -> go.Figure:
        """The app's chart `name` for this run (explorer.watch.notebook.FIGURES; options:
        layer, kind="dc" for an LSTM's cells, threshold for "clipping", lang)."""
        return notebook.figure(self.history, name, **options)

    def summary(self) -> pd.DataFrame:
        """One row per layer from the latest probe (explorer.watch.notebook.summary)."""
        return notebook.summary(self.history)

    def meta(self) -> dict[str, Any]:
        """watch.json: where the run came from and how it was probed."""
        return {
            "source": SOURCE,
            **self.spec.to_dict(),
            "interval": self.schedule.fixed,  # null: on a time budget
            "budget": None if self.schedule.fixed else self.schedule.budget,
            "last_interval": self.schedule.interval,
            "optimizer": type(self.optimizer).__name__ if self.optimizer else None,
            "torch": torch.__version__,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }

    def save(self, folder: Path | str) -> Path:
        """Write a watched run folder (explorer.watch.folder) that load_watched, the app
        and `python -m explorer export` open; returns it."""
        history = self.history
        return save_watched(folder, history, self.meta(), notebook.summary_json(history))

    def remove(self) -> None:
        """Unhook everything: the module is exactly as before watch() (the records stay)."""
        if self._removed:
            return
        self.flush()
        for handle in self._handles:
            handle.remove()
        self._handles = []
        if vars(self.module).get("forward") == self._forward:
            del self.module.forward
        if self.logger is not None:
            self.logger.close()
        self._removed = True


def _number(value) -> float | None:
    """A float from a Python number or a one-element tensor; None stays None."""
    if value is None:
        return None
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)

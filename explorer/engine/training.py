"""One training step at a time: forward, backward, clip, step, record, guard.

Most steps use the fused layer. Every `config.probe_interval` steps the step runs on the
unrolled path instead, which yields the same parameter gradients (to float rounding)
plus the exact total dL/dh_t for every t, so probing costs no extra forward or backward.
Two cases do pay one extra measuring pass on a probed step: a task that reads its
gradient profile on a fixed probe string (chars), and truncated BPTT, whose full-BPTT
reference on the same batch is what the Gradient flow page sets beside the truncated one.
"""

from __future__ import annotations

import math
import time

import torch
from torch import nn

from explorer.config import RunConfig
from explorer.engine.history import HIDDEN_SNAPSHOTS, HiddenRecord, History, StepRecord
from explorer.engine.models import RecurrentModel, build_model
from explorer.engine.optimizers import SGD, Adam
from explorer.engine.probes import (
    ProbeRecord,
    SpectrumRecord,
    global_grad_norm,
    gradient_horizon,
    param_grad_norms,
    spectrum,
    timestep_grad_norms,
    timestep_grads,
)
from explorer.engine.states import RunState
from explorer.tasks import Task, make_task

DIVERGED_LOSS = 1e12  # a finite loss this large has left any useful regime
SPECTRUM_POINTS = 256  # aimed-for number of W_hh spectrum samples over a run


def make_optimizer(config: RunConfig, params) -> Adam | SGD:
    """torch.optim's Adam or SGD with momentum 0.9, without importing torch._dynamo."""
    if config.optimizer == "sgd":
        return SGD(params, lr=config.lr, momentum=0.9)
    return Adam(params, lr=config.lr)


def clip_gradients(
    params: list[nn.Parameter], mode: str, threshold: float, norm: float | None = None
) -> None:
    """Clip in place. By norm: scale by threshold/||g|| only when ||g|| > threshold, so an
    unclipped gradient stays bit-identical (torch's clip_grad_norm_ divides by
    ||g|| + 1e-6 and so also shrinks gradients just under a small threshold)."""
    grads = [p.grad for p in params if p.grad is not None]
    if mode == "norm":
        total = global_grad_norm(params) if norm is None else norm
        if total > threshold:
            torch._foreach_mul_(grads, threshold / total)
    elif mode == "value":
        torch.nn.utils.clip_grad_value_(params, threshold)


class Trainer:
    """Owns a model, its optimizer, the data stream and the history of one run."""

    def __init__(self, config: RunConfig, task: Task | None = None) -> None:
        # Vanishing gradients are denormal floats; without flushing them a vanilla RNN at
        # T=200 trains ~3x slower (GUIDE §5). The CPU flag is per thread: set it in the
        # thread that builds (and so trains) the model.
        torch.set_flush_denormal(True)
        self.config = config
        self.task = task if task is not None else make_task(config)
        self.model: RecurrentModel = build_model(config, self.task)
        self.params = list(self.model.parameters())
        self.optimizer = make_optimizer(config, self.params)
        self.history = History(hidden_every=max(1, math.ceil(config.steps / HIDDEN_SNAPSHOTS)))
        self.step = 0  # optimizer steps taken
        self.status = RunState.READY  # then COMPLETED, DIVERGED or STOPPED
        self.message = ""
        self.spectrum_every = max(1, math.ceil(config.steps / SPECTRUM_POINTS))
        self.probe = self.task.probe_batch()
        self.fixed_probe = self.task.gradient_probe_batch()  # None: the training batch
        self.record_hidden()
        self.record_spectrum()

    @property
    def done(self) -> bool:
        return self.status in (RunState.COMPLETED, RunState.DIVERGED, RunState.STOPPED)

    def stop(self, message: str) -> None:
        """End the run early; what was recorded stays, and no further step is taken."""
        if not self.done:
            self.status = RunState.STOPPED
            self.message = message

    def is_probe_step(self, k: int) -> bool:
        """Probe the first step, every interval-th after it, and the last."""
        return (k - 1) % self.config.probe_interval == 0 or k == self.config.steps

    def train_step(self) -> StepRecord | None:
        """Take one optimizer step; None once the run is done or has just diverged."""
        if self.done:
            return None
        cfg, k = self.config, self.step + 1
        batch = self.task.train_batch(self.step)
        probing = self.is_probe_step(k)
        # Measured before the update, on the weights this step's gradient comes from, and
        # outside its timing: steps/s stays the cost of training itself.
        measured = self._measure(batch) if probing else None
        unrolled = probing and self.fixed_probe is None
        start = time.perf_counter()
        self.optimizer.zero_grad(set_to_none=True)
        if unrolled:
            run = self.model.unrolled(batch.x, tbptt=cfg.tbptt, probe=True)
            pred = run.y
        else:
            run = None
            pred, _ = self.model(batch.x, tbptt=cfg.tbptt)
        loss = self.task.loss(pred, batch.y)
        loss_value = loss.item()
        if not math.isfinite(loss_value) or loss_value > DIVERGED_LOSS:
            return self._diverge(k, f"the loss became {loss_value:.4g}")
        loss.backward()
        grad_norm = global_grad_norm(self.params)
        if not math.isfinite(grad_norm):
            return self._diverge(k, f"the gradient norm became {grad_norm:.4g}")
        param_norms = param_grad_norms(self.model) if probing else None
        clip_gradients(self.params, cfg.clip, cfg.clip_value, grad_norm)
        grad_norm_clipped = global_grad_norm(self.params) if cfg.clip != "off" else grad_norm
        self.optimizer.step()
        seconds = time.perf_counter() - start

        self.step = k
        record = StepRecord(
            k,
            loss_value,
            grad_norm,
            grad_norm_clipped,
            grad_norm_clipped < grad_norm,
            seconds,
            self.task.accuracy(pred.detach(), batch.y),
        )
        self.history.steps.append(record)
        if probing:
            self.history.add_probe(self._probe_record(k, run, param_norms, measured))
        if k % cfg.val_every == 0 or k == cfg.steps or k == 1:
            val_loss, val_accuracy = self._evaluate()
            self.history.val_steps.append(k)
            self.history.val_losses.append(val_loss)
            if val_accuracy is not None:
                self.history.val_accuracies.append(val_accuracy)
        if k % self.history.hidden_every == 0 or k == cfg.steps:
            self.record_hidden()
        if k % self.spectrum_every == 0 or k == cfg.steps:
            self.record_spectrum()
        if k == cfg.steps:
            self.status = RunState.COMPLETED
            self.message = f"Completed {k} steps."
        return record

    def run(self, max_steps: int | None = None, callback=None) -> None:
        """Train until done (or for max_steps more steps), calling callback(record)."""
        taken = 0
        while not self.done and (max_steps is None or taken < max_steps):
            record = self.train_step()
            taken += 1
            if callback is not None and record is not None:
                callback(record)

    def _diverge(self, k: int, what: str) -> None:
        self.status = RunState.DIVERGED
        self.message = (
            f"Diverged at step {k}: {what}. The history up to step {k - 1} is "
            f"kept. Try a lower learning rate or turn on gradient clipping."
        )
        self.optimizer.zero_grad(set_to_none=True)
        return None

    def truncating(self, T: int) -> bool:
        """True when truncated BPTT cuts a sequence of T steps at all."""
        return 0 < self.config.tbptt < T

    def _measure(self, batch) -> tuple:
        """(dh, dc, dh_full) from measuring passes that update nothing: dh and dc on the
        fixed probe string (None when the training step itself yields them), dh_full the
        full-BPTT reference when truncating (None otherwise)."""
        source = self.fixed_probe if self.fixed_probe is not None else batch
        dh = dc = dh_full = None
        if self.fixed_probe is not None:
            dh, dc = timestep_grads(
                self.model, self.task.loss, source.x, source.y, self.config.tbptt
            )
        if self.truncating(source.x.shape[0]):
            dh_full, _ = timestep_grads(self.model, self.task.loss, source.x, source.y, 0)
        return dh, dc, dh_full

    def _probe_record(
        self, k: int, run, param_norms: dict[str, float], measured: tuple
    ) -> ProbeRecord:
        dh, dc, dh_full = measured
        if run is not None:  # the training step was the probed pass
            dh = tuple(timestep_grad_norms(e.grad) for e in run.eps_h)
            dc = tuple(timestep_grad_norms(e.grad) for e in run.eps_c) if run.eps_c else None
        return ProbeRecord(
            step=k,
            dh=dh,
            dc=dc,
            param_norms=param_norms,
            horizon=gradient_horizon(dh[-1]),
            dh_full=dh_full,
        )

    def record_spectrum(self) -> None:
        spectra = [spectrum(w) for w in self.model.recurrent_matrices()]
        self.history.spectra.append(
            SpectrumRecord(self.step, tuple(s[0] for s in spectra), tuple(s[1] for s in spectra))
        )

    def evaluate(self) -> float:
        """The validation loss."""
        return self._evaluate()[0]

    @torch.no_grad()
    def _evaluate(self) -> tuple[float, float | None]:
        """(validation loss, validation accuracy: None unless the task classifies)."""
        val = self.task.val_batch()
        pred, _ = self.model(val.x)
        return self.task.loss(pred, val.y).item(), self.task.accuracy(pred, val.y)

    @torch.no_grad()
    def record_hidden(self) -> None:
        run = self.model.unrolled(self.probe.x)
        states = run.hs[-1].permute(1, 0, 2).numpy().copy()  # (P, T, H)
        self.history.add_hidden(HiddenRecord(self.step, states))


def warm_up() -> None:
    """Pay torch's one-off costs (lazy kernel and LAPACK initialisation, ~2 s on a
    small CPU) before anyone presses Train, so the first chart point comes at once."""
    for cell in ("rnn", "gru", "lstm"):
        config = RunConfig(cell=cell, hidden=4, seq_len=4, batch=2, steps=2, probe_every=1)
        Trainer(config).run()

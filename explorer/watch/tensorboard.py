"""A run's numbers as TensorBoard event files (torch.utils.tensorboard.SummaryWriter), live
from a Probe or afterwards from any run folder (`python -m explorer export`).

Tags, each at its training step:
    loss, val_loss                 when known (a watched run: when probe.log gave them)
    grad_norm, grad_norm_clipped   the global gradient norm before and after clipping
    horizon                        the top layer's gradient horizon, per probe
    spectral_radius/l{k}, sigma_max/l{k}   layer k's recurrent block, at the step the
                                   weights had reached (after `step` updates)
    dh/l{k}, dc/l{k}               the ||dL/dh_t|| profile of a probe as a histogram over
                                   t: bucket t (upper limit t + 0.5) holds ||dL/dh_t||
TensorBoard is optional (requirements-tensorboard.txt); without it, MissingTensorBoard
says how to install it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from explorer.engine.history import History, StepRecord
from explorer.engine.probes import ProbeRecord, SpectrumRecord

INSTALL = "pip install -r requirements-tensorboard.txt"


class MissingTensorBoard(ImportError):
    """TensorBoard is not installed; the message says how to install it."""


def _writer_class():
    try:
        import tensorboard  # noqa: F401  (SummaryWriter needs it, and says so less plainly)
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise MissingTensorBoard(
            f"TensorBoard is not installed; it is optional: {INSTALL}"
        ) from None
    return SummaryWriter


class TensorBoardLogger:
    """One SummaryWriter on a log directory, writing the tags above."""

    def __init__(self, log_dir: Path | str) -> None:
        self.writer = _writer_class()(log_dir=str(log_dir))

    def scalar(self, tag: str, value: float, step: int) -> None:
        if value is not None and math.isfinite(value):
            self.writer.add_scalar(tag, value, step)

    def step(self, record: StepRecord) -> None:
        self.scalar("loss", record.loss, record.step)
        self.scalar("grad_norm", record.grad_norm, record.step)
        self.scalar("grad_norm_clipped", record.grad_norm_clipped, record.step)

    def probe(self, record: ProbeRecord) -> None:
        if record.horizon is not None:
            self.writer.add_scalar("horizon", record.horizon, record.step)
        for kind, rows in (("dh", record.dh), ("dc", record.dc or ())):
            for layer, norms in enumerate(rows):
                self.profile(f"{kind}/l{layer}", norms, record.step)

    def profile(self, tag: str, norms: np.ndarray, step: int) -> None:
        """A (T,) profile as a histogram whose value is t and whose weight is the norm."""
        norms = np.asarray(norms, dtype=np.float64)
        norms = norms[np.isfinite(norms)]  # a padded profile's tail
        t = np.arange(len(norms), dtype=np.float64)
        self.writer.add_histogram_raw(
            tag,
            min=0.0,
            max=float(len(norms) - 1),
            num=float(norms.sum()),
            sum=float(t @ norms),
            sum_squares=float((t * t) @ norms),
            bucket_limits=(t + 0.5).tolist(),
            bucket_counts=norms.tolist(),
            global_step=step,
        )

    def spectrum(self, record: SpectrumRecord) -> None:
        for layer, (radius, sigma) in enumerate(
            zip(record.spectral_radius, record.sigma_max, strict=True)
        ):
            self.writer.add_scalar(f"spectral_radius/l{layer}", radius, record.step)
            self.writer.add_scalar(f"sigma_max/l{layer}", sigma, record.step)

    def log_step(
        self,
        record: StepRecord,
        probes: Iterable[ProbeRecord],
        spectra: Iterable[SpectrumRecord],
    ) -> None:
        """Everything one step recorded (a Probe calls this as each step ends)."""
        self.step(record)
        for probe in probes:
            self.probe(probe)
        for spectrum in spectra:
            self.spectrum(spectrum)

    def flush(self) -> None:
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


def write_events(history: History, log_dir: Path | str) -> Path:
    """Every step, validation, probe and spectrum of a history as event files in log_dir."""
    logger = TensorBoardLogger(log_dir)
    try:
        for record in history.steps:
            logger.step(record)
        for step, value in zip(history.val_steps, history.val_losses, strict=True):
            logger.scalar("val_loss", value, step)
        for probe in history.probes:
            logger.probe(probe)
        for spectrum in history.spectra:
            logger.spectrum(spectrum)
    finally:
        logger.close()
    return Path(log_dir)

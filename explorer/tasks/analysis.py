"""What the series and chars models produce, read off a trained model: the series'
predictions back in the column's own units, its two baselines and the verdict against
the stronger one, and text sampled with a temperature.

>>> logits = torch.tensor([2.0, 1.0, 0.0])
>>> [round(p, 3) for p in probabilities(logits, 1.0).tolist()]
[0.665, 0.245, 0.09]
>>> probabilities(logits, 0.0).tolist()  # temperature 0: greedy, all mass on the top logit
[1.0, 0.0, 0.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from explorer.engine.analysis import Predictions
from explorer.engine.models import RecurrentModel
from explorer.tasks import CharsTask, SeriesTask

SHOW_BEFORE = 150  # series values shown before the train/validation split
SHOW_AFTER = 150  # ... and after it (free-running runs this far: one call per value)
GREEDY_BELOW = 1e-3  # temperatures under this sample greedily (a division would overflow)
SAMPLE_TEMPERATURES = (0.0, 0.5, 1.0)  # samples.txt of a saved chars run
SAMPLE_LENGTH = 300


@torch.no_grad()
def series_predictions(model: RecurrentModel, task: SeriesTask) -> Predictions:
    """One-step predictions (each from the true window before it) and a free-running
    continuation from the end of the training part (fed its own outputs), around the
    split, in the column's own units: z * std + mean with the training part's statistics.
    Predictions.warmup is the split's position in the arrays (the true inputs before it)."""
    w = task.windowing
    T, split, n = w.window, w.split, w.n_values
    lo, hi = max(0, split - SHOW_BEFORE), min(n, split + SHOW_AFTER)
    rows = np.arange(lo, hi)
    one_step = np.full(rows.size, np.nan)
    first = max(lo, T)  # the first value with a full window before it
    if first < hi:
        windows = np.lib.stride_tricks.sliding_window_view(task.z[first - T : hi - 1], T)
        x = torch.from_numpy(np.ascontiguousarray(windows.T[:, :, None], np.float32))  # (T, n, 1)
        pred, _ = model(x)
        one_step[first - lo :] = w.denormalise(pred[:, 0].double().numpy())

    buffer = list(task.z[split - T : split])  # true values up to the split, then its own
    for _ in range(split, hi):
        y, _ = model(torch.as_tensor(buffer[-T:], dtype=torch.float32).reshape(T, 1, 1))
        buffer.append(float(y[0, 0]))
    free = np.full(rows.size, np.nan)
    free[split - lo :] = w.denormalise(np.asarray(buffer[T:]))
    return Predictions(rows.astype(float), task.values[lo:hi].copy(), one_step, free, split - lo)


@dataclass(frozen=True)
class SeriesBaselines:
    """The series' two baselines as the model is scored: validation MSE over the same
    windows, in normalised units; std turns an MSE into an RMSE in the column's units."""

    mean_mse: float  # always predict the training targets' mean
    persistence_mse: float  # predict each window's last value ("tomorrow = today")
    std: float  # of the training part (Windowing.std)

    @property
    def persistence_is_stronger(self) -> bool:
        return self.persistence_mse <= self.mean_mse

    @property
    def stronger_mse(self) -> float:
        return min(self.mean_mse, self.persistence_mse)

    def rmse(self, mse: float) -> float:
        """An MSE in normalised units as an RMSE in the column's own units."""
        return math.sqrt(mse) * self.std

    def gain(self, model_mse: float) -> float:
        """1 - model / stronger baseline: above 0 the model beats it (0.2: 20% lower MSE),
        below 0 it does worse (-0.5: 50% higher)."""
        return 1.0 - model_mse / self.stronger_mse if self.stronger_mse > 0 else -math.inf


def series_baselines(task: SeriesTask) -> SeriesBaselines:
    return SeriesBaselines(task.mean_baseline_loss(), task.persistence_loss(), task.windowing.std)


def persistence_curve(task: SeriesTask, rows: np.ndarray) -> np.ndarray:
    """(k,) the persistence prediction of some rows in the column's units: the value of
    the row before (NaN for row 0, which has none)."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.full(rows.size, np.nan)
    has = rows > 0
    out[has] = task.values[rows[has] - 1]
    return out


def probabilities(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(logits / temperature); at (near) zero temperature all mass on the argmax."""
    if temperature < GREEDY_BELOW:
        return F.one_hot(logits.argmax(), logits.shape[-1]).to(logits.dtype)
    return torch.softmax(logits.double() / temperature, dim=-1).to(logits.dtype)


@torch.no_grad()
def sample_text(
    model: RecurrentModel,
    task: CharsTask,
    prompt: str,
    length: int = 200,
    temperature: float = 1.0,
    seed: int = 0,
) -> str:
    """The prompt, then `length` characters drawn one at a time from the model's next-
    character distribution at a temperature (0: always the most likely one). Seeded: the
    same seed, model and settings give the same text. Prompt characters outside the
    alphabet are skipped; an empty prompt starts from the probe string's first letter."""
    corpus = task.corpus
    ids = corpus.encode(prompt)
    if ids.size == 0:
        ids = task.val_ids[:1].copy()
        prompt = corpus.decode(ids)
    V = len(corpus.vocab)
    generator = torch.Generator().manual_seed(int(seed))
    x = F.one_hot(torch.as_tensor(ids), V).float()[:, None]  # (P, 1, V)
    logits, state = model(x)  # (P, 1, V)
    out = []
    for _ in range(length):
        p = probabilities(logits[-1, 0], temperature)
        nxt = (
            int(torch.multinomial(p, 1, generator=generator))
            if temperature >= GREEDY_BELOW
            else int(p.argmax())
        )
        out.append(nxt)
        logits, state = model(F.one_hot(torch.tensor([[nxt]]), V).float(), state)
    return prompt + corpus.decode(out)


def samples_text(model: RecurrentModel, task: CharsTask, seed: int = 0) -> str:
    """samples.txt of a saved chars run: the probe string's start continued at a few
    temperatures."""
    prompt = task.probe_text()[: max(1, min(20, task.seq_len))]
    parts = []
    for temperature in SAMPLE_TEMPERATURES:
        text = sample_text(model, task, prompt, SAMPLE_LENGTH, temperature, seed)
        parts.append(f"--- temperature {temperature:g}, seed {seed} ---\n{text}\n")
    return "\n".join(parts)

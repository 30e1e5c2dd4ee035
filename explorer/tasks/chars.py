"""A character-level language model, as in the tutorials' text generator: one-hot
characters in, at every step the logits of the next character out, cross-entropy in
bits (CE / ln 2), so the loss curve reads in bits per character."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from explorer.config import RunConfig
from explorer.i18n import text
from explorer.tasks.base import _TRAIN, LN2, PROBE_SIZE, VAL_SIZE, Batch, Task, _rng
from explorer.tasks.datasource import chars_corpus, data_name
from explorer.tasks.text_data import unigram_bits

VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥"}  # how a blank character reads on an axis


def visible(ch: str) -> str:
    return VISIBLE.get(ch, ch)


class CharsTask(Task):
    """Chunks of T + 1 characters: T inputs, each predicting the next. Training chunks
    start anywhere in the first 90% of the text (a pure function of (seed, step)); the
    validation chunks tile the last 10% without overlap; the first of them is the probe
    string whose characters label the gradient-flow charts."""

    name = "chars"
    head = "every"
    baseline_name = text("baseline.chars")

    def __init__(self, config: RunConfig) -> None:
        super().__init__(config)
        self.corpus = corpus = chars_corpus(config)  # DataError when too short for T
        self.input_size = self.output_size = len(corpus.vocab)
        self.train_ids = corpus.ids[: corpus.n_train]
        self.val_ids = corpus.ids[corpus.n_train :]

    def _chunks(self, ids: np.ndarray, starts: np.ndarray) -> Batch:
        T = self.seq_len
        rows = np.stack([ids[s : s + T + 1] for s in starts], axis=1)  # (T + 1, B)
        tokens = torch.from_numpy(rows)
        x = F.one_hot(tokens[:-1], len(self.corpus.vocab)).float()  # (T, B, V)
        return Batch(x, tokens[1:])  # y: (T, B) the next character's id

    def train_batch(self, step: int) -> Batch:
        last_start = len(self.train_ids) - self.seq_len - 1
        starts = _rng(self.seed, _TRAIN, step).integers(0, last_start + 1, self.config.batch)
        return self._chunks(self.train_ids, starts)

    def _make_val(self) -> Batch:
        T = self.seq_len
        count = min(VAL_SIZE, (len(self.val_ids) - 1) // T)
        return self._chunks(self.val_ids, np.arange(count) * T)

    def probe_batch(self) -> Batch:
        val = self.val_batch()
        n = min(PROBE_SIZE, val.x.shape[1])
        return Batch(val.x[:, :n], val.y[:, :n])

    def gradient_probe_batch(self) -> Batch:
        val = self.val_batch()
        return Batch(val.x[:, :1], val.y[:, :1])

    def probe_text(self) -> str:
        """The probe string's input characters (what the timestep axis shows)."""
        return self.corpus.decode(self.val_ids[: self.seq_len])

    def timestep_labels(self) -> list[str]:
        return [visible(ch) for ch in self.probe_text()]

    def loss(self, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Cross-entropy in bits per character: (T, B, V) logits against (T, B) ids."""
        return F.cross_entropy(pred.reshape(-1, pred.shape[-1]), y.reshape(-1)) / LN2

    def baseline_loss(self) -> float:
        """Bits per character of the training text's unigram frequencies on the very
        characters the validation loss scores."""
        counts = np.bincount(self.train_ids, minlength=len(self.corpus.vocab))
        return unigram_bits(self.val_batch().y.numpy().ravel(), counts)

    def target_mean(self) -> float:
        return float("nan")

    def summary(self, history) -> dict[str, Any]:
        # the loss is cross-entropy in bits per character (CE / ln 2)
        return {
            **super().summary(history),
            "loss_unit": "bits per character",
            "data_name": data_name(self.config),
        }

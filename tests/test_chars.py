"""The character-level task: the built-in text, the alphabet, batches, bits per character
against an independent computation, the unigram baseline, temperature sampling, uploads."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
import torch

from explorer.config import RunConfig
from explorer.engine.models import build_model
from explorer.engine.training import Trainer
from explorer.tasks import CharsTask, make_task
from explorer.tasks.datasource import chars_corpus, text_corpus
from explorer.tasks.datastore import STORE, DataError
from explorer.tasks.sampling import sample_text, samples_text
from explorer.tasks.text_data import (
    MAX_VOCAB,
    MIN_CHARS,
    UNKNOWN,
    builtin_text,
    decode_upload,
    make_corpus,
)

SMALL = {"task": "chars", "seq_len": 24, "hidden": 32, "batch": 16}


def test_the_built_in_text_is_english_prose_from_an_installed_package():
    text = builtin_text()
    assert len(text) > 15_000
    words = Counter(text.lower().split())
    assert words["the"] > 100 and words["dataset"] > 20
    assert "::" not in text and "http" not in text and ".. " not in text  # no markup left


def test_the_alphabet_and_the_split():
    corpus = text_corpus("")
    assert corpus.vocab == tuple(sorted(set(corpus.text)))
    assert corpus.decode(corpus.encode("the data")) == "the data"
    n_val = len(corpus.text) - corpus.n_train
    assert 0.08 < n_val / len(corpus.text) < 0.2
    assert corpus.text[corpus.n_train - 1] == "\n"  # validation starts at a new paragraph


def test_rare_characters_beyond_the_alphabet_become_unknown():
    text = "".join(chr(0x4E00 + i) for i in range(200)) + "ab" * MIN_CHARS
    corpus = make_corpus(text)
    assert len(corpus.vocab) == MAX_VOCAB and UNKNOWN in corpus.vocab
    assert corpus.vocab.count("a") == 1 and text.count("a") == corpus.text.count("a")
    assert corpus.decode(corpus.encode("\u9fff")) == UNKNOWN  # unseen: unknown too


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty"),
        (b"hello\x00world" * 300, "binary"),
        ("café ".encode("latin-1") * 500, "encoding"),
        (b"too short", "text_too_short"),
    ],
)
def test_bad_text_uploads_are_refused_by_name(raw, code):
    with pytest.raises(DataError) as info:
        make_corpus(decode_upload(raw))
    assert info.value.code == code


def test_a_text_too_short_for_the_sequence_length_names_the_limit():
    entry = STORE.put("short.txt", ("word " * 500).encode())  # 2,500 chars, 250 to validate
    config = RunConfig(task="chars", data=entry.key, seq_len=400)
    with pytest.raises(DataError) as info:
        chars_corpus(config)
    assert info.value.code == "text_too_short_for_window"
    assert "at most 249" in str(info.value)


def test_batches_are_next_character_pairs_and_deterministic():
    task = make_task(RunConfig(**SMALL, seed=5))
    assert isinstance(task, CharsTask)
    batch = task.train_batch(3)
    V = len(task.corpus.vocab)
    assert batch.x.shape == (24, 16, V) and batch.y.shape == (24, 16)
    inputs = batch.x.argmax(dim=-1)  # one-hot back to ids
    assert torch.equal(inputs[1:], batch.y[:-1])  # the target at t is the input at t + 1
    assert torch.equal(batch.x.sum(dim=-1), torch.ones(24, 16))
    again = make_task(RunConfig(**SMALL, seed=5)).train_batch(3)
    assert torch.equal(batch.x, again.x) and torch.equal(batch.y, again.y)
    assert not torch.equal(batch.y, task.train_batch(4).y)


def test_loss_is_bits_per_character_computed_independently():
    task = make_task(RunConfig(**SMALL))
    batch = task.val_batch()
    logits = torch.randn(
        *batch.y.shape, len(task.corpus.vocab), generator=torch.Generator().manual_seed(0)
    )
    log_p = logits.double() - torch.logsumexp(logits.double(), dim=-1, keepdim=True)
    nats = -log_p.gather(-1, batch.y[..., None]).mean().item()
    assert task.loss(logits, batch.y).item() == pytest.approx(nats / math.log(2), rel=1e-5)


def test_the_unigram_baseline_from_the_training_counts():
    task = make_task(RunConfig(**SMALL))
    V = len(task.corpus.vocab)
    counts = Counter(task.corpus.text[: task.corpus.n_train])
    p = {ch: (counts[ch] + 1) / (task.corpus.n_train + V) for ch in task.corpus.vocab}
    targets = [task.corpus.vocab[i] for i in task.val_batch().y.numpy().ravel()]
    expected = -np.mean([math.log2(p[ch]) for ch in targets])
    assert task.baseline_loss() == pytest.approx(expected)
    assert 4.0 < task.baseline_loss() < 5.2  # letters, capitals, digits, punctuation


def test_the_probe_string_labels_the_time_axis():
    task = make_task(RunConfig(**SMALL))
    probe = task.gradient_probe_batch()
    assert probe.x.shape == (24, 1, len(task.corpus.vocab))
    assert task.corpus.decode(probe.x[:, 0].argmax(dim=-1)) == task.probe_text()
    labels = task.timestep_labels()
    assert len(labels) == 24 and "".join(labels).replace("␣", " ") == task.probe_text()


def test_temperature_zero_is_greedy_and_sampling_is_seeded():
    config = RunConfig(**SMALL)
    task = make_task(config)
    model = build_model(config, task)
    greedy = sample_text(model, task, "The data", 40, temperature=0.0, seed=1)
    # greedy by hand: always the argmax of the next-character logits
    corpus, V = task.corpus, len(task.corpus.vocab)
    text = "The data"
    with torch.no_grad():
        for _ in range(40):
            x = torch.nn.functional.one_hot(torch.as_tensor(corpus.encode(text)), V).float()
            logits, _ = model(x[:, None])
            text += corpus.vocab[int(logits[-1, 0].argmax())]
    assert greedy == text
    assert sample_text(model, task, "The data", 40, 0.0, seed=99) == greedy  # seed irrelevant
    hot = sample_text(model, task, "The data", 40, 1.0, seed=7)
    assert hot == sample_text(model, task, "The data", 40, 1.0, seed=7)
    assert hot != sample_text(model, task, "The data", 40, 1.0, seed=8)
    assert hot.startswith("The data") and len(hot) == len("The data") + 40


def test_a_short_run_beats_the_unigram_baseline_and_samples():
    config = RunConfig(**{**SMALL, "hidden": 64, "batch": 32}, steps=150, lr=0.01, cell="gru")
    trainer = Trainer(config)
    trainer.run()
    final, baseline = trainer.history.val_losses[-1], trainer.task.baseline_loss()
    assert final < baseline - 0.5, (final, baseline)
    assert trainer.history.probes[-1].dh[-1].shape == (24,)  # on the probe string
    samples = samples_text(trainer.model, trainer.task)
    assert samples.count("--- temperature") == 3

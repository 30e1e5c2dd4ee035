"""Text for the character-level task: the built-in corpus (prose from scikit-learn's own
dataset descriptions, installed with it, so nothing is downloaded) or a user's text, its
alphabet, and the split into a training and a validation part.

>>> corpus = make_corpus("abracadabra " * 200)
>>> corpus.vocab, corpus.decode(corpus.encode("cab"))
((' ', 'a', 'b', 'c', 'd', 'r'), 'cab')
>>> round(unigram_bits(corpus.encode("aaaa"), np.array([0, 3, 0, 0, 0, 1])), 4)  # p(a) = 4/10
1.3219
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import numpy as np

from explorer.tasks.datastore import MAX_DATA_BYTES, DataError, decode_text

MAX_VOCAB = 128  # the most frequent characters; the rest become UNKNOWN
UNKNOWN = "\ufffd"  # the replacement character stands for every rarer one
MIN_CHARS = 2000  # 90% to train on, 10% (200 characters) to validate on
VAL_FRACTION = 0.1
BUILTIN_NAME = "scikit-learn dataset descriptions"
MIN_PARAGRAPH = 40  # shorter paragraphs are headings and labels


@dataclass(frozen=True)
class Corpus:
    """A text over a fixed alphabet, split in time: the first 90% trains, the rest
    validates (no chunk straddles the two)."""

    name: str
    text: str  # rare characters already replaced by UNKNOWN
    vocab: tuple[str, ...]  # sorted; index = class id
    n_train: int  # characters in the training part

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {ch: i for i, ch in enumerate(self.vocab)}

    @functools.cached_property
    def ids(self) -> np.ndarray:
        ids = self.encode(self.text)
        ids.flags.writeable = False
        return ids

    def encode(self, text: str) -> np.ndarray:
        """Characters -> ids; a character outside the alphabet becomes UNKNOWN when the
        alphabet has it, and is skipped otherwise."""
        unknown = self.index.get(UNKNOWN)
        out = [self.index.get(ch, unknown) for ch in text]
        return np.asarray([i for i in out if i is not None], dtype=np.int64)

    def decode(self, ids) -> str:
        return "".join(self.vocab[int(i)] for i in ids)


def make_corpus(text: str, name: str = "text") -> Corpus:
    """The alphabet is the MAX_VOCAB most frequent characters (ties by code point, so it
    is deterministic); if there are more, the rest become UNKNOWN."""
    if len(text) < MIN_CHARS:
        raise DataError("text_too_short", n=len(text), minimum=MIN_CHARS)
    counts = Counter(text)
    if len(counts) > MAX_VOCAB:
        ranked = sorted(counts, key=lambda ch: (-counts[ch], ch))
        keep = set(ranked[: MAX_VOCAB - 1])
        text = "".join(ch if ch in keep else UNKNOWN for ch in text)
        counts = Counter(text)
    vocab = tuple(sorted(counts))
    n_train = len(text) - max(1, math.floor(len(text) * VAL_FRACTION))
    # Start the validation part (and so the probe string) at a new line when one is near.
    newline = text.rfind("\n", n_train - len(text) // 20, n_train)
    if newline != -1:
        n_train = newline + 1
    return Corpus(name, text, vocab, n_train)


def decode_upload(raw: bytes, max_bytes: int = MAX_DATA_BYTES) -> str:
    """An uploaded text file -> str (UTF-8 only; see explorer.tasks.datastore.decode_text), with
    Windows line ends made plain, as a model of text should see them."""
    return decode_text(raw, max_bytes).replace("\r\n", "\n").replace("\r", "\n")


def _prose(rst: str) -> list[str]:
    """The paragraphs of running text in a reStructuredText file, lines joined: directive
    bodies kept, code blocks, tables, rules, field lists and links dropped, inline markup
    (``code``, :func:`name`, **bold**) reduced to its text."""
    paragraphs: list[str] = []
    current: list[str] = []
    code_indent: int | None = None  # inside a literal block opened by "::"

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for line in rst.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if code_indent is not None:
            if not stripped or indent > code_indent:
                continue
            code_indent = None
        if not stripped:
            flush()
            continue
        if stripped.endswith("::"):
            flush()
            # "text::" opens a literal block; ".. directive::" has a body of text
            code_indent = None if stripped.startswith("..") else indent
            continue
        if (
            stripped.startswith(("..", ">>>", "|", "+-", ":"))
            or re.fullmatch(r"[=\-~*^#+ ]+", stripped)  # section rules, table borders
            or re.search(r"\S {3,}\S", stripped)  # table columns
            or "http" in stripped
            or "sphx_glr" in stripped  # links to the gallery
        ):
            flush()
            continue
        text = re.sub(r":\w+:`~?([^`]+)`", r"\1", stripped)
        text = re.sub(r"`([^`<]+?)\s*<[^>]+>`_+", r"\1", text)
        text = re.sub(r"^[-*] ", "", text.replace("``", "").replace("**", "").replace("`", ""))
        current.append(text)
    flush()
    return [p for p in paragraphs if len(p) > MIN_PARAGRAPH]


@functools.cache
def builtin_text() -> str:
    """Prose from scikit-learn's dataset descriptions (sklearn/datasets/descr/*.rst),
    about 24 KB of English: installed with scikit-learn, so there is nothing to fetch."""
    folder = resources.files("sklearn.datasets").joinpath("descr")
    paragraphs: list[str] = []
    for source in sorted(folder.iterdir(), key=lambda f: f.name):
        if source.name.endswith(".rst"):
            paragraphs.extend(_prose(source.read_text(encoding="utf-8")))
    return "\n".join(paragraphs) + "\n"


@functools.cache
def builtin_corpus() -> Corpus:
    return make_corpus(builtin_text(), BUILTIN_NAME)


def unigram_bits(targets: np.ndarray, train_counts: np.ndarray) -> float:
    """Bits per character of predicting every character by its training frequency
    (add-one smoothing, so a character unseen in training costs a finite amount): the
    trivial baseline of a character model, which knows the alphabet but not the order."""
    counts = np.asarray(train_counts, dtype=np.float64) + 1.0
    p = counts / counts.sum()
    return float(-np.log2(p[np.asarray(targets, dtype=np.int64)]).mean())

"""Where the series and chars tasks get their data, checked against the run's settings.

config.data == "" means the built-in data (the example series that ships with the app,
or prose from scikit-learn's dataset descriptions); otherwise it is a content key looked
up in explorer.tasks.datastore. Parsing is cached per key: a key names immutable bytes, so
its table or corpus never changes. No torch here: the command line and the sidebar
check data before any model exists.

>>> from explorer.config import DataKind, RunConfig, data_kind
>>> source = series_source(RunConfig(task="series", seq_len=20))
>>> source.column, source.windowing.n_windows, source.windowing.n_train
('close', 480, 384)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from explorer.config import DataKind, RunConfig, data_kind
from explorer.i18n import text
from explorer.tasks.datastore import DataError, DataFile, lookup
from explorer.tasks.tables import (
    SeriesTable,
    Windowing,
    column_values,
    example_csv,
    parse_csv,
    windowing,
)
from explorer.tasks.text_data import Corpus, builtin_corpus, decode_upload, make_corpus

DATA_SUFFIX = {DataKind.TABLE: "csv", DataKind.TEXT: "txt"}  # a run folder keeps data.csv or .txt


@dataclass(frozen=True)
class SeriesSource:
    name: str  # the uploaded file's name; "" for the shipped example (see data_name)
    column: str
    values: np.ndarray  # (N,) the column, in its own units
    windowing: Windowing
    table: SeriesTable


@functools.lru_cache(maxsize=16)
def series_table(key: str) -> tuple[str, SeriesTable]:
    """(file name, parsed table) for a data key; "" is the shipped example (no name: the
    pages call it by data_name, in their language)."""
    if not key:
        return "", parse_csv(example_csv())
    entry = lookup(key)
    return entry.name, parse_csv(entry.raw)


def series_source(config: RunConfig) -> SeriesSource:
    """The column the config names, windowed for its sequence length; DataError when it
    cannot be used (unknown column, gaps, too short for the window, constant)."""
    name, table = series_table(config.data)
    column, values = column_values(table, config.column)
    return SeriesSource(name, column, values, windowing(values, config.seq_len, column), table)


@functools.lru_cache(maxsize=8)
def text_corpus(key: str) -> Corpus:
    """The corpus for a data key; "" is the built-in text."""
    if not key:
        return builtin_corpus()
    entry = lookup(key)
    return make_corpus(decode_upload(entry.raw), entry.name)


def chars_corpus(config: RunConfig) -> Corpus:
    """The corpus, refused when its validation part cannot hold one sequence of T + 1
    characters (T inputs, each predicting the next)."""
    corpus = text_corpus(config.data)
    n_val = len(corpus.text) - corpus.n_train
    if n_val < config.seq_len + 1:
        raise DataError(
            "text_too_short_for_window",
            n=n_val,
            window=config.seq_len,
            minimum=config.seq_len + 1,
            max_window=max(2, n_val - 1),
        )
    return corpus


def check_data(config: RunConfig) -> None:
    """Raise DataError when the config's task cannot use its data as set up."""
    if (kind := data_kind(config.task)) is not None:
        {DataKind.TABLE: series_source, DataKind.TEXT: chars_corpus}[kind](config)


def data_file(config: RunConfig) -> DataFile | None:
    """The registered bytes of a user's data (None for built-in data and other tasks):
    what a run folder keeps and a Compare worker is handed."""
    return lookup(config.data) if config.data else None


def data_name(config: RunConfig, lang: str = "en") -> str:
    """What to call the config's data on screen: the uploaded file's name, or a
    description of the built-in data in the page's language."""
    kind = data_kind(config.task)
    if kind is DataKind.TABLE:
        return series_table(config.data)[0] or text("data.example_name", lang)
    if kind is DataKind.TEXT:
        corpus = text_corpus(config.data)
        if not config.data:
            return text("data.builtin_text_name", lang, chars=len(corpus.text))
        return corpus.name
    return ""

"""A user's own series: a CSV (or pasted numbers) read into numeric columns, one chosen
and checked; windowing and normalisation follow (window).

Nothing here guesses quietly: a gap, a NaN, a word in a number column or a file in the
wrong encoding is refused with a DataError that says what is wrong, where, and what is
accepted. pandas tokenises the file (grid); each column's number format (a
decimal point or comma, thousands separators) is read off the column as a whole and
reported (numbers, number_formats); a column that writes numbers two ways is
refused, naming the separators; a date column becomes the time axis (dates).
Imports no torch, so the command line answers a bad file at once.

>>> table = parse_csv(b"day;close\\n1;10,5\\n2;11\\n3;12,25\\n")
>>> table.delimiter, table.numeric, table.values["close"].tolist()
(';', ('day', 'close'), [10.5, 11.0, 12.25])
>>> parse_csv(b'date,close\\n2024-01-02,"1,424.30"\\n2024-01-03,987.5\\n').values["close"].tolist()
[1424.3, 987.5]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from explorer.tasks.datastore import MAX_DATA_BYTES, DataError, decode_text
from explorer.tasks.tables.dates import date_column
from explorer.tasks.tables.grid import MAX_ROWS, Grid, read_grid
from explorer.tasks.tables.numbers import Column, is_number, number, read_column
from explorer.tasks.tables.window import (
    MIN_VALUES,
)

NUMERIC_SHARE = 0.5  # a column is numeric when at least this share of its cells are numbers
MAX_LISTED = 5  # line numbers or examples listed in a message
# Names of the likely target, best first; compared lower-case, words only ("Adj. Close").
TARGET_NAMES = ("close", "adj close", "adjusted close", "close last", "price", "value", "target")


@dataclass(frozen=True)
class Unreadable:
    """Cells of a column that look like numbers but not in the column's format."""

    rows: np.ndarray  # (k,) data rows, in time order
    cells: tuple[str, ...]  # what the file says in the first MAX_LISTED of them


@dataclass(frozen=True)
class SeriesTable:
    """The numeric columns of a CSV, each as floats with NaN where a cell is missing or
    not a number, and the file line of every data row (for messages)."""

    columns: tuple[str, ...]  # every column, in file order
    numeric: tuple[str, ...]  # the columns that hold numbers: the choices
    values: dict[str, np.ndarray]  # numeric column -> (rows,) float64
    lines: np.ndarray  # (rows,) 1-based line of each data row in the file
    delimiter: str | None  # None: one column
    header: bool
    formats: dict[str, str] = field(default_factory=dict)  # numeric column -> one of FORMATS
    # numeric column -> its cells with thousands separators that the column's format cannot
    # read (1.424,30 among 1,424.30): refused by name, not counted as plain gaps
    separated: dict[str, Unreadable] = field(default_factory=dict)
    date_column: str | None = None  # a column of dates, strictly increasing in time
    dates: np.ndarray | None = None  # (rows,) datetime64[ns] of date_column
    newest_first: bool = False  # the file listed the newest date first: rows were reversed

    @property
    def rows(self) -> int:
        return len(self.lines)


def parse_csv(raw: bytes, max_bytes: int = MAX_DATA_BYTES) -> SeriesTable:
    """Read an uploaded CSV. Accepts comma, semicolon or tab separators, decimal points or
    commas and thousands separators (quoted where they clash with the delimiter: "1,5",
    "1,424.30"), one format per column; an optional header row; a single column of
    numbers; a column of dates (the time axis; a file listing the newest date first is
    put in time order). Blank lines inside the data are rows with every cell missing: a
    gap, reported later for the column chosen."""
    grid = read_grid(decode_text(raw, max_bytes))
    header, names, columns = _columns(grid)
    body = grid.cells.iloc[1:] if header else grid.cells
    n_rows = len(body)
    if n_rows == 0:
        raise DataError("no_rows", header=", ".join(names[:MAX_LISTED]))
    if n_rows == 1:
        raise DataError("one_row", fields=len(re.split(r"[,;\s]+", grid.last_line.strip())))
    readable = [
        (np.isfinite(c.values).sum() + c.separated.size) / n_rows >= NUMERIC_SHARE for c in columns
    ]
    numeric = tuple(n for n, ok in zip(names, readable, strict=True) if ok)
    if not numeric:
        raise DataError("no_numeric", columns=_listing(names))
    cells = [body[j].reset_index(drop=True) for j in body.columns]
    time_column, dates = date_column(names, cells, readable)
    newest_first = dates is not None and bool(np.all(np.diff(dates) < np.timedelta64(0)))
    order = np.arange(n_rows)[::-1] if newest_first else np.arange(n_rows)
    if dates is not None and not bool(np.all(np.diff(dates[order]) > np.timedelta64(0))):
        time_column, dates = None, None  # repeated or unordered dates: no time axis
    by_name = dict(zip(names, columns, strict=True))
    lines = np.arange(n_rows) + grid.first_line + (1 if header else 0)
    return SeriesTable(
        tuple(names),
        numeric,
        {n: _frozen(by_name[n].values[order]) for n in numeric},
        _frozen(lines[order]),
        grid.delimiter,
        header,
        {n: by_name[n].format for n in numeric},
        _separated(numeric, by_name, dict(zip(names, cells, strict=True)), order),
        time_column,
        None if dates is None else _frozen(dates[order]),
        newest_first,
    )


def _columns(grid: Grid) -> tuple[bool, list[str], list[Column]]:
    """Whether row 0 is a header, the column names, and the columns read below it (or
    from row 0 on, when it is no header)."""
    comma_file = grid.delimiter in ("\t", ";")
    first = [str(cell) for cell in grid.cells.iloc[0]]
    below = [read_column(grid.cells[j].iloc[1:], comma_file) for j in grid.cells.columns]
    if _has_header(first, below):
        return True, _unique(first), below
    width = grid.cells.shape[1]
    names = [f"column {i + 1}" for i in range(width)] if width > 1 else ["value"]
    return False, names, [read_column(grid.cells[j], comma_file) for j in grid.cells.columns]


def _has_header(first: list[str], below: list[Column]) -> bool:
    """The first row is a header when one of its cells is text where the rows below hold
    numbers (a date column's text does not count), or when it is the only line."""
    for cell, column in zip(first, below, strict=True):
        if not cell.strip() or is_number(cell):
            continue
        if not column.values.size or np.isfinite(column.values).mean() >= NUMERIC_SHARE:
            return True
    return False


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = raw.strip() or f"column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _separated(
    numeric: tuple[str, ...],
    by_name: dict[str, Column],
    cells: dict[str, pd.Series],
    order: np.ndarray,
) -> dict[str, Unreadable]:
    """Numeric column -> its cells in another format, their rows in time order and what
    the first MAX_LISTED of them say."""
    out = {}
    for name in numeric:
        if (odd := np.sort(np.argsort(order)[by_name[name].separated])).size:
            examples = tuple(str(cells[name][order[i]]).strip() for i in odd[:MAX_LISTED])
            out[name] = Unreadable(_frozen(odd), examples)
    return out


def _frozen(a: np.ndarray) -> np.ndarray:
    """A private read-only copy: tables are cached and shared, nobody may change them."""
    a = np.array(a)
    a.flags.writeable = False
    return a


def _listing(items: list[str] | tuple[str, ...]) -> str:
    shown = ", ".join(repr(i) for i in items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def parse_numbers(text: str) -> bytes:
    """Pasted numbers (separated by commas, semicolons, whitespace or new lines, in time
    order) -> the bytes of a one-column CSV ("value" header), which is what gets stored
    and keyed: pasted data then travels like an uploaded file.

    >>> parse_numbers("1, 2.5; 3\\n-4e1 5 6 7 8 9 10 11 12")[:24]
    b'value\\n1\\n2.5\\n3\\n-4e1\\n5\\n6\\n7'
    """
    tokens = [t for t in re.split(r"[,;\s]+", text.strip()) if t]
    if not tokens:
        raise DataError("empty")
    if len(tokens) > MAX_ROWS:
        raise DataError("too_many_rows", rows=len(tokens), limit=MAX_ROWS)
    bad = [(i + 1, t) for i, t in enumerate(tokens) if math.isnan(number(t.strip()))]
    if bad:
        examples = ", ".join(f"item {i} {t[:20]!r}" for i, t in bad[:MAX_LISTED])
        raise DataError("numbers_bad", count=len(bad), examples=examples)
    if len(tokens) < MIN_VALUES:
        raise DataError("too_short", n=len(tokens), minimum=MIN_VALUES)
    raw = ("value\n" + "\n".join(tokens) + "\n").encode()
    if len(raw) > MAX_DATA_BYTES:
        decode_text(raw)  # raises too_large with the sizes
    return raw


def _words(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def default_column(table: SeriesTable) -> str:
    """The likely target: a column named like close, adj close, price, value or target
    (TARGET_NAMES, in that order, case and punctuation ignored), else the last numeric
    column; among the usable columns (no gaps, not a counter: a row number or a day index
    climbs in equal steps, nothing to predict) when there are any, else among all.

    >>> default_column(parse_csv(b"Date,Open,Close,Volume\\n1,2,3,4\\n2,3,1,5\\n3,1,2,4\\n"))
    'Close'
    """
    usable = [n for n in table.numeric if _usable(table, n)]
    for pool in (usable, list(table.numeric)):
        if not pool:
            continue
        words = {_words(n): n for n in reversed(pool)}  # the first of a repeated name
        for target in TARGET_NAMES:
            if target in words:
                return words[target]
        return pool[-1]
    raise AssertionError("a table has a numeric column")  # parse_csv refuses none


def _usable(table: SeriesTable, name: str) -> bool:
    values = table.values[name]
    if not np.isfinite(values).all() or name in table.separated:
        return False
    steps = np.diff(values)
    return steps.size == 0 or not np.allclose(steps, steps[0])


def column_values(table: SeriesTable, column: str = "") -> tuple[str, np.ndarray]:
    """(column name, its values) for a column ("" = the default), refusing an unknown
    column, numbers written with two kinds of thousands separators, gaps (how many, at
    which lines), a too short and a constant series."""
    name = column or default_column(table)
    if name not in table.values:
        raise DataError("unknown_column", column=name, columns=_listing(table.numeric))
    values = table.values[name]
    if (odd := table.separated.get(name)) is not None:
        raise DataError(
            "separators",
            column=name,
            count=int(odd.rows.size),
            lines=_lines(table, odd.rows),
            examples=", ".join(repr(c) for c in odd.cells),
        )
    missing = np.flatnonzero(~np.isfinite(values))
    if missing.size:
        raise DataError("gaps", column=name, count=int(missing.size), lines=_lines(table, missing))
    if values.size < MIN_VALUES:
        raise DataError("too_short", n=int(values.size), minimum=MIN_VALUES)
    if np.all(values == values[0]):
        raise DataError("constant", column=name, value=float(values[0]))
    return name, values


def _lines(table: SeriesTable, rows: np.ndarray) -> str:
    """File lines of some rows: the first MAX_LISTED, then how many more."""
    shown = ", ".join(str(int(table.lines[i])) for i in rows[:MAX_LISTED])
    return shown + (f" and {rows.size - MAX_LISTED} more" if rows.size > MAX_LISTED else "")


def number_formats(table: SeriesTable) -> dict[str, tuple[str, ...]]:
    """Format (of FORMATS, "plain" left out) -> the numeric columns read with it: what an
    accepted upload reports, so no reading of "1,424" happens silently."""
    out: dict[str, tuple[str, ...]] = {}
    for name in table.numeric:
        if (fmt := table.formats.get(name, "plain")) != "plain":
            out[fmt] = (*out.get(fmt, ()), name)
    return out

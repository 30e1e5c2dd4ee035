"""A user's own series: a CSV (or pasted numbers) read into numeric columns, one chosen,
checked, cut into windows and normalised with the training part's statistics.

Nothing here guesses quietly: a gap, a NaN, a word in a number column or a file in the
wrong encoding is refused with a DataError that says what is wrong, where, and what is
accepted. Imports no torch, so the command line answers a bad file at once.

>>> table = parse_csv(b"day;close\\n1;10,5\\n2;11\\n3;12,25\\n")
>>> table.delimiter, table.numeric, table.values["close"].tolist()
(';', ('day', 'close'), [10.5, 11.0, 12.25])
>>> w = windowing(np.arange(30.0), window=5)
>>> (w.n_windows, w.n_train, w.n_val, w.mean)
(25, 20, 5, 12.0)
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np

from explorer.datastore import MAX_DATA_BYTES, DataError, decode_text

MAX_ROWS = 100_000  # one value per row: a long daily series is ~10k rows
MIN_WINDOWS = 10  # windows beyond the window itself: 8 to train, 2 to validate
MIN_VALUES = 2 + MIN_WINDOWS  # the shortest series any window (T >= 2) can use
TRAIN_FRACTION = 0.8
DELIMITERS = ("\t", ";", ",")  # tab and semicolon first: "1,5;2,3" has decimal commas
SAMPLE_LINES = 50  # lines that decide the delimiter
NUMERIC_SHARE = 0.5  # a column is numeric when at least this share of its cells are numbers
MAX_LISTED = 5  # line numbers or examples listed in a message
EXAMPLE_FILE = "example_series.csv"
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


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

    @property
    def rows(self) -> int:
        return len(self.lines)


def _number(cell: str, decimal_comma: bool) -> float:
    """A cell as a float; NaN when it is empty, not a number, or not finite ("nan",
    "inf" are gaps too: they would poison the normalisation)."""
    text = cell.strip()
    if decimal_comma and DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _delimiter(lines: list[str]) -> str | None:
    """The first delimiter that splits the sample lines into the same number (>= 2) of
    fields on at least 90% of them; None for a single column."""
    sample = [line for line in lines if line.strip()][:SAMPLE_LINES]
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode >= 2 and counts.count(mode) >= 0.9 * len(counts):
            return delimiter
    return None


def _has_header(first: list[str], parsed: list[list[float]]) -> bool:
    """The first row is a header when one of its cells is text where the rows below hold
    numbers (a date column's text does not count), or when it is the only text line
    above numbers in a single column."""
    rest = parsed[1:]
    for j, cell in enumerate(first):
        if not cell.strip() or not math.isnan(parsed[0][j]):
            continue
        column = [row[j] for row in rest if j < len(row)]
        if not rest or (column and np.isfinite(column).mean() >= NUMERIC_SHARE):
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


def parse_csv(raw: bytes, max_bytes: int = MAX_DATA_BYTES) -> SeriesTable:
    """Read an uploaded CSV. Accepts comma, semicolon or tab separators (decimal commas
    with the latter two), an optional header row, and a single column of numbers. Blank
    lines inside the data are rows with every cell missing: a gap, reported later for the
    column chosen."""
    text = decode_text(raw, max_bytes)
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip())  # decode_text: not empty
    last = max(i for i, line in enumerate(lines) if line.strip())
    lines = lines[first : last + 1]
    if len(lines) > MAX_ROWS + 1:
        raise DataError("too_many_rows", rows=len(lines), limit=MAX_ROWS)
    delimiter = _delimiter(lines)
    if delimiter is None:
        rows = [[line] for line in lines]
    else:
        rows = list(csv.reader(lines, delimiter=delimiter))
        rows = [row if row else [""] for row in rows]
    decimal_comma = delimiter in ("\t", ";")
    parsed = [[_number(cell, decimal_comma) for cell in row] for row in rows]
    width = max(len(row) for row in rows)
    header = _has_header(rows[0], parsed)
    if header:
        names = _unique(rows[0] + [""] * (width - len(rows[0])))
    else:
        names = [f"column {i + 1}" for i in range(width)] if width > 1 else ["value"]
    data = parsed[1:] if header else parsed
    line_numbers = np.arange(len(data)) + first + 1 + (1 if header else 0)
    if not data:
        raise DataError("no_rows", header=", ".join(names[:MAX_LISTED]))
    if len(data) == 1:
        raise DataError("one_row", fields=len(re.split(r"[,;\s]+", lines[-1].strip())))
    matrix = np.full((len(data), width), math.nan)
    for i, row in enumerate(data):
        matrix[i, : len(row)] = row
    share = np.isfinite(matrix).mean(axis=0)
    numeric = tuple(n for n, s in zip(names, share, strict=True) if s >= NUMERIC_SHARE)
    if not numeric:
        raise DataError("no_numeric", columns=_listing(names))
    values = {n: matrix[:, names.index(n)].copy() for n in numeric}
    for v in values.values():
        v.flags.writeable = False  # cached and shared: nobody may change it
    line_numbers.flags.writeable = False
    return SeriesTable(tuple(names), numeric, values, line_numbers, delimiter, header)


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
    bad = [(i + 1, t) for i, t in enumerate(tokens) if math.isnan(_number(t, False))]
    if bad:
        examples = ", ".join(f"item {i} {t[:20]!r}" for i, t in bad[:MAX_LISTED])
        raise DataError("numbers_bad", count=len(bad), examples=examples)
    if len(tokens) < MIN_VALUES:
        raise DataError("too_short", n=len(tokens), minimum=MIN_VALUES)
    raw = ("value\n" + "\n".join(tokens) + "\n").encode()
    if len(raw) > MAX_DATA_BYTES:
        decode_text(raw)  # raises too_large with the sizes
    return raw


def default_column(table: SeriesTable) -> str:
    """The first numeric column without gaps that is not a counter (a row number or a
    day index climbs in equal steps: nothing to predict), else the first without gaps,
    else the first numeric column."""
    clean = [n for n in table.numeric if np.isfinite(table.values[n]).all()]
    for name in clean:
        steps = np.diff(table.values[name])
        if not np.allclose(steps, steps[0]):
            return name
    return clean[0] if clean else table.numeric[0]


def column_values(table: SeriesTable, column: str = "") -> tuple[str, np.ndarray]:
    """(column name, its values) for a column ("" = the default), refusing an unknown
    column, gaps (how many, at which lines), a too short and a constant series."""
    name = column or default_column(table)
    if name not in table.values:
        raise DataError("unknown_column", column=name, columns=_listing(table.numeric))
    values = table.values[name]
    missing = np.flatnonzero(~np.isfinite(values))
    if missing.size:
        lines = ", ".join(str(int(table.lines[i])) for i in missing[:MAX_LISTED])
        more = f" and {missing.size - MAX_LISTED} more" if missing.size > MAX_LISTED else ""
        raise DataError("gaps", column=name, count=int(missing.size), lines=lines + more)
    if values.size < MIN_VALUES:
        raise DataError("too_short", n=int(values.size), minimum=MIN_VALUES)
    if np.all(values == values[0]):
        raise DataError("constant", column=name, value=float(values[0]))
    return name, values


@dataclass(frozen=True)
class Windowing:
    """How a series becomes training examples, and the normalisation applied."""

    window: int  # T: values per input window
    n_values: int
    n_windows: int  # n_values - window: window i predicts value i + window
    n_train: int  # the first windows (chronological split)
    n_val: int
    mean: float  # of the values the training windows touch (inputs and targets)
    std: float  # population standard deviation of the same

    @property
    def split(self) -> int:
        """Index of the first value only validation predicts."""
        return self.window + self.n_train

    def normalise(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def denormalise(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64) * self.std + self.mean


def windowing(values: np.ndarray, window: int, column: str = "value") -> Windowing:
    """Windows of `window` values, each predicting the next; the first 80% train, the
    rest validate. Mean and std come from the training part only, so validation stays
    unseen (a mean over the whole series would leak its future level into training)."""
    n_values = int(values.size)
    minimum = window + MIN_WINDOWS
    if n_values < minimum:
        raise DataError(
            "too_short_for_window",
            column=column,
            n=n_values,
            window=window,
            minimum=minimum,
            max_window=max(2, n_values - MIN_WINDOWS),
        )
    n_windows = n_values - window
    n_train = round(n_windows * TRAIN_FRACTION)
    seen = np.asarray(values[: window + n_train], dtype=np.float64)
    std = float(seen.std())
    if std == 0.0:
        raise DataError("constant", column=column, value=float(seen[0]))
    return Windowing(
        window, n_values, n_windows, n_train, n_windows - n_train, float(seen.mean()), std
    )


# -- the example that ships with the app ---------------------------------------------------
def make_example_csv(n: int = 500, seed: int = 2024) -> bytes:
    """A synthetic stock-like daily series: a log price that mean-reverts slowly to a
    rising trend, with a weekly wiggle and volatility that comes and goes; a volume
    column that rises with the size of the move. Deterministic in (n, seed)."""
    rng = np.random.default_rng(seed)
    days = np.arange(n)
    trend = np.log(100.0) + 0.0006 * days
    vol = 0.012 * np.exp(0.5 * np.sin(2 * np.pi * days / 90.0))
    shocks = rng.normal(0.0, 1.0, n) * vol
    log_price = np.empty(n)
    deviation = 0.0
    for t in range(n):
        deviation = 0.97 * deviation + shocks[t]
        log_price[t] = trend[t] + deviation + 0.004 * np.sin(2 * np.pi * t / 5.0)
    close = np.exp(log_price)
    volume = (1e6 * (1.0 + 25.0 * np.abs(np.diff(log_price, prepend=log_price[0])))).round()
    start = np.datetime64("2022-01-03")
    dates = np.busday_offset(start, days, roll="forward")
    out = io.StringIO()
    out.write("date,close,volume\n")
    for d, c, v in zip(dates, close, volume, strict=True):
        out.write(f"{d},{c:.2f},{int(v)}\n")
    return out.getvalue().encode()


@functools.cache
def example_csv() -> bytes:
    """The shipped example (explorer/data/example_series.csv; tests check it equals
    make_example_csv(), so it can be regenerated)."""
    return resources.files("explorer").joinpath("data", EXAMPLE_FILE).read_bytes()

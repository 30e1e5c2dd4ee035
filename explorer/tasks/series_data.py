"""A user's own series: a CSV (or pasted numbers) read into numeric columns, one chosen,
checked, cut into windows and normalised with the training part's statistics.

Nothing here guesses quietly: a gap, a NaN, a word in a number column or a file in the
wrong encoding is refused with a DataError that says what is wrong, where, and what is
accepted. Each column's number format (a decimal point or comma, thousands separators)
is read off the column as a whole and reported (number_formats); a column that writes
numbers two ways is refused, naming the separators. Imports no torch, so the command
line answers a bad file at once.

>>> table = parse_csv(b"day;close\\n1;10,5\\n2;11\\n3;12,25\\n")
>>> table.delimiter, table.numeric, table.values["close"].tolist()
(';', ('day', 'close'), [10.5, 11.0, 12.25])
>>> parse_csv(b'date,close\\n2024-01-02,"1,424.30"\\n2024-01-03,987.5\\n').values["close"].tolist()
[1424.3, 987.5]
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
import warnings
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from explorer.tasks.datastore import MAX_DATA_BYTES, DataError, decode_text

MAX_ROWS = 100_000  # one value per row: a long daily series is ~10k rows
MIN_WINDOWS = 10  # windows beyond the window itself: 8 to train, 2 to validate
MIN_VALUES = 2 + MIN_WINDOWS  # the shortest series any window (T >= 2) can use
TRAIN_FRACTION = 0.8
DELIMITERS = ("\t", ";", ",")  # tab and semicolon first: "1,5;2,3" has decimal commas
SAMPLE_LINES = 50  # lines that decide the delimiter
NUMERIC_SHARE = 0.5  # a column is numeric when at least this share of its cells are numbers
MAX_LISTED = 5  # line numbers or examples listed in a message
EXAMPLE_FILE = "example_series.csv"
# Number formats. A point-decimal number may group thousands with commas (1,424.30); a
# comma-decimal one with points (1.424,30). Groups are exactly three digits, the first
# group 1-3 digits without a leading zero (0.125 stays a decimal).
POINT_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+$")
COMMA_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d*)?$")
# Numbers grouped in a way no format here reads: 1 424,30 or 1'424.30 (space, apostrophe),
# 1,42,430 (Indian lakh groups). Seen in a number column, they are named in the refusal.
SEPARATED = re.compile(
    r"^[+-]?\d{1,3}([ '\u00a0\u202f]\d{3})+([.,]\d+)?$|^[+-]?\d{1,2}(,\d{2})+,\d{3}(\.\d+)?$"
)
FORMATS = ("plain", "decimal_comma", "thousands_comma", "thousands_point")
# Names of the likely target, best first; compared lower-case, words only ("Adj. Close").
TARGET_NAMES = ("close", "adj close", "adjusted close", "close last", "price", "value", "target")
DATE_PROBE = 20  # cells tried before a whole column is parsed as dates


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


def _float(text: str) -> float:
    """float(text); NaN when it is not a number or not finite ("nan", "inf" are gaps too:
    they would poison the normalisation)."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _point(cell: str) -> float:
    """A cell read with a decimal point, thousands optionally grouped by commas."""
    text = cell.strip()
    if "," not in text:
        return _float(text)
    return _float(text.replace(",", "")) if POINT_GROUPED.match(text) else math.nan


def _comma(cell: str) -> float:
    """A cell read with a decimal comma, thousands optionally grouped by points."""
    text = cell.strip()
    if COMMA_DECIMAL.match(text):
        return _float(text.replace(",", "."))
    if COMMA_GROUPED.match(text):
        return _float(text.replace(".", "").replace(",", "."))
    return math.nan if "." in text or "," in text else _float(text)


def _cell(cell: str) -> float:
    """A cell read either way (to tell a header's words from numbers)."""
    value = _point(cell)
    return value if math.isfinite(value) else _comma(cell)


@dataclass(frozen=True)
class _Column:
    values: np.ndarray  # (rows,) float64, NaN where missing or unreadable
    format: str  # one of FORMATS
    separated: np.ndarray  # rows with thousands separators this format cannot read


def _read_column(cells: list[str], comma_decimal_file: bool) -> _Column:
    """One format for the whole column: the reading (decimal point or comma) that reads
    more cells. A tie where the readings differ ("1,424": 1424 or 1.424?) follows the
    file: a comma-separated file writes decimal points, a semicolon or tab one decimal
    commas; a point alone ("1.424") stays a decimal point."""
    point = np.array([_point(c) for c in cells], dtype=np.float64)
    comma = np.array([_comma(c) for c in cells], dtype=np.float64)
    n_point, n_comma = int(np.isfinite(point).sum()), int(np.isfinite(comma).sum())
    differ = np.isfinite(point) & (point != comma)
    if n_point != n_comma:
        use_comma = n_comma > n_point
    else:
        use_comma = comma_decimal_file and any("," in cells[i] for i in np.flatnonzero(differ))
    values, other = (comma, point) if use_comma else (point, comma)
    unread = ~np.isfinite(values)
    looks_separated = [i for i in np.flatnonzero(unread) if SEPARATED.match(cells[i].strip())]
    separated = unread & np.isfinite(other)
    separated[looks_separated] = True
    used = [c for c, ok in zip(cells, ~unread, strict=True) if ok]
    if use_comma and any("." in c for c in used):
        fmt = "thousands_point"
    elif any("," in c for c in used):
        fmt = "decimal_comma" if use_comma else "thousands_comma"
    else:
        fmt = "plain"
    return _Column(values, fmt, np.flatnonzero(separated))


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


def _has_header(first: list[str], below: list[_Column]) -> bool:
    """The first row is a header when one of its cells is text where the rows below hold
    numbers (a date column's text does not count), or when it is the only line."""
    for cell, column in zip(first, below, strict=False):
        if not cell.strip() or math.isfinite(_cell(cell)):
            continue
        if not column.values.size or np.isfinite(column.values).mean() >= NUMERIC_SHARE:
            return True
    return False


def _unquoted(line: str) -> str:
    """A one-column line as csv reads a quoted field: "1,424.30" -> 1,424.30."""
    text = line.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return line


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = raw.strip() or f"column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def parse_csv(raw: bytes, max_bytes: int = MAX_DATA_BYTES) -> SeriesTable:
    """Read an uploaded CSV. Accepts comma, semicolon or tab separators, decimal points or
    commas and thousands separators (quoted where they clash with the delimiter: "1,5",
    "1,424.30"), one format per column; an optional header row; a single column of
    numbers; a column of dates (the time axis; a file listing the newest date first is
    put in time order). Blank lines inside the data are rows with every cell missing: a
    gap, reported later for the column chosen."""
    text = decode_text(raw, max_bytes)
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip())  # decode_text: not empty
    last = max(i for i, line in enumerate(lines) if line.strip())
    lines = lines[first : last + 1]
    if len(lines) > MAX_ROWS + 1:
        raise DataError("too_many_rows", rows=len(lines), limit=MAX_ROWS)
    delimiter = _delimiter(lines)
    if delimiter is None:
        rows = [[_unquoted(line)] for line in lines]
    else:
        rows = list(csv.reader(lines, delimiter=delimiter))
        rows = [row if row else [""] for row in rows]
    width = max(len(row) for row in rows)
    cells = [[row[j] if j < len(row) else "" for row in rows] for j in range(width)]  # by column
    comma_file = delimiter in ("\t", ";")
    columns = [_read_column(c[1:], comma_file) for c in cells]  # as if row 0 were a header
    header = _has_header(rows[0], columns)
    if header:
        names = _unique(rows[0] + [""] * (width - len(rows[0])))
    else:
        names = [f"column {i + 1}" for i in range(width)] if width > 1 else ["value"]
        columns = [_read_column(c, comma_file) for c in cells]
    skip = 1 if header else 0
    n_rows = len(rows) - skip
    line_numbers = np.arange(n_rows) + first + 1 + skip
    if n_rows == 0:
        raise DataError("no_rows", header=", ".join(names[:MAX_LISTED]))
    if n_rows == 1:
        raise DataError("one_row", fields=len(re.split(r"[,;\s]+", lines[-1].strip())))
    readable = [
        (np.isfinite(c.values).sum() + c.separated.size) / n_rows >= NUMERIC_SHARE for c in columns
    ]
    numeric = tuple(n for n, ok in zip(names, readable, strict=True) if ok)
    if not numeric:
        raise DataError("no_numeric", columns=_listing(names))
    date_column, dates = _date_column(names, [c[skip:] for c in cells], readable)
    newest_first = dates is not None and bool(np.all(np.diff(dates) < np.timedelta64(0)))
    order = np.arange(n_rows)[::-1] if newest_first else np.arange(n_rows)
    if dates is not None and not bool(np.all(np.diff(dates[order]) > np.timedelta64(0))):
        date_column, dates = None, None  # repeated or unordered dates: no time axis
    by_name = dict(zip(names, columns, strict=True))
    values = {n: _frozen(by_name[n].values[order]) for n in numeric}
    formats = {n: by_name[n].format for n in numeric}
    separated = {}
    for n in numeric:
        if (odd := np.sort(np.argsort(order)[by_name[n].separated])).size:  # in time order
            column = cells[names.index(n)][skip:]
            examples = tuple(column[order[i]].strip() for i in odd[:MAX_LISTED])
            separated[n] = Unreadable(_frozen(odd), examples)
    return SeriesTable(
        tuple(names),
        numeric,
        values,
        _frozen(line_numbers[order]),
        delimiter,
        header,
        formats,
        separated,
        date_column,
        None if dates is None else _frozen(dates[order]),
        newest_first,
    )


def _frozen(a: np.ndarray) -> np.ndarray:
    """A private read-only copy: tables are cached and shared, nobody may change them."""
    a = np.array(a)
    a.flags.writeable = False
    return a


def _date_column(
    names: list[str], cells: list[list[str]], numeric: list[bool]
) -> tuple[str | None, np.ndarray | None]:
    """The first column that is not numeric and whose every cell is a date (pandas reads
    2024-01-31, 01/31/2024, 31.01.2024, with times); (None, None) when there is none."""
    for name, column, is_numeric in zip(names, cells, numeric, strict=True):
        if is_numeric or not column:
            continue
        if _dates(column[:DATE_PROBE]) is None:  # cheap: most text columns stop here
            continue
        if (dates := _dates(column)) is not None:
            return name, dates
    return None, None


def _dates(cells: list[str]) -> np.ndarray | None:
    """(n,) datetime64[ns] when every cell parses as a date, else None. 01.02.2024 reads
    month first or day first: the reading with the shorter typical step between rows wins
    (daily data read the wrong way round steps by months). Plain numbers are no dates
    here: those columns are numeric."""
    texts = pd.Series([c.strip() for c in cells], dtype=object)
    if texts.eq("").any() or not texts.str.contains(r"\d").all():
        return None
    readings = []
    for dayfirst in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "could not infer format": then it is no date
            try:
                parsed = pd.to_datetime(texts, errors="coerce", dayfirst=dayfirst, utc=True)
            except (ValueError, TypeError, OverflowError):
                continue
        if parsed.notna().all():
            dates = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            step = np.median(np.abs(np.diff(dates))) if dates.size > 1 else 0
            readings.append((step, dayfirst, dates))
    return min(readings, key=lambda r: (r[0], r[1]))[2] if readings else None


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
    bad = [(i + 1, t) for i, t in enumerate(tokens) if math.isnan(_float(t.strip()))]
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


def date_strings(dates: np.ndarray) -> np.ndarray:
    """Dates as ISO text, to the day when every time is midnight (a chart's axis, the
    date column of predictions.csv).

    >>> date_strings(np.array(["2024-01-02", "2024-01-03T12:00"], "M8[ns]")).tolist()
    ['2024-01-02T00:00:00', '2024-01-03T12:00:00']
    """
    dates = np.asarray(dates, dtype="datetime64[ns]")
    midnight = bool((dates == dates.astype("datetime64[D]")).all())
    return np.datetime_as_string(dates, unit="D" if midnight else "s")


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

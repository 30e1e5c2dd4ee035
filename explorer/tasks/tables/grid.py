"""A CSV's text -> a grid of cells, every one still a string: the delimiter is sniffed,
pandas tokenises (quotes, ragged rows), and nothing is converted yet, because a column's
number format and its dates are decided for the column as a whole (numbers,
dates), not by pandas' guess per cell.

Every row is one line of the file, for the line numbers messages name: a blank line in
the data is a row of empty cells (a gap, reported later), never skipped.

>>> grid = read_grid('day;close\\n1;"10,5"\\n\\n2;11\\n')
>>> grid.delimiter, grid.first_line, grid.cells.to_numpy().tolist()
(';', 1, [['day', 'close'], ['1', '10,5'], ['', ''], ['2', '11']])
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from explorer.tasks.datastore import DataError

MAX_ROWS = 100_000  # one value per row: a long daily series is ~10k rows
DELIMITERS = ("\t", ";", ",")  # tab and semicolon first: "1,5;2,3" has decimal commas
SAMPLE_LINES = 50  # lines that decide the delimiter
EXACT_TRIES = 4  # widths taken from pandas' complaint before widening by leaps
BOM = "\ufeff"


@dataclass(frozen=True)
class Grid:
    """The cells of a CSV by row and column; row 0 may be a header (that is decided by
    the caller, which knows what the columns hold)."""

    cells: pd.DataFrame  # (rows, width) strings, "" where a row has fewer cells
    first_line: int  # 1-based line of the file that row 0 comes from
    delimiter: str | None  # None: one column, a whole line per cell
    last_line: str  # the last non-blank line (a one-row file is counted from it)


def read_grid(text: str, max_rows: int = MAX_ROWS) -> Grid:
    """Blank lines around the data dropped, the delimiter sniffed, the cells read. Refuses
    more than max_rows data rows (plus a header) before reading any."""
    lines = text.splitlines()
    kept = [i for i, line in enumerate(lines) if line.strip()]
    if not kept:
        raise DataError("empty")
    lines = lines[kept[0] : kept[-1] + 1]
    if len(lines) > max_rows + 1:
        raise DataError("too_many_rows", rows=len(lines), limit=max_rows)
    delimiter = sniff_delimiter(lines)
    cells = _whole_lines(lines) if delimiter is None else _split(lines, delimiter)
    return Grid(cells, kept[0] + 1, delimiter, lines[-1])


def sniff_delimiter(lines: list[str]) -> str | None:
    """The first of DELIMITERS that splits the sample lines into the same number (>= 2)
    of fields on at least 90% of them; None for a single column. Not csv.Sniffer: it
    prefers the comma, and "1;2,5" is a semicolon file with a decimal comma.

    >>> sniff_delimiter(["a;b", "1;2,5"]), sniff_delimiter(["1", "2,5"])
    (';', None)
    """
    sample = [line for line in lines if line.strip()][:SAMPLE_LINES]
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode >= 2 and counts.count(mode) >= 0.9 * len(counts):
            return delimiter
    return None


def _whole_lines(lines: list[str]) -> pd.DataFrame:
    """One column, a line per cell; a line quoted as a whole loses its quotes, as a CSV
    field would ("1,424.30" -> 1,424.30, "" inside -> ")."""
    cells = pd.Series(lines, dtype=object)
    text = cells.str.strip()
    quoted = (text.str.len() >= 2) & text.str.startswith('"') & text.str.endswith('"')
    inner = text.str.slice(1, -1).str.replace('""', '"', regex=False)
    return cells.where(~quoted, inner).to_frame(0)


def _split(lines: list[str], delimiter: str) -> pd.DataFrame:
    """pandas reads the cells as text. A row longer than those before it makes pandas stop
    and name its length: the read is repeated that wide (rows padded with ""). A quote left
    open runs to the end of the file, as the csv module reads it. A quoted cell that spans
    lines reads as its lines joined without a break, as the csv module reads a list of
    lines."""
    text = "\n".join(lines)
    if text.startswith(BOM):  # pandas drops a leading BOM; decode_text dropped the file's
        text = BOM + text
    bound = max(line.count(delimiter) for line in lines) + 1  # exact for unquoted lines
    width, tries = None, 0
    while True:
        try:
            frame = _read(text, delimiter, width)
            break
        except pd.errors.ParserError as exc:
            message = str(exc)
            if "EOF inside string" in message:
                text += '"'
                continue
            seen = re.search(r"saw (\d+)", message)
            if seen is None:
                raise
            width, tries = _widen(width or 0, int(seen[1]), bound, tries), tries + 1
    if '"' in text:
        frame = frame.apply(lambda column: column.str.replace("\n", "", regex=False))
    return frame


def _read(text: str, delimiter: str, width: int | None) -> pd.DataFrame:
    """Cells as strings, nothing taken for missing, blank lines kept; `width` columns, or
    as many as the first row has."""
    frame = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=None if width is None else range(width),
        dtype=object,
        keep_default_na=False,
        skip_blank_lines=False,
        engine="c",
    )
    frame.columns = range(frame.shape[1])
    return frame.fillna("")


def _widen(width: int, seen: int, bound: int, tries: int) -> int:
    """The width for the next read: the row pandas saw, for a few reads (a ragged file
    needs one or two); then at once every line's field count, and beyond that (a quoted
    cell spanning lines) doubling, so a crafted file costs a few reads, not one per row."""
    if tries < EXACT_TRIES:
        return seen
    if width < bound:
        return max(seen, bound)
    return max(seen, 2 * width)

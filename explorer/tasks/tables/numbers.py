"""Number formats: one per column, read off the column as a whole.

A decimal point or a decimal comma, thousands grouped or not: pandas' decimal= and
thousands= options fix one format for the whole file, while a file may hold a quoted
"1,5" beside a plain 12, and "1,424" alone is 1424 or 1.424. So each column is read both
ways and keeps the reading that reads more of its cells; cells the chosen reading cannot
read but that carry thousands separators are kept aside, to be refused by name (a column
that writes numbers two ways) rather than counted as plain gaps.

>>> column = read_column(pd.Series(["1,424.30", "987.5", "12,000"]), comma_decimal_file=False)
>>> column.values.tolist(), column.format
([1424.3, 987.5, 12000.0], 'thousands_comma')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

FORMATS = ("plain", "decimal_comma", "thousands_comma", "thousands_point")
# A point-decimal number may group thousands with commas (1,424.30); a comma-decimal one
# with points (1.424,30). Groups are exactly three digits, the first group 1-3 digits
# without a leading zero (0.125 stays a decimal).
POINT_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+$")
COMMA_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d*)?$")
# Numbers grouped in a way no format here reads: 1 424,30 or 1'424.30 (space, apostrophe),
# 1,42,430 (Indian lakh groups). Seen in a number column, they are named in the refusal.
SEPARATED = re.compile(
    r"^[+-]?\d{1,3}([ '\u00a0\u202f]\d{3})+([.,]\d+)?$|^[+-]?\d{1,2}(,\d{2})+,\d{3}(\.\d+)?$"
)


def number(text: str) -> float:
    """float(text); NaN when it is not a number or not finite ("nan", "inf" are gaps too:
    they would poison the normalisation)."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def point(cell: str) -> float:
    """A cell read with a decimal point, thousands optionally grouped by commas."""
    text = cell.strip()
    if "," not in text:
        return number(text)
    return number(text.replace(",", "")) if POINT_GROUPED.match(text) else math.nan


def comma(cell: str) -> float:
    """A cell read with a decimal comma, thousands optionally grouped by points."""
    text = cell.strip()
    if COMMA_DECIMAL.match(text):
        return number(text.replace(",", "."))
    if COMMA_GROUPED.match(text):
        return number(text.replace(".", "").replace(",", "."))
    return math.nan if "." in text or "," in text else number(text)


def is_number(cell: str) -> bool:
    """The cell reads as a number either way (to tell a header's words from numbers)."""
    return math.isfinite(point(cell)) or math.isfinite(comma(cell))


@dataclass(frozen=True)
class Column:
    values: np.ndarray  # (rows,) float64, NaN where missing or unreadable
    format: str  # one of FORMATS
    separated: np.ndarray  # rows with thousands separators this format cannot read


def read_column(cells: pd.Series, comma_decimal_file: bool) -> Column:
    """One format for the whole column: the reading (decimal point or comma) that reads
    more cells. A tie where the readings differ ("1,424": 1424 or 1.424?) follows the
    file: a comma-separated file writes decimal points, a semicolon or tab one decimal
    commas; a point alone ("1.424") stays a decimal point."""
    cells = cells.reset_index(drop=True)
    by_point = cells.map(point).to_numpy(dtype=np.float64)
    by_comma = cells.map(comma).to_numpy(dtype=np.float64)
    n_point, n_comma = int(np.isfinite(by_point).sum()), int(np.isfinite(by_comma).sum())
    if n_point != n_comma:
        use_comma = n_comma > n_point
    else:
        differ = np.isfinite(by_point) & (by_point != by_comma)
        use_comma = comma_decimal_file and bool(cells[differ].str.contains(",", regex=False).any())
    values, other = (by_comma, by_point) if use_comma else (by_point, by_comma)
    unread = ~np.isfinite(values)
    looks_separated = cells.str.strip().str.match(SEPARATED.pattern).to_numpy(dtype=bool)
    separated = unread & (np.isfinite(other) | looks_separated)
    return Column(values, _format(cells[~unread], use_comma), np.flatnonzero(separated))


def _format(used: pd.Series, use_comma: bool) -> str:
    """The name of the format the cells read were written in ("plain": no separators)."""
    if use_comma and used.str.contains(".", regex=False).any():
        return "thousands_point"
    if used.str.contains(",", regex=False).any():
        return "decimal_comma" if use_comma else "thousands_comma"
    return "plain"

"""Dates: the column that is a series' time axis, and dates written back as text.

pandas.to_datetime reads the dates (2024-01-31, 01/31/2024, 31.01.2024, with times); a
column counts only when every cell is a date, so a column of tickers or a date with a
hole in it is no time axis.

>>> date_strings(np.array(["2024-01-02", "2024-01-03T12:00"], "M8[ns]")).tolist()
['2024-01-02T00:00:00', '2024-01-03T12:00:00']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

DATE_PROBE = 20  # cells tried before a whole column is parsed as dates


def date_column(
    names: list[str], columns: list[pd.Series], numeric: list[bool]
) -> tuple[str | None, np.ndarray | None]:
    """The first column that is not numeric and whose every cell is a date: (its name,
    (rows,) datetime64[ns]); (None, None) when there is none."""
    for name, cells, is_numeric in zip(names, columns, numeric, strict=True):
        if is_numeric or cells.empty:
            continue
        if dates(cells.iloc[:DATE_PROBE]) is None:  # cheap: most text columns stop here
            continue
        if (found := dates(cells)) is not None:
            return name, found
    return None, None


def dates(cells: pd.Series) -> np.ndarray | None:
    """(n,) datetime64[ns] when every cell parses as a date, else None. 01.02.2024 reads
    month first or day first: the reading with the shorter typical step between rows wins
    (daily data read the wrong way round steps by months). Plain numbers are no dates
    here: those columns are numeric.

    >>> dates(pd.Series(["13/01/2024", "14/01/2024"])).astype("M8[D]").tolist()
    [datetime.date(2024, 1, 13), datetime.date(2024, 1, 14)]
    """
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
            found = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            step = np.median(np.abs(np.diff(found))) if found.size > 1 else 0
            readings.append((step, dayfirst, found))
    return min(readings, key=lambda r: (r[0], r[1]))[2] if readings else None


def date_strings(values: np.ndarray) -> np.ndarray:
    """Dates as ISO text, to the day when every time is midnight (a chart's axis, the
    date column of predictions.csv)."""
    values = np.asarray(values, dtype="datetime64[ns]")
    midnight = bool((values == values.astype("datetime64[D]")).all())
    return np.datetime_as_string(values, unit="D" if midnight else "s")

"""A user's own table of numbers: read (grid), each column's number format (numbers) and
dates (dates) decided for the column as a whole, one column chosen and checked (table),
then cut into windows (window). The example file a new user starts from is example.

Imports no torch, so the command line answers a bad file at once.
"""

from explorer.tasks.tables.dates import date_strings
from explorer.tasks.tables.example import EXAMPLE_FILE, example_csv, make_example_csv
from explorer.tasks.tables.grid import MAX_ROWS
from explorer.tasks.tables.numbers import FORMATS
from explorer.tasks.tables.table import (
    SeriesTable,
    Unreadable,
    column_values,
    default_column,
    number_formats,
    parse_csv,
    parse_numbers,
)
from explorer.tasks.tables.window import (
    MIN_VALUES,
    MIN_WINDOWS,
    TRAIN_FRACTION,
    Windowing,
    windowing,
)

__all__ = [
    "EXAMPLE_FILE",
    "FORMATS",
    "MAX_ROWS",
    "MIN_VALUES",
    "MIN_WINDOWS",
    "TRAIN_FRACTION",
    "SeriesTable",
    "Unreadable",
    "Windowing",
    "column_values",
    "date_strings",
    "default_column",
    "example_csv",
    "make_example_csv",
    "number_formats",
    "parse_csv",
    "parse_numbers",
    "windowing",
]

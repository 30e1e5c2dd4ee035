"""Importing a real-looking price CSV (issue 17): the default column is the likely target,
quoted decimal commas and thousands separators are read when a column writes them one way
and refused by name when it mixes them, and a date column becomes the time axis (a file
listing the newest date first is put in time order). Expected values are written out by
hand or formatted independently of the parser (Python's own format specs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.tasks.datastore import DataError
from explorer.tasks.tables import (
    column_values,
    date_strings,
    default_column,
    number_formats,
    parse_csv,
)


def _refusal(raw: bytes, column: str = "") -> DataError:
    with pytest.raises(DataError) as info:
        column_values(parse_csv(raw), column)
    return info.value


# -- the default column ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Date,Open,High,Low,Close,Adj Close,Volume", "Close"),
        ("Date,Open,High,Low,Adj. Close,Volume", "Adj. Close"),
        ("date,open,close/last,volume", "close/last"),
        ("Date,Price,Open,High,Low", "Price"),
        ("t,VALUE,noise", "VALUE"),
        ("when,a,target,b", "target"),
        ("x,first,second,third", "third"),  # no name like a target: the last numeric column
    ],
)
def test_the_default_column_is_the_likely_target(header, expected):
    names = header.split(",")
    rows = [
        ",".join(
            [f"2024-01-{d + 1:02d}", *(f"{(d * 7 + 3 * j) % 11 + j}" for j in range(1, len(names)))]
        )
        for d in range(20)
    ]
    table = parse_csv(("\n".join([header, *rows]) + "\n").encode())
    assert default_column(table) == expected


def test_the_default_skips_a_target_with_gaps_and_a_counter():
    raw = b"Close,price,n\n" + b"".join(
        f"{'' if i == 3 else i % 5},{i * i % 7},{i}\n".encode() for i in range(20)
    )
    assert default_column(parse_csv(raw)) == "price"  # Close has a gap; n counts rows


# -- number formats ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected", "fmt"),
    [
        # a comma-separated file, decimal commas quoted (it was refused as "no header")
        (
            b'Date,Close\n2024-01-02,"1,5"\n2024-01-03,"2,25"\n2024-01-04,3\n',
            [1.5, 2.25, 3.0],
            "decimal_comma",
        ),
        # thousands separated by commas, quoted (it counted as missing values)
        (
            b'Date,Close\n2024-01-02,"1,424.30"\n2024-01-03,987.5\n2024-01-04,"12,000"\n',
            [1424.3, 987.5, 12000.0],
            "thousands_comma",
        ),
        # points group thousands, commas mark decimals (a semicolon file)
        (
            b"Date;Close\n2024-01-02;1.424,30\n2024-01-03;987,5\n2024-01-04;1.000\n",
            [1424.3, 987.5, 1000.0],
            "thousands_point",
        ),
        # several groups: only a thousands reading makes sense
        (b'v\n"1,234,567"\n"2,000,001"\n', [1234567.0, 2000001.0], "thousands_comma"),
        # "1,424" alone: a comma file means a thousands separator, a semicolon file a decimal
        (b'a,b\n1,"1,424"\n2,"2,500"\n', [1424.0, 2500.0], "thousands_comma"),
        (b"a;b\n1;1,424\n2;2,500\n", [1.424, 2.5], "decimal_comma"),
        # a point alone stays a decimal point; 0.125 is never a thousands group
        (b"a;b\n1;1.424\n2;0.125\n", [1.424, 0.125], "plain"),
    ],
)
def test_one_number_format_per_column(raw, expected, fmt):
    table = parse_csv(raw)
    name = table.numeric[-1]
    assert table.values[name].tolist() == pytest.approx(expected)
    assert table.formats[name] == fmt
    assert number_formats(table) == ({} if fmt == "plain" else {fmt: (name,)})


def test_mixed_thousands_separators_are_refused_by_name_with_the_fix():
    rows = ['"1,424.30"', "987.50", '"1.424,30"', '"2,001.00"', '"1.500,00"'] * 3
    raw = "Date,Close\n" + "".join(f"2024-01-{i + 1:02d},{v}\n" for i, v in enumerate(rows))
    error = _refusal(raw.encode(), "Close")
    assert error.code == "separators" and error.values["count"] == 6
    message = str(error)
    assert "'1.424,30', '1.500,00'" in message and "at line 4, 6, 9, 11, 14 and 1 more" in message
    assert "thousands separators" in message and "without thousands separators" in message
    assert "missing" not in message  # not counted as gaps


def test_separators_no_format_reads_are_named_too():
    """A space or an apostrophe between thousands, or Indian lakh groups."""
    raw = b"v\n" + b"".join(f"{i}.5\n".encode() for i in range(20)) + b"1 424,30\n1'424.30\n"
    error = _refusal(raw)
    assert error.code == "separators" and error.values["count"] == 2
    assert "'1 424,30', \"1'424.30\"" in str(error)
    only = _refusal(b'v\n"1,42,430"\n"2,50,000"\n' + b'"3,10,000"\n' * 12)
    assert only.code == "separators" and only.values["count"] == 14


def test_plain_gaps_still_say_gaps():
    raw = b"v\n" + b"".join(f"{i}\n".encode() for i in range(20)) + b"n/a\n"
    assert _refusal(raw).code == "gaps"


FORMATTERS = {
    # style -> (delimiter, how one value is written), written without the parser's help
    "plain": (",", lambda v: f"{v:.2f}"),
    "thousands_comma": (",", lambda v: f'"{v:,.2f}"'),
    "decimal_comma_quoted": (",", lambda v: '"' + f"{v:.2f}".replace(".", ",") + '"'),
    "decimal_comma": (";", lambda v: f"{v:.2f}".replace(".", ",")),
    "thousands_point": (
        ";",
        lambda v: f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),
    ),
}


@settings(max_examples=150, deadline=None)
@given(
    style=st.sampled_from(sorted(FORMATTERS)),
    cents=st.lists(st.integers(-(10**9), 10**9), min_size=2, max_size=40),
)
def test_numbers_written_one_way_read_back_exactly(style, cents):
    """Any column written in one of the formats, with a date column and a header, reads
    back the numbers that were written."""
    delimiter, write = FORMATTERS[style]
    values = [c / 100 for c in cents]
    days = pd.date_range("2020-01-01", periods=len(values), freq="D")
    lines = [f"date{delimiter}price"]
    lines += [f"{d:%Y-%m-%d}{delimiter}{write(v)}" for d, v in zip(days, values, strict=True)]
    table = parse_csv(("\n".join(lines) + "\n").encode())
    np.testing.assert_allclose(table.values["price"], values, rtol=0, atol=1e-9)
    assert table.date_column == "date" and not table.separated


# -- dates -------------------------------------------------------------------------------------
def test_iso_dates_become_the_time_axis():
    raw = b"date,close\n" + b"".join(f"2024-03-{d:02d},{d * 1.5}\n".encode() for d in range(1, 21))
    table = parse_csv(raw)
    assert table.date_column == "date" and not table.newest_first
    assert date_strings(table.dates).tolist() == [f"2024-03-{d:02d}" for d in range(1, 21)]


def test_a_file_listing_the_newest_date_first_is_put_in_time_order():
    """An Investing.com-style export: quoted US dates, newest first, thousands commas."""
    prices = [1400.0 + 3.7 * i for i in range(15)]  # oldest first
    days = pd.date_range("2024-11-01", periods=15, freq="D")
    rows = [f'"{d:%m/%d/%Y}","{p:,.2f}","1.5M","0.3%"' for d, p in zip(days, prices, strict=True)]
    raw = '"Date","Price","Vol.","Change %"\n' + "\n".join(reversed(rows)) + "\n"
    table = parse_csv(raw.encode())
    assert table.newest_first and table.date_column == "Date" and table.numeric == ("Price",)
    assert table.values["Price"].tolist() == pytest.approx(prices)
    assert date_strings(table.dates).tolist() == [f"{d:%Y-%m-%d}" for d in days]
    assert table.lines.tolist() == list(range(16, 1, -1))  # the file's own lines, reversed
    assert default_column(table) == "Price"


@pytest.mark.parametrize(
    ("cells", "first"),
    [
        ([f"{d:02d}/01/2024" for d in range(13, 31)], "2024-01-13"),  # only day-first parses
        ([f"{d:02d}.02.2024" for d in range(1, 20)], "2024-02-01"),  # daily: day-first steps
        ([f"2024-01-02 {h:02d}:30" for h in range(10, 22)], "2024-01-02T10:30:00"),
    ],
)
def test_date_formats(cells, first):
    raw = "when;v\n" + "".join(f"{c};{i % 4}\n" for i, c in enumerate(cells))
    table = parse_csv(raw.encode())
    assert table.date_column == "when" and date_strings(table.dates)[0] == first


@pytest.mark.parametrize(
    "cells",
    [
        ["2024-01-02", "2024-01-01", "2024-01-03"] * 5,  # not in order: no time axis
        ["2024-01-02"] * 15,  # repeated
        ["AAPL", "MSFT", "GOOG"] * 5,  # not dates
        ["2024-01-02", "", "2024-01-04"] * 5,  # a missing date
    ],
)
def test_columns_that_are_no_time_axis(cells):
    raw = "when,v\n" + "".join(f"{c},{i % 4}\n" for i, c in enumerate(cells))
    table = parse_csv(raw.encode())
    assert table.date_column is None and table.dates is None and not table.newest_first

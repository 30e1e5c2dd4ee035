"""The example series that ships with the app: generated, so it can be regenerated and
checked byte for byte (tests compare the file with make_example_csv())."""

from __future__ import annotations

import functools
import io
from importlib import resources

import numpy as np

EXAMPLE_FILE = "example_series.csv"


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

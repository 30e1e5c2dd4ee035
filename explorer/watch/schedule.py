"""Which training forwards are probed: every `interval`-th, or as often as a time budget
allows.

With a budget (the default) the schedule times the caller's whole step, from one
training forward of the module to the next, so data loading, the rest of the model,
backward and the optimizer all count, and keeps the probes' extra time within
`budget` of the plain step: a probe costing `extra` seconds over a plain step of
`base` seconds is taken every ceil(extra / (budget * base)) steps. Medians over recent
steps, so a validation pass or a slow batch moves it little; the first step of each
kind (allocators, oneDNN primitives warming up) is not counted. The probed steps then
depend on the machine; a fixed interval makes them reproducible.

>>> fixed = ProbeSchedule(interval=3)
>>> [call for call in range(1, 11) if fixed.due(call)]
[1, 4, 7, 10]
>>> budget = ProbeSchedule(budget=0.15)
>>> for call in range(1, 40):  # a probed step costs 2 s more than a plain 1 s step
...     probed = budget.due(call)
...     budget.observe(probed, 3.0 if probed else 1.0)
>>> budget.interval
14
"""

from __future__ import annotations

import math
import statistics
from collections import deque

# The default budget aims at 5%: the probe's hooks cost ~1% on every step too, and with the
# noise of timing a shared machine the watched loop must stay within 1.15x of the plain one
# (bench/bench_watch.py, an RNN: 0.15 measured 1.14-1.17; 0.10 1.03-1.14; 0.07 1.09-1.14).
DEFAULT_BUDGET = 0.05
PROVISIONAL_INTERVAL = 8  # until a probed and a plain step have both been timed
MAX_INTERVAL = 1000  # a probe at least this often, however cheap the step
WINDOW = 32  # recent plain steps whose median is the base
PROBED_WINDOW = 5  # recent probed steps whose median is the probe's cost


class ProbeSchedule:
    """Decides whether the n-th training forward (1-based) is probed; told each step's
    wall time, adapts the interval when it runs on a budget."""

    def __init__(self, interval: int | None = None, budget: float = DEFAULT_BUDGET) -> None:
        if interval is not None and interval < 1:
            raise ValueError(f"explorer.watch: interval must be >= 1, got {interval}")
        if interval is None and not budget > 0:
            raise ValueError(f"explorer.watch: budget must be > 0, got {budget}")
        self.fixed = interval
        self.budget = budget
        self.last_probe = 0  # the call that was probed last; 0: none yet
        self._plain: deque[float] = deque(maxlen=WINDOW)  # seconds
        self._probed: deque[float] = deque(maxlen=PROBED_WINDOW)  # seconds
        self._seen = {True: 0, False: 0}  # steps observed of each kind, warm-up included

    @property
    def interval(self) -> int:
        """Calls between probes now: fixed, or from the budget and the steps timed."""
        if self.fixed is not None:
            return self.fixed
        if not self._plain or not self._probed:
            return PROVISIONAL_INTERVAL
        base = statistics.median(self._plain)
        extra = statistics.median(self._probed) - base
        if base <= 0 or extra <= 0:
            return 1
        return max(1, min(MAX_INTERVAL, math.ceil(extra / (self.budget * base))))

    def due(self, call: int) -> bool:
        """Whether training forward number `call` (1-based) is probed; the first always is."""
        if self.last_probe == 0 or call - self.last_probe >= self.interval:
            self.last_probe = call
            return True
        return False

    def observe(self, probed: bool, seconds: float) -> None:
        """One finished step's wall time (forward to the next forward)."""
        self._seen[probed] += 1
        if self._seen[probed] > 1:  # the first of each kind warms up
            (self._probed if probed else self._plain).append(seconds)

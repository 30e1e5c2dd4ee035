"""pandas' first import, made safe for a server's other threads.

plotly peeks at sys.modules["pandas"] without importing it, so a chart built while another
thread was halfway through importing pandas met a half-initialised module ("partially
initialized module 'pandas' has no attribute 'Series'"). Chart builders hold PANDAS_LOCK
(ui/plot.py's BUILDING), and a server thread that may be the first to import pandas (a
training thread saving its run, the warm-up) calls import_pandas first, which takes it.
"""

from __future__ import annotations

import sys
import threading

PANDAS_LOCK = threading.RLock()


def import_pandas() -> None:
    """Import pandas where no chart is being built (once per process; ~0.3 s)."""
    if "pandas" not in sys.modules:
        with PANDAS_LOCK:
            import pandas  # noqa: F401

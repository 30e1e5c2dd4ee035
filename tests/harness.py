"""The one AppTest harness: open the app as a browser would (a URL's query), visit the
pages app.py declares, read what a page drew the way a person would see it.

A module rather than conftest.py: tests call these as plain functions, and pytest
advises against importing conftest."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

import app
from explorer.runs.live import LiveRun
from explorer.runs.states import Snapshot

ROOT = Path(__file__).resolve().parents[1]
PAGES = [p.path for p in app.PAGES]  # every page, in the navigation's order
RUN_PAGES = [p.path for p in app.PAGES if p.draws_run]  # those that draw the session's run
TIMEOUT = 60  # seconds a script run may take


def open_app(query: Mapping[str, str] | None = None, page: str | None = None) -> AppTest:
    """The app opened at a URL with this query, run once (then switched to `page`)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def run_of(at: AppTest) -> LiveRun:
    return at.session_state["live_run"]


def train_until(
    at: AppTest, predicate: Callable[[Snapshot], bool], timeout: float = 60.0
) -> Snapshot:
    """Press Train and wait on the run itself (run_every never fires in AppTest), then
    draw the page once more."""
    at.button(key="btn_train").click().run()
    snap = run_of(at).wait_for(predicate, timeout)
    assert predicate(snap), f"run did not get there: {snap.state} at step {snap.step}"
    at.run()
    return snap


def chart_specs(at: AppTest) -> list[dict]:
    """Every chart's plotly figure (data and layout), in page order. Charts are drawn by
    ui/plot.py's component (st.plotly_chart where static files cannot be served)."""
    data = [json.loads(c.proto.json) for c in at.get("bidi_component")]
    specs = [json.loads(d["figure"]) for d in data if "figure" in d]
    return specs + [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def chart_titles(at: AppTest) -> list[str]:
    return [spec["layout"].get("title", {}).get("text", "") for spec in chart_specs(at)]


def values(data) -> np.ndarray:
    """A plotly JSON array: a plain list, or a typed buffer {"dtype", "bdata"[, "shape"]}."""
    if isinstance(data, dict):
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        return (
            array.reshape([int(n) for n in str(data["shape"]).split(",")])
            if "shape" in data
            else array
        )
    return np.asarray(data)

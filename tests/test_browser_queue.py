"""A full server in a real Chromium: the second student sees their place in line.

A server started as the README does, but with room for one training run at a time
(RNN_EXPLORER_MAX_RUNS=1), so two browser sessions are enough to fill it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from test_browser import (  # noqa: F401  (browser: a fixture pytest finds by name)
    ALERT,
    CHART,
    SMALL,
    TIMEOUT_MS,
    assert_no_exception,
    browser,
    open_app,
    press,
    screenshot,
    serve,
    status,
    wait_status,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser
ENDLESS = SMALL.replace("steps=800", "steps=100000")


@pytest.fixture(scope="module")
def full_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("queue-server")
    env = {"RNN_EXPLORER_MAX_RUNS": "1", "RNN_EXPLORER_RUNS": str(folder)}
    with serve(folder, env) as (url, _):
        yield url


def test_the_second_run_waits_in_line_and_trains_when_the_first_stops(
    full_server: str,
    browser: Browser,  # noqa: F811
) -> None:
    first, second = (
        browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in range(2)
    )
    for page in (first, second):
        page.set_default_timeout(TIMEOUT_MS)
        open_app(page, f"{full_server}/?{ENDLESS}")
    press(first, "Train")
    wait_status(first, lambda s: s[0] == "running" and s[1] > 0)
    press(second, "Train")
    wait_status(second, lambda s: s[0] == "queued")
    line = second.locator(ALERT).filter(has_text="in line").first
    line.wait_for()
    assert "position 1 in line" in line.inner_text()
    assert "as many runs as it takes at once (1)" in line.inner_text()
    assert_no_exception(second)
    shot = screenshot(second, "queued")
    assert shot.stat().st_size > 10_000
    steps_first = status(first)[1]
    time.sleep(1.0)
    assert status(first)[1] > steps_first  # the first run trains on meanwhile
    press(first, "Stop")
    wait_status(first, lambda s: s[0] == "stopped")
    state = wait_status(second, lambda s: s[0] == "running" and s[1] > 0, timeout=30)
    assert state[0] == "running"
    second.wait_for_selector(CHART)
    assert_no_exception(first)
    assert_no_exception(second)
    for page in (first, second):
        page.context.close()

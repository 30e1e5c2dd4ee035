"""A watched run (explorer.watch) in a real headless Chromium: listed on Compare, opened
on Gradient flow, its charts drawn and found by title, labelled, nothing to train.
The server and helpers are tests/test_browser.py's."""

from __future__ import annotations

import pytest
from test_browser import (  # noqa: F401  (fixtures: pytest finds them by name)
    ALERT,
    LOADED,
    App,
    app,
    assert_no_exception,
    browser,
    charts,
    page,
    screenshot,
)
from test_watch_app import watched_folder

pytestmark = pytest.mark.browser


def test_a_watched_run_opens_on_gradient_flow_in_the_browser(app: App, page) -> None:  # noqa: F811
    watched_folder("zz-lstm-1")  # listed first (newest name first)
    page.goto(f"{app.url}/compare")
    page.locator("h1", has_text="Compare").wait_for()
    page.wait_for_selector(LOADED)
    page.get_by_role("button", name="Open on Gradient flow", exact=True).click()
    page.locator("h1", has_text="Gradient flow").wait_for()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].filter(
            d => d.offsetParent !== null && d.querySelector('.main-svg')).length >= 5""",
        polling=100,
    )
    assert_no_exception(page)
    banner = " ".join(page.locator(ALERT).all_inner_texts())
    assert "watched in your own loop" in banner and "zz-lstm-1" in banner, banner
    titles = [c["title"] for c in charts(page) if c["visible"]]
    assert any("‖dL/dc_t‖" in t for t in titles), titles  # an LSTM's cells too
    profile = next(c for c in charts(page) if c["visible"] and "‖dL/dh_t‖ across" in c["title"])
    assert profile["drawn"] and profile["points"] == 15  # T = 15 timesteps
    assert page.get_by_role("button", name="Train", exact=True).count() == 0
    screenshot(page, "watched-run")
    page.get_by_role("button", name="Close: back to the app's run").first.click()
    page.get_by_role("button", name="Train", exact=True).wait_for()
    assert_no_exception(page)

"""The Compare page in a real headless Chromium: a tiny two-variant comparison runs in
worker processes behind a live server, the progress bars move, the table and the small
multiples draw, and a screenshot lands in $SCREENSHOT_DIR (default artifacts/screenshots).

The server, the browser and the helpers are tests/test_browser.py's (the server starts
exactly as the README says); its runs directory is the session's temporary one
(tests/conftest.py sets RNN_EXPLORER_RUNS before any server starts).
"""

from __future__ import annotations

import time

import pytest
from test_browser import (  # noqa: F401  (fixtures: pytest finds them by name)
    CHART,
    LOADED,
    PLOT,
    App,
    app,
    assert_no_exception,
    browser,
    chart,
    page,
    screenshot,
)

pytestmark = pytest.mark.browser

TINY = "task=adding&hidden=8&seq_len=10&steps=60&batch=8"
PROGRESS = '[data-testid="stProgress"]'
DATAFRAME = '[data-testid="stDataFrame"]'
HEATMAP_TRACES_JS = f"""() => [...document.querySelectorAll('{PLOT}')]
    .filter(d => d.offsetParent !== null).flatMap(d => (d._fullData || [])
        .filter(t => t.type === 'heatmap').map(t => t.coloraxis || ''))"""


def test_a_two_variant_comparison_in_the_browser(app: App, page) -> None:  # noqa: F811
    page.goto(f"{app.url}/compare?{TINY}")
    page.locator("h1", has_text="Compare").wait_for()
    page.wait_for_selector(LOADED)
    assert_no_exception(page)
    page.get_by_role("button", name="Remove lstm").click()  # cell: rnn, gru
    run = page.get_by_role("button", name="Run 2 variants", exact=True)
    run.wait_for()
    started = time.monotonic()
    run.click()
    page.wait_for_function(
        f"document.querySelectorAll('{PROGRESS}').length === 2", polling=100, timeout=30_000
    )
    for name in ("cell=rnn", "cell=gru"):  # one Open button per finished variant
        page.get_by_role("button", name=f"Open {name}", exact=True).wait_for(timeout=120_000)
    page.wait_for_selector(DATAFRAME)
    page.wait_for_selector(LOADED)
    page.wait_for_selector(CHART)
    page.wait_for_function(f"({HEATMAP_TRACES_JS})().length === 2", polling=200)
    print(f"\n[browser timing] click to both variants done: {time.monotonic() - started:.1f} s")
    assert set(page.evaluate(HEATMAP_TRACES_JS)) == {"coloraxis"}  # one shared colour scale
    assert_no_exception(page)
    path = screenshot(page, "compare")
    assert path.stat().st_size > 10_000


def test_a_sweep_of_fourteen_variants_in_the_browser(app: App, page) -> None:  # noqa: F811
    """More variants than a comparison's 12: one summary bar, and results drawn as a
    parallel-coordinates chart, a knob scatter and the best runs' curves."""
    page.goto(f"{app.url}/compare?{TINY.replace('steps=60', 'steps=20')}")
    page.locator("h1", has_text="Compare").wait_for()
    page.wait_for_selector(LOADED)
    page.get_by_text("A sweep: a random search", exact=False).click()
    count = page.get_by_label("Variants to draw")
    count.wait_for()
    count.fill("14")
    count.press("Enter")
    run = page.get_by_role("button", name="Run 14 variants", exact=True)
    run.wait_for()
    run.click()
    titles = (
        "Every variant: its knobs and its final validation loss",
        "Final validation loss against Hidden units",  # the first knob in the config's order
        "Loss of every run (validation solid, training batches faint)",
    )
    deadline = time.monotonic() + 180
    while not all(chart(page, title) for title in titles):
        assert time.monotonic() < deadline, [c for c in titles if not chart(page, c)]
        page.wait_for_timeout(250)
    page.wait_for_selector(LOADED)
    parallel = chart(page, titles[0])
    assert parallel["type"] == "parcoords" and parallel["drawn"], parallel
    assert chart(page, titles[1])["points"] == 14  # every variant finished, one dot each
    assert page.locator(PROGRESS).count() == 1  # one summary bar, not a bar per variant
    assert_no_exception(page)
    path = screenshot(page, "sweep")
    assert path.stat().st_size > 10_000

"""The app in a real headless Chromium, started exactly as the README starts it.

AppTest (tests/test_app.py) covers the logic but never runs fragments, Plotly or the
browser's URL handling; these tests check what a student sees: charts that draw and grow,
pages that switch, links that reproduce a run, and the controls. Screenshots of every page
land in $SCREENSHOT_DIR (default artifacts/screenshots) for a human to look at.

Needs Debian's /usr/bin/chromium and Playwright's Python package (its own browser download
is not used). Missing either skips, except under CI=true, where it fails: CI must not pass
by skipping.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ui import plot
from ui.session import WARM_UP_DELAY_ENV

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOADED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# A drawn chart: ui/plot.py's div (Plotly marks it .js-plotly-plot once it has drawn).
PLOT = ".rnn-plot.js-plotly-plot"
CHART = f"{PLOT} .main-svg"
EXCEPTION = '[data-testid="stException"]'
ALERT = '[data-testid="stAlert"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
PAGES = {  # sidebar label -> the page's title
    "Train": "Train",
    "Gradient flow": "Gradient flow",
    "Hidden states": "Hidden states",
    "Learn": "Learn",
}
LOSS_TITLE = "Loss (MSE)"
# Small runs: these tests check the mechanics, and two cores hold the server, the browser
# and the training thread. 800 steps last long enough to see the loss chart grow.
SMALL = "hidden=8&seq_len=20&steps=800"
STATUS_RE = re.compile(r"(\w+) · step (\d+) / (\d+)")
Status = tuple[str, int, int]  # (state, step, total steps) from the status line
TIMEOUT_MS = 60_000

# Every chart on the page, found by what it is (its title), never by its place in the DOM:
# its title, whether a person can see it, its first trace's type and points (rows of z for a
# heatmap) and last x. Streamlit ships arrays as typed buffers ({dtype, bdata}), so
# .data[0].x has no length; Plotly's decoded copy in _fullData has. `tag` marks each plot
# element the first time it is seen: a chart updated in place keeps its mark, a re-created
# one comes back unmarked (fresh).
CHARTS_JS = f"""() => [...document.querySelectorAll('{PLOT}')].map(d => {{
    const t = d._fullData && d._fullData[0];
    const n = !t ? 0 : t._length ?? (t.z || t.x || []).length;
    const fresh = !d.__seen;
    d.__seen = true;
    return {{
        title: ((d.layout && d.layout.title && d.layout.title.text) || '').replace(/<br>/g, ' '),
        visible: d.offsetParent !== null && d.getBoundingClientRect().height > 0,
        type: (t && t.type) || '',
        points: n,
        last_x: n && t.x ? Number(t.x[n - 1]) : -1,
        fresh: fresh,
        key: d.dataset.key || '',
        drawn: !!d.querySelector('.main-svg'),
        top: Math.round(d.getBoundingClientRect().top),
    }};
}})"""


@dataclass
class App:
    url: str
    start_to_chart_s: float


def _require_browser() -> None:
    """Skip without a browser; under CI a missing browser is a failure, not a skip."""
    missing = [
        what
        for what, ok in [
            (CHROMIUM, Path(CHROMIUM).exists()),
            ("playwright", importlib.util.find_spec("playwright") is not None),
        ]
        if not ok
    ]
    if missing:
        message = f"browser test needs {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: not skipping)")
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response,
        ):
            if response.read().decode().strip() == "ok":
                return
        time.sleep(0.2)
    pytest.fail(f"streamlit not healthy after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    """The server runs in its own process group: end the group, harder if it lingers."""
    for sig, wait in [(signal.SIGTERM, 10), (signal.SIGKILL, 5)]:
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def server_environment() -> dict[str, str]:
    """This process's environment, less the warm-up's hold (conftest.py): a server the
    browser tests start warms up after its first page, as a real one does."""
    return {k: v for k, v in os.environ.items() if k != WARM_UP_DELAY_ENV}


@contextlib.contextmanager
def serve(folder: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, float]]:
    """The server started as the README does, on a free port, its log in `folder`; yields
    (URL, the time it was spawned) once it is healthy, and stops it afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "streamlit.log"
    command = [
        *(sys.executable, "-m", "streamlit", "run", "app.py"),
        *("--server.address", "127.0.0.1", "--server.port", str(port)),
        *("--server.headless", "true"),
    ]
    with log.open("w") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**server_environment(), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_healthy(url, process, log)
        yield url, started
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def app(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One server for the module; the first page load is timed from the process spawn
    (bench/bench_startup.py says where that time goes) and warms the server up for the
    rest."""
    with serve(tmp_path_factory.mktemp("server")) as (url, started):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
        start_to_chart = time.monotonic() - started
        context.close()
        yield App(url, start_to_chart)


@pytest.fixture
def page(app: App, browser: Browser) -> Iterator[Page]:
    """A fresh context per test: its own Streamlit session, cookies and URL state."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Callable[[str], None]:
    """Print timings past pytest's capture, so they show under -q too."""

    def emit(line: str) -> None:
        with capsys.disabled():
            print(f"\n[browser timing] {line}", end="")

    return emit


# -- helpers -------------------------------------------------------------------------
def open_app(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(LOADED)
    page.wait_for_selector(CHART)
    assert_no_exception(page)


def assert_no_exception(page: Page) -> None:
    errors = page.locator(EXCEPTION)
    assert errors.count() == 0, errors.all_inner_texts()


def status(page: Page) -> Status | None:
    """(state, step, total) from the status line: the alert that says 'step N / M'."""
    for text in page.locator(ALERT).all_inner_texts():
        if match := STATUS_RE.search(text):
            return match[1], int(match[2]), int(match[3])
    return None


def wait_status(page: Page, predicate: Callable[[Status], bool], timeout: float = 30) -> Status:
    deadline = time.monotonic() + timeout
    current = status(page)
    while not (current is not None and predicate(current)):
        assert time.monotonic() < deadline, f"status never got there; last {current}"
        page.wait_for_timeout(50)
        current = status(page)
    return current


def charts(page: Page) -> list[dict]:
    return page.evaluate(CHARTS_JS)


def chart(page: Page, title: str) -> dict | None:
    """The visible chart with this title (None if there is none)."""
    found = [c for c in charts(page) if c["title"] == title and c["visible"]]
    assert len(found) <= 1, f"{len(found)} visible charts titled {title!r}"
    return found[0] if found else None


def trace(page: Page, title: str = LOSS_TITLE) -> tuple[int, float]:
    """(points, last x) of the chart's first trace; (0, -1) while it is not there."""
    found = chart(page, title)
    return (found["points"], found["last_x"]) if found else (0, -1.0)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def go_to(page: Page, label: str) -> None:
    link = page.locator(NAV_LINK).filter(has=page.get_by_text(label, exact=True))
    link.click()
    page.locator("h1", has_text=PAGES[label]).wait_for()
    page.wait_for_selector(LOADED)
    page.wait_for_selector(CHART)


def screenshot(page: Page, name: str) -> Path:
    """Whole page: Streamlit scrolls inside its main block, not the document, so a
    full_page shot alone would stop at the viewport; grow the viewport to the content."""
    folder = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
            '[data-testid="stMainBlockContainer"]', 'body']
            .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"""
    )
    size = page.viewport_size or {"width": 1400, "height": 1000}
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 1000), 8000)})
    page.wait_for_timeout(500)  # let Plotly settle after the resize
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def train_and_watch(page: Page) -> float:
    """Press Train; return seconds from the click to the loss chart's first point, after
    checking that the chart then keeps growing."""
    clicked = time.monotonic()
    press(page, "Train")
    deadline = clicked + TIMEOUT_MS / 1000
    # the recorded example's chart has points of its own: wait for the run's status line
    while status(page) is None or trace(page)[0] == 0:
        assert time.monotonic() < deadline, "no loss point after Train"
        page.wait_for_timeout(50)
    first_point = time.monotonic() - clicked
    before = trace(page)
    page.wait_for_timeout(1000)
    after = trace(page)
    grew = before[0] > 0 and after[0] >= before[0] and after[1] > before[1]
    assert grew, f"loss chart did not grow: (points, last step) {before} -> {after}"
    return first_point


# -- tests ---------------------------------------------------------------------------
def test_train_and_visit_every_page(app: App, page: Page, report: Callable[[str], None]) -> None:
    report(f"app start to first rendered chart: {app.start_to_chart_s:.1f} s")
    open_app(page, f"{app.url}/?{SMALL}")
    report(f"click Train to first loss point: {train_and_watch(page):.2f} s")
    wait_status(page, lambda s: s[0] == "completed", timeout=60)
    for label in PAGES:
        go_to(page, label)
        assert_no_exception(page)
        screenshot(page, label.lower().replace(" ", "-"))
        if label == "Gradient flow":
            drawn = charts(page)
            heatmaps = [c for c in drawn if "over training" in c["title"]]
            assert heatmaps, [c["title"] for c in drawn]
            assert heatmaps[0]["type"] == "heatmap" and heatmaps[0]["points"] > 0, heatmaps
        if label == "Learn":
            assert page.locator(".katex").count() > 0, "no KaTeX equations on the Learn page"


def test_the_app_opens_on_a_labelled_example_that_train_replaces(app: App, page: Page) -> None:
    open_app(page, f"{app.url}/?{SMALL}")
    alerts = " ".join(page.locator(ALERT).all_inner_texts())
    assert "Example run" in alerts and "1000 steps" in alerts, alerts
    assert status(page) is None  # no run of this session yet
    points, last = trace(page)
    assert points > 100 and last == 1000, (points, last)  # the example's 1000 recorded steps
    assert chart(page, "Prediction vs truth") is not None
    screenshot(page, "example")
    train_and_watch(page)
    assert "Example run" not in " ".join(page.locator(ALERT).all_inner_texts())
    assert trace(page)[1] <= 800  # the new run's steps (SMALL: 800)
    wait_status(page, lambda s: s[0] == "completed", timeout=60)


BUNDLES_JS = """() => performance.getEntriesByType('resource').map(e => e.name)
    .filter(n => n.endsWith('.min.js') && n.includes('plotly')).map(n => n.split('/').pop())"""
PCA_TITLE = "Hidden-state trajectories (PCA)"


def pca_chart(page: Page) -> dict | None:
    found = [c for c in charts(page) if c["title"].startswith(PCA_TITLE) and c["visible"]]
    return found[0] if len(found) == 1 else None


def test_flat_charts_load_only_the_cartesian_bundle_and_3d_the_full_one(
    app: App, page: Page
) -> None:
    open_app(page, f"{app.url}/?{SMALL}")
    assert page.evaluate(BUNDLES_JS) == ["plotly-cartesian.min.js"]
    go_to(page, "Hidden states")
    page.wait_for_function(f"({CHARTS_JS})().some(c => c.title.startsWith('{PCA_TITLE}'))")
    assert pca_chart(page)["type"] == "scatter"
    # the same chart, 3-D: the full bundle loads and takes the plot over; then back to 2-D
    page.get_by_text("3D", exact=True).click()
    page.wait_for_function(
        f"({CHARTS_JS})().some(c => c.visible && c.type === 'scatter3d' && c.drawn)"
    )
    full = Path(plot.script_url() or "").name  # the installed plotly's full bundle
    assert page.evaluate(BUNDLES_JS) == ["plotly-cartesian.min.js", full]
    assert page.locator(".rnn-plot .gl-container canvas").count() >= 1
    screenshot(page, "pca-3d")
    page.get_by_text("2D", exact=True).click()
    page.wait_for_function(
        f"({CHARTS_JS})().some(c => c.visible && c.type === 'scatter' && c.drawn && "
        f"c.title.startsWith('{PCA_TITLE}'))"
    )
    assert page.locator(".rnn-plot .gl-container canvas").count() == 0  # the 3-D plot left
    assert_no_exception(page)


def test_the_cartesian_trace_list_is_the_bundles_own(browser: Browser) -> None:
    """ui/plot.py's JS sends a figure to the cartesian bundle by a list of trace types:
    that list must be what the bundle registers."""
    listed = set(
        re.findall(r"'(\w+)'", re.search(r"CARTESIAN = new Set\(\[(.*?)\]\)", plot.JS, re.S)[1])
    )
    package = plot.CARTESIAN_DIR / "plotly-cartesian.min.js"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<div></div>")
        page.add_script_tag(path=str(package))
        registered = set(page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)"))
    finally:
        context.close()
    assert listed == registered


@pytest.mark.parametrize("label", ["Train", "Gradient flow"])
def test_live_charts_update_in_place_while_training(app: App, page: Page, label: str) -> None:
    """Sampled every 40 ms while training: every chart present once, visible at full
    opacity, always drawn, never re-created, never moving, titles styled once, and no
    hidden stale copies. (The Gradient flow page, five charts, was the one that faded.)"""
    open_app(page, f"{app.url}/?hidden=8&seq_len=20&steps=100000")
    if label != "Train":
        go_to(page, label)
    press(page, "Train")
    wait_status(page, lambda s: s[0] == "running" and s[1] > 0)
    want = 2 if label == "Train" else 5
    page.wait_for_function(
        f"() => ({CHARTS_JS})().filter(c => c.points > 0).length >= {want}", polling=50
    )
    # Streamlit loads each element type's code on first use (a skeleton meanwhile): the
    # page's height settles once the metrics have loaded.
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')")
    page.wait_for_timeout(300)
    charts(page)  # marks the plots now on the page
    shown = charts(page)
    first = {c["key"]: c["top"] for c in shown}  # a chart's title may change (its numbers)
    assert len(first) == want and all("<b>" not in c["title"] for c in shown), shown
    steps_before = status(page)[1]
    for _ in range(100):
        page.wait_for_timeout(40)
        sample = charts(page)
        assert sorted(c["key"] for c in sample) == sorted(first), sample  # no copies
        for c in sample:
            assert c["visible"] and c["drawn"] and not c["fresh"], c
            assert c["top"] == first[c["key"]], (c, first)  # no page jump
        opacity = page.evaluate(
            f"""() => [...document.querySelectorAll('{PLOT}')].map(d => {{
                let o = 1;
                for (let e = d; e; e = e.parentElement) o *= +getComputedStyle(e).opacity;
                return o; }})"""
        )
        assert min(opacity) > 0.99, opacity
    assert status(page)[1] > steps_before  # it trained (and redrew) while sampled
    press(page, "Stop")
    wait_status(page, lambda s: s[0] == "stopped")


def test_shared_link_reproduces_the_settings(app: App, page: Page) -> None:
    open_app(page, f"{app.url}/gradient_flow?cell=gru&hidden=16")
    page.locator("h1", has_text="Gradient flow").wait_for()
    cell = page.get_by_role("radiogroup", name="Cell")
    assert cell.get_by_role("radio", name="GRU", exact=True).is_checked()
    hidden = page.locator('[data-testid="stSlider"]').filter(has_text="Hidden units")
    assert hidden.locator('[data-testid="stSliderThumbValue"]').inner_text().strip() == "16"
    assert page.get_by_role("button", name="Train", exact=True).is_visible()
    assert "cell=gru" in page.url and "hidden=16" in page.url, page.url


def test_bad_url_parameters_warn_and_the_app_keeps_working(app: App, page: Page) -> None:
    open_app(page, f"{app.url}/?hidden=99999&cell=banana&seq_len=20&steps=100000")
    warnings = " ".join(
        page.locator(ALERT)
        .filter(has=page.locator('[data-testid="stAlertContentWarning"]'))
        .all_inner_texts()
    )
    assert "hidden" in warnings and "cell" in warnings, warnings
    train_and_watch(page)
    assert_no_exception(page)
    press(page, "Stop")  # free the core for whatever runs next
    wait_status(page, lambda s: s[0] == "stopped")


def test_pause_then_step_takes_exactly_one_step(app: App, page: Page) -> None:
    open_app(page, f"{app.url}/?hidden=8&seq_len=20&steps=100000")
    press(page, "Train")
    wait_status(page, lambda s: s[0] == "running" and s[1] > 0)
    press(page, "Pause")
    _, paused_at, _ = wait_status(page, lambda s: s[0] == "paused")
    page.wait_for_timeout(1000)
    assert status(page) == ("paused", paused_at, 100000), "a paused run kept stepping"
    press(page, "Step")
    wait_status(page, lambda s: s[1] != paused_at, timeout=10)
    page.wait_for_timeout(1000)  # the step count must settle at exactly one more
    assert status(page) == ("paused", paused_at + 1, 100000)
    press(page, "Stop")  # free the core for whatever runs next
    wait_status(page, lambda s: s[0] == "stopped")
    assert_no_exception(page)

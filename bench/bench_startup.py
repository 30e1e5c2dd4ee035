"""Cold start: the app against a bare Streamlit page with one Plotly chart, side by side.

Each round starts a server cold (`streamlit run`, headless, on 127.0.0.1) and opens it in
a fresh headless Chromium context; the time runs from starting the process to the first
drawn Plotly chart. Rounds alternate app and bare page, so both see the same machine.
After the app's first chart it presses Train and times the first loss point; then two
lesson links (a Train lesson and a race on Compare) are opened cold, timed to their
question, as a class given the link sees it (the ratio: to the bare page's chart). It prints
each round, the medians, their ratio (the target is at most 1.2), and what each heavy
import costs in a fresh interpreter (where a cold start's time goes).

    python bench/bench_startup.py [--rounds 5] [--pause S] [--busy N]

--busy N runs N processes spinning on the cores through every cold start, app and bare
page alike: a server started on a machine that is already at work.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright
from server import streamlit_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
DRAWN = ".js-plotly-plot .main-svg"  # a drawn Plotly chart, whoever placed it
REVEAL = "button:has-text('Reveal')"  # a lesson's question is on the page
LESSONS = ("tutorial_sine", "exploding")  # a Train lesson, and a race on Compare
BARE = (
    "import plotly.graph_objects as go\n"
    "import streamlit as st\n"
    "st.plotly_chart(go.Figure(go.Scatter(y=[1, 3, 2])))\n"
)
# The live run's loss points: 0 while the recorded example (which has its own) is shown.
LOSS_POINTS_JS = """() => {
    const example = [...document.querySelectorAll('[data-testid="stAlert"]')].some(
        a => a.offsetParent !== null && a.innerText.includes('Example run'));
    if (example) return 0;
    const d = [...document.querySelectorAll('.js-plotly-plot')].find(
        p => p.offsetParent !== null && ((p.layout.title || {}).text || '').includes('Loss'));
    const t = d && d._fullData && d._fullData[0];
    return t ? (t._length ?? (t.x ? t.x.length : 0)) : 0;
}"""
IMPORTS = ("streamlit", "plotly.graph_objects", "pandas", "numpy", "sklearn", "torch")
NAV_LINK = '[data-testid="stSidebarNavLink"]'
SWITCHES = ("Gradient flow", "Hidden states", "Learn", "Train")  # sidebar labels, in turn
# A drawn chart under the page title `title` has appeared (the old page's are gone).
PAGE_DRAWN_JS = """(title) => {
    const h1 = [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === title);
    return h1 && [...document.querySelectorAll('.js-plotly-plot')].some(
        d => d.offsetParent !== null && d.querySelector('.main-svg'));
}"""


def cold_start(
    browser: Browser, script: Path | str, train: bool, pause: float = 0.0, lesson: str = ""
) -> tuple[float, float | None]:
    """(seconds from process start to the first drawn chart, Train to first loss point),
    Train pressed `pause` seconds after the first chart (a person reading the page).
    With `lesson`, its link is opened and the time runs to its question's Reveal button
    (predict-then-reveal: no result is drawn before it)."""
    began = time.monotonic()
    with streamlit_server(script=script) as (url, _):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(120_000)
        page = context.new_page()
        page.goto(f"{url}/?preset={lesson}" if lesson else url)
        page.wait_for_selector(REVEAL if lesson else DRAWN)
        first_chart = time.monotonic() - began
        latency = None
        if train:
            page.wait_for_timeout(pause * 1000)
            clicked = time.monotonic()
            page.get_by_role("button", name="Train", exact=True).click()
            page.wait_for_function(f"({LOSS_POINTS_JS})() > 0", polling=20)
            latency = time.monotonic() - clicked
            page.get_by_role("button", name="Stop", exact=True).click()
        context.close()
    return first_chart, latency


@contextlib.contextmanager
def busy_cores(count: int) -> Iterator[None]:
    """`count` processes spinning at normal priority while the block runs."""
    spin = [sys.executable, "-c", "while True: pass"]
    spinners = [subprocess.Popen(spin) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def page_switches(browser: Browser, settle: float = 8.0) -> dict[str, float]:
    """Seconds from a click in the navigation to the next page's first drawn chart, on a
    server left idle for `settle` s after its first page (warmed up by then)."""
    with streamlit_server(script="app.py") as (url, _):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(DRAWN)
        page.wait_for_timeout(settle * 1000)
        seconds = {}
        for label in SWITCHES:
            clicked = time.monotonic()
            page.locator(NAV_LINK).filter(has=page.get_by_text(label, exact=True)).click()
            page.wait_for_function(PAGE_DRAWN_JS, arg=label, polling=20)
            seconds[label] = time.monotonic() - clicked
        context.close()
    return seconds


def import_cost(module: str) -> float:
    """Seconds to import a module in a fresh interpreter (its own dependencies included)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds between the first chart and pressing Train (0: at once, before the "
        "server has loaded torch; 3: a person who reads the page first)",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        help="processes spinning on the cores during every cold start (default 0)",
    )
    args = parser.parse_args()
    app_s, bare_s, train_s = [], [], []
    lesson_s: dict[str, list[float]] = {name: [] for name in LESSONS}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cold_start(browser, bare, train=False)  # warm the disk cache for both
        for n in range(args.rounds):
            with busy_cores(args.busy):
                first, latency = cold_start(browser, "app.py", train=True, pause=args.pause)
            with busy_cores(args.busy):
                reference, _ = cold_start(browser, bare, train=False)
            for name in LESSONS:
                with busy_cores(args.busy):
                    lesson_s[name].append(cold_start(browser, "app.py", False, lesson=name)[0])
            app_s.append(first)
            bare_s.append(reference)
            train_s.append(latency)
            print(
                f"round {n + 1}: app {first:.2f} s, bare page {reference:.2f} s, "
                f"Train to first loss point {latency:.2f} s, lesson links to their "
                + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in lesson_s.items()),
                flush=True,
            )
        switches = page_switches(browser)
        browser.close()
    ratio = statistics.median(app_s) / statistics.median(bare_s)
    print(
        f"\ncold start to first chart, median of {args.rounds}"
        f"{f', {args.busy} processes busy' if args.busy else ''}: app "
        f"{statistics.median(app_s):.2f} s, bare Streamlit + Plotly page "
        f"{statistics.median(bare_s):.2f} s: ratio {ratio:.2f} (target <= 1.2)"
    )
    print(
        f"Train {args.pause:g} s after the first chart to the first loss point: median "
        f"{statistics.median(train_s):.2f} s (target <= 1)"
    )
    bare_median = statistics.median(bare_s)
    lessons = ", ".join(
        f"{name} {statistics.median(v):.2f} s ({statistics.median(v) / bare_median:.2f}x)"
        for name, v in lesson_s.items()
    )
    print(f"a lesson's link, cold start to its question: {lessons}")
    shown = ", ".join(f"{label} {s:.2f} s" for label, s in switches.items())
    print(f"page switches while idle, click to the page's first chart: {shown} (target <= 1)")
    costs = ", ".join(f"{m} {import_cost(m):.2f} s" for m in IMPORTS)
    print(f"imports, each in a fresh interpreter: {costs}")


if __name__ == "__main__":
    main()

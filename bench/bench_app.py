"""How the live app feels in a browser: start-up, Train latency, redraw rate, memory.

Starts the server as the README does (python -m streamlit run app.py on a free local
port), drives headless Debian Chromium with Playwright and prints one table:

- app start: process spawn to the first rendered Plotly chart (bench_startup.py sets it
  beside a bare Streamlit page and says where the time goes);
- Train latency: click to the loss chart's first point, median of 3 fresh sessions;
- redraws/s of one training session, and of each of two sessions training at once: the
  DOM is sampled every 50 ms for 10 s and a redraw counted whenever the status line or the
  loss chart's point count changed (each fragment run shows a new step count), with the
  steps/s each run made over that window, read from the step count in its status line;
- the server's resident memory (VmRSS) idle after start-up and at its peak while training;
- the CPU the server and the browser used in each window: on a small machine the browser
  competes with the training threads, so steps/s here is a lower bound for a classroom,
  where each student's browser runs elsewhere.

The fragments poll 4 times a second, so 4 redraws/s is the ceiling. Whole run < 2 min.

    python bench/bench_app.py [--query "hidden=32&seq_len=50"] [--seconds 10]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from server import cpu_seconds, proc_stat, rss_mib, streamlit_server

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
CHART = ".rnn-plot.js-plotly-plot .main-svg"  # a drawn chart (ui/plot.py's component)
STATUS_RE = re.compile(r"(\w+) · step (\d+) / (\d+)")
# Status line text, the loss chart's point count and its last step in one round trip. The
# chart keeps at most 600 points, so past 600 steps only its last step shows a redraw.
# Plotly keeps the decoded arrays in _fullData (Streamlit sends typed buffers, no .length).
SAMPLE_JS = """() => {
    const status = [...document.querySelectorAll('[data-testid="stAlert"]')]
        .map(e => e.innerText).find(t => / · step \\d+ \\/ \\d+/.test(t)) || '';
    const d = [...document.querySelectorAll('.rnn-plot.js-plotly-plot')].find(
        p => p.offsetParent !== null && ((p.layout.title || {}).text || '').startsWith('Loss'));
    const t = d && d._fullData && d._fullData[0];
    const n = t ? (t._length ?? (t.x ? t.x.length : 0)) : 0;
    return [status, n, n ? Number(t.x[n - 1]) : -1];
}"""
# The run's loss points: 0 until its status line shows (the recorded example it opens on
# has points of its own and no "step N / M" line).
POINTS_JS = "() => { const s = (" + SAMPLE_JS + ")(); return s[0] ? s[1] : 0; }"
# Runs long enough never to finish inside a measurement; each session stops its own.
ENDLESS = "steps=100000"


@dataclass
class Watch:
    """One session's samples: status-line changes (fragment redraws), changes of the loss
    chart's last plotted step (Plotly redraws) and the step counts seen, with times."""

    page: Page
    last: tuple[str, float] | None = None
    redraws: int = 0
    chart_updates: int = 0
    steps: list[tuple[float, int]] = field(default_factory=list)

    def sample(self) -> None:
        status, _, last_step = self.page.evaluate(SAMPLE_JS)
        if self.last is not None:
            self.redraws += status != self.last[0]
            self.chart_updates += last_step != self.last[1]
        self.last = (status, last_step)
        if match := STATUS_RE.search(status):
            self.steps.append((time.monotonic(), int(match[2])))

    def steps_per_second(self) -> float:
        if len(self.steps) < 2:
            return float("nan")
        (t0, s0), (t1, s1) = self.steps[0], self.steps[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else float("nan")


def browser_pids(server: int) -> list[int]:
    """Our descendants except the server: Playwright's driver and Chromium's processes."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := proc_stat(int(entry.name))) is not None:
            parent[int(entry.name)] = int(fields[1])
    mine, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier and p != server} - mine
        mine |= frontier
    return sorted(mine)


def open_session(browser: Browser, url: str) -> Page:
    """A fresh context is a fresh Streamlit session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(LOADED)
    page.wait_for_selector(CHART)
    return page


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def close_session(page: Page) -> None:
    """Stop the run first: a closed tab's thread would train on for minutes."""
    with contextlib.suppress(Exception):
        press(page, "Stop")
        page.wait_for_timeout(300)
    page.context.close()


def train_latency(browser: Browser, url: str) -> float:
    page = open_session(browser, url)
    try:
        clicked = time.monotonic()
        press(page, "Train")
        page.wait_for_function(f"({POINTS_JS})() > 0", polling=20)
        return time.monotonic() - clicked
    finally:
        close_session(page)


@dataclass
class Window:
    watches: list[Watch]
    seconds: float
    peak_rss: float
    server_cores: float  # CPU seconds per second: 1.0 is one core kept busy
    browser_cores: float

    def per_session(self, attr: str) -> str:
        return ", ".join(f"{getattr(w, attr) / self.seconds:.1f}" for w in self.watches)


def watch(pages: list[Page], seconds: float, server: int) -> Window:
    """Sample every page every 50 ms for `seconds`, with the server's memory and the CPU
    the server and the browser used meanwhile (they share the machine's cores)."""
    watches = [Watch(p) for p in pages]
    browser = browser_pids(server)
    cpu0 = (cpu_seconds([server]), cpu_seconds(browser))
    peak = 0.0
    start = tick = time.monotonic()
    while time.monotonic() < start + seconds:
        for w in watches:
            w.sample()
        peak = max(peak, rss_mib(server))
        tick += 0.05
        time.sleep(max(0.0, tick - time.monotonic()))
    elapsed = time.monotonic() - start
    server_cpu = (cpu_seconds([server]) - cpu0[0]) / elapsed
    browser_cpu = (cpu_seconds(browser) - cpu0[1]) / elapsed
    return Window(watches, elapsed, peak, server_cpu, browser_cpu)


def start_training(pages: list[Page]) -> None:
    """Press Train in each session, then wait until every run has drawn a loss point, so
    the window measures steady training, not model building."""
    for page in pages:
        press(page, "Train")
    for page in pages:
        page.wait_for_function(f"({POINTS_JS})() > 0", polling=50)
    pages[0].wait_for_timeout(1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--query", default="", help="extra URL settings, e.g. 'hidden=64&seq_len=100'"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="each sampling window")
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    began = time.monotonic()
    started = time.monotonic()
    with streamlit_server() as (base, process), sync_playwright() as pw:
        url = f"{base}/?{'&'.join(q for q in (args.query, ENDLESS) if q)}"
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = open_session(browser, base + "/")
        rows.append(("app start -> first rendered chart", f"{time.monotonic() - started:.1f} s"))
        first.context.close()
        time.sleep(1.0)
        rss_idle = rss_mib(process.pid)

        latencies = [train_latency(browser, url) for _ in range(3)]
        rows.append(
            (
                "Train click -> first loss point (median of 3)",
                f"{statistics.median(latencies):.2f} s  "
                f"({', '.join(f'{x:.2f}' for x in latencies)})",
            )
        )

        windows = {}
        for n in (1, 2):
            pages = [open_session(browser, url) for _ in range(n)]
            start_training(pages)
            windows[n] = watch(pages, args.seconds, process.pid)
            for page in pages:
                close_session(page)
        rows.append(("server RSS idle (after start-up)", f"{rss_idle:.0f} MiB"))
        for n, w in windows.items():
            label = f"{n} session{'s' if n > 1 else ''} training"
            rows.append((f"{label}: redraws/s (status line)", w.per_session("redraws")))
            rows.append((f"{label}: loss chart redraws/s", w.per_session("chart_updates")))
            rows.append(
                (
                    f"{label}: steps/s",
                    ", ".join(f"{x.steps_per_second():.0f}" for x in w.watches),
                )
            )
            rows.append(
                (
                    f"{label}: CPU cores busy, server / browser",
                    f"{w.server_cores:.2f} / {w.browser_cores:.2f}",
                )
            )
            rows.append((f"{label}: server RSS peak", f"{w.peak_rss:.0f} MiB"))
        browser.close()

    settings = args.query or "defaults"
    print(f"\nRNN Gradient-Flow Explorer, live app ({settings}; {os.cpu_count()} CPUs)")
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 30}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"(bench took {time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()

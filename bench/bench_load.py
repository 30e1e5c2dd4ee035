"""A classroom at once: N sessions press Train on one server; is every one still served?

Starts the app as the README does (on a free port of 127.0.0.1) and opens N sessions
through Streamlit's own websocket protocol, as N browsers would: each loads the Train page,
presses Train on the default settings and keeps its live chart's timer running, exactly as
the front end does (a fragment rerun request every `run_every` seconds). Clients speak the
protocol instead of driving N Chromium tabs because in a classroom each student's browser
renders on its own machine; N tabs here would measure this machine's browser, not the
server. (bench_app.py measures one and two real Chromium tabs.)

It prints, per session: chart redraws per second (fragment runs that delivered the loss
chart) over the whole training window and in its worst 5 s, steps per second (read from the
status line), the time from pressing Train to the first chart with a trained step, and the
queue position it was shown, if any; then the p95 time to first chart, the server's memory
and thread count over time, and whether both came back once every session had closed.

Bounded: at most 60 sessions and 300 s of training, and it stops the server itself.

    python bench/bench_load.py [--sessions 10] [--seconds 30] [--query "cell=gru"]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from server import cpu_seconds, proc_status, rss_mib, streamlit_server
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

MAX_SESSIONS = 60
MAX_SECONDS = 300
STATUS_RE = re.compile(r"(\w+)\**\s*·\s*step (\d+) / (\d+)")
QUEUE_RE = re.compile(r"position (\d+)")
WORST_WINDOW = 5.0  # seconds: "keeps 2 redraws a second" must hold in every such window


@dataclass
class Session:
    """One browser's view of the app, driven over the websocket."""

    index: int
    query: str
    page: str = ""  # the page's URL path (gradient_flow, ...); "" is Train
    ws: ClientConnection | None = None
    page_hash: str = ""
    buttons: dict[str, str] = field(default_factory=dict)  # label -> widget id
    timers: dict[str, asyncio.Task] = field(default_factory=dict)  # fragment id -> timer
    timer_periods: dict[str, tuple[str, float]] = field(default_factory=dict)
    receiver: asyncio.Task | None = None
    loaded: asyncio.Event = field(default_factory=asyncio.Event)
    status: str = ""
    run_has_chart: bool = False
    clicked: float | None = None
    first_chart: float | None = None
    redraws: list[float] = field(default_factory=list)  # times of chart-bearing runs
    steps: list[tuple[float, int]] = field(default_factory=list)
    states: set[str] = field(default_factory=set)
    queue_positions: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    full_runs: int = 0  # script runs of the whole page (loads, clicks, state changes)
    fragment_runs: int = 0  # live-chart runs

    # -- sending ---------------------------------------------------------------------
    async def rerun(self, fragment_id: str = "", trigger: str | None = None) -> None:
        widgets = WidgetStates()
        if trigger is not None:
            widgets.widgets.append(WidgetState(id=trigger, trigger_value=True))
        state = ClientState(
            query_string=self.query,
            # A named page is asked for by name on every run (as the front end does from
            # the URL path); the Train page is the default, by the hash the server sent.
            page_script_hash="" if self.page else self.page_hash,
            page_name=self.page,
            widget_states=widgets,
            fragment_id=fragment_id,
            is_auto_rerun=bool(fragment_id),
        )
        assert self.ws is not None
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())

    async def press(self, label: str) -> None:
        self.clicked = time.monotonic()
        await self.rerun(trigger=self.buttons[label])

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """The front end's setInterval for a fragment with run_every."""

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                await self.rerun(fragment_id=fragment_id)

        if (fragment_id, interval) == self.timer_periods.get(fragment_id, (None, None)):
            return  # as the front end: a timer with this period already runs
        self._cancel_timers([fragment_id])
        self.timers[fragment_id] = asyncio.create_task(tick())
        self.timer_periods[fragment_id] = (fragment_id, interval)

    def _cancel_timers(self, fragment_ids: list[str] | None = None) -> None:
        for fid in list(self.timers) if fragment_ids is None else fragment_ids:
            if (task := self.timers.pop(fid, None)) is not None:
                task.cancel()
            self.timer_periods.pop(fid, None)

    # -- receiving -------------------------------------------------------------------
    async def receive(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg, time.monotonic())
        except Exception as exc:  # the report shows it; the other sessions go on
            self.errors.append(f"client: {type(exc).__name__}: {exc}")
            self.loaded.set()

    def _handle(self, msg: ForwardMsg, now: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash
            if not msg.metadata.run.fragment_ids:
                self._cancel_timers()  # a full run re-registers the timers it keeps
                self.full_runs += 1
            else:
                self.fragment_runs += 1
            self.run_has_chart = False
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._cancel_timers(list(msg.stop_auto_rerun.fragment_ids))
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "script_finished":
            self._finished(now)

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "button":
            self.buttons[element.button.label] = element.button.id
        elif kind == "plotly_chart":
            self.run_has_chart = True
        elif kind == "alert":
            body = element.alert.body
            if match := STATUS_RE.search(body):
                self.status = body
                self.states.add(match[1].lower())
            if "queue" in body.lower() and (match := QUEUE_RE.search(body)):
                self.queue_positions.append(int(match[1]))
        elif kind == "exception":
            self.errors.append(element.exception.message)

    def _finished(self, now: float) -> None:
        self.loaded.set()
        match = STATUS_RE.search(self.status)
        step = int(match[2]) if match else 0
        if self.clicked is not None and match:
            self.steps.append((now, step))
        if self.run_has_chart and self.clicked is not None:
            self.redraws.append(now)
            if self.first_chart is None and step >= 1:
                self.first_chart = now
        self.run_has_chart = False

    # -- results ---------------------------------------------------------------------
    def window(self, start: float, end: float) -> tuple[float, float, float]:
        """(redraws/s, worst 5 s redraws/s, steps/s) between start and end."""
        seconds = end - start
        redraws = [t for t in self.redraws if start <= t <= end]
        rate = len(redraws) / seconds if seconds > 0 else math.nan
        worst = math.inf
        t = start
        while t + WORST_WINDOW <= end + 1e-9:
            worst = min(worst, sum(t <= r < t + WORST_WINDOW for r in redraws) / WORST_WINDOW)
            t += 1.0
        steps = [(t, s) for t, s in self.steps if start <= t <= end]
        if len(steps) >= 2 and steps[-1][0] > steps[0][0]:
            speed = (steps[-1][1] - steps[0][1]) / (steps[-1][0] - steps[0][0])
        else:
            speed = 0.0
        return rate, (worst if worst < math.inf else math.nan), speed


async def open_session(session: Session, ws_url: str) -> None:
    session.ws = await connect(
        ws_url,
        subprotocols=[Subprotocol("streamlit")],
        max_size=64 * 2**20,
        open_timeout=60,
    )
    session.receiver = asyncio.create_task(session.receive())
    await session.rerun()
    await asyncio.wait_for(session.loaded.wait(), timeout=120)


async def close_session(session: Session) -> None:
    session._cancel_timers()
    if session.ws is not None:
        with contextlib.suppress(Exception):
            await session.ws.close()


@dataclass
class Sampler:
    """The server's memory and thread count, twice a second, with its CPU use."""

    pid: int
    samples: list[tuple[float, float, int]] = field(default_factory=list)

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.5)

    def sample(self) -> tuple[float, float, int]:
        row = (time.monotonic(), rss_mib(self.pid), proc_status(self.pid, "Threads"))
        self.samples.append(row)
        return row

    def between(self, start: float, end: float) -> list[tuple[float, float, int]]:
        return [s for s in self.samples if start <= s[0] <= end]


async def settle(
    sampler: Sampler, threads: int, start_rss: float, seconds: float
) -> tuple[float, int, float]:
    """Wait until the server is back to `threads` threads and within 10% of `start_rss`
    (or `seconds` pass); returns (RSS, threads, seconds waited)."""
    began = time.monotonic()
    while True:
        _, rss, count = sampler.sample()
        waited = time.monotonic() - began
        if (count <= threads and rss <= 1.10 * start_rss) or waited > seconds:
            return rss, count, waited
        await asyncio.sleep(0.5)


async def quiet(sampler: Sampler, seconds: float = 30.0) -> float:
    """The server's memory once it has stopped moving (after the first session)."""
    history: list[float] = []
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        history.append(sampler.sample()[1])
        if len(history) >= 10 and max(history[-10:]) - min(history[-10:]) < 2.0:
            break
        await asyncio.sleep(0.5)
    return history[-1]


async def load(base: str, pid: int, args: argparse.Namespace) -> list[str]:
    split = urlsplit(base)
    ws_url = f"ws://{split.netloc}/_stcore/stream"
    sampler = Sampler(pid)
    sampling = asyncio.create_task(sampler.run())

    # One session first trains for a moment and stops, as the first student would: the
    # one-off costs (imports, torch's kernels and caches) are paid before memory is
    # measured, so what the class adds is what must come back.
    warm = Session(-1, args.query, args.page)
    await open_session(warm, ws_url)
    await warm.press("Train")
    while warm.first_chart is None and time.monotonic() - warm.clicked < 60:
        await asyncio.sleep(0.1)
    await asyncio.sleep(3.0)
    await warm.press("Stop")
    await asyncio.sleep(1.0)
    await close_session(warm)
    await asyncio.sleep(2.0)
    threads_idle = proc_status(pid, "Threads")
    start_rss = await quiet(sampler)

    sessions = [Session(i, args.query, args.page) for i in range(args.sessions)]
    opened = time.monotonic()
    await asyncio.gather(*(open_session(s, ws_url) for s in sessions))
    load_seconds = time.monotonic() - opened
    cpu0, t0 = cpu_seconds([pid]), time.monotonic()
    for s in sessions:  # a class clicking within a second or two of each other
        await s.press("Train")
        await asyncio.sleep(args.stagger)
    train_start = time.monotonic()
    await asyncio.sleep(args.seconds)
    train_end = time.monotonic()
    server_cores = (cpu_seconds([pid]) - cpu0) / (train_end - t0)
    peak = max((r for _, r, _ in sampler.between(opened, train_end)), default=math.nan)
    threads_peak = max((n for _, _, n in sampler.between(opened, train_end)), default=-1)
    for s in sessions:
        await close_session(s)
    closed = time.monotonic()
    end_rss, end_threads, waited = await settle(sampler, threads_idle, start_rss, args.settle)
    sampling.cancel()

    lines = [
        f"\nRNN Gradient-Flow Explorer under load: {args.sessions} sessions pressed Train "
        f"({args.query or 'default settings'}) on the {args.page or 'train'} page, "
        f"{args.seconds:.0f} s, {os.cpu_count()} CPUs",
        f"all {args.sessions} pages loaded in {load_seconds:.1f} s",
        "",
        f"{'session':>7}  {'redraws/s':>9}  {'worst 5 s':>9}  {'steps/s':>7}  "
        f"{'1st chart':>9}  {'queued at':>9}  {'runs':>9}  states",
    ]
    rates, firsts = [], []
    for s in sessions:
        # Steady state: from this session's first chart (or its click, if queued
        # throughout) to the end; a session still queued redraws its position instead.
        begin = s.first_chart or s.clicked or train_start
        rate, worst, speed = s.window(begin, train_end)
        first = (s.first_chart - s.clicked) if s.first_chart and s.clicked else math.nan
        rates.append((rate, worst, speed))
        firsts.append(first)
        queued = str(max(s.queue_positions)) if s.queue_positions else "-"
        lines.append(
            f"{s.index:>7}  {rate:>9.2f}  {worst:>9.2f}  {speed:>7.1f}  {first:>8.2f}s  "
            f"{queued:>9}  {f'{s.full_runs}+{s.fragment_runs}':>9}  "
            f"{','.join(sorted(s.states))}" + (f"  ERRORS: {s.errors}" if s.errors else "")
        )
    known = sorted(f for f in firsts if not math.isnan(f))
    p95 = known[min(len(known) - 1, math.ceil(0.95 * len(known)) - 1)] if known else math.nan
    speeds = [r[2] for r in rates]
    lines += [
        "",
        f"redraws/s: min {min(r[0] for r in rates):.2f}, median "
        f"{statistics.median(r[0] for r in rates):.2f}; worst 5 s window: "
        f"{min(r[1] for r in rates):.2f}",
        f"steps/s: min {min(speeds):.1f}, median {statistics.median(speeds):.1f}, "
        f"max {max(speeds):.1f} (min/max {min(speeds) / max(max(speeds), 1e-9):.2f}); "
        f"sum {sum(speeds):.0f}",
        f"time to first chart: p95 {p95:.2f} s, median "
        f"{statistics.median(known) if known else math.nan:.2f} s "
        f"({len(known)}/{len(sessions)} sessions drew one)",
        f"server CPU: {server_cores:.2f} cores busy while training",
        f"server RSS: {start_rss:.0f} MiB before, peak {peak:.0f} MiB, {end_rss:.0f} MiB "
        f"{waited:.0f} s after the sessions closed ({end_rss / start_rss - 1:+.1%}; "
        f"the target is within 10%)",
        f"server threads: {threads_idle} before, peak {threads_peak}, {end_threads} after",
        "memory over time (s since the sessions opened: MiB / threads):",
    ]
    every = max(1, len(sampler.samples) // 24)
    lines.append(
        "  "
        + ", ".join(
            f"{t - opened:.0f}: {r:.0f}/{n}"
            for t, r, n in sampler.samples[::every]
            if t >= opened - 1
        )
    )
    lines.append(f"(closed at {closed - opened:.0f} s)")
    if any(s.errors for s in sessions):
        lines.append("SOME SESSIONS SHOWED AN EXCEPTION")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0, help="training window")
    parser.add_argument("--query", default="", help="URL settings, e.g. 'cell=gru'")
    parser.add_argument(
        "--page", default="", help="the page every session watches: gradient_flow, ..."
    )
    parser.add_argument("--stagger", type=float, default=0.1, help="seconds between clicks")
    parser.add_argument(
        "--settle",
        type=float,
        default=150.0,
        help="max wait after closing for threads and memory to come back (an orphaned run "
        "pauses after 30 s and is released 60 s after its tab closed)",
    )
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS or not 1 <= args.seconds <= MAX_SECONDS:
        sys.exit(f"--sessions is 1..{MAX_SESSIONS} and --seconds 1..{MAX_SECONDS}")
    began = time.monotonic()
    with streamlit_server() as (base, process):
        lines = asyncio.run(load(base, process.pid, args))
    print("\n".join(lines))
    print(f"(bench took {time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()

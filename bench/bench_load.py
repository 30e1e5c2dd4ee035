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

With --processes 1,2 it runs the same load against one app process and then against two
behind HAProxy (`python -m explorer serve`, sessions spread by the proxy), and prints the
ratios side by side: total steps/s, the worst 5 s of redraws, time to first chart.

Bounded: at most 60 sessions and 300 s of training a run, and it stops the servers itself.

    python bench/bench_load.py [--sessions 10] [--seconds 30] [--query "cell=gru"]
    python bench/bench_load.py --sessions 20 --processes 1,2
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

from server import cpu_seconds, proc_status, rss_mib, served, streamlit_server
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
FINISHED = ("completed", "diverged", "stopped", "error")


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
    ended: float | None = None  # when its run finished (a finished run stops redrawing)

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
        elif kind == "plotly_chart" or (
            kind == "bidi_component" and element.bidi_component.component_name == "rnn_plot"
        ):  # charts are drawn by ui/plot.py's component
            self.run_has_chart = True
        elif kind == "alert":
            body = element.alert.body
            if match := STATUS_RE.search(body):
                self.status = body
                self.states.add(match[1].lower())
                if match[1].lower() in FINISHED and self.clicked and self.ended is None:
                    self.ended = time.monotonic()
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
        """(redraws/s, worst 5 s redraws/s, steps/s) between start and end, or until its run
        finished; NaN where that is too short to tell."""
        end = min(end, self.ended or math.inf)
        seconds = end - start
        redraws = [t for t in self.redraws if start <= t <= end]
        rate = len(redraws) / seconds if seconds >= 1.0 else math.nan
        worst = math.inf if seconds >= WORST_WINDOW else math.nan
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
    """The app processes' memory and thread counts, twice a second: (time, total MiB,
    total threads, MiB per process, threads per process)."""

    pids: list[int]
    samples: list[tuple[float, float, int, list[float], list[int]]] = field(default_factory=list)

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.5)

    def sample(self) -> tuple[float, float, int, list[float], list[int]]:
        rss = [rss_mib(p) for p in self.pids]
        threads = [proc_status(p, "Threads") for p in self.pids]
        row = (time.monotonic(), sum(rss), sum(threads), rss, threads)
        self.samples.append(row)
        return row

    def between(self, start: float, end: float) -> list:
        return [s for s in self.samples if start <= s[0] <= end]


async def settle(
    sampler: Sampler, threads: list[int], start_rss: list[float], seconds: float
) -> tuple[list[float], list[int], float]:
    """Wait until every process is back to its idle thread count and within 10% of its
    memory before (or `seconds` pass); returns (MiB each, threads each, seconds waited)."""
    began = time.monotonic()
    while True:
        *_, rss, counts = sampler.sample()
        waited = time.monotonic() - began
        back = all(
            n <= idle and r <= 1.10 * r0
            for n, idle, r, r0 in zip(counts, threads, rss, start_rss, strict=True)
        )
        if back or waited > seconds:
            return rss, counts, waited
        await asyncio.sleep(0.5)


async def quiet(sampler: Sampler, seconds: float = 30.0) -> list[float]:
    """Each process's memory once it has stopped moving (after the first session)."""
    history: list[list[float]] = []
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        history.append(sampler.sample()[3])
        totals = [sum(h) for h in history[-10:]]
        if len(history) >= 10 and max(totals) - min(totals) < 2.0 * len(sampler.pids):
            break
        await asyncio.sleep(0.5)
    return history[-1]


async def load(base: str, pids: list[int], args: argparse.Namespace) -> tuple[list[str], dict]:
    split = urlsplit(base)
    ws_url = f"ws://{split.netloc}/_stcore/stream"
    sampler = Sampler(pids)
    sampling = asyncio.create_task(sampler.run())

    # One session per process first trains for a moment and stops, as the first students
    # would: the one-off costs (imports, torch's kernels and caches) are paid before memory
    # is measured, so what the class adds is what must come back. (Behind the proxy each
    # new connection goes to the process with the fewest.)
    warms = [Session(-1 - n, args.query, args.page) for n in range(len(pids))]
    await asyncio.gather(*(open_session(w, ws_url) for w in warms))
    for warm in warms:
        await warm.press("Train")
    for warm in warms:
        while warm.first_chart is None and time.monotonic() - warm.clicked < 60:
            await asyncio.sleep(0.1)
    await asyncio.sleep(3.0)
    for warm in warms:
        await warm.press("Stop")
    await asyncio.sleep(1.0)
    for warm in warms:
        await close_session(warm)
    await asyncio.sleep(2.0)
    threads_idle = [proc_status(p, "Threads") for p in pids]
    start_rss = await quiet(sampler)

    sessions = [Session(i, args.query, args.page) for i in range(args.sessions)]
    opened = time.monotonic()
    await asyncio.gather(*(open_session(s, ws_url) for s in sessions))
    load_seconds = time.monotonic() - opened
    cpu0, t0 = cpu_seconds(pids), time.monotonic()
    for s in sessions:  # a class clicking within a second or two of each other
        await s.press("Train")
        await asyncio.sleep(args.stagger)
    train_start = time.monotonic()
    await asyncio.sleep(args.seconds)
    train_end = time.monotonic()
    server_cores = (cpu_seconds(pids) - cpu0) / (train_end - t0)
    peak = max((row[1] for row in sampler.between(opened, train_end)), default=math.nan)
    threads_peak = max((row[2] for row in sampler.between(opened, train_end)), default=-1)
    for s in sessions:
        await close_session(s)
    closed = time.monotonic()
    end_rss, end_threads, waited = await settle(sampler, threads_idle, start_rss, args.settle)
    sampling.cancel()

    lines = [
        f"\nRNN Gradient-Flow Explorer under load: {args.sessions} sessions pressed Train "
        f"({args.query or 'default settings'}) on the {args.page or 'train'} page, "
        f"{args.seconds:.0f} s, {os.cpu_count()} CPUs, {len(pids)} app process(es)"
        + (" behind HAProxy" if len(pids) > 1 else ""),
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
    # Training sessions: those that drew a trained step, over the window they trained in.
    trained = [r for r, s in zip(rates, sessions, strict=True) if s.first_chart is not None]
    worst = min((r[1] for r in trained if not math.isnan(r[1])), default=math.nan)
    waiting = [r[0] for r, s in zip(rates, sessions, strict=True) if s.first_chart is None]
    lines += [
        "",
        f"training sessions ({len(trained)}): redraws/s min "
        f"{min((r[0] for r in trained if not math.isnan(r[0])), default=math.nan):.2f}, "
        f"median {statistics.median(r[0] for r in trained) if trained else math.nan:.2f}; "
        f"worst 5 s window: {worst:.2f}",
        f"sessions queued throughout ({len(waiting)}): redraws/s "
        + (f"{min(waiting):.2f}-{max(waiting):.2f}" if waiting else "-"),
        f"steps/s: min {min(speeds):.1f}, median {statistics.median(speeds):.1f}, "
        f"max {max(speeds):.1f} (min/max {min(speeds) / max(max(speeds), 1e-9):.2f}); "
        f"sum {sum(speeds):.0f}",
        f"time to first chart: p95 {p95:.2f} s, median "
        f"{statistics.median(known) if known else math.nan:.2f} s "
        f"({len(known)}/{len(sessions)} sessions drew one)",
        f"server CPU: {server_cores:.2f} cores busy while training",
        f"server RSS: {sum(start_rss):.0f} MiB before, peak {peak:.0f} MiB, "
        f"{sum(end_rss):.0f} MiB {waited:.0f} s after the sessions closed; per process "
        + ", ".join(f"{e / s - 1:+.1%}" for s, e in zip(start_rss, end_rss, strict=True))
        + " (the target is within 10% in every one)",
        f"server threads: {threads_idle} before, peak {threads_peak} in all, {end_threads} after",
        "memory over time (s since the sessions opened: MiB / threads, all processes):",
    ]
    every = max(1, len(sampler.samples) // 24)
    lines.append(
        "  "
        + ", ".join(
            f"{row[0] - opened:.0f}: {row[1]:.0f}/{row[2]}"
            for row in sampler.samples[::every]
            if row[0] >= opened - 1
        )
    )
    lines.append(f"(closed at {closed - opened:.0f} s)")
    if any(s.errors for s in sessions):
        lines.append("SOME SESSIONS SHOWED AN EXCEPTION")
    summary = {
        "steps": sum(speeds),
        "worst": worst,
        "redraws": statistics.median(r[0] for r in trained) if trained else math.nan,
        "p95": p95,
        "memory": max(e / s - 1 for s, e in zip(start_rss, end_rss, strict=True)),
        "errors": sum(bool(s.errors) for s in sessions),
    }
    return lines, summary


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
        "--processes",
        default="1",
        help="app processes, or a list to compare in one run (1,2): more than one is "
        "`python -m explorer serve` behind HAProxy",
    )
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
    counts = [int(n) for n in args.processes.split(",")]
    began = time.monotonic()
    summaries = {}
    for n in counts:
        if n == 1:
            with streamlit_server() as (base, process):
                lines, summaries[n] = asyncio.run(load(base, [process.pid], args))
        else:
            with served(n) as (base, pids):
                lines, summaries[n] = asyncio.run(load(base, pids, args))
        print("\n".join(lines), flush=True)
    if len(counts) > 1:
        first = summaries[counts[0]]
        print(
            f"\n{'processes':>9}  {'steps/s':>8}  {'ratio':>5}  {'worst 5 s':>9}  "
            f"{'redraws/s':>9}  {'p95 1st chart':>13}  {'memory after':>12}  errors"
        )
        for n in counts:
            s = summaries[n]
            print(
                f"{n:>9}  {s['steps']:>8.0f}  {s['steps'] / first['steps']:>5.2f}  "
                f"{s['worst']:>9.2f}  {s['redraws']:>9.2f}  {s['p95']:>12.2f}s  "
                f"{s['memory']:>+12.1%}  {s['errors']}"
            )
    print(f"(bench took {time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()

"""A lesson's worth of use through the proxy: does memory come back, does anything linger?

Starts `python -m explorer serve --processes N` (N app processes behind HAProxy on
127.0.0.1) and drives S sessions over Streamlit's websocket protocol (bench_load.Session),
in cycles: each session opens, presses Train, pauses, resumes, resets and closes, at
staggered times; after each cycle every session is closed and the janitor frees their
runs. It prints each process's memory and threads after every cycle, then compares the
end with the first cycle (the target: within 10% in every process) and, once serve has
stopped, checks that no process it started is left.

Bounded: at most 60 minutes and 30 sessions; it stops the servers itself.

    python bench/bench_soak.py [--minutes 30] [--sessions 10] [--processes 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from urllib.parse import urlsplit

from bench_load import Sampler, Session, close_session, open_session, quiet
from server import proc_status, served

MAX_MINUTES = 60
MAX_SESSIONS = 30
RELEASE_SECONDS = 75.0  # the janitor frees a closed tab's run 60 s after it closed
SESSION_TIMEOUT = 120.0  # s: one session's cycle takes under 40 s


async def one_session(index: int, ws_url: str, rng: random.Random) -> list[str]:
    """Open, train, pause, resume, reset, close; returns the errors it saw (a session
    that hangs counts as one, with the step it hung at)."""
    session = Session(index, "hidden=16&steps=100000")
    stage = "opening"

    async def cycle() -> None:
        nonlocal stage
        await asyncio.sleep(rng.uniform(0, 5))  # a class does not click at one instant
        await open_session(session, ws_url)
        for label, pause in (("Train", (4, 10)), ("Pause", (1, 3)), ("Resume", (3, 8))):
            stage = label
            await press_when_shown(session, label)
            await asyncio.sleep(rng.uniform(*pause))
        stage = "Reset"
        await press_when_shown(session, "Reset")
        await asyncio.sleep(1.0)

    try:
        await asyncio.wait_for(cycle(), timeout=SESSION_TIMEOUT)
    except (TimeoutError, KeyError) as exc:
        session.errors.append(f"session {index} stuck at {stage}: {type(exc).__name__} {exc}")
    await close_session(session)
    return session.errors


async def press_when_shown(session: Session, label: str, timeout: float = 20.0) -> None:
    """Press a button once the page shows it (after Pause the button says Resume only
    when the run has paused and the page has redrawn)."""
    deadline = time.monotonic() + timeout
    while label not in session.buttons:
        if time.monotonic() > deadline:
            raise KeyError(f"no {label} button")
        await asyncio.sleep(0.1)
    await session.press(label)


async def soak(base: str, pids: list[int], args: argparse.Namespace) -> int:
    ws_url = f"ws://{urlsplit(base).netloc}/_stcore/stream"
    sampler = Sampler(pids)
    rng = random.Random(0)
    began = time.monotonic()
    first: list[float] | None = None
    first_threads: list[int] | None = None
    cycle, errors = 0, 0
    while time.monotonic() - began < args.minutes * 60:
        cycle += 1
        seen = await asyncio.gather(*(one_session(i, ws_url, rng) for i in range(args.sessions)))
        errors += sum(len(e) for e in seen)
        for problems in seen:
            for problem in problems:
                print("  " + problem, flush=True)
        await asyncio.sleep(RELEASE_SECONDS)
        rss = await quiet(sampler, seconds=20)
        threads = [proc_status(p, "Threads") for p in pids]
        if first is None:
            first, first_threads = rss, threads
        print(
            f"cycle {cycle:>3} at {(time.monotonic() - began) / 60:5.1f} min: "
            + ", ".join(f"{r:.0f} MiB/{n} threads" for r, n in zip(rss, threads, strict=True))
            + (f"  ({errors} errors so far)" if errors else ""),
            flush=True,
        )
    assert first is not None and first_threads is not None
    growth = [end / start - 1 for start, end in zip(first, rss, strict=True)]
    print(
        f"\n{cycle} cycles of {args.sessions} sessions in {(time.monotonic() - began) / 60:.1f} "
        f"min on {len(pids)} processes; memory at the end against the first cycle: "
        + ", ".join(f"{g:+.1%}" for g in growth)
        + f" (target within 10% in every process); threads {first_threads} -> {threads}; "
        f"errors seen by the sessions: {errors}"
    )
    return 0 if all(g <= 0.10 for g in growth) and errors == 0 else 1


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    if not 0 < args.minutes <= MAX_MINUTES or not 1 <= args.sessions <= MAX_SESSIONS:
        sys.exit(f"--minutes is up to {MAX_MINUTES} and --sessions 1..{MAX_SESSIONS}")
    with served(args.processes) as (base, pids):
        status = asyncio.run(soak(base, pids, args))
    time.sleep(2)
    left = [p for p in pids if alive(p)]
    print(f"processes left after serve stopped: {left or 'none'}")
    sys.exit(status or bool(left))


if __name__ == "__main__":
    main()

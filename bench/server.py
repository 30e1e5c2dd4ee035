"""Start the app as the README does and read its process: shared by the benches.

A bench imports this module as `server` (its own folder is first on sys.path when it runs
as `python bench/NAME.py`).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid: int) -> list[str] | None:
    """/proc/PID/stat from field 3 (state) on, or None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes (all their threads)."""
    total = 0
    for pid in pids:
        if (fields := proc_stat(pid)) is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def proc_status(pid: int, key: str) -> int:
    """A number from /proc/PID/status (VmRSS in kB, Threads, ...); -1 once it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def rss_mib(pid: int) -> float:
    kb = proc_status(pid, "VmRSS")
    return kb / 1024 if kb >= 0 else float("nan")


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"streamlit exited with {process.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response,
        ):
            if response.read().decode().strip() == "ok":
                return
        time.sleep(0.2)
    sys.exit(f"streamlit not healthy after {timeout:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    for sig, wait in [(signal.SIGTERM, 10), (signal.SIGKILL, 5)]:
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)


@contextlib.contextmanager
def served(processes: int) -> Iterator[tuple[str, list[int]]]:
    """`python -m explorer serve --processes N` (N app processes behind HAProxy) on a free
    port, its finished runs in a temporary folder; yields (base URL, the app processes'
    pids) once it prints its address, and stops it (SIGTERM: it stops what it started)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as runs:
        log = Path(runs) / "serve.log"
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "explorer", "serve", "--processes", str(processes)),
                *("--port", str(port), "--runs-dir", runs),
            ],
            cwd=ROOT,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            while "Share this address" not in log.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
            pids = [int(p) for p in re.findall(r"app a\d+: pid (\d+)", log.read_text())]
            yield f"http://127.0.0.1:{port}", pids
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                stop_server(process)


@contextlib.contextmanager
def streamlit_server(
    extra_args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    script: str | Path = "app.py",
) -> Iterator[tuple[str, subprocess.Popen]]:
    """The README's command on a free local port, its finished runs in a temporary folder;
    yields (base URL, process) once it is healthy and stops it on exit. `script`: another
    page to serve the same way (a bench's bare reference page)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        *(sys.executable, "-m", "streamlit", "run", str(script)),
        *("--server.address", "127.0.0.1", "--server.port", str(port)),
        *("--server.headless", "true", *extra_args),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as runs:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "RNN_EXPLORER_RUNS": runs, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_healthy(base, process)
            yield base, process
        finally:
            stop_server(process)

"""`python -m explorer serve`: a class on one machine, with all its cores.

One Streamlit process uses one core (the GIL), whatever the machine has. This starts N app
processes on internal ports of 127.0.0.1 and HAProxy in front of them on the one address
the class opens. HAProxy sticks each browser to one process by a cookie it sets (not by
IP: a classroom behind NAT is one address), so a session's websocket, uploads
(/_stcore/upload_file/...) and media reach the process that holds the session. Every
process shares one server.cookieSecret and the runs directory; the run queue, compute
turns, comparison slots and janitor are each process's own, sized to its share of the
machine. A process that dies is started again; its sessions land on another process,
which tells them (ui/presence.py). Ctrl-C or SIGTERM stops everything
this started.

Without HAProxy it says how to install it and serves one process directly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # app.py's folder
COOKIE = "RNNEXP"  # HAProxy's stickiness cookie: which process holds this browser's session
PROCESS_ENV = "RNN_EXPLORER_PROCESS"  # each app process's name, as the cookie carries it
RUNS_PER_CORE = 5  # explorer.runs.scheduler's default, shared out between the processes
HEALTH_TIMEOUT = 120.0  # s: an app process imports torch and streamlit before it answers
INSTALL_HINT = (
    "HAProxy is not installed, so this serves one process (one core). To use every core, "
    "install it and run this again: sudo apt-get install haproxy (Debian, Ubuntu), "
    "sudo dnf install haproxy (Fedora), brew install haproxy (macOS)."
)


@dataclass
class App:
    """One Streamlit process behind the proxy."""

    name: str  # "a1", "a2": the value of the stickiness cookie
    port: int
    process: subprocess.Popen | None = None
    restarts: int = 0


@dataclass
class Plan:
    address: str
    port: int
    apps: list[App]
    cookie_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    env: dict[str, str] = field(default_factory=dict)  # added to every app's environment


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def process_shares(processes: int, cores: int, workers: int) -> dict[str, str]:
    """Each process's share of the machine, as the environment variables the app reads:
    live runs training at once (explorer.runs.scheduler) and comparison worker processes
    (explorer.runs.compare). A value the teacher set is left alone."""
    shares = {
        "RNN_EXPLORER_MAX_RUNS": max(1, RUNS_PER_CORE * cores // processes),
        "RNN_EXPLORER_MAX_WORKERS": max(1, workers // processes),
    }
    return {k: str(v) for k, v in shares.items() if k not in os.environ}


def haproxy_config(plan: Plan) -> str:
    """New browsers to the process with the fewest connections among those that answer
    their health check, then sticky by cookie (passed on to the app, which tells a
    browser moved from a process that ended). Long client, server and tunnel timeouts: a
    session's websocket stays open for the whole lesson. A browser whose process has gone
    is sent to another (redispatch)."""
    servers = "\n".join(
        f"    server {a.name} 127.0.0.1:{a.port} check cookie {a.name}" for a in plan.apps
    )
    return f"""global
    maxconn 4096

defaults
    mode http
    option redispatch
    retries 3
    timeout connect 5s
    timeout client 2h
    timeout server 2h
    timeout tunnel 2h
    timeout http-request 30s

frontend class
    bind {plan.address}:{plan.port}
    default_backend apps

backend apps
    balance leastconn
    cookie {COOKIE} insert nocache httponly
    option httpchk GET /_stcore/health
    http-check expect string ok
    default-server inter 2s fall 2 rise 2
{servers}
"""


def app_command(app: App, plan: Plan) -> list[str]:
    """`streamlit run app.py`, by way of ui/serve_process.py, which loads torch as the
    process starts: before the class arrives, not while its first pages are drawn."""
    return [
        sys.executable,
        *("-m", "ui.serve_process", "run", str(ROOT / "app.py")),
        *("--server.address", "127.0.0.1", "--server.port", str(app.port)),
        *("--server.headless", "true"),
    ]


def app_env(app: App, plan: Plan) -> dict[str, str]:
    """The cookie secret goes by the environment (Streamlit refuses it as a flag)."""
    return {
        **os.environ,
        **plan.env,
        PROCESS_ENV: app.name,
        "STREAMLIT_SERVER_COOKIE_SECRET": plan.cookie_secret,
    }


def start_app(app: App, plan: Plan, log_dir: Path) -> None:
    log = (log_dir / f"{app.name}.log").open("a")
    app.process = subprocess.Popen(
        app_command(app, plan),
        cwd=ROOT,
        env=app_env(app, plan),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped with all its children
    )
    log.close()


def healthy(port: int, address: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError):
        url = f"http://{address}:{port}/_stcore/health"
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    return False


def wait_healthy(apps: list[App], timeout: float = HEALTH_TIMEOUT) -> list[App]:
    """The apps that answered within timeout (those that exited are left out at once)."""
    deadline = time.monotonic() + timeout
    pending = list(apps)
    while pending and time.monotonic() < deadline:
        pending = [a for a in pending if a.process.poll() is None and not healthy(a.port)]
        time.sleep(0.3)
    return [a for a in apps if a not in pending and a.process.poll() is None]


def stop(process: subprocess.Popen | None, grace: float = 10.0) -> None:
    """End a process and its group: SIGTERM, then SIGKILL if it lingers."""
    if process is None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)


class Stopping(Exception):
    """Ctrl-C or SIGTERM: stop everything."""


def _raise_stopping(signum, frame) -> None:
    raise Stopping()


def serve(plan: Plan, haproxy: str | None, say=print) -> int:
    """Run until Ctrl-C or SIGTERM; returns the exit status."""
    signal.signal(signal.SIGTERM, _raise_stopping)
    work = Path(tempfile.mkdtemp(prefix="rnn-explorer-serve-"))
    proxy: subprocess.Popen | None = None
    try:
        for app in plan.apps:
            start_app(app, plan, work)
            say(f"app {app.name}: pid {app.process.pid}, 127.0.0.1:{app.port}")
        ready = wait_healthy(plan.apps)
        if len(ready) < len(plan.apps):
            for app in plan.apps:
                if app not in ready:
                    log = (work / f"{app.name}.log").read_text(errors="replace")[-2000:]
                    say(f"error: app process {app.name} did not start:\n{log}")
            return 1
        if haproxy is not None:
            config = work / "haproxy.cfg"
            config.write_text(haproxy_config(plan))
            proxy = subprocess.Popen(
                [haproxy, "-f", str(config), "-db"],
                stdout=(work / "haproxy.log").open("a"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            say(f"HAProxy: pid {proxy.pid}, {plan.address}:{plan.port}")
            if not _wait_port(plan.address, plan.port, proxy):
                say(f"error: HAProxy did not start; see {work / 'haproxy.log'}")
                return 1
        shown = "<this machine's address>" if plan.address == "0.0.0.0" else plan.address
        say(
            f"Serving {len(plan.apps)} app process(es)"
            + (" behind HAProxy" if proxy else "")
            + f". Share this address with the class: http://{shown}:{plan.port}"
        )
        say("Press Ctrl-C to stop.")
        _supervise(plan, proxy, work, say)
    except (KeyboardInterrupt, Stopping):
        say("Stopping...")
    finally:
        stop(proxy)
        for app in plan.apps:
            stop(app.process)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _wait_port(address: str, port: int, process: subprocess.Popen, timeout: float = 10) -> bool:
    host = "127.0.0.1" if address == "0.0.0.0" else address
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return True
        time.sleep(0.1)
    return False


def _supervise(plan: Plan, proxy, work: Path, say) -> None:
    """Start an app process again when it dies (its sessions meanwhile go to the others);
    stop when the proxy dies."""
    while True:
        time.sleep(1.0)
        if proxy is not None and proxy.poll() is not None:
            say(f"error: HAProxy exited ({proxy.returncode}); see {work / 'haproxy.log'}")
            return
        for app in plan.apps:
            if app.process.poll() is not None:
                app.restarts += 1
                say(f"app {app.name} exited ({app.process.returncode}); starting it again")
                start_app(app, plan, work)
                say(f"app {app.name}: pid {app.process.pid}, 127.0.0.1:{app.port}")
                if proxy is None and not wait_healthy([app]):
                    return


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m explorer serve",
        description="Serve the app to a class: N app processes behind HAProxy on one "
        "address, sticky by cookie.",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        metavar="N",
        help="app processes (default: one per core)",
    )
    parser.add_argument("--port", type=int, default=8501, help="the address's port (default 8501)")
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="where the class connects (default 127.0.0.1, this machine only; pass the "
        "machine's LAN address to serve a classroom)",
    )
    parser.add_argument("--runs-dir", default=None, metavar="DIR", help="the runs directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cores = os.cpu_count() or 1
    processes = args.processes or cores
    if processes < 1 or not 1 <= args.port <= 65535:
        print("error: --processes must be at least 1 and --port 1 to 65535", file=sys.stderr)
        return 2
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        print(INSTALL_HINT, file=sys.stderr)
        processes = 1
    from explorer.runs.slots import default_worker_slots

    env = process_shares(processes, cores, default_worker_slots())
    if args.runs_dir:
        env["RNN_EXPLORER_RUNS"] = str(Path(args.runs_dir).resolve())
    if haproxy is None:  # one process, on the public address itself
        apps = [App("a1", args.port)]
        plan = Plan(args.address, args.port, apps, env=env)
        return _serve_alone(plan)
    apps = [App(f"a{n}", free_port()) for n in range(1, processes + 1)]
    return serve(Plan(args.address, args.port, apps, env=env), haproxy)


def _serve_alone(plan: Plan) -> int:
    """No proxy: Streamlit itself on the public address."""
    app = plan.apps[0]
    command = app_command(app, plan)
    command[command.index("127.0.0.1")] = plan.address
    print(f"Share this address with the class: http://{plan.address}:{plan.port}")
    with contextlib.suppress(KeyboardInterrupt):
        return subprocess.call(command, cwd=ROOT, env=app_env(app, plan))
    return 0

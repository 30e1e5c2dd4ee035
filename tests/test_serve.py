"""`python -m explorer serve`: N app processes behind HAProxy, sticky by cookie.

The end-to-end test starts the command as a teacher would, puts two browser sessions on
different processes, uploads through the proxy, kills one process (its session is told
and the other trains on), and stops the command, checking that nothing is left behind.
It needs HAProxy and Chromium: missing, it skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_browser import (
    CHART,
    _free_port,
    _require_browser,
    _stop,
    _wait_healthy,
    server_environment,
    wait_status,
)

from explorer import serve
from explorer.i18n import text

ROOT = Path(__file__).resolve().parents[1]


def test_the_proxy_config_sticks_by_cookie_and_keeps_websockets_open():
    plan = serve.Plan("0.0.0.0", 8501, [serve.App("a1", 4001), serve.App("a2", 4002)])
    config = serve.haproxy_config(plan)
    assert "bind 0.0.0.0:8501" in config
    assert f"cookie {serve.COOKIE} insert" in config  # by cookie, not by IP
    assert "server a1 127.0.0.1:4001 check cookie a1" in config
    assert "server a2 127.0.0.1:4002 check cookie a2" in config
    assert "timeout tunnel 2h" in config and "option redispatch" in config
    assert "option httpchk GET /_stcore/health" in config


def test_each_process_gets_its_share_of_the_machine(monkeypatch):
    monkeypatch.delenv("RNN_EXPLORER_MAX_RUNS", raising=False)
    monkeypatch.delenv("RNN_EXPLORER_MAX_WORKERS", raising=False)
    assert serve.process_shares(2, cores=8, workers=8) == {
        "RNN_EXPLORER_MAX_RUNS": "20",
        "RNN_EXPLORER_MAX_WORKERS": "4",
    }
    assert serve.process_shares(16, cores=2, workers=2)["RNN_EXPLORER_MAX_WORKERS"] == "1"
    monkeypatch.setenv("RNN_EXPLORER_MAX_RUNS", "3")  # a teacher's own setting stays
    assert "RNN_EXPLORER_MAX_RUNS" not in serve.process_shares(2, cores=8, workers=8)


def _torch_mapped(pid: int) -> bool:
    return "libtorch_cpu" in Path(f"/proc/{pid}/maps").read_text()


def test_a_served_process_loads_torch_before_its_first_page(tmp_path):
    """A process of `explorer serve` warms up as it starts, no page asked for; a plain
    `streamlit run` (a teacher's own), started beside it, waits for its first page."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/PID/maps")
    app, plain = serve.App("a1", _free_port()), serve.App("plain", _free_port())
    plan = serve.Plan("127.0.0.1", 0, [app, plain])
    served_command = serve.app_command(app, plan)
    plain_command = serve.app_command(plain, plan)
    plain_command[1:3] = ["-m", "streamlit"]  # instead of ui.serve_process
    processes = []
    try:
        for name, command in [("served", served_command), ("plain", plain_command)]:
            with (tmp_path / f"{name}.log").open("w") as out:
                processes.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=server_environment(),
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        for a, name, process in zip((app, plain), ("served", "plain"), processes, strict=True):
            _wait_healthy(f"http://127.0.0.1:{a.port}", process, tmp_path / f"{name}.log")
        served, plain_process = processes
        deadline = time.monotonic() + 120
        while not _torch_mapped(served.pid):
            assert time.monotonic() < deadline, (tmp_path / "served.log").read_text()[-2000:]
            time.sleep(0.2)
        assert not _torch_mapped(plain_process.pid)
    finally:
        for process in processes:
            _stop(process)


def _require_haproxy() -> None:
    if shutil.which("haproxy") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the serve test needs HAProxy (CI=true: not skipping)")
        pytest.skip("the serve test needs HAProxy (apt-get install haproxy)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Served:
    """The command running in its own process group, its output read line by line."""

    def __init__(self, port: int, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "explorer", "serve", "--processes", "2", "--port", str(port)],
            cwd=ROOT,
            env=server_environment(),  # each process warms up after its first page
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match:
        deadline = time.monotonic() + timeout
        while not (match := re.search(pattern, self.output())):
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.2)
        return match

    def pids(self) -> dict[str, int]:
        """The latest pid of each app process, as the command printed them."""
        return {name: int(pid) for name, pid in re.findall(r"app (a\d): pid (\d+)", self.output())}


@pytest.mark.browser
def test_serve_two_processes_behind_the_proxy(tmp_path):
    _require_haproxy()
    _require_browser()
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    port = _free_port()
    served = Served(port, tmp_path / "serve.log")
    url = f"http://127.0.0.1:{port}"
    all_pids: set[int] = set()
    try:
        served.wait_for(r"Share this address with the class: http://127\.0\.0\.1:\d+")
        all_pids |= set(served.pids().values())
        all_pids.add(int(served.wait_for(r"HAProxy: pid (\d+)")[1]))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tabs = []
            for _ in range(2):  # two students: one process each (least connections)
                tab = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
                tab.goto(f"{url}/?hidden=8&seq_len=20&steps=100000")
                tab.wait_for_selector(CHART, timeout=60_000)
                tabs.append(tab)
            owners = [
                next(c["value"] for c in t.context.cookies() if c["name"] == serve.COOKIE)
                for t in tabs
            ]
            assert sorted(owners) == ["a1", "a2"], owners
            for tab in tabs:
                tab.get_by_role("button", name="Train", exact=True).click()
                wait_status(tab, lambda s: s[0] == "running" and s[1] > 0)

            # an upload goes through the proxy to the process that holds the session
            upload = tabs[1].context.new_page()
            upload.goto(f"{url}/?task=series")
            upload.wait_for_selector(CHART, timeout=60_000)
            csv = tmp_path / "prices.csv"
            csv.write_text("day,close\n" + "".join(f"{i},{100 + i % 7}.5\n" for i in range(60)))
            upload.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(csv)
            upload.get_by_text("prices.csv", exact=False).first.wait_for(timeout=30_000)
            assert upload.locator('[data-testid="stException"]').count() == 0
            errors = " ".join(upload.locator('[data-testid="stAlert"]').all_inner_texts())
            assert "refused" not in errors.lower(), errors
            upload.close()

            # one process dies: its student is told, the other trains on
            victim = owners[0]
            survivor_tab = tabs[1]
            os.killpg(served.pids()[victim], signal.SIGKILL)
            steps = wait_status(survivor_tab, lambda s: s[0] == "running")[1]
            survivor_tab.wait_for_timeout(2000)
            assert wait_status(survivor_tab, lambda s: s[1] > steps)[1] > steps
            tabs[0].get_by_text(text("serve.moved")[:40], exact=False).wait_for(timeout=60_000)
            served.wait_for(rf"app {victim} exited .*starting it again")
            served.wait_for(rf"app {victim}: pid \d+.*\n(?:.*\n)*.*app {victim}: pid \d+")
            all_pids |= set(served.pids().values())
            browser.close()
    finally:
        if served.process.poll() is None:
            served.process.send_signal(signal.SIGTERM)
        served.process.wait(60)
    assert "Stopping" in served.output()
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in all_pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in all_pids if _alive(pid)], "processes left behind"

"""The Ray executor on a local Ray (started by the driver for each run, on 127.0.0.1):
the same numbers as the local pool, cancels, a killed worker, a dead driver, a bad
address. ray is an optional requirement (requirements-ray.txt, installed by
scripts/test.sh); without it these skip, and under CI=true they fail instead."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from explorer import cli
from explorer.config import RunConfig
from explorer.runs.compare import COMPARISONS, Comparison
from explorer.runs.executor import Executor, ExecutorError, ExecutorKind
from explorer.runs.states import RunState
from explorer.runs.variants import make_variants

HAS_RAY = importlib.util.find_spec("ray") is not None
if not HAS_RAY and os.environ.get("CI") == "true":
    pytest.fail("ray is not installed (pip install -r requirements-ray.txt)", pytrace=False)
pytestmark = pytest.mark.skipif(not HAS_RAY, reason="ray is not installed")

ROOT = Path(__file__).resolve().parents[1]
BASE = RunConfig(task="adding", seq_len=10, hidden=8, steps=40, batch=8, val_every=5)
RAY = Executor(ExecutorKind.RAY)
TIMEOUT = 240  # seconds: Ray's start and a cold worker's torch import included


@pytest.fixture(autouse=True)
def stop_everything():
    yield
    COMPARISONS.close_all()


def started(variants, out: Path, executor: Executor) -> Comparison:
    return Comparison(variants, out, workers=2, idle_timeout=None, executor=executor).start()


def finished(variants, out: Path, executor: Executor) -> Comparison:
    comparison = started(variants, out, executor)
    assert comparison.wait(TIMEOUT), "the comparison did not end"
    return comparison


def wait_until(predicate, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def ray_processes() -> list[int]:
    """Pids of Ray's own processes on this machine (head, raylet, workers)."""
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    names = ("gcs_server", "raylet", "ray::", "default_worker.py")
    return [int(line.split()[0]) for line in out.splitlines()[1:] if any(n in line for n in names)]


def test_ray_trains_every_variant_number_for_number_as_the_local_pool(tmp_path):
    variants = make_variants(BASE, {"cell": ["rnn", "gru"], "lr": ["0.01", "0.1"]})
    local = finished(variants, tmp_path / "local", Executor())
    on_ray = finished(variants, tmp_path / "ray", RAY)
    assert on_ray.ready_at is not None and on_ray.work_seconds < on_ray.wall_seconds
    token = Path.home() / ".ray" / "auth_token"  # readable by its owner only
    assert not token.exists() or token.stat().st_mode & 0o077 == 0
    assert [s.state for s in on_ray.states()] == [RunState.COMPLETED] * 4
    assert len(local.results()) == len(on_ray.results()) == 4
    for a, b in zip(local.results(), on_ray.results(), strict=True):
        assert a.label == b.label and a.config == b.config
        assert b.folder.parent == tmp_path / "ray"  # unpacked where it was reserved
        assert [s.loss for s in a.history.steps] == [s.loss for s in b.history.steps]
        assert [s.grad_norm for s in a.history.steps] == [s.grad_norm for s in b.history.steps]
        assert a.history.val_losses == b.history.val_losses
        for p, q in zip(a.history.probes, b.history.probes, strict=True):
            assert np.array_equal(p.dh, q.dh)


def test_the_process_that_asks_never_imports_ray(tmp_path):
    """The app's process is never Ray's driver: a child is."""
    script = (
        "import sys\n"
        "from explorer.config import RunConfig\n"
        "from explorer.runs.compare import Comparison\n"
        "from explorer.runs.executor import Executor, ExecutorKind\n"
        "from explorer.runs.variants import make_variants\n"
        "v = make_variants(RunConfig(task='adding', seq_len=8, hidden=4, steps=5), "
        "{'lr': ['0.01', '0.1']})\n"
        f"c = Comparison(v, {str(tmp_path)!r}, workers=1, executor=Executor(ExecutorKind.RAY))\n"
        "c.start(); assert c.wait(200)\n"
        "print([s.state.value for s in c.states()], 'ray' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.stdout.strip() == "['completed', 'completed'] False", done.stderr[-2000:]


def test_cancelling_stops_running_variants_and_drops_queued_ones(tmp_path):
    variants = make_variants(BASE.replace(steps=100_000), {"seed": [str(s) for s in range(6)]})
    comparison = started(variants, tmp_path, RAY)
    wait_until(lambda: any(s.state == RunState.RUNNING and s.step > 0 for s in comparison.states()))
    comparison.cancel()
    assert comparison.wait(60), "cancelled variants kept running"
    states = comparison.states()
    stopped = [s for s in states if s.state == RunState.STOPPED]
    dropped = [s for s in states if s.state == RunState.CANCELLED]
    assert stopped and len(stopped) + len(dropped) == 6, [(s.state, s.message) for s in states]
    assert all(s.folder is not None and "Cancelled after" in s.message for s in stopped)
    assert all(s.folder is None for s in dropped)
    assert len(comparison.results()) == len(stopped)  # what ran was kept
    wait_until(lambda: not ray_processes(), timeout=30)  # its Ray was shut down


def test_a_killed_ray_worker_retries_its_variant_while_the_others_finish(tmp_path):
    variants = make_variants(BASE.replace(steps=1500), {"seed": ["0", "1", "2"]})
    comparison = started(variants, tmp_path, RAY)
    wait_until(lambda: any(s.state == RunState.RUNNING and s.step > 0 for s in comparison.states()))
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    tasks = [int(line.split()[0]) for line in out.splitlines() if "ray::run_variant" in line]
    assert tasks, out
    os.kill(tasks[0], signal.SIGKILL)
    assert comparison.wait(TIMEOUT)
    states = comparison.states()
    completed = [s for s in states if s.state == RunState.COMPLETED]
    assert len(completed) >= 2, [(s.state, s.message) for s in states]
    for s in states:  # the killed one was retried (completed) or failed with Ray's reason
        assert s.state == RunState.COMPLETED or "Ray" in s.message, s.message


def test_a_dead_ray_driver_fails_what_is_left_with_a_message(tmp_path):
    variants = make_variants(BASE.replace(steps=100_000), {"seed": ["0", "1", "2"]})
    comparison = started(variants, tmp_path, RAY)
    wait_until(lambda: any(s.state == RunState.RUNNING for s in comparison.states()))
    (driver,) = comparison._processes
    os.kill(driver.pid, signal.SIGKILL)  # what Ray does to a driver whose head died
    assert comparison.wait(30)
    states = comparison.states()
    assert all(s.state == RunState.ERROR for s in states), states
    assert any("Ray driver process ended" in s.message for s in states)
    wait_until(lambda: not ray_processes(), timeout=60)  # its local Ray shares its fate


def test_a_bad_address_fails_fast_with_a_clear_message(capsys):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    began = time.monotonic()
    with pytest.raises(ExecutorError, match="nothing answers"):
        Executor.choose("ray", f"127.0.0.1:{port}").check()
    assert time.monotonic() - began < 5
    with pytest.raises(ExecutorError, match="HOST:PORT"):
        Executor.choose("ray", "not an address").check()
    argv = ["sweep", "--grid", "lr=0.01,0.1", "--executor", "ray", "--address", f"127.0.0.1:{port}"]
    assert cli.main(argv) == 2
    assert "nothing answers" in capsys.readouterr().err

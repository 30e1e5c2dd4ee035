"""LiveRun: a trainer in a thread, controlled from outside and read through snapshots."""

from __future__ import annotations

import threading
import time

import pytest

from explorer.config import RunConfig
from explorer.engine.training import Trainer
from explorer.runs import live
from explorer.runs.live import REGISTRY, LiveRun
from explorer.runs.scheduler import RunQueue

TINY = RunConfig(hidden=8, seq_len=10, batch=8, steps=60, val_every=5)
ENDLESS = TINY.replace(steps=100_000)


@pytest.fixture(autouse=True)
def stop_runs():
    yield
    REGISTRY.stop_all()


def test_a_run_trains_to_completion_and_matches_a_plain_trainer():
    run = LiveRun(TINY)
    assert run.snapshot().state == "idle"
    run.start()
    snap = run.wait_for(lambda s: s.state == "completed", 60)
    assert snap.state == "completed" and snap.step == TINY.steps
    reference = Trainer(TINY)
    reference.run()
    # the thread changes nothing about the numbers: same seed, same history
    assert [r.loss for r in snap.history.steps] == [r.loss for r in reference.history.steps]
    assert snap.history.val_losses == reference.history.val_losses
    assert snap.predictions is not None and snap.model_state is not None
    assert snap.baseline_loss == pytest.approx(reference.task.baseline_loss())


def test_pause_holds_still_and_step_takes_exactly_one_step():
    run = LiveRun(ENDLESS)
    run.start()
    run.wait_for(lambda s: s.step >= 3)
    run.pause()
    paused = run.snapshot()
    time.sleep(0.2)
    assert run.snapshot().step == paused.step  # nothing moves while paused
    run.step_once()
    one = run.wait_for(lambda s: s.step == paused.step + 1, 10)
    assert one.step == paused.step + 1 and one.state == "paused"
    time.sleep(0.1)
    assert run.snapshot().step == paused.step + 1
    run.start()  # resume
    assert run.wait_for(lambda s: s.step > paused.step + 5, 10).state == "running"


def test_step_before_start_builds_the_model_and_takes_one_step():
    run = LiveRun(ENDLESS)
    run.step_once()
    snap = run.wait_for(lambda s: s.step == 1, 30)
    assert snap.step == 1 and snap.state == "paused"


def test_stop_keeps_every_finished_step_and_ends_the_thread():
    run = LiveRun(ENDLESS)
    run.start()
    run.wait_for(lambda s: s.step >= 5)
    run.stop("Stopped by the test.")
    run.join(10)
    snap = run.snapshot()
    assert snap.state == "stopped" and snap.message == "Stopped by the test."
    assert not run._thread.is_alive()
    assert [r.step for r in snap.history.steps] == list(range(1, snap.step + 1))
    run.start()  # a finished run cannot be restarted
    assert run.snapshot().state == "stopped"


def test_an_orphaned_run_pauses_frees_its_thread_and_resumes_where_it_was():
    run = LiveRun(ENDLESS, idle_timeout=0.3)
    run.start()
    run.wait_for(lambda s: s.step >= 2)
    thread = run._thread
    thread.join(10)  # nobody reads a snapshot: it pauses, then the paused thread ends
    assert not thread.is_alive() and run._thread is None
    with run._cond:  # read the state without touching the heartbeat
        paused = run._snapshot
    assert paused.state == "paused" and paused.message == live.IDLE_MESSAGE
    assert [r.step for r in paused.history.steps] == list(range(1, paused.step + 1))
    run.start()  # the tab is back: Resume goes on from the same step in a new thread
    snap = run.wait_for(lambda s: s.step >= paused.step + 3, 10)
    assert snap.state == "running" and run._thread is not thread
    assert [r.step for r in snap.history.steps][: paused.step] == list(range(1, paused.step + 1))


def test_a_full_server_queues_runs_in_order_and_shows_the_position():
    queue = RunQueue(capacity=1)
    first, second, third = (LiveRun(ENDLESS, queue=queue) for _ in range(3))
    first.start()
    first.wait_for(lambda s: s.step >= 1)
    second.start()
    assert second.wait_for(lambda s: s.state == "queued").queue_position == 1
    third.start()
    assert third.wait_for(lambda s: s.state == "queued").queue_position == 2
    assert second.snapshot().step == 0 and second.snapshot().active
    first.pause()  # a paused run gives its place to the next in line
    assert second.wait_for(lambda s: s.step >= 1).state == "running"
    assert second.snapshot().queue_position is None
    assert third.wait_for(lambda s: s.queue_position == 1).state == "queued"
    third.stop("Stopped while queued.")  # leaving the queue is always possible
    assert third.snapshot().state == "stopped" and third.snapshot().queue_position is None
    first.start()  # back in line, behind the run that now trains
    assert first.wait_for(lambda s: s.state == "queued").queue_position == 1
    second.stop()
    assert first.wait_for(lambda s: s.state == "running" and s.step > 1).state == "running"
    assert queue.load == (1, 0)


def test_a_queued_run_can_still_take_single_steps():
    queue = RunQueue(capacity=1)
    busy, waiting = LiveRun(ENDLESS, queue=queue), LiveRun(ENDLESS, queue=queue)
    busy.start()
    busy.wait_for(lambda s: s.step >= 1)
    waiting.start()
    waiting.wait_for(lambda s: s.state == "queued")
    waiting.step_once()  # a single step needs no place in the queue, only a fair turn
    snap = waiting.wait_for(lambda s: s.step == 1, 10)
    assert snap.state == "paused" and snap.step == 1
    assert queue.position(waiting) is None


def test_an_exception_in_the_thread_becomes_an_error_state(monkeypatch):
    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(Trainer, "train_step", broken)
    run = LiveRun(TINY)
    run.start()
    snap = run.wait_for(lambda s: s.state == "error", 10)
    assert snap.state == "error"
    assert "RuntimeError: boom" in snap.message
    # the process carries on: another run still trains
    monkeypatch.undo()
    other = LiveRun(TINY)
    other.start()
    assert other.wait_for(lambda s: s.state == "completed", 60).state == "completed"


def test_a_diverging_run_reports_and_keeps_its_history():
    config = RunConfig(
        task="adding",
        seq_len=20,
        hidden=16,
        batch=8,
        steps=200,
        lr=10.0,
        optimizer="sgd",
        clip="off",
        whh_gain=5.0,
    )
    run = LiveRun(config)
    run.start()
    snap = run.wait_for(lambda s: s.state in ("diverged", "completed"), 60)
    assert snap.state == "diverged"
    assert snap.message.startswith(f"Diverged at step {snap.step + 1}")
    assert len(snap.history.steps) == snap.step


def test_publishing_is_throttled_but_never_stale_at_the_end(monkeypatch):
    calls = []
    original = LiveRun._publish

    def counting(self, trainer, extras):
        calls.append(extras)
        original(self, trainer, extras)

    monkeypatch.setattr(LiveRun, "_publish", counting)
    monkeypatch.setattr(live, "PUBLISH_SECONDS", 10.0)
    run = LiveRun(TINY)
    run.start()
    snap = run.wait_for(lambda s: s.state == "completed", 60)
    assert snap.step == TINY.steps  # the final publish carries the last step
    assert len(calls) < TINY.steps / 4  # not a copy of the history per step


def test_save_waits_for_the_step_in_progress(tmp_path):
    run = LiveRun(ENDLESS)
    with pytest.raises(RuntimeError):
        run.save(tmp_path / "early")
    run.start()
    run.wait_for(lambda s: s.step >= 5)
    folder = run.save(tmp_path / "run")
    assert (folder / "metrics.csv").exists() and (folder / "model.pt").exists()


def test_snapshots_are_safe_to_read_from_many_threads():
    run = LiveRun(ENDLESS)
    run.start()
    errors: list[BaseException] = []

    def reader():
        try:
            for _ in range(200):
                snap = run.snapshot()
                steps = [r.step for r in snap.history.steps]
                assert steps == list(range(1, len(steps) + 1))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    assert not errors

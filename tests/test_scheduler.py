"""The server's run queue and fair compute gate, with real threads."""

from __future__ import annotations

import threading
import time

import pytest

from explorer.runs.scheduler import FairGate, RunQueue, default_capacity, default_slots


def test_the_queue_admits_up_to_capacity_then_keeps_arrival_order():
    queue = RunQueue(capacity=2)
    assert [queue.enter(name) for name in "abcde"] == [0, 0, 1, 2, 3]
    assert queue.enter("d") == 2  # asking again keeps the place
    assert queue.load == (2, 3)
    queue.leave("d")  # leaving the line moves everyone behind up
    assert [queue.position(n) for n in "abce"] == [0, 0, 1, 2]
    queue.leave("a")  # a place frees: the first in line gets it
    assert [queue.position(n) for n in "abce"] == [None, 0, 0, 1]
    assert queue.position("zz") is None
    queue.leave("zz")  # leaving twice, or without entering, is harmless
    assert queue.load == (2, 1)


def test_waiting_in_the_queue_wakes_when_a_place_frees():
    queue = RunQueue(capacity=1)
    queue.enter("a")
    queue.enter("b")
    assert queue.wait("b", timeout=0.05) == 1  # still waiting after the timeout
    threading.Timer(0.05, queue.leave, ["a"]).start()
    assert queue.wait("b", timeout=5) == 0


@pytest.mark.parametrize("bad", [0, -3])
def test_a_queue_or_gate_needs_a_place(bad):
    with pytest.raises(ValueError):
        RunQueue(bad)
    with pytest.raises(ValueError):
        FairGate(bad)
    with pytest.raises(ValueError):
        FairGate(1, urgent_share=bad)


def _spin(gate: FairGate, owner: str, seconds_per_turn: float, until: float, turns: list):
    while time.monotonic() < until:
        with gate.turn(owner):
            turns.append(owner)
            time.sleep(seconds_per_turn)  # "compute" that lets the GIL go, like torch ops


def test_one_slot_means_one_owner_at_a_time():
    gate, inside, most = FairGate(1), [0], [0]
    lock = threading.Lock()

    def work(owner):
        for _ in range(30):
            with gate.turn(owner):
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.001)
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert most[0] == 1


def test_two_slots_let_two_owners_compute_together():
    gate, together = FairGate(2), threading.Barrier(2, timeout=5)

    def work(owner):
        with gate.turn(owner):
            together.wait()  # would time out (BrokenBarrierError) with one slot

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert not together.broken


def test_a_heavy_owner_gets_the_same_compute_time_as_a_light_one_not_more_turns():
    """Fair share by time: a run whose steps take 10x longer gets ~1/10 of the turns, so
    it cannot starve the light run (plain FIFO turns would give it ~90% of the time)."""
    gate, turns = FairGate(1), []
    until = time.monotonic() + 1.0
    threads = [
        threading.Thread(target=_spin, args=(gate, "heavy", 0.02, until, turns)),
        threading.Thread(target=_spin, args=(gate, "light", 0.002, until, turns)),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    heavy, light = gate.used("heavy"), gate.used("light")
    assert 0.6 < heavy / light < 1.7, (heavy, light)
    assert turns.count("light") > 4 * turns.count("heavy")


def test_a_newcomer_starts_at_the_others_level_and_does_not_take_over():
    """A run arriving late (or back from a pause) must not get a burst of turns to
    'catch up' on time it never asked for: it starts at the current floor."""
    gate, turns = FairGate(1), []
    until = time.monotonic() + 1.2
    old = threading.Thread(target=_spin, args=(gate, "old", 0.005, until, turns))
    old.start()
    time.sleep(0.6)
    mark = len(turns)
    new = threading.Thread(target=_spin, args=(gate, "new", 0.005, until, turns))
    new.start()
    old.join(10)
    new.join(10)
    after = turns[mark:]
    # From its arrival on, the newcomer takes turns about alternately, not all of them.
    assert 0.3 < after.count("new") / len(after) < 0.7, after.count("new") / len(after)


def test_capacity_and_slots_come_from_the_environment_when_valid(monkeypatch):
    monkeypatch.setenv("RNN_EXPLORER_MAX_RUNS", "7")
    monkeypatch.setenv("RNN_EXPLORER_COMPUTE_SLOTS", "2")
    assert (default_capacity(), default_slots()) == (7, 2)
    for bad in ("zero", "0", "-1", ""):
        monkeypatch.setenv("RNN_EXPLORER_MAX_RUNS", bad)
        monkeypatch.setenv("RNN_EXPLORER_COMPUTE_SLOTS", bad)
        assert default_capacity() >= 1 and default_slots() == 1


def test_redraws_go_first_up_to_their_share_and_training_keeps_the_rest():
    gate, turns = FairGate(1, urgent_share=0.6), []
    until = time.monotonic() + 1.2

    def spin(owner, urgent, per_turn):
        while time.monotonic() < until:
            with gate.turn(owner, urgent=urgent):
                turns.append((owner, per_turn))
                time.sleep(per_turn)

    threads = [threading.Thread(target=spin, args=(f"page{i}", True, 0.004)) for i in range(3)]
    threads += [threading.Thread(target=spin, args=(f"run{i}", False, 0.004)) for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    page = sum(t for o, t in turns if o.startswith("page"))
    run = sum(t for o, t in turns if o.startswith("run"))
    assert 0.5 < page / (page + run) < 0.7, page / (page + run)  # capped near 60%
    counts = [sum(o == f"run{i}" for o, _ in turns) for i in range(3)]
    assert min(counts) > 0.6 * max(counts), counts  # training shared fairly


def test_a_lone_redraw_or_a_lone_run_gets_all_the_time():
    gate = FairGate(1, urgent_share=0.5)
    began = time.monotonic()
    for _ in range(50):
        with gate.turn("page", urgent=True):
            pass
    for _ in range(50):
        with gate.turn("run"):
            pass
    assert time.monotonic() - began < 1.0  # nobody waits for a share nobody else wants


def test_step_work_counts_the_multiply_adds_of_a_step_and_caps_live_runs(monkeypatch):
    from explorer.config import RunConfig
    from explorer.runs.scheduler import too_heavy

    config = RunConfig(cell="gru", hidden=10, seq_len=20, batch=4, layers=2)
    assert config.step_work == 4 * 20 * 2 * 3 * 10 * 11  # batch T layers gates H (H+1)
    assert RunConfig(cell="lstm", hidden=10).step_work == 4 * RunConfig(hidden=10).step_work
    assert not too_heavy(RunConfig())  # the defaults always train live
    assert too_heavy(RunConfig(cell="lstm", hidden=256, seq_len=500, batch=1024, layers=3))
    monkeypatch.setenv("RNN_EXPLORER_MAX_WORK", "100")
    assert too_heavy(RunConfig())
    assert not too_heavy(RunConfig(), limit=10**9)

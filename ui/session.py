"""The session's one live run, kept in st.session_state, and the controls acting on it."""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from explorer.config import RunConfig
from explorer.runs import folders as runs
from explorer.runs.executor import ADDRESS_ENV, Executor, ExecutorError, ExecutorKind
from explorer.runs.scheduler import GATE, default_max_work, too_heavy
from explorer.runs.slots import SHARED, SLOTS
from explorer.runs.states import FINISHED, RunState, Snapshot
from explorer.runs.sweep import MAX_SWEEP
from explorer.runs.variants import MAX_VARIANTS, Variant, comparison_key
from explorer.tasks.registry import LOADS_PANDAS
from ui import janitor, plot, widget_state

if TYPE_CHECKING:  # torch and the training code load after the first page (warm_up)
    from explorer.runs.compare import Comparison
    from explorer.runs.live import LiveRun

RUN_KEY = "live_run"
RENDER_OWNER_KEY = "render_owner"
TOO_HEAVY_KEY = "too_heavy"
GUARD_KEY = "live_run_guard"
COMPARISON_KEY = "comparison"
COMPARISON_GUARD_KEY = "comparison_guard"
COMPARISON_OWNER_KEY = "comparison_started_here"
START_ERROR_KEY = "comparison_start_error"  # why Run could not start, shown on the page
MOVED_KEY = (
    "moved_from_process"  # see moved_from_another_process  # False: this page joined another's race
)
OPEN_PENDING_KEY = "open_pending"  # set by a callback; the page then switches to Train
POLL_SECONDS = 0.25  # 4 redraws a second while a run trains
QUEUED_POLL_SECONDS = 3.0  # a queued run only shows its place in line
# s: at most this long a Train click waits for the new run's first step (a few ms once
# torch is loaded), so the redraw it triggers draws that step instead of the next poll
FIRST_STEP_WAIT = 0.5
WARM_UP_DELAY = 0.0  # s after the first page (tests hold it back: WARM_UP_DELAY_ENV)
WARM_UP_DELAY_ENV = "RNN_EXPLORER_WARM_UP_DELAY"
WARM_UP_SWITCH_SECONDS = 0.0005  # the GIL's switch interval while warming up (default 5 ms)
WARM_UP_NICE = 19  # the warm-up thread's nice value: the pages' threads get the cores first


_WARM_UP_LOCK = threading.Lock()
_WARM_UP: list[threading.Thread] = []  # the process's one warm-up thread, once started


def warm_up_in_background() -> threading.Thread:
    """Once per server process, after its first page (or at its start, for a process of
    `explorer serve`: ui/serve_process.py): import torch and the training code and pay
    torch's one-off costs (~1.2 s here; torch.optim's classes, which would add
    torch._dynamo's 1.0 s, are not used), so that Train answers at once. It runs beside
    the first pages without slowing them: at the lowest CPU priority, with torch's
    libraries loaded outside the GIL (explorer/engine/preload.py)."""
    with _WARM_UP_LOCK:
        if not _WARM_UP:
            thread = threading.Thread(target=warm_up, daemon=True, name="warm-up")
            thread.start()
            _WARM_UP.append(thread)
        return _WARM_UP[0]


def warm_up() -> None:
    time.sleep(warm_up_delay())
    interval = sys.getswitchinterval()
    sys.setswitchinterval(WARM_UP_SWITCH_SECONDS)  # the server's threads get turns sooner
    try:
        # A thread inherits its creator's nice value, and importing numpy's kin starts
        # BLAS workers (scipy's, by sklearn) and pandas a jemalloc thread that later pages
        # compute with: only torch's part, which leaves no thread behind, runs niced.
        torch_part = threading.Thread(target=warm_up_torch, daemon=True, name="warm-up-torch")
        torch_part.start()
        torch_part.join()
        plot.import_pandas()  # the data tasks', Learn's and Compare's (~0.3 s)
        import sklearn.decomposition  # noqa: F401  (the Hidden states page's PCA, ~0.7 s)
    finally:
        sys.setswitchinterval(interval)


def warm_up_torch() -> None:
    """What a Train pressed now waits for, at the lowest priority: the first page is
    still being drawn, by this server's other threads and by the browser."""
    lower_thread_priority(WARM_UP_NICE)
    engine(pandas=False)
    from explorer.engine.training import warm_up as train_a_little

    train_a_little()


def lower_thread_priority(nice: int) -> bool:
    """Give the calling thread (alone: on Linux a thread is its own task) this nice value,
    so that when the cores are busy it runs only in what the others leave. It can only be
    lowered, never raised back without privileges: the warm-up thread ends after its work.
    False where the system has no per-thread priority."""
    if not sys.platform.startswith("linux"):  # elsewhere PRIO_PROCESS means the process
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(nice, os.getpriority(os.PRIO_PROCESS, tid)))
    except (AttributeError, OSError):  # not Linux, or not allowed
        return False
    return True


def warm_up_delay(environ: Mapping[str, str] | None = None) -> float:
    """Seconds the warm-up waits before it starts: $RNN_EXPLORER_WARM_UP_DELAY, else
    WARM_UP_DELAY (tests set it high to see what a first page imports by itself)."""
    value = (os.environ if environ is None else environ).get(WARM_UP_DELAY_ENV, "")
    try:
        return max(0.0, float(value)) if value else WARM_UP_DELAY
    except ValueError:
        return WARM_UP_DELAY


def engine(config: RunConfig | None = None, pandas: bool = True) -> None:
    """Import what training needs (torch, the models, the live run): the first Train of a
    server that has not warmed up yet waits here, once. pandas too (first, where no chart
    is being built) when `pandas` is set and the run's task, if given, loads it."""
    if pandas and (config is None or config.task in LOADS_PANDAS):
        plot.import_pandas()
    if "torch" not in sys.modules:
        from explorer.engine.preload import preload_torch

        preload_torch()  # the slow part of `import torch`, with the GIL released
    import torch

    import explorer.runs.compare
    import explorer.runs.live  # noqa: F401

    torch.set_num_threads(1)  # one core per training thread; sessions share the machine


class _SessionGuard:
    """Lives exactly as long as the session's state."""


def render_turn() -> AbstractContextManager[None]:
    """An urgent turn at the server's compute gate for drawing this session's live charts.
    Ten sessions drawing at once convoy on the GIL (each thread waits for it again after
    every lock or hash, and a 30 ms redraw took seconds); taking turns keeps every redraw
    short, and redraws go before training steps up to a share of the time."""
    owner = st.session_state.setdefault(RENDER_OWNER_KEY, _SessionGuard())
    return GATE.turn(owner, urgent=True)


def current_run() -> LiveRun | None:
    return st.session_state.get(RUN_KEY)


def snapshot() -> Snapshot | None:
    run = current_run()
    return run.snapshot() if run is not None else None


def shown(lesson: str | None = None) -> Snapshot | None:
    """What the run pages draw: the session's run once it has started, else a recorded
    example (the lesson's own, when a lesson is open), which Train replaces."""
    snap = snapshot()
    if snap is not None and (snap.state is not RunState.IDLE or snap.history.steps):
        return snap
    from explorer.runs.examples import example_name, example_snapshot

    try:
        return example_snapshot(example_name(lesson))
    except (OSError, ValueError, KeyError):  # a checkout without the examples: as before
        return snap


def runs_root() -> Path:
    """The runs directory: `streamlit run app.py -- --runs-dir DIR`, else
    $RNN_EXPLORER_RUNS, else ./runs. Read on every call, so a test can point it away."""
    return runs.runs_dir(runs.flag_from_argv(sys.argv[1:]))


def replace_run(config: RunConfig) -> LiveRun:
    """A new idle run for config; the old one's thread is told to stop."""
    engine(config)
    from explorer.runs.live import LiveRun

    return _install(LiveRun(config, runs_dir=runs_root()))


def _install(run: LiveRun) -> LiveRun:
    old = current_run()
    if old is not None:
        old.stop("Replaced by a new run.")
    st.session_state[RUN_KEY] = run
    janitor.adopt(run)
    # When Streamlit drops the session, its state goes and the guard with it: stop the
    # thread then (the heartbeat in LiveRun catches what this misses).
    guard = _SessionGuard()
    weakref.finalize(guard, run.stop, "Session ended.")
    st.session_state[GUARD_KEY] = guard
    return run


# -- button callbacks: they run before the script, so the page redraws in the new state --
def _run_for(config: RunConfig) -> LiveRun | None:
    """The current run, or a new one when there is none, it has finished, or it never
    started and the settings have changed since."""
    run = current_run()
    state = run.snapshot().state if run is not None else None
    if run is None or state in FINISHED or (state is RunState.IDLE and run.config != config):
        if too_heavy(config):  # the page says why (too_heavy_message)
            st.session_state[TOO_HEAVY_KEY] = config
            return None
        run = replace_run(config)
    return run


def max_work() -> int:
    return default_max_work()


def too_heavy_message() -> RunConfig | None:
    """The settings a Train or Step click just refused as too heavy for a live run."""
    return st.session_state.pop(TOO_HEAVY_KEY, None)


def train(config: RunConfig) -> None:
    if (run := _run_for(config)) is not None:
        fresh = not run.snapshot().history.steps
        run.start()
        if fresh:  # the page redrawn after this click then shows the first loss point
            run.wait_for(_past_first_step, timeout=FIRST_STEP_WAIT)


def _past_first_step(snap: Snapshot) -> bool:
    """A step is on record, or the run will not take one soon (queued, paused, ended)."""
    return bool(snap.history.steps) or snap.state not in (RunState.STARTING, RunState.RUNNING)


def pause() -> None:
    if (run := current_run()) is not None:
        run.pause()


def step(config: RunConfig) -> None:
    if (run := _run_for(config)) is not None:
        run.step_once()


def stop() -> None:
    if (run := current_run()) is not None:
        run.stop("Stopped by you; the history so far is kept.")


def reset(config: RunConfig) -> None:
    replace_run(config)


def open_finished(folder: Path) -> None:
    """Callback: make a saved run the session's run and set the sidebar to its settings
    (so no "settings changed" warning fires); the page then switches to Train. Widget keys
    may only be set before the widgets are drawn: in a callback, not in the script."""
    engine()
    from explorer.runs.live import LiveRun

    run = _install(LiveRun.from_folder(Path(folder)))
    widget_state.show(run.config)
    st.session_state[OPEN_PENDING_KEY] = True


def open_pending() -> bool:
    """True once after open_finished: the page should switch to Train now."""
    return bool(st.session_state.pop(OPEN_PENDING_KEY, False))


# -- the session's comparison ------------------------------------------------------------
def current_comparison() -> Comparison | None:
    return st.session_state.get(COMPARISON_KEY)


def ray_address() -> str | None:
    """The Ray cluster this server may send work to ($RNN_EXPLORER_RAY_ADDRESS), if any."""
    return os.environ.get(ADDRESS_ENV) or None


def start_comparison(
    base: RunConfig,
    variants: list[Variant],
    knobs: list[str],
    sweep: bool = False,
    on_ray: bool = False,
) -> None:
    """Callback: start a comparison (or a sweep) in a new group folder of the runs
    directory, or join the identical one another page of this server is running (a class
    on one lesson watches one race). Locally it waits for the server's worker slots like
    everyone's; on Ray the cluster schedules it."""
    old = current_comparison()
    if old is not None and old.active:
        return  # the page disables the button; a double click lands here
    st.session_state.pop(START_ERROR_KEY, None)
    executor = Executor(ExecutorKind.RAY, ray_address()) if on_ray else Executor()
    try:
        executor.check()
    except ExecutorError as exc:
        st.session_state[START_ERROR_KEY] = str(exc)
        return
    root = runs_root()

    engine()
    from explorer.runs.compare import Comparison

    def start() -> Comparison:
        kind = "sweep" if sweep else "compare"
        group = runs.unique_folder(root, runs.group_name(base, knobs, kind=kind))
        return Comparison(
            variants,
            group,
            slots=None if on_ray else SLOTS,
            executor=executor,
            max_variants=MAX_SWEEP if sweep else MAX_VARIANTS,
        ).start()

    comparison, started = SHARED.join(comparison_key(variants, root), start)
    st.session_state[COMPARISON_KEY] = comparison
    st.session_state[COMPARISON_OWNER_KEY] = started
    guard = _SessionGuard()  # a closed tab lets go of its race
    weakref.finalize(guard, SHARED.leave, comparison)
    st.session_state[COMPARISON_GUARD_KEY] = guard


def start_error() -> str | None:
    """Why the last Run could not start (Ray not installed, its cluster not answering)."""
    return st.session_state.get(START_ERROR_KEY)


def started_here() -> bool:
    return bool(st.session_state.get(COMPARISON_OWNER_KEY, True))


def cancel_comparison(index: int | None = None) -> None:
    """Cancel (one variant, or all) a race this page started; a page that joined
    another's race cannot cancel it for the others."""
    if (comparison := current_comparison()) is not None and started_here():
        comparison.cancel(index)


def live_interval(snap: Snapshot | None) -> float | None:
    """Fragments poll only while a run trains (or waits in line, more slowly), so an idle
    page costs the server nothing."""
    if snap is None or not snap.active:
        return None
    return QUEUED_POLL_SECONDS if snap.state is RunState.QUEUED else POLL_SECONDS

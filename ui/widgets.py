"""Small page helpers: place a chart with its explanation, show the run's status."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import plotly.graph_objects as go
import streamlit as st

from explorer import figures
from explorer.i18n import TEXTS
from explorer.runs.states import RunState, Snapshot
from ui import classroom, plot, session
from ui.i18n import t

# Plotly's own modebar carries the PNG export; scale 2 gives a crisp projector image.
PLOT_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
MEMO_KEY = "redraw_memo"
LIVE_KEY = "live"  # the live fragment's container: its elements are never faded as stale
METRIC_WIDTH = 160  # px; metrics wrap into rows that fit the screen (a phone: two a row)
PAGE_CSS = """<style>
/* A live redraw replaces charts and numbers in place: Streamlit would fade each one while
   the fragment reruns (to 33% on a busy page), four times a second. */
.st-key-live [data-stale="true"] { opacity: 1 !important; transition: none !important; }
/* Metric labels and values wrap instead of being cut with an ellipsis. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere;
}
</style>"""
KEEP_ALIVE_SECONDS = 5.0
T = TypeVar("T")
STATE_ICONS = {
    "idle": ":material/radio_button_unchecked:",
    "starting": ":material/hourglass_top:",
    "queued": ":material/schedule:",
    "running": ":material/play_circle:",
    "paused": ":material/pause_circle:",
    "completed": ":material/check_circle:",
    "diverged": ":material/error:",
    "stopped": ":material/stop_circle:",
    "error": ":material/report:",
    "example": ":material/history:",
}


def memo(key: str, source: tuple, build: Callable[[], T]) -> T:
    """build(), or what it returned at an earlier redraw of this session while `source`
    holds the same objects and equal plain values: predictions, weights and hidden states
    change twice a second, a live page redraws four times."""
    store = st.session_state.setdefault(MEMO_KEY, {})
    last = store.get(key)
    if last is not None and _same(last[0], source):
        return last[1]
    value = build()
    store[key] = (source, value)
    return value


def page_style() -> None:
    st.html(PAGE_CSS)


def chart_row(n: int) -> list:
    """n charts side by side, or one a row in presenter mode (a projector at 1280x720
    leaves no room for two readable charts)."""
    if classroom.presenter():
        return [st.container() for _ in range(n)]
    return st.columns(n)


def metrics(items: list[tuple[str, str, str | None]]) -> None:
    """(label, value, help) as metrics in rows that wrap to the screen's width, where a
    row of st.columns stacked them one a line on a phone or cut their values."""
    width = int(METRIC_WIDTH * (1.4 if classroom.presenter() else 1))
    with st.container(horizontal=True, gap="medium"):
        for label, value, help_text in items:
            st.metric(label, value, help=help_text, width=width)


def tick(seconds: float) -> int:
    """A number that changes every `seconds`: a memo source for charts that may lag."""
    return int(time.monotonic() / seconds)


def chart(
    fig: go.Figure | Callable[[], go.Figure],
    key: str,
    help_id: str | None = None,
    source: tuple | None = None,
    steps: int | None = None,
) -> None:
    """Place a figure with its explanation. With `source`, `fig` is a builder, memoized
    on source (see memo): building figures and their JSON is most of a redraw's cost.
    steps: the run's length, for a chart over training steps (its x axis ends there)."""

    def styled_json(figure: go.Figure) -> str:
        steady = figures.steady_axes(classroom.style_figure(figure), x_cap=steps)
        return plot.figure_json(steady)

    if source is None:
        spec = styled_json(fig)
    else:
        build = fig
        spec = memo(f"chart:{key}", (*source, classroom.presenter()), lambda: styled_json(build()))
    plot.show(spec, key, PLOT_CONFIG)
    if help_id is not None:
        with st.popover(t("widget.what")):
            st.markdown(t(help_id))


def _same(a: tuple, b: tuple) -> bool:
    plain = (str, int, float, bool, type(None))
    if len(a) != len(b):
        return False
    pairs = zip(a, b, strict=True)
    return all(x is y or (isinstance(x, plain) and type(x) is type(y) and x == y) for x, y in pairs)


def status_line(snap: Snapshot | None) -> None:
    if snap is not None and snap.example is not None:
        example_line(snap)
        return
    if snap is None:
        st.info(f"{STATE_ICONS['idle']} **{t('state.idle')}** · {t('status.idle')}")
        return
    parts = [
        f"{STATE_ICONS.get(snap.state, '')} **{t('state.' + snap.state)}**",
        t("status.step", step=snap.step, total=snap.steps_total),
    ]
    if snap.history.steps:
        parts.append(t("status.speed", rate=f"{snap.steps_per_second:.0f}"))
        parts.append(t("status.loss", loss=f"{snap.loss:.4g}"))
    if snap.val_loss is not None:
        parts.append(t("status.val", val=f"{snap.val_loss:.4g}"))
    line = " · ".join(parts)
    message = state_message(snap)
    if snap.state in (RunState.DIVERGED, RunState.ERROR):
        st.error(f"{line}\n\n{message}")
    elif message:
        st.info(f"{line} — {message}")
    else:
        st.info(line)
    if snap.steps_total:
        st.progress(min(1.0, snap.step / snap.steps_total))


def example_line(snap: Snapshot) -> None:
    """A recorded example is labelled as one, with its settings, and how to replace it."""
    cfg = snap.config
    settings = t(
        "example.settings",
        cell=t(f"choice.cell.{cfg.cell}"),
        task=t(f"choice.task.{cfg.task}"),
        hidden=cfg.hidden,
        T=cfg.seq_len,
        steps=snap.step,
    )
    st.info(
        f"{STATE_ICONS['example']} **{t('state.example')}** · {t('msg.example', settings=settings)}"
    )


def state_message(snap: Snapshot) -> str:
    """Why the run is where it is, in the page's language: its reason's code names the
    words (msg.<code>), the snapshot fills them in."""
    code, values = snap.reason.code, dict(snap.reason.values)
    if code == "diverged":
        values["step"] = snap.step + 1
    elif code == "completed":
        values["steps"] = snap.step
    elif code == "queued":
        values.update(position=snap.queue_position, capacity=snap.queue_capacity)
    elif code == "released":
        values["folder"] = snap.saved_to or "–"
    key = f"msg.{code}"
    return t(key, **values) if key in TEXTS else ""


def live(body, every: float | None = None) -> None:
    """Draw the status line and body(snapshot) in one fragment that redraws 4 times a
    second while the run trains (or every `every` s), and triggers one full rerun when
    the run stops, so the buttons update. One fragment per page: each rerun costs."""
    interval = session.live_interval(session.snapshot())

    @st.fragment(run_every=max(interval, every or 0) if interval else None)
    def _fragment() -> None:
        if session.live_interval(session.snapshot()) != interval:
            # The run stopped (the buttons change), joined or left the queue (it polls at
            # another rate): redraw the whole page once.
            st.rerun()
        lesson = classroom.active()
        current = session.shown(lesson.name if lesson else None)
        with session.render_turn(), plot.BUILDING, st.container(key=LIVE_KEY):
            status_line(current)
            classroom.prompt()
            if classroom.revealed():  # a lesson's question comes before its charts
                body(current)

    _fragment()


def keep_alive() -> None:
    """On a page without live charts, tell a training run every few seconds that its tab
    is still open: a run nobody polls pauses (explorer.runs.live.IDLE_TIMEOUT)."""
    snap = session.snapshot()
    if snap is None or not snap.active:
        return

    @st.fragment(run_every=KEEP_ALIVE_SECONDS)
    def _heartbeat() -> None:
        session.snapshot()

    _heartbeat()

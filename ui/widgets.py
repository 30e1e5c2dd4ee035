"""Small page helpers: place a chart with its explanation, show the run's status."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from explorer.live import Snapshot
from ui import classroom, session
from ui.i18n import t

# Plotly's own modebar carries the PNG export; scale 2 gives a crisp projector image.
PLOT_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
STATE_ICONS = {
    "idle": ":material/radio_button_unchecked:",
    "starting": ":material/hourglass_top:",
    "running": ":material/play_circle:",
    "paused": ":material/pause_circle:",
    "completed": ":material/check_circle:",
    "diverged": ":material/error:",
    "stopped": ":material/stop_circle:",
    "error": ":material/report:",
}


def chart(fig: go.Figure, key: str, help_id: str | None = None) -> None:
    st.plotly_chart(classroom.style_figure(fig), key=key, config=PLOT_CONFIG, width="stretch")
    if help_id is not None:
        with st.popover(t("widget.what")):
            st.markdown(t(help_id))


def status_line(snap: Snapshot | None) -> None:
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
    if snap.state in ("diverged", "error"):
        st.error(f"{line}\n\n{message}")
    elif message:
        st.info(f"{line} — {message}")
    else:
        st.info(line)
    if snap.steps_total:
        st.progress(min(1.0, snap.step / snap.steps_total))


def state_message(snap: Snapshot) -> str:
    """The run's message in the page's language (the trainer writes English for logs)."""
    if snap.state == "diverged":
        return t("msg.diverged", step=snap.step + 1)
    if snap.state == "error":
        return t("msg.error", detail=snap.message.removeprefix("Training failed: "))
    if snap.state == "completed":
        return t("msg.completed", steps=snap.step)
    if snap.state in ("starting", "paused", "stopped"):
        return t(f"msg.{snap.state}")
    return ""


def live(body, every: float | None = None) -> None:
    """Draw the status line and body(snapshot) in one fragment that redraws 4 times a
    second while the run trains (or every `every` s), and triggers one full rerun when
    the run stops, so the buttons update. One fragment per page: each rerun costs."""
    started_active = (snap := session.snapshot()) is not None and snap.active
    interval = session.live_interval(snap)

    @st.fragment(run_every=max(interval, every or 0) if interval else None)
    def _fragment() -> None:
        current = session.snapshot()
        if started_active and (current is None or not current.active):
            st.rerun()
        status_line(current)
        classroom.prompt()
        if classroom.revealed():  # a lesson's question comes before its charts
            body(current)

    _fragment()

"""A practitioner's own model, watched in their own loop (explorer.watch) and saved as a
run folder: listed on the Compare page, opened on the Gradient flow page with the charts a
recorded run can draw, labelled with where it came from. The app did not train it, so
nothing here trains, steps or resets it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from explorer.runs.folders import is_watched_folder
from ui import plot
from ui.i18n import t

if TYPE_CHECKING:
    from explorer.watch.folder import WatchedRun

WATCHED_KEY = "watched_run"  # the opened watched folder, as a path string
PENDING_KEY = "watched_pending"  # set by Open: the page then switches to Gradient flow
GRADIENT_PAGE = "views/gradient_flow.py"
GRADIENT_URL = "gradient_flow"  # its URL path


@st.cache_resource(max_entries=8, show_spinner=False)
def _load(path: str, mtime: float) -> WatchedRun:
    """Read once per version of the folder (mtime in the key); shared, only ever read."""
    from explorer.watch.folder import load_watched

    return load_watched(Path(path))


def current() -> WatchedRun | None:
    """The watched run this session opened, while its folder can still be read."""
    path = st.session_state.get(WATCHED_KEY)
    if not path:
        return None
    plot.import_pandas()  # the folder reader's, where no chart is being built
    from explorer.runs.readers import BundleError

    try:
        return _load(path, Path(path, "summary.json").stat().st_mtime)
    except (BundleError, OSError) as exc:
        st.session_state.pop(WATCHED_KEY, None)
        st.warning(t("watched.gone", folder=path, reason=exc))
        return None


def folder() -> Path | None:
    path = st.session_state.get(WATCHED_KEY)
    return Path(path) if path else None


def open_watched(path: Path) -> None:
    """Callback: show this watched run on the Gradient flow page."""
    st.session_state[WATCHED_KEY] = str(path)
    st.session_state[PENDING_KEY] = True


def close() -> None:
    """Callback: back to the app's own run."""
    st.session_state.pop(WATCHED_KEY, None)


def open_pending() -> bool:
    return bool(st.session_state.pop(PENDING_KEY, False))


def list_watched(root: Path) -> list[Path]:
    """Watched run folders directly under root and one level down, newest name first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        if not child.is_dir() or child.name.startswith("."):
            continue
        if is_watched_folder(child):
            found.append(child)
        else:
            found += [p for p in child.iterdir() if p.is_dir() and is_watched_folder(p)]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix(), reverse=True)


def section(root: Path) -> None:
    """On the Compare page: the watched runs in the runs directory, each to open."""
    st.header(t("watched.header"))
    found = list_watched(root)
    if not found:
        st.caption(t("watched.none", folder=root))
        return
    names = {p.relative_to(root).as_posix(): p for p in found}
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(t("watched.pick"), list(names), key="watched_pick")
    c2.button(
        t("watched.open"),
        key="watched_open",
        on_click=open_watched,
        args=(names[chosen],),
        width="stretch",
    )


def sidebar_note() -> None:
    """In place of Train while the page shows a watched run: it trains in its owner's loop."""
    st.caption(t("watched.sidebar"))
    st.button(t("watched.close"), key="watched_close_sidebar", on_click=close, width="stretch")


def banner(run: WatchedRun) -> None:
    """Where the run came from, and the way back to the app's own run."""
    meta, history = run.meta, run.history
    schedule = (
        t("watched.every", n=meta["interval"])
        if meta.get("interval")
        else t("watched.budget", budget=f"{100 * float(meta.get('budget') or 0):.0f}")
    )
    module = str(meta.get("module_class", "?"))
    name = module.rsplit(".", 1)[-1]
    cell = t(f"choice.cell.{meta['cell']}")
    st.info(
        t(
            "watched.banner",
            # torch's own class says what it is (nn.LSTM); a subclass also gets the cell
            module=f"nn.{name}" if module.startswith("torch.nn.") else f"{name} ({cell})",
            layers=meta["layers"],
            hidden=meta.get("hidden", "?"),
            probes=len(history.probes),
            steps=history.last_step,
            schedule=schedule,
            created=meta.get("created", "?"),
            folder=folder(),
        ),
        icon=":material/visibility:",
    )
    st.button(t("watched.close"), key="watched_close", on_click=close)

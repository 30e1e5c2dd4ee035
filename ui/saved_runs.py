"""The runs directory on the Compare page: saved runs to overlay on the results, open or
download, and run bundles (zips) to upload into it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.runs import folders as runs
from explorer.runs.entries import Entry, load_entry
from explorer.runs.readers import BundleError
from explorer.runs.table import group_entries
from ui import session
from ui.i18n import t
from ui.uploader import uploader_texts


@st.cache_resource(max_entries=32, show_spinner=False)
def saved_entry(path: str, mtime: float) -> Entry:
    """A saved run read back once per version of its folder (mtime in the key); shared
    between sessions, and only ever read."""
    return load_entry(Path(path))


def overlaid(saved: list) -> list[Entry]:
    """The saved runs chosen to join the results (the ones still on disk)."""
    names = [r.name for r in saved]
    overlay = [n for n in st.session_state.get("cmp_overlay", []) if n in names]
    st.session_state["cmp_overlay"] = overlay
    entries = []
    for name in overlay:
        run = next(r for r in saved if r.name == name)
        try:
            entries.append(saved_entry(str(run.path), run.path.stat().st_mtime))
        except (BundleError, OSError) as exc:
            st.warning(t("cmp.no_overlay", name=name, reason=exc))
    return entries


def saved_section(saved: list, root: Path) -> None:
    """The saved runs: to overlay, open or download."""
    st.header(t("cmp.saved"))
    st.caption(t("cmp.saved_where", folder=root))
    if not saved:
        st.info(t("cmp.no_saved", folder=root))
        return
    names = [r.name for r in saved]
    st.dataframe(
        runs.runs_frame(saved),
        key="cmp_saved",
        hide_index=True,
        width="stretch",
        column_config={
            "name": t("col.name"),
            "task": t("label.task"),
            "cell": t("label.cell"),
            "settings": t("col.settings"),
            "steps": t("label.steps"),
            "final val loss": st.column_config.NumberColumn(t("col.final_val_loss"), format="%.4g"),
            "status": t("col.status"),
            "date": t("col.date"),
        },
    )
    st.multiselect(t("cmp.overlay"), names, key="cmp_overlay", help=t("cmp.overlay_help"))
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(t("cmp.saved_run"), names, key="cmp_saved_pick")
    folder = runs.resolve(root, chosen)
    c2.button(
        t("cmp.open"),
        key="cmp_saved_open",
        on_click=session.open_finished,
        args=(folder,),
        width="stretch",
    )
    c3.download_button(
        t("cmp.download"),
        data=lambda: zipped(folder),
        key="cmp_saved_download",
        file_name=f"{folder.name}.zip",
        mime="application/zip",
        on_click="ignore",
        width="stretch",
    )


def zipped(folder: Path) -> bytes:
    """The run as a zip, made when the button is pressed: the bundle code loads torch,
    which a lesson link opening on this page does not wait for."""
    from explorer.runs.zipped import zip_run

    return zip_run(folder)


def upload_section(root: Path) -> None:
    st.file_uploader(
        t("cmp.upload"),
        type=["zip"],
        key="cmp_upload",
        on_change=upload_changed,
        args=(root,),
        help=t("cmp.upload_help"),
    )
    uploader_texts("cmp_upload", f"{st.get_option('server.maxUploadSize')} MB", ["zip"])
    if (result := st.session_state.pop("cmp_upload_result", None)) is not None:
        kind, message = result
        (st.error if kind == "error" else st.success)(message)


def upload_changed(root: Path) -> None:
    """Callback: validate an uploaded bundle and keep it in the runs directory."""
    upload = st.session_state.get("cmp_upload")
    if upload is None:
        return
    try:
        folder = runs.import_zip(upload.getvalue(), root)
    except BundleError as exc:
        st.session_state["cmp_upload_result"] = (
            "error",
            t("cmp.refused", name=upload.name, reason=exc),
        )
        return
    except OSError as exc:
        st.session_state["cmp_upload_result"] = ("error", t("cmp.not_kept", reason=exc))
        return
    name = folder.name  # uploads sit at the top of the runs directory
    st.session_state["cmp_upload_result"] = (
        "success",
        t("cmp.added", name=upload.name, folder=name),
    )
    st.session_state["cmp_overlay"] = [*st.session_state.get("cmp_overlay", []), name]


# -- a race lesson's recorded result ------------------------------------------------------
def example_race(lesson: str | None) -> list[Entry]:
    """The lesson's race as recorded (explorer/data/examples), labelled, until the class
    runs its own; none for other lessons."""
    from explorer.runs.examples import example_race as race_folder

    folder = race_folder(lesson)
    if folder is None:
        return []
    st.info(t("cmp.example"), icon=":material/history:")
    return _group(str(folder), folder.stat().st_mtime)


# -- a comparison's or a sweep's folder, shown whole -------------------------------------
GROUP_KEY = "cmp_group"  # the group folder whose results are shown (its name)


@st.cache_resource(max_entries=4, show_spinner=False)
def _group(path: str, mtime: float) -> list[Entry]:
    """A group's runs read once per version of the folder (mtime in the key); shared
    between sessions, and only ever read."""
    return group_entries(Path(path))


def group_shown(root: Path) -> list[Entry]:
    """The runs of the group chosen below (a sweep made here or on a cluster)."""
    name = st.session_state.get(GROUP_KEY)
    if not name:
        return []
    folder = {g.name: g for g in runs.list_groups(root)}.get(name)  # listed names only
    if folder is None:
        st.session_state.pop(GROUP_KEY, None)
        return []
    st.caption(t("cmp.showing", folder=folder))
    return _group(str(folder), folder.stat().st_mtime)


def groups_section(root: Path) -> None:
    """Pick a comparison's or a sweep's folder in the runs directory and show its runs
    as the results: a sweep copied from a cluster opens like one made here."""
    groups = [g.name for g in runs.list_groups(root)]
    if not groups:
        return
    st.header(t("cmp.groups"))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(
        t("cmp.groups"), groups, key="cmp_group_pick", label_visibility="collapsed"
    )
    c2.button(
        t("cmp.show_group"),
        key="cmp_group_show",
        on_click=lambda: st.session_state.update({GROUP_KEY: chosen}),
        width="stretch",
    )

"""Compare: variants of the sidebar's run trained in parallel, their results side by side,
and the runs directory (saved runs to overlay, open, download; bundles to upload)."""

from __future__ import annotations

import math
from pathlib import Path

import streamlit as st

from explorer.config import ConfigError, RunConfig
from explorer.figures import compare as compare_figures
from explorer.i18n import TEXTS, text
from explorer.runs import folders as runs
from explorer.runs.bundle import BundleError
from explorer.runs.compare import Comparison
from explorer.runs.entries import Entry, load_entry
from explorer.runs.slots import SHARED
from explorer.runs.table import default_target, results_table, shared_baseline, varied_fields
from explorer.runs.variants import (
    KNOBS,
    CompareError,
    format_value,
    knob_values,
    make_variants,
    suggested_values,
)
from explorer.runs.zipped import zip_run
from ui import classroom, i18n, session, widgets
from ui.i18n import t
from ui.task_widgets import field_label, uploader_texts

POLL_SECONDS = 0.5
LANG = i18n.lang()  # bound now: AppTest calls format functions outside a script run
NO_KNOB = "none"

if session.open_pending():  # an "Open" callback put a run into the session
    st.switch_page("views/train.py")

st.title(t("page.compare"))
st.markdown(t("intro.compare"))
base: RunConfig = st.session_state.get("config", RunConfig())
root = session.runs_root()


def knob_label(knob: str) -> str:
    return text("cmp.none", LANG) if knob == NO_KNOB else text(f"label.{knob}", LANG)


def values_widget(knob: str, slot: str) -> list[str]:
    """A multiselect for a choice knob, comma-separated text for a number. The key names
    the knob, so switching knobs starts from that knob's suggestions."""
    choices = knob_values(knob)
    key = f"cmp_values{slot}_{knob}"
    if choices is not None:
        return st.multiselect(
            t("cmp.values"), choices, default=suggested_values(knob, base), key=key
        )
    raw = st.text_input(t("cmp.values_text"), ", ".join(suggested_values(knob, base)), key=key)
    return [v.strip() for v in raw.split(",") if v.strip()]


# -- 1. the variants -----------------------------------------------------------------------
st.header(t("cmp.variants"))
changed = RunConfig().diff(base)
st.caption(
    t(
        "cmp.base",
        task=text(f"choice.task.{base.task}", LANG)
        if f"choice.task.{base.task}" in TEXTS
        else base.task,
        cell=text(f"choice.cell.{base.cell}", LANG),
        steps=base.steps,
        seed=base.seed,
    )
    + (t("cmp.changed", fields=", ".join(field_label(f) for f in changed)) if changed else "")
)
c1, c2 = st.columns(2)
with c1:
    knob1 = st.selectbox(
        t("cmp.vary"), KNOBS, format_func=knob_label, key=i18n.translated("cmp_knob1")
    )
    values1 = values_widget(knob1, "1")
with c2:
    others = [NO_KNOB, *(k for k in KNOBS if k != knob1)]
    knob2 = st.selectbox(
        t("cmp.and"), others, format_func=knob_label, key=i18n.translated("cmp_knob2")
    )
    values2 = values_widget(knob2, "2") if knob2 != NO_KNOB else []

vary = {knob1: values1, **({knob2: values2} if knob2 != NO_KNOB else {})}
variants, problem = [], None
try:
    variants = make_variants(base, vary)
except (CompareError, ConfigError) as exc:
    problem = str(exc)
comparison: Comparison | None = session.current_comparison()
running = comparison is not None and comparison.active
if problem:
    st.error(problem, icon=":material/block:")
else:
    st.caption(t("cmp.n_variants", n=len(variants)) + " · ".join(v.name for v in variants))
st.button(
    t("cmp.run_n", n=len(variants)) if variants else t("cmp.run"),
    key="cmp_run",
    type="primary",
    disabled=bool(problem) or running,
    on_click=session.start_comparison,
    args=(base, variants, list(vary)),
    help=t("cmp.run_help_busy") if running else t("cmp.run_help"),
)

# -- 2. progress -----------------------------------------------------------------------------
if comparison is not None:
    st.header(t("cmp.progress"))
    started_active = comparison.active
    finished_before = sum(s.finished for s in comparison.states())

    owner = session.started_here()

    @st.fragment(run_every=POLL_SECONDS if started_active else None)
    def progress() -> None:
        states = comparison.states()
        finished = sum(s.finished for s in states)
        if started_active and (not comparison.active or finished != finished_before):
            st.rerun()  # a variant ended: redraw the results below
        if (position := comparison.position()) is not None:
            st.info(
                t("cmp.waiting", position=position, capacity=comparison.slots.capacity),
                icon=":material/schedule:",
            )
        if not owner:
            st.info(t("cmp.shared", n=SHARED.watchers(comparison)), icon=":material/groups:")
        for s in states:
            left, right = st.columns([6, 1], vertical_alignment="bottom")
            val = (
                " · " + t("status.val", val=f"{s.val_loss:.4g}")
                if math.isfinite(s.val_loss)
                else ""
            )
            state = t(f"state.{s.state}") if f"state.{s.state}" in TEXTS else s.state
            step = t("status.step", step=s.step, total=s.config.steps)
            left.progress(s.fraction, text=f"**{s.name}** · {state} · {step}{val}")
            right.button(
                t("cmp.cancel"),
                key=f"cmp_cancel_{s.index}",
                disabled=s.finished or not owner,
                on_click=session.cancel_comparison,
                args=(s.index,),
                width="stretch",
            )
            if s.state in ("error", "diverged"):
                st.error(f"{s.name}: {s.message}")
        took = t(
            "cmp.took" if not comparison.active else "cmp.running_for",
            seconds=f"{comparison.wall_seconds or 0:.0f}",
        )
        if comparison.active and (left := comparison.seconds_left()) is not None:
            took += " · " + t("cmp.left", seconds=f"{left:.0f}")
        st.caption(
            t("cmp.workers", n=comparison.workers)
            + f" · {took} · "
            + t("cmp.saved_under", folder=comparison.out_dir)
        )
        st.button(
            t("cmp.cancel_all"),
            key="cmp_cancel_all",
            disabled=not comparison.active or not owner,
            on_click=session.cancel_comparison,
        )

    progress()


# -- the runs directory, read before the results: the saved runs chosen join them ----------
@st.cache_resource(max_entries=32, show_spinner=False)
def saved_entry(path: str, mtime: float) -> Entry:
    """A saved run read back once per version of its folder (mtime in the key); shared
    between sessions, and only ever read."""
    return load_entry(Path(path))


def upload_changed() -> None:
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


saved = runs.list_runs(root)
names = [r.name for r in saved]
overlay = [n for n in st.session_state.get("cmp_overlay", []) if n in names]
st.session_state["cmp_overlay"] = overlay

# -- 3. results ------------------------------------------------------------------------------
entries: list[Entry] = comparison.results() if comparison is not None else []
for name in overlay:
    run = next(r for r in saved if r.name == name)
    try:
        entries.append(saved_entry(str(run.path), run.path.stat().st_mtime))
    except (BundleError, OSError) as exc:
        st.warning(t("cmp.no_overlay", name=name, reason=exc))

st.header(t("cmp.results"))
classroom.prompt()
if not classroom.revealed():
    pass  # the lesson's question comes first: the results wait for Reveal
elif not entries:
    st.info(t("cmp.no_results"))
else:
    c1, c2 = st.columns([1, 3])
    target = c1.number_input(
        t("cmp.target"),
        min_value=0.0,
        value=default_target(base),
        format="%g",
        key="cmp_target",
        help=t("cmp.target_help"),
    )
    log_y = c2.toggle(t("train.log_loss"), value=True, key="cmp_log")
    table = results_table(entries, target)
    not_reached = t("cmp.not_reached")
    # "Not reached" as infinity: it sorts after every number, and the grid shows a
    # formatted text for it (it would show a missing value as "None").
    table["steps_to_target"] = table["steps_to_target"].fillna(math.inf)
    st.dataframe(
        table.style.format(
            {
                "final_val_loss": "{:.4g}",
                "best_val_loss": "{:.4g}",
                "steps_to_target": lambda v: not_reached if math.isinf(v) else f"{v:.0f}",
                "steps_per_second": "{:.0f}",
                "clipped_fraction": "{:.0%}",
                "reach_first": "{:.0f}",
                "reach": "{:.0f}",
            },
            na_rep="–",
        ),
        key="cmp_table",
        hide_index=True,
        width="stretch",
        column_config={
            "variant": t("col.variant"),
            "final_val_loss": t("col.final_val_loss"),
            "best_val_loss": t("col.best_val_loss"),
            "steps_to_target": t("col.steps_to_target", target=format_value(target)),
            "steps_per_second": t("col.steps_per_second"),
            "clipped_fraction": t("col.clipped"),
            "reach_first": t("col.reach_first"),
            "reach": t("col.reach"),
            **{k: field_label(k) for k in varied_fields(entries)},
            "status": t("col.status"),
            "folder": t("col.folder"),
        },
    )
    with st.popover(t("widget.what")):
        st.markdown(t("chart.compare_table"))
    st.markdown(t("cmp.open_hint"))
    opens = [e for e in entries if e.folder is not None]
    for row in range(0, len(opens), 4):
        cols = st.columns(4)
        for col, (n, e) in zip(cols, enumerate(opens[row : row + 4], start=row), strict=False):
            col.button(
                t("cmp.open_run", name=e.label),
                key=f"cmp_open_{n}",
                on_click=session.open_finished,
                args=(e.folder,),
                width="stretch",
            )
    widgets.chart(
        compare_figures.loss_overlay_figure(
            entries, log_y, lang=LANG, baseline=shared_baseline(entries)
        ),
        "cmp_loss",
        "chart.compare_loss",
    )
    widgets.chart(
        compare_figures.heatmap_grid_figure(entries, lang=LANG),
        "cmp_heatmaps",
        "chart.compare_heatmaps",
    )
    widgets.chart(
        compare_figures.reach_figure(entries, lang=LANG), "cmp_reach", "chart.compare_reach"
    )

# -- 4. the runs directory ---------------------------------------------------------------
st.header(t("cmp.saved"))
st.caption(t("cmp.saved_where", folder=root))
if saved:
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
    st.multiselect(
        t("cmp.overlay"),
        names,
        key="cmp_overlay",
        help=t("cmp.overlay_help"),
    )
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
        data=lambda: zip_run(folder),
        key="cmp_saved_download",
        file_name=f"{folder.name}.zip",
        mime="application/zip",
        on_click="ignore",
        width="stretch",
    )
else:
    st.info(t("cmp.no_saved", folder=root))

st.file_uploader(
    t("cmp.upload"),
    type=["zip"],
    key="cmp_upload",
    on_change=upload_changed,
    help=t("cmp.upload_help"),
)
uploader_texts("cmp_upload", f"{st.get_option('server.maxUploadSize')} MB", ["zip"])
if (result := st.session_state.pop("cmp_upload_result", None)) is not None:
    kind, message = result
    (st.error if kind == "error" else st.success)(message)

widgets.keep_alive()  # a run training meanwhile goes on: this page does not poll it

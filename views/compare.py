"""Compare: variants of the sidebar's run trained in parallel, their results side by side,
and the runs directory (saved runs to overlay, open, download; bundles to upload)."""

from __future__ import annotations

import math
from pathlib import Path

import streamlit as st

from explorer import compare_figures, runs
from explorer.bundle import BundleError, zip_run
from explorer.compare import (
    KNOBS,
    CompareError,
    Comparison,
    Entry,
    default_target,
    format_value,
    knob_values,
    load_entry,
    make_variants,
    results_table,
    suggested_values,
)
from explorer.config import ConfigError, RunConfig, field_spec
from explorer.texts import text
from ui import classroom, session, widgets

POLL_SECONDS = 0.5
NO_KNOB = "none"

if session.open_pending():  # an "Open" callback put a run into the session
    st.switch_page("views/train.py")

st.title("Compare")
st.markdown(text("intro.compare"))
base: RunConfig = st.session_state.get("config", RunConfig())
root = session.runs_root()


def knob_label(knob: str) -> str:
    return "— none —" if knob == NO_KNOB else f"{knob} ({field_spec(knob).metadata['help']})"


def values_widget(knob: str, slot: str) -> list[str]:
    """A multiselect for a choice knob, comma-separated text for a number. The key names
    the knob, so switching knobs starts from that knob's suggestions."""
    choices = knob_values(knob)
    key = f"cmp_values{slot}_{knob}"
    if choices is not None:
        return st.multiselect("Values", choices, default=suggested_values(knob, base), key=key)
    raw = st.text_input(
        "Values (comma-separated)", ", ".join(suggested_values(knob, base)), key=key
    )
    return [v.strip() for v in raw.split(",") if v.strip()]


# -- 1. the variants -----------------------------------------------------------------------
st.header("Variants")
changed = RunConfig().diff(base)
st.caption(
    f"Starting from the sidebar's settings: task **{base.task}**, cell **{base.cell}**, "
    f"{base.steps} steps, seed {base.seed}"
    + (f"; changed from the defaults: {', '.join(changed)}." if changed else ".")
)
c1, c2 = st.columns(2)
with c1:
    knob1 = st.selectbox("Vary", KNOBS, format_func=knob_label, key="cmp_knob1")
    values1 = values_widget(knob1, "1")
with c2:
    others = [NO_KNOB, *(k for k in KNOBS if k != knob1)]
    knob2 = st.selectbox("and (optional)", others, format_func=knob_label, key="cmp_knob2")
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
    st.caption(f"{len(variants)} variants: " + " · ".join(v.name for v in variants))
st.button(
    f"Run {len(variants)} variants" if variants else "Run",
    key="cmp_run",
    type="primary",
    disabled=bool(problem) or running,
    on_click=session.start_comparison,
    args=(base, variants, list(vary)),
    help="In parallel, one core each; a comparison that is running must end first."
    if running
    else "In parallel, one core each.",
)

# -- 2. progress -----------------------------------------------------------------------------
if comparison is not None:
    st.header("Progress")
    started_active = comparison.active
    finished_before = sum(s.finished for s in comparison.states())

    @st.fragment(run_every=POLL_SECONDS if started_active else None)
    def progress() -> None:
        states = comparison.states()
        finished = sum(s.finished for s in states)
        if started_active and (not comparison.active or finished != finished_before):
            st.rerun()  # a variant ended: redraw the results below
        for s in states:
            left, right = st.columns([6, 1], vertical_alignment="bottom")
            val = f" · val {s.val_loss:.4g}" if math.isfinite(s.val_loss) else ""
            left.progress(
                s.fraction, text=f"**{s.name}** · {s.state} · step {s.step}/{s.config.steps}{val}"
            )
            right.button(
                "Cancel",
                key=f"cmp_cancel_{s.index}",
                disabled=s.finished,
                on_click=session.cancel_comparison,
                args=(s.index,),
                width="stretch",
            )
            if s.state in ("error", "diverged"):
                st.error(f"{s.name}: {s.message}")
        took = "took" if not comparison.active else "running for"
        st.caption(
            f"{comparison.workers} worker processes · {took} {comparison.wall_seconds or 0:.0f} s"
            f" · saved under {comparison.out_dir}"
        )
        st.button(
            "Cancel all",
            key="cmp_cancel_all",
            disabled=not comparison.active,
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
        st.session_state["cmp_upload_result"] = ("error", f"Refused {upload.name}: {exc}")
        return
    except OSError as exc:
        st.session_state["cmp_upload_result"] = ("error", f"Could not keep it: {exc}")
        return
    name = folder.name  # uploads sit at the top of the runs directory
    st.session_state["cmp_upload_result"] = ("success", f"Added {upload.name} as {name}.")
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
        st.warning(f"Cannot overlay {name}: {exc}")

st.header("Results")
classroom.prompt()
if not classroom.revealed():
    pass  # the lesson's question comes first: the results wait for Reveal
elif not entries:
    st.info("Run a comparison, or pick saved runs to overlay below, to see results here.")
else:
    c1, c2 = st.columns([1, 3])
    target = c1.number_input(
        "Target validation loss",
        min_value=0.0,
        value=default_target(base),
        format="%g",
        key="cmp_target",
        help="Steps to target: the first validation step at or below this loss. "
        "The default is a tenth of the trivial baseline.",
    )
    log_y = c2.toggle("Log-scale loss", value=True, key="cmp_log")
    table = results_table(entries, target)
    # "Not reached" as infinity: it sorts after every number, and the grid shows a
    # formatted text for it (it would show a missing value as "None").
    table["steps_to_target"] = table["steps_to_target"].fillna(math.inf)
    st.dataframe(
        table.style.format(
            {
                "final_val_loss": "{:.4g}",
                "best_val_loss": "{:.4g}",
                "steps_to_target": lambda v: "not reached" if math.isinf(v) else f"{v:.0f}",
                "steps_per_second": "{:.0f}",
                "clipped_fraction": "{:.0%}",
                "horizon": "{:.0f}",
            },
            na_rep="–",
        ),
        key="cmp_table",
        hide_index=True,
        width="stretch",
        column_config={
            "final_val_loss": "final val loss",
            "best_val_loss": "best val loss",
            "steps_to_target": f"steps to val ≤ {format_value(target)}",
            "steps_per_second": "steps/s",
            "clipped_fraction": "clipped",
            "horizon": "horizon t",
            "folder": "run folder",
        },
    )
    with st.popover("What am I seeing?"):
        st.markdown(text("chart.compare_table"))
    st.markdown("**Open a run in the single-run pages** (Train, Gradient flow, ...):")
    opens = [e for e in entries if e.folder is not None]
    for row in range(0, len(opens), 4):
        cols = st.columns(4)
        for col, (n, e) in zip(cols, enumerate(opens[row : row + 4], start=row), strict=False):
            col.button(
                f"Open {e.label}",
                key=f"cmp_open_{n}",
                on_click=session.open_finished,
                args=(e.folder,),
                width="stretch",
            )
    widgets.chart(
        compare_figures.loss_overlay_figure(entries, log_y), "cmp_loss", "chart.compare_loss"
    )
    widgets.chart(
        compare_figures.heatmap_grid_figure(entries), "cmp_heatmaps", "chart.compare_heatmaps"
    )
    widgets.chart(compare_figures.reach_figure(entries), "cmp_reach", "chart.compare_reach")

# -- 4. the runs directory ---------------------------------------------------------------
st.header("Saved runs")
st.caption(f"Every finished run, single or compared, is kept in `{root}`.")
if saved:
    st.dataframe(
        runs.runs_frame(saved),
        key="cmp_saved",
        hide_index=True,
        width="stretch",
        column_config={"final val loss": st.column_config.NumberColumn(format="%.4g")},
    )
    st.multiselect(
        "Overlay saved runs on the results",
        names,
        key="cmp_overlay",
        help="Their loss curves, heatmaps and rows join the comparison's.",
    )
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = c1.selectbox("Saved run", names, key="cmp_saved_pick")
    folder = runs.resolve(root, chosen)
    c2.button(
        "Open",
        key="cmp_saved_open",
        on_click=session.open_finished,
        args=(folder,),
        width="stretch",
    )
    c3.download_button(
        "Download (.zip)",
        data=lambda: zip_run(folder),
        key="cmp_saved_download",
        file_name=f"{folder.name}.zip",
        mime="application/zip",
        on_click="ignore",
        width="stretch",
    )
else:
    st.info(f"No saved runs in `{root}` yet: finish a run on Train, or run a comparison.")

st.file_uploader(
    "Upload a run bundle (.zip, as the Download buttons make)",
    type=["zip"],
    key="cmp_upload",
    on_change=upload_changed,
    help="Checked before anything is kept: size, file names, and weights read with "
    "weights_only=True. It is saved in the runs directory under a new name.",
)
if (result := st.session_state.pop("cmp_upload_result", None)) is not None:
    kind, message = result
    (st.error if kind == "error" else st.success)(message)

"""Compare: variants of the sidebar's run trained in parallel, their results side by side,
and the runs directory (saved runs to overlay, open, download; bundles to upload)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from explorer.config import ConfigError, RunConfig
from explorer.figures import compare as compare_figures
from explorer.i18n import TEXTS, text
from explorer.runs import folders as runs
from explorer.runs.compare import Comparison
from explorer.runs.entries import Entry, VariantState
from explorer.runs.slots import SHARED
from explorer.runs.states import RunState
from explorer.runs.table import default_target, results_table, shared_baseline, varied_fields
from explorer.runs.variants import (
    KNOBS,
    CompareError,
    format_value,
    knob_values,
    make_variants,
    suggested_values,
)
from ui import classroom, i18n, saved_runs, session, sweep_view, watched, widgets
from ui.i18n import t
from ui.task_widgets import field_label

POLL_SECONDS = 0.5
NO_KNOB = "none"


def main() -> None:
    if session.open_pending():  # an "Open" callback put a run into the session
        st.switch_page("views/train.py")
    if watched.open_pending():  # a watched run: its page is Gradient flow
        st.switch_page(watched.GRADIENT_PAGE)
    st.title(t("page.compare"))
    st.markdown(t("intro.compare"))
    lang = i18n.lang()
    base: RunConfig = st.session_state.get("config", RunConfig())
    root = session.runs_root()
    variants_section(base, lang)
    comparison = session.current_comparison()
    if comparison is not None:
        progress_section(comparison)
    saved = runs.list_runs(root)
    if comparison is not None:
        entries = comparison.results()
    elif (lesson := classroom.active()) is not None and classroom.revealed():
        entries = saved_runs.example_race(lesson.name)  # the lesson's recorded race
    else:  # read after Reveal: reading a bundle loads torch, which the question need not
        entries = []
    shown = [*entries, *saved_runs.overlaid(saved), *saved_runs.group_shown(root)]
    results_section(base, shown, lang)
    saved_runs.groups_section(root)
    saved_runs.saved_section(saved, root)
    saved_runs.upload_section(root)
    watched.section(root)  # the user's own models (explorer.watch)
    widgets.keep_alive()  # a run training meanwhile goes on: this page does not poll it


# -- 1. the variants -----------------------------------------------------------------------
def knob_label(knob: str, lang: str) -> str:
    return text("cmp.none", lang) if knob == NO_KNOB else text(f"label.{knob}", lang)


def values_widget(knob: str, slot: str, base: RunConfig) -> list[str]:
    """A multiselect for a choice knob, comma-separated text for a number. The key names
    the knob, so switching knobs starts from that knob's suggestions."""
    choices = knob_values(knob)
    key = f"cmp_values{slot}_{knob}"
    # a lesson sets the values by session state (ui/classroom.py): then no default, which
    # Streamlit would ignore with a warning in the server's log
    suggested = [] if key in st.session_state else suggested_values(knob, base)
    if choices is not None:
        return st.multiselect(t("cmp.values"), choices, default=suggested or None, key=key)
    raw = st.text_input(t("cmp.values_text"), ", ".join(suggested), key=key)
    return [v.strip() for v in raw.split(",") if v.strip()]


def base_caption(base: RunConfig, lang: str) -> str:
    """The run the variants start from, and what differs from the defaults."""
    task_key = f"choice.task.{base.task}"
    changed = RunConfig().diff(base)
    caption = t(
        "cmp.base",
        task=text(task_key, lang) if task_key in TEXTS else base.task,
        cell=text(f"choice.cell.{base.cell}", lang),
        steps=base.steps,
        seed=base.seed,
    )
    if changed:
        caption += t("cmp.changed", fields=", ".join(field_label(f) for f in changed))
    return caption


def variants_section(base: RunConfig, lang: str) -> None:
    """A comparison (one or two knobs and their values) or a sweep (a random search);
    the variants they make; where they train; Run."""
    st.header(t("cmp.variants"))
    st.caption(base_caption(base, lang))
    mode = st.radio(
        t("cmp.mode"),
        ["compare", "sweep"],
        format_func=lambda m: text(f"cmp.mode.{m}", lang),  # lang bound: AppTest calls it
        horizontal=True,
        key=i18n.translated("cmp_mode"),
    )
    if mode == "sweep":
        variants, knobs, problem = sweep_view.sweep_inputs(base)
    else:
        variants, knobs, problem = compare_inputs(base, lang)
    on_ray = sweep_view.where_select(lang)
    comparison = session.current_comparison()
    running = comparison is not None and comparison.active
    if problem:
        st.error(problem, icon=":material/block:")
    else:
        names = " · ".join(v.name for v in variants[: sweep_view.MANY])
        more = " · …" if len(variants) > sweep_view.MANY else ""
        st.caption(t("cmp.n_variants", n=len(variants)) + names + more)
    st.button(
        t("cmp.run_n", n=len(variants)) if variants else t("cmp.run"),
        key="cmp_run",
        type="primary",
        disabled=bool(problem) or running,
        on_click=session.start_comparison,
        args=(base, variants, knobs, mode == "sweep", on_ray),
        help=t("cmp.run_help_busy") if running else t("cmp.run_help"),
    )
    if (error := session.start_error()) is not None:
        st.error(error, icon=":material/cloud_off:")


def compare_inputs(base: RunConfig, lang: str) -> tuple[list, list[str], str | None]:
    """(variants, knobs, problem) of one or two knobs and their values."""
    c1, c2 = st.columns(2)
    with c1:
        knob1 = st.selectbox(
            t("cmp.vary"),
            KNOBS,
            format_func=lambda k: knob_label(k, lang),
            key=i18n.translated("cmp_knob1"),
        )
        values1 = values_widget(knob1, "1", base)
    with c2:
        others = [NO_KNOB, *(k for k in KNOBS if k != knob1)]
        knob2 = st.selectbox(
            t("cmp.and"),
            others,
            format_func=lambda k: knob_label(k, lang),
            key=i18n.translated("cmp_knob2"),
        )
        values2 = values_widget(knob2, "2", base) if knob2 != NO_KNOB else []
    vary = {knob1: values1, **({knob2: values2} if knob2 != NO_KNOB else {})}
    try:
        return make_variants(base, vary), list(vary), None
    except (CompareError, ConfigError) as exc:
        return [], list(vary), str(exc)


# -- 2. progress -----------------------------------------------------------------------------
def progress_section(comparison: Comparison) -> None:
    """Each variant's progress, polled while the comparison runs; a variant that ends
    redraws the whole page, so its results appear below."""
    st.header(t("cmp.progress"))
    started_active = comparison.active
    finished_before = sum(s.finished for s in comparison.states())
    owner = session.started_here()

    @st.fragment(run_every=POLL_SECONDS if started_active else None)
    def progress() -> None:
        states = comparison.states()
        finished = sum(s.finished for s in states)
        many = len(states) > sweep_view.MANY
        ended = not comparison.active or (finished != finished_before and not many)
        if started_active and ended:
            st.rerun()  # a variant (or, with many, the sweep) ended: redraw the results
        if (position := comparison.position()) is not None:
            st.info(
                t("cmp.waiting", position=position, capacity=comparison.slots.capacity),
                icon=":material/schedule:",
            )
        if not owner:
            st.info(t("cmp.shared", n=SHARED.watchers(comparison)), icon=":material/groups:")
        if many:  # hundreds of variants: one bar and a table
            sweep_view.summary_progress(comparison, states)
        else:
            for s in states:
                variant_row(s, owner)
        st.caption(progress_caption(comparison))
        st.button(
            t("cmp.cancel_all"),
            key="cmp_cancel_all",
            disabled=not comparison.active or not owner,
            on_click=session.cancel_comparison,
        )

    progress()


def variant_row(s: VariantState, owner: bool) -> None:
    """A variant's progress bar, state and validation loss, and its Cancel button (for
    the session that started the comparison)."""
    left, right = st.columns([6, 1], vertical_alignment="bottom")
    val = " · " + t("status.val", val=f"{s.val_loss:.4g}") if math.isfinite(s.val_loss) else ""
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
    if s.state in (RunState.ERROR, RunState.DIVERGED):
        st.error(f"{s.name}: {s.message}")


def progress_caption(comparison: Comparison) -> str:
    took = t(
        "cmp.took" if not comparison.active else "cmp.running_for",
        seconds=f"{comparison.wall_seconds or 0:.0f}",
    )
    if comparison.active and (left := comparison.seconds_left()) is not None:
        took += " · " + t("cmp.left", seconds=f"{left:.0f}")
    return (
        t("cmp.workers", n=comparison.workers)
        + f" · {took} · "
        + t("cmp.saved_under", folder=comparison.out_dir)
    )


# -- 3. results: the comparison's and the saved runs chosen to join them ---------------------
def results_section(base: RunConfig, entries: list[Entry], lang: str) -> None:
    st.header(t("cmp.results"))
    classroom.prompt()
    if not classroom.revealed():
        return  # the lesson's question comes first: the results wait for Reveal
    if not entries:
        st.info(t("cmp.no_results"))
        return
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
    table = results_frame(entries, target)
    with st.popover(t("widget.what")):
        st.markdown(t("chart.compare_table"))
    if len(entries) > sweep_view.MANY:  # a curve, a panel, a button each would not scale
        sweep_view.sweep_results(entries, table, lang)
        return
    open_buttons(entries)
    widgets.chart(
        compare_figures.loss_overlay_figure(
            entries, log_y, lang=lang, baseline=shared_baseline(entries)
        ),
        "cmp_loss",
        "chart.compare_loss",
    )
    widgets.chart(
        compare_figures.heatmap_grid_figure(entries, lang=lang),
        "cmp_heatmaps",
        "chart.compare_heatmaps",
    )
    widgets.chart(
        compare_figures.reach_figure(entries, lang=lang), "cmp_reach", "chart.compare_reach"
    )


def results_frame(entries: list[Entry], target: float) -> pd.DataFrame:
    """The results table: a row a run, its columns named in the page's language. Returns
    the numbers it shows (for the sweep's charts)."""
    table = results_table(entries, target)
    shown = table.copy()
    not_reached = t("cmp.not_reached")
    # "Not reached" as infinity: it sorts after every number, and the grid shows a
    # formatted text for it (it would show a missing value as "None").
    shown["steps_to_target"] = shown["steps_to_target"].fillna(math.inf)
    st.dataframe(
        shown.style.format(
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
    return table


def open_buttons(entries: list[Entry]) -> None:
    """Open a finished run on the other pages: four buttons a row."""
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


main()

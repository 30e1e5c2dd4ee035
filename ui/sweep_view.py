"""The Compare page's parts for many variants: a sweep's inputs (a random search),
progress for hundreds of variants as one bar and a table, and results drawn in forms
that scale (parallel coordinates, one knob against the loss, the best variants' curves,
one Open for any variant) where a bar, a curve or a button per run would not."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from explorer.config import ConfigError, RunConfig
from explorer.figures import compare as compare_figures
from explorer.figures import sweep as sweep_figures
from explorer.i18n import TEXTS, text
from explorer.runs.compare import Comparison
from explorer.runs.entries import Entry, VariantState
from explorer.runs.sweep import MAX_SWEEP, parse_range, random_variants
from explorer.runs.table import progress_counts
from explorer.runs.variants import CompareError, Variant
from ui import i18n, session, widgets
from ui.i18n import t

MANY = 12  # more variants than this: one summary bar and a table, not a bar each
BEST = 10  # the best variants whose curves are drawn
SPACE = "lr=1e-4:1e-1:log\nhidden=8:64"  # the space a new sweep starts from


def sweep_inputs(base: RunConfig) -> tuple[list[Variant], list[str], str | None]:
    """(variants, knobs, problem): a random search over the space typed in, a knob a line."""
    c1, c2 = st.columns(2)
    n = c1.number_input(t("cmp.sweep_n"), 2, MAX_SWEEP, 50, key="cmp_sweep_n")
    seed = c2.number_input(
        t("cmp.sweep_seed"), 0, 2**31 - 1, 0, key="cmp_sweep_seed", help=t("cmp.sweep_seed_help")
    )
    text = st.text_area(
        t("cmp.sweep_space"), SPACE, key="cmp_sweep_space", help=t("cmp.sweep_space_help")
    )
    try:
        space = [parse_range(line, base) for line in text.splitlines() if line.strip()]
        return random_variants(base, space, int(n), int(seed)), [r.knob for r in space], None
    except (CompareError, ConfigError) as exc:
        return [], [], str(exc)


def where_select(lang: str) -> bool:
    """True to send the run to Ray: offered only when the server has a cluster set
    ($RNN_EXPLORER_RAY_ADDRESS)."""
    address = session.ray_address()
    if address is None:
        return False
    choice = st.radio(
        t("cmp.where"),
        ["local", "ray"],
        format_func=lambda w: (
            t("cmp.where.local") if w == "local" else t("cmp.where.ray", address=address)
        ),
        horizontal=True,
        key=i18n.translated("cmp_where"),
    )
    return choice == "ray"


def summary_progress(comparison: Comparison, states: Sequence[VariantState]) -> None:
    """One bar for all the variants, and a table of them (sortable, scrollable)."""
    counts = progress_counts(states)
    text = t("cmp.summary", **counts)
    if comparison.active and (left := comparison.seconds_left()) is not None:
        text += " · " + t("cmp.left", seconds=f"{left:.0f}")
    st.progress(counts["done"] / max(counts["total"], 1), text=text)
    frame = pd.DataFrame(
        {
            t("col.variant"): [s.name for s in states],
            t("col.status"): [_state(s) for s in states],
            t("label.steps"): [s.step for s in states],
            t("col.final_val_loss"): [
                s.val_loss if math.isfinite(s.val_loss) else None for s in states
            ],
        }
    )
    st.dataframe(frame, key="cmp_states", hide_index=True, height=240, width="stretch")


def _state(s: VariantState) -> str:
    return t(f"state.{s.state}") if f"state.{s.state}" in TEXTS else str(s.state)


def sweep_results(entries: list[Entry], table: pd.DataFrame, lang: str) -> None:
    """Parallel coordinates of every variant, the loss against one knob coloured by
    another, the best variants' curves, and Open for any of them."""
    knobs = knob_columns(table)
    widgets.chart(
        sweep_figures.parallel_figure(table, knobs, lang), "cmp_parallel", "chart.sweep_parallel"
    )
    if knobs:
        c1, c2 = st.columns(2)
        x = c1.selectbox(
            t("cmp.sweep_x"), knobs, format_func=lambda k: _label(k, lang), key="cmp_sweep_x"
        )
        others = [k for k in knobs if k != x]
        colour = c2.selectbox(
            t("cmp.sweep_colour"),
            [None, *others],
            format_func=lambda k: text("cmp.no_group", lang) if k is None else _label(k, lang),
            key="cmp_sweep_colour",
        )
        widgets.chart(
            sweep_figures.knob_scatter_figure(table, x, colour, lang),
            "cmp_scatter",
            "chart.sweep_scatter",
        )
    best = sweep_figures.best_entries(entries, table, BEST)
    st.subheader(t("cmp.best", n=len(best)))
    widgets.chart(
        compare_figures.loss_overlay_figure(best, True, lang=lang), "cmp_best", "chart.compare_loss"
    )
    open_any(entries)


def knob_columns(table: pd.DataFrame) -> list[str]:
    """The table's knob columns: those between the variant's name and the results."""
    from explorer.runs.table import TABLE_COLUMNS

    return [c for c in table.columns if c != "variant" and c not in TABLE_COLUMNS]


def _label(knob: str, lang: str) -> str:
    """Bound to the page's language: AppTest calls format functions outside a run."""
    return text(f"label.{knob}", lang)


def open_any(entries: list[Entry]) -> None:
    """One Open for any finished variant: a box to pick it, best first."""
    opens = [e for e in entries if e.folder is not None]
    if not opens:
        return
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    index = c1.selectbox(
        t("cmp.open_variant"),
        range(len(opens)),
        format_func=lambda i: opens[i].label,
        key="cmp_open_pick",
    )
    c2.button(
        t("cmp.open"),
        key="cmp_open_any",
        on_click=session.open_finished,
        args=(opens[index].folder,),
        width="stretch",
    )

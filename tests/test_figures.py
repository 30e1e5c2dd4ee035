"""Figures draw exactly the numbers of the history they are given, thinned but not bent."""

from __future__ import annotations

import itertools
import json

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer import figures
from explorer.config import RunConfig
from explorer.engine.analysis import hidden_pca
from explorer.engine.history import History
from explorer.engine.training import Trainer


@pytest.fixture(scope="module")
def trained() -> Trainer:
    trainer = Trainer(
        RunConfig(
            cell="lstm",
            hidden=8,
            seq_len=12,
            batch=8,
            steps=40,
            probe_every=3,
            val_every=4,
            clip="norm",
            clip_value=0.05,
        )
    )
    trainer.run()
    return trainer


def roundtrip(fig):
    """The figure, after checking it serialises as the browser will get it."""
    assert json.loads(fig.to_json())["data"] is not None
    return fig


def test_thin_keeps_the_ends_and_the_budget():
    for n in (0, 1, 5, 600, 601, 10_000):
        idx = figures.thin(n, 600)
        assert len(idx) == min(n, 600) or (n > 600 and len(idx) <= 600)
        if n:
            assert idx[0] == 0 and idx[-1] == n - 1
            assert np.all(np.diff(idx) > 0)


def test_floored_draws_underflow_at_the_floor_and_leaves_gaps_for_nonfinite():
    out = figures.floored(np.array([0.0, 1e-40, 2.0, np.nan, np.inf]))
    assert out[0] == out[1] == figures.FLOOR
    assert out[2] == 2.0
    assert np.isnan(out[3]) and np.isnan(out[4])


def test_loss_figure_shows_every_step_and_the_validation_points(trained):
    h = trained.history
    fig = roundtrip(figures.loss_figure(h, log_y=True, baseline=0.5))
    train, val = fig.data[0], fig.data[1]
    assert list(train.x) == [r.step for r in h.steps]
    assert np.allclose(train.y, [r.loss for r in h.steps])
    assert list(val.x) == h.val_steps and np.allclose(val.y, h.val_losses)
    assert fig.layout.yaxis.type == "log"
    assert any(shape.y0 == 0.5 for shape in fig.layout.shapes)


def test_heatmap_is_log10_of_the_recorded_norms(trained):
    h = trained.history
    fig = roundtrip(figures.heatmap_figure(h, kind="dh"))
    steps = [p.step for p in h.probes]
    expected = np.log10(np.maximum(np.stack([p.dh[-1] for p in h.probes]), figures.FLOOR))
    assert list(fig.data[0].y) == steps
    assert np.allclose(np.asarray(fig.data[0].z, dtype=float), expected)
    cell = roundtrip(figures.heatmap_figure(h, kind="dc"))
    expected_c = np.log10(np.maximum(np.stack([p.dc[-1] for p in h.probes]), figures.FLOOR))
    assert np.allclose(np.asarray(cell.data[0].z, dtype=float), expected_c)


def test_profile_draws_the_latest_and_first_probe_and_marks_the_horizon(trained):
    h = trained.history
    fig = roundtrip(figures.timestep_profile_figure(h))
    first, latest = fig.data
    assert np.allclose(first.y, np.maximum(h.probes[0].dh[-1], figures.FLOOR))
    assert np.allclose(latest.y, np.maximum(h.probes[-1].dh[-1], figures.FLOOR))
    marker = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert marker and marker[0].x0 == h.probes[-1].horizon


def test_clipping_figure_draws_before_after_and_the_threshold(trained):
    h = trained.history
    fig = roundtrip(figures.clipping_figure(h, "norm", 0.05))
    before, after = fig.data
    assert np.allclose(before.y, [r.grad_norm for r in h.steps])
    assert np.allclose(after.y, [r.grad_norm_clipped for r in h.steps])
    assert all(a <= 0.05 * (1 + 1e-5) for a in after.y)
    assert any(s.y0 == 0.05 for s in fig.layout.shapes)
    # on a log axis an annotation sits at log10(y): the label must be beside its line
    assert any(abs(a.y - np.log10(0.05)) < 1e-9 for a in fig.layout.annotations)
    assert f"{h.clipped_fraction():.0%}" in fig.layout.title.text


def test_parameter_and_spectrum_figures_carry_every_series(trained):
    h = trained.history
    params = roundtrip(figures.param_norms_figure(h))
    names = [figures.short_name(n) for n in h.probes[0].param_norms]
    assert [t.name for t in params.data] == names
    assert len(set(names)) == len(names)  # short names stay unambiguous
    assert np.allclose(params.data[1].y, [p.param_norms["core.weight_hh_l0"] for p in h.probes])
    spec = roundtrip(figures.spectrum_figure(h))
    assert np.allclose(spec.data[0].y, [s.spectral_radius[0] for s in h.spectra])
    assert np.allclose(spec.data[1].y, [s.sigma_max[0] for s in h.spectra])


def test_pca_figure_has_one_trajectory_per_probe_sequence(trained):
    record = trained.history.hidden[-1]
    pca = hidden_pca(record.states, step=record.step)
    for dims in (2, 3):
        fig = roundtrip(figures.pca_figure(pca, dims))
        assert len(fig.data) == record.states.shape[0]
        assert np.allclose(fig.data[0].x, pca.coords[0, :, 0])
        assert f"step {record.step}" in fig.layout.title.text


def test_jacobian_product_is_the_running_product_back_from_the_end():
    norms = np.array([0.5, 2.0, 0.25, 1.0])
    fig = roundtrip(figures.jacobian_figure(norms))
    product = np.asarray(fig.data[1].y, dtype=float)
    by_hand = [0.5 * 2.0 * 0.25 * 1.0, 2.0 * 0.25 * 1.0, 0.25 * 1.0, 1.0]
    assert np.allclose(product, by_hand)


def test_empty_history_gives_placeholder_figures_not_errors():
    h = History()
    for fig in (
        figures.loss_figure(h),
        figures.heatmap_figure(h),
        figures.timestep_profile_figure(h),
        figures.param_norms_figure(h),
        figures.clipping_figure(h, "off", 1.0),
        figures.spectrum_figure(h),
        figures.pca_figure(None),
        figures.prediction_figure(None),
    ):
        assert fig.layout.annotations  # says what will appear here


def test_long_histories_stay_small_on_the_wire():
    trainer = Trainer(RunConfig(hidden=4, seq_len=8, batch=4, steps=3000, val_every=50))
    trainer.run()
    for fig in (
        figures.loss_figure(trainer.history),
        figures.heatmap_figure(trainer.history),
        figures.clipping_figure(trainer.history, "norm", 1.0),
    ):
        size = len(fig.to_json())
        assert size < 60_000, size


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(lambda v: abs(v) > 1e-12))
def test_snapped_values_bracket_the_value_closely(value):
    up, down = figures.snap_up(value), figures.snap_down(value)
    assert down <= value <= up
    # the ladder's widest rung is 4/3
    assert abs(up) <= abs(value) * (4 / 3) * (1 + 1e-9) or up >= value >= 0 > down
    assert abs(down) >= abs(value) * (3 / 4) * (1 - 1e-9) or down <= value <= 0 < up


def test_a_live_charts_axes_hold_still_while_its_data_grows():
    """The loss chart of a 1,000-step run redrawn after every step: the data always lies
    inside the axes, which change at a few round numbers instead of at every redraw."""
    rng = np.random.default_rng(0)
    steps = np.arange(1, 1001)
    losses = 0.5 * np.exp(-steps / 200) + 0.01 * rng.random(1000)
    ranges = []
    for n in range(5, 1001):
        fig = go.Figure(go.Scatter(x=steps[:n], y=losses[:n]))
        fig.update_yaxes(type="log")
        figures.steady_axes(fig)
        x0, x1 = fig.layout.xaxis.range
        y0, y1 = fig.layout.yaxis.range
        assert x0 <= steps[0] and steps[n - 1] <= x1
        assert 10**y0 <= losses[:n].min() and losses[:n].max() <= 10**y1
        ranges.append((x0, x1, y0, y1))
    changes = sum(a != b for a, b in itertools.pairwise(ranges))
    assert changes <= 25, changes  # autorange would change at every one of the 995 redraws


def test_an_axis_with_its_own_range_or_no_numbers_is_left_alone():
    fig = go.Figure(go.Scatter(x=[0, 1, 2], y=[3, 4, 5]))
    fig.update_xaxes(range=[-0.5, 2.5])
    figures.steady_axes(fig)
    assert tuple(fig.layout.xaxis.range) == (-0.5, 2.5)
    assert tuple(fig.layout.yaxis.range) == (2.5, 6.0)
    heat = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    figures.steady_axes(heat)
    assert heat.layout.xaxis.range is None and heat.layout.yaxis.range is None

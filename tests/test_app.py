"""The app's logic through streamlit.testing's AppTest: every page, controls, URL, runs.

run_every never fires in AppTest, so a test waits on the run's own snapshot and then
calls at.run() to redraw.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import (
    PAGES,
    RUN_PAGES,
    chart_specs,
    chart_titles,
    no_exception,
    open_app,
    run_of,
    train_until,
    values,
)

from explorer.config import RunConfig
from explorer.runs.live import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"hidden": "8", "seq_len": "12", "steps": "40", "batch": "8"}


@pytest.fixture(autouse=True)
def stop_runs():
    yield
    REGISTRY.stop_all()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_before_any_run(page):
    at = open_app()
    at.switch_page(page).run()
    no_exception(at)
    assert at.title[0].value  # each page names itself
    assert at.markdown[0].value  # ... and opens with what the viewer is looking at


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_page_renders_during_and_after_training(cell):
    at = open_app({**SMALL, "cell": cell, "task": "sine_next"})
    train_until(at, lambda s: s.state == "completed")
    for page in RUN_PAGES:
        at.switch_page(page).run()
        no_exception(at)
        assert chart_specs(at), page
    # the LSTM gets the cell-state charts as well
    at.switch_page("views/gradient_flow.py").run()
    titles = " ".join(chart_titles(at))
    assert ("dL/dc_t" in titles) == (cell == "lstm")


def test_train_advances_the_run_and_the_charts_show_it():
    at = open_app(SMALL)
    snap = train_until(at, lambda s: s.step >= 10)
    no_exception(at)
    loss = next(s for s in chart_specs(at) if s["layout"]["title"]["text"].startswith("Loss"))
    xs = values(loss["data"][0]["x"])
    assert len(xs) >= 10 and xs[0] == 1
    assert snap.history.steps[0].step == 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Step"].split(" / ")[1] == "40"


def test_controls_change_the_config_and_the_url():
    at = open_app()
    at.slider(key="cfg_hidden").set_value(64)
    at.radio(key="cfg_cell").set_value("gru")
    at.run()
    no_exception(at)
    config = at.session_state["config"]
    assert (config.hidden, config.cell) == (64, "gru")
    assert at.query_params["hidden"] == "64"
    assert at.query_params["cell"] == "gru"
    at.radio(key="cfg_cell").set_value("rnn").run()
    assert "cell" not in at.query_params  # defaults stay out of the link


def test_query_parameters_round_trip_into_the_widgets():
    config = RunConfig(
        task="adding",
        cell="lstm",
        hidden=48,
        seq_len=30,
        lr=0.003,
        clip="value",
        clip_value=0.25,
        forget_bias=1.0,
        seed=7,
    )
    at = open_app(config.to_query())
    no_exception(at)
    assert at.session_state["config"] == config
    assert at.slider(key="cfg_hidden").value == 48
    assert at.radio(key="cfg_cell").value == "lstm"
    assert at.query_params == config.to_query()
    assert not at.warning


def test_bad_query_parameters_warn_and_fall_back():
    at = open_app({"hidden": "9999", "cell": "transformer", "lr": "abc", "lang": "zh"})
    no_exception(at)
    warnings = " ".join(w.value for w in at.warning)
    for name in ("hidden", "cell", "lr"):
        assert f"URL parameter {name}" in warnings
    assert "lang" not in warnings  # other pages' parameters are not ours to judge
    assert at.session_state["config"] == RunConfig()
    # the warnings show once, not on every rerun
    at.run()
    assert not [w for w in at.warning if "URL parameter" in w.value]


def test_an_invalid_combination_is_explained_and_the_last_valid_config_kept():
    at = open_app()
    at.radio(key="cfg_cell").set_value("lstm").run()
    at.selectbox(key="cfg_init").set_value("identity").run()
    no_exception(at)
    assert "identity" in " ".join(e.value for e in at.error)
    assert at.session_state["config"].cell == "lstm"
    assert at.session_state["config"].init == "default"


def test_pause_step_and_stop():
    at = open_app({**SMALL, "steps": "100000"})
    train_until(at, lambda s: s.step >= 3)
    at.button(key="btn_pause").click().run()
    run = run_of(at)
    paused = run.wait_for(lambda s: s.state == "paused", 10)
    assert paused.state == "paused"
    at.run()
    before = run.snapshot().step
    at.button(key="btn_step").click().run()
    after = run.wait_for(lambda s: s.step == before + 1, 10)
    assert after.step == before + 1 and after.state == "paused"
    at.button(key="btn_stop").click().run()
    no_exception(at)
    stopped = run.wait_for(lambda s: s.state == "stopped", 10)
    assert stopped.state == "stopped"
    assert len(stopped.history.steps) == stopped.step  # nothing finished was lost


def test_changed_settings_say_so_and_reset_starts_afresh():
    at = open_app({**SMALL, "steps": "100000"})
    train_until(at, lambda s: s.step >= 2)
    at.slider(key="cfg_hidden").set_value(16).run()
    assert any("Settings changed" in w.value and "Hidden units" in w.value for w in at.warning)
    old = run_of(at)
    at.button(key="btn_reset").click().run()
    new = run_of(at)
    assert new is not old and new.config.hidden == 16
    assert old.wait_for(lambda s: s.state == "stopped", 10).state == "stopped"
    assert new.snapshot().state == "idle"


def test_an_exploding_learning_rate_diverges_with_a_message_not_a_crash():
    query = {
        **SMALL,
        "task": "adding",
        "lr": "10",
        "optimizer": "sgd",
        "clip": "off",
        "whh_gain": "5",
        "steps": "200",
    }
    at = open_app(query)
    snap = train_until(at, lambda s: s.state in ("diverged", "completed"))
    no_exception(at)
    assert snap.state == "diverged", snap.message
    errors = " ".join(e.value for e in at.error)
    assert "Diverged at step" in errors
    for page in RUN_PAGES:
        at.switch_page(page).run()
        no_exception(at)


def test_downloads_appear_once_there_is_something_to_download():
    at = open_app(SMALL)
    assert not at.get("download_button")
    train_until(at, lambda s: s.state == "completed")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Run bundle (.zip)", "Metrics (.csv)"]


def test_hidden_states_slider_reaches_back_in_training():
    at = open_app(SMALL)
    train_until(at, lambda s: s.state == "completed")
    at.switch_page("views/hidden_states.py").run()
    at.toggle(key="pca_follow").set_value(False).run()
    slider = at.select_slider(key="pca_step")
    assert slider.options[0] == "0"  # the untrained network is there to compare against
    slider.set_value(0).run()
    no_exception(at)
    assert "at step 0" in chart_titles(at)[0]


def test_refused_settings_train_nothing_until_they_are_fixed():
    """What the sidebar shows is what trains: while it shows settings that cannot train,
    Train and Step wait and say why; fixing them brings Train back."""
    at = open_app({"task": "sine_window", "seq_len": "5"})
    at.slider(key="cfg_seq_len").set_value(150).run()  # sine_window allows at most 100
    assert any("seq_len" in e.value for e in at.error)
    train, step = at.button(key="btn_train"), at.button(key="btn_step")
    assert train.disabled and step.disabled and "seq_len" in train.help
    at.slider(key="cfg_seq_len").set_value(20).run()
    assert not at.button(key="btn_train").disabled

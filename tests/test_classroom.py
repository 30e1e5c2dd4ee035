"""The classroom in the app: presets by click and by link, predict-then-reveal, presenter
mode and controls hidden through the URL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from harness import chart_specs, open_app
from streamlit.elements.lib import policies as policies_module
from streamlit.testing.v1 import AppTest

from explorer.i18n import text
from explorer.presets import PRESETS
from explorer.runs.live import REGISTRY

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def stop_runs():
    yield
    REGISTRY.stop_all()


def texts_on_page(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "info", "success", "subheader", "caption")
        for e in at.get(kind)
        if hasattr(e, "value")
    ]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_preset_link_sets_everything_up(name):
    preset = PRESETS[name]
    at = open_app({"preset": name})
    assert not at.exception
    assert at.session_state["config"] == preset.config
    assert text(preset.text_key("title")) in texts_on_page(at)
    if preset.is_race:  # the Compare page's inputs are filled in for the race
        knob, values = preset.vary[0]
        assert at.session_state["cmp_knob1"] == knob
        filled = at.session_state[f"cmp_values1_{knob}"]
        assert filled == list(values) or filled == ", ".join(values)


def test_explicit_parameters_override_the_preset():
    at = open_app({"preset": "vanishing", "seq_len": "40"})
    assert at.session_state["config"] == PRESETS["vanishing"].config.replace(seq_len=40)


def test_an_unknown_preset_warns_and_the_app_opens():
    at = open_app({"preset": "wormholes"})
    assert not at.exception
    assert any("preset" in w.value and "wormholes" in w.value for w in at.warning)


def test_the_question_comes_before_the_charts_and_reveal_shows_them():
    at = open_app({"preset": "tutorial_sine"})
    assert not chart_specs(at)  # predict first
    question = text(PRESETS["tutorial_sine"].text_key("question"))
    assert any(question in s.value for s in at.subheader)
    at.button(key="reveal_tutorial_sine").click().run()
    assert chart_specs(at)
    assert text(PRESETS["tutorial_sine"].text_key("answer")) in texts_on_page(at)


def test_the_classroom_page_sets_up_a_lesson_with_one_click():
    at = open_app()
    at.switch_page("views/classroom.py").run()
    assert not at.exception
    assert len([b for b in at.button if b.key and b.key.startswith("setup_")]) == len(PRESETS)
    at.button(key="setup_exploding").click().run()
    assert not at.exception
    assert at.session_state["config"] == PRESETS["exploding"].config


def test_presenter_mode_enlarges_the_charts():
    plain = open_app({"preset": "tutorial_sine"})
    plain.button(key="reveal_tutorial_sine").click().run()
    big = open_app({"preset": "tutorial_sine", "presenter": "1"})
    big.button(key="reveal_tutorial_sine").click().run()
    size = [chart_specs(a)[0]["layout"].get("font", {}) for a in (plain, big)]
    assert size[1]["size"] > size[0].get("size", 14)
    styles = [h.proto.body for h in big.get("html")]
    assert any("font-size: 20px" in css for css in styles)  # the page's own text too
    assert not any("font-size: 20px" in h.proto.body for h in plain.get("html"))


def test_controls_can_be_hidden_one_by_one_and_their_values_still_apply():
    at = open_app({"hide": "lr,optimizer", "clip_hide": "1", "lr": "0.003"})
    assert not at.exception
    keys = {w.key for kind in ("number_input", "radio", "selectbox") for w in at.get(kind)}
    assert "cfg_lr" not in keys and "cfg_optimizer" not in keys and "cfg_clip" not in keys
    assert "cfg_hidden" in {s.key for s in at.slider}
    assert at.session_state["config"].lr == 0.003
    at.run()  # and they stay applied on the next run
    assert at.session_state["config"].lr == 0.003


PAGE_TITLES = {"views/train.py": "page.train", "views/compare.py": "page.compare"}


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_lesson_link_opens_the_lessons_own_page_and_question(name):
    preset = PRESETS[name]
    at = open_app({"preset": name})
    assert not at.exception
    assert at.title[0].value == text(PAGE_TITLES[preset.page])
    question = text(preset.text_key("question"))
    assert any(question in s.value for s in at.subheader)
    assert at.query_params["preset"] == name  # a copied address keeps the question


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_lessons_values_reach_its_widgets_without_a_streamlit_warning(name, monkeypatch):
    """A lesson sets its widgets by session state; a widget given a default as well made
    Streamlit log "created with a default value but also had its value set via the
    Session State API" (the Compare page's values did, once per server process)."""
    monkeypatch.setattr(policies_module, "_shown_default_value_warning", False)  # once a process
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    policies = logging.getLogger("streamlit.elements.lib.policies")
    policies.addHandler(handler)
    try:
        at = open_app({"preset": name})
    finally:
        policies.removeHandler(handler)
    assert not at.exception
    assert not [r.getMessage() for r in records if "Session State API" in r.getMessage()]
    for slot, (knob, values) in enumerate(PRESETS[name].vary, start=1):  # and they arrived
        shown = at.session_state[f"cmp_values{slot}_{knob}"]
        assert (list(shown) if isinstance(shown, list) else shown.split(", ")) == list(values)


def test_set_up_opens_the_lesson_and_keeps_it_in_the_address_bar():
    at = open_app({"lang": "zh"})
    at.switch_page("views/classroom.py").run()
    at.button(key="setup_vanishing").click().run()
    assert not at.exception
    assert at.title[0].value == text("page.compare", "zh")  # in the page's language
    assert at.query_params["preset"] == "vanishing"
    assert at.query_params["lang"] == "zh"
    at.switch_page("views/train.py").run()  # the lesson goes with the class
    assert at.query_params["preset"] == "vanishing"


def test_lesson_links_are_absolute_and_name_the_page_and_language():
    at = open_app({"lang": "zh"})
    at.switch_page("views/classroom.py").run()
    links = [c.value for c in at.code]
    assert "/compare?preset=vanishing&lang=zh" in links
    assert "/?preset=tutorial_sine&lang=zh" in links


@pytest.mark.parametrize("right", [True, False])
def test_reveal_says_whether_the_prediction_was_right(right):
    preset = PRESETS["exploding"]
    at = open_app({"preset": preset.name})
    guess = preset.correct if right else next(o for o in preset.options if o != preset.correct)
    at.radio(key=f"guess_{preset.name}").set_value(guess).run()
    at.button(key=f"reveal_{preset.name}").click().run()
    said = texts_on_page(at)
    if right:
        assert text("classroom.right", guess=text(guess)) in said
    else:
        assert text("classroom.wrong", guess=text(guess), answer=text(preset.correct)) in said


def test_leaving_a_lesson_keeps_its_settings_and_drops_its_question():
    at = open_app({"preset": "exploding"})
    at.button(key="lesson_leave").click().run()
    assert not at.exception
    assert at.session_state["config"] == PRESETS["exploding"].config
    assert "preset" not in at.query_params
    question = text(PRESETS["exploding"].text_key("question"))
    assert not any(question in s.value for s in at.subheader)

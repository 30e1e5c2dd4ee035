"""Two languages: no text key missing in either, the same placeholders in both, and a page
rendered in Chinese shows no English UI strings."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from harness import PAGES, RUN_PAGES, chart_specs, open_app
from streamlit.testing.v1 import AppTest

from explorer.i18n import TEXTS, ZH, text
from explorer.runs.live import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
# Names, symbols and units that stay as they are in Chinese technical writing.
ALLOWED = {
    "rnn",
    "lstm",
    "gru",
    "irnn",
    "pca",
    "bptt",
    "adam",
    "sgd",
    "relu",
    "tanh",
    "log",
    "mse",
    "csv",
    "png",
    "zip",
    "nan",
    "pytorch",
    "normal",
    "max",
    "min",
    "diag",
    "sigma",
    "orth",
    "weights_only",
    "true",
    "sin",
    "lr",
    "optimizer",
    "hide",
    "lr_hide",
    "the",
    "runs",
    "adding",
    "sine_next",
    "sine_window",
    "presenter",
    "english",  # a language's own name
}


@pytest.fixture(autouse=True)
def stop_runs():
    yield
    REGISTRY.stop_all()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_is_in_both_languages_with_the_same_placeholders():
    assert set(TEXTS) == set(ZH), set(TEXTS) ^ set(ZH)
    for key in TEXTS:
        assert placeholders(TEXTS[key]) == placeholders(ZH[key]), key
        assert ZH[key] != TEXTS[key] or not re.search("[a-z]{4,}", TEXTS[key]), key


def test_text_fills_placeholders_in_either_language():
    assert text("status.step", "zh", step=3, total=10) == "第 3 / 10 步"
    assert text("status.step", step=3, total=10) == "step 3 / 10"


def strings(at: AppTest) -> list[str]:
    """Every string a person reads: labels, text, options, metrics, chart titles and axes."""
    out: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        out += [str(e.value) for e in at.get(kind)]
    for kind in (
        "button",
        "toggle",
        "slider",
        "number_input",
        "selectbox",
        "radio",
        "multiselect",
        "select_slider",
        "text_input",
        "download_button",
        "metric",
    ):
        for e in at.get(kind):
            out.append(getattr(e, "label", "") or "")
            out += [str(o) for o in getattr(e, "options", [])]
    for e in at.get("expander"):
        out.append(e.label)
    for spec in chart_specs(at):
        layout = spec["layout"]
        out.append(str(layout.get("title", {}).get("text", "")))
        for axis in ("xaxis", "yaxis"):
            out.append(str(layout.get(axis, {}).get("title", {}).get("text", "")))
        out += [str(trace.get("name", "")) for trace in spec["data"]]
        out += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    return out


def english_words(s: str) -> list[str]:
    s = re.sub(r"\]\([^)]*\)", "]", s)  # a link's target is an address, not words
    s = re.sub(r"`[^`]*`|\$[^$]*\$|\(\?[^)]*\)|https?://\S+|\?\S+", " ", s)  # code, links
    s = re.sub(r"\w+=[\w.+-]+", " ", s)  # a variant's name, knob=value, is notation
    s = re.sub(r"“[^”]*”|scikit-learn", " ", s)  # quoted data (a probe string), a name
    s = re.sub(r"\b\d{8}-\d{6}-[\w.-]+", " ", s)  # so is a run folder's name (task, hash)
    words = re.findall(r"[A-Za-z][A-Za-z_]{2,}", s)
    # identifiers and symbols (h_t, W_hh, clip_value) are notation, not English
    return [w for w in words if w.lower() not in ALLOWED and "_" not in w]


def test_a_page_rendered_in_chinese_shows_no_english():
    at = open_app({"lang": "zh", "hidden": "8", "seq_len": "12", "steps": "30"})
    at.button(key="btn_train").click().run()
    run = at.session_state["live_run"]
    assert run.wait_for(lambda s: s.state == "completed", 60).state == "completed"
    found: dict[str, list[str]] = {}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        for s in strings(at):
            if words := english_words(s):
                found.setdefault(page, []).append(f"{words} in {s[:80]!r}")
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


# The example series' own column names are data, shown as they are in the file.
DATA_WORDS = set(
    (ROOT / "explorer" / "data" / "example_series.csv")
    .read_text()
    .split("\n")[0]
    .lower()
    .split(",")
)


@pytest.mark.parametrize("task", ["series", "digits", "chars"])
def test_the_new_tasks_pages_in_chinese_show_no_english(task):
    at = open_app({"lang": "zh", "task": task, "hidden": "8", "steps": "12", "seq_len": "8"})
    at.button(key="btn_train").click().run()
    run = at.session_state["live_run"]
    assert run.wait_for(lambda s: s.state == "completed", 60).state == "completed"
    found = []
    for page in RUN_PAGES[:3]:  # Train, Gradient flow, Hidden states
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        for s in strings(at):
            if words := [w for w in english_words(s) if w.lower() not in DATA_WORDS]:
                found.append(f"{page}: {words} in {s[:80]!r}")
    assert not found, "\n".join(found)

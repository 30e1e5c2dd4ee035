"""The series, digits and chars tasks and truncated BPTT in the app, through AppTest: every
page renders, uploads are checked (a bad one shows an error and changes nothing), a good
one trains, and a link to data this server does not hold warns and falls back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from harness import PAGES, chart_specs, chart_titles, no_exception, open_app
from streamlit.testing.v1 import AppTest

from explorer.runs.folders import RUNS_ENV
from explorer.runs.live import REGISTRY
from explorer.tasks.datastore import STORE, content_key

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"hidden": "8", "steps": "30", "batch": "16"}


@pytest.fixture(autouse=True)
def stop_runs(tmp_path, monkeypatch):
    """Finished runs go to this test's own runs directory, not the session's shared one
    (the Compare page of later tests lists whatever is there)."""
    monkeypatch.setenv(RUNS_ENV, str(tmp_path / "runs"))
    yield
    REGISTRY.stop_all()


def spec(at: AppTest, title_start: str) -> dict:
    specs = chart_specs(at)
    return next(s for s in specs if s["layout"]["title"]["text"].startswith(title_start))


def train(at: AppTest):
    at.button(key="btn_train").click().run()
    snap = at.session_state["live_run"].wait_for(lambda s: s.state == "completed", 60)
    assert snap.state == "completed", snap.message
    at.run()
    return snap


def every_page(at: AppTest) -> dict[str, list[str]]:
    shown = {}
    for page in PAGES:
        at.switch_page(page).run()
        no_exception(at)
        shown[page] = chart_titles(at)
    at.switch_page("views/train.py").run()
    return shown


def csv_bytes(n: int = 60) -> bytes:
    level = 50 + np.cumsum(np.random.default_rng(1).normal(0, 1, n))
    return ("day;level\n" + "".join(f"{i};{v:.2f}\n" for i, v in enumerate(level))).encode()


def test_series_on_the_example_every_page_and_the_data_panel():
    at = open_app({"task": "series", **SMALL})
    every_page(at)  # before any run
    assert any("example series" in c.value for c in at.caption)
    train(at)
    shown = every_page(at)
    assert "Prediction vs truth (close, original units)" in shown["views/train.py"]
    markdown = " ".join(m.value for m in at.markdown)
    assert "**Windowing.**" in markdown and "each window of **50**" in markdown.lower()
    assert "**Normalisation.**" in markdown
    assert any(m.label.startswith("Validation RMSE (close)") for m in at.metric)
    assert at.selectbox(key="cfg_column").options == ["close", "volume"]


def test_a_good_upload_trains_on_it():
    at = open_app({"task": "series", **SMALL, "seq_len": "10"})
    raw = csv_bytes()
    at.file_uploader(key="data_upload_series").set_value(("prices.csv", raw, "text/csv")).run()
    no_exception(at)
    assert any("Loaded prices.csv" in s.value for s in at.success)
    config = at.session_state["config"]
    assert config.data == content_key(raw) and config.column == "level"  # not the day counter
    assert at.query_params["data"] == content_key(raw)  # the link names the content
    snap = train(at)
    assert snap.config.data == content_key(raw)
    figure = spec(at, "Prediction vs truth (level")
    assert figure["layout"]["yaxis"]["title"]["text"] == "level"


@pytest.mark.parametrize(
    ("name", "raw", "says"),
    [
        ("empty.csv", b"", "The file is empty"),
        ("words.csv", b"a,b\nx,y\nz,w\n", "No column holds numbers"),
        ("one.csv", b"1,2,3\n", "single row"),
        ("gaps.csv", b"v\n1\n\n3\nnan\n" + b"5\n" * 20, "2 missing or non-numeric value(s)"),
        ("latin.csv", "v\n1\n2\nâ\n".encode("latin-1"), "not UTF-8"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        ("big.csv", b"1\n" * (1024 * 1024 + 1), "the limit is 2 MB"),
    ],
)
def test_a_bad_upload_shows_an_error_and_the_app_keeps_working(name, raw, says):
    at = open_app({"task": "series", **SMALL})
    before = at.session_state["config"]
    at.file_uploader(key="data_upload_series").set_value((name, raw, "text/csv")).run()
    no_exception(at)
    errors = " ".join(e.value for e in at.error)
    assert f"Refused {name}" in errors and says in errors, errors
    assert at.session_state["config"] == before  # nothing else changed


def test_bad_uploads_then_a_run_still_trains():
    at = open_app({"task": "series", **SMALL})
    at.file_uploader(key="data_upload_series").set_value(("x.csv", b"\x00\x01", "text/csv")).run()
    assert at.error
    train(at)
    every_page(at)


def test_pasted_numbers_and_a_series_too_short_for_the_window():
    at = open_app({"task": "series", **SMALL, "seq_len": "20"})
    at.text_area(key="data_paste").input(" ".join(str(i % 7) for i in range(25))).run()
    at.button(key="data_paste_use").click().run()
    no_exception(at)
    assert any("Loaded pasted numbers" in s.value for s in at.success)
    # 25 values cannot fill a window of 20 plus 10 windows: explained, last config kept
    errors = " ".join(e.value for e in at.error)
    assert "a window of T = 20 needs at least 30" in errors and "at most 15" in errors
    assert at.session_state["config"].data == ""  # the last valid settings
    at.slider(key="cfg_seq_len").set_value(10).run()
    assert not at.error and at.session_state["config"].data.startswith("sha256:")
    at.button(key="data_example").click().run()
    assert at.session_state["config"].data == ""


def test_a_link_to_data_from_another_session_warns_and_falls_back():
    key = "sha256:" + "1" * 64
    assert key not in STORE
    at = open_app({"task": "series", "data": key, "column": "price"})
    no_exception(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "uploaded to another session" in warnings and "upload it again" in warnings
    config = at.session_state["config"]
    assert config.data == "" and config.column == "close"
    assert "data" not in at.query_params


def test_a_link_to_data_this_server_holds_opens_it():
    raw = csv_bytes(40)
    key = STORE.put("shared.csv", raw).key  # uploaded by a teacher's session, say
    at = open_app({"task": "series", "data": key, "column": "level", "seq_len": "10"})
    no_exception(at)
    assert not at.warning
    assert at.session_state["config"].data == key
    assert any("shared.csv" in c.value for c in at.caption)


def test_digits_every_page_accuracy_and_classes():
    at = open_app({"task": "digits", **SMALL, "cell": "gru"})
    train(at)
    shown = every_page(at)
    assert "Accuracy" in shown["views/train.py"]
    assert shown["views/train.py"][0] == "Loss (cross-entropy, nats)"
    assert any(m.label == "Majority-class accuracy" for m in at.metric)
    at.switch_page("views/hidden_states.py").run()
    pca = spec(at, "Hidden-state trajectories by class")
    legend = [t["name"] for t in pca["data"] if t.get("showlegend", True)]
    assert legend == [f"digit {d}" for d in range(10)]
    at.switch_page("views/gradient_flow.py").run()
    profile = spec(at, "‖dL/dh_t‖ across timesteps")
    assert profile["layout"]["xaxis"]["title"]["text"].startswith("image row t")


def test_chars_with_truncation_every_page_sampling_and_labelled_axes():
    at = open_app({"task": "chars", **SMALL, "seq_len": "16", "tbptt": "4"})
    every_page(at)
    assert at.file_uploader(key="data_upload_chars")
    train(at)
    shown = every_page(at)
    assert shown["views/train.py"][0] == "Loss (bits per character)"
    code = at.get("code")
    assert code and len(code[0].value) > 100  # the sampled text
    at.slider(key="chars_temperature").set_value(0.0).run()
    assert any("(greedy)" in c.value for c in at.caption)
    at.switch_page("views/gradient_flow.py").run()
    no_exception(at)
    tb = spec(at, "Truncated (k = 4) vs full BPTT")
    assert len(tb["layout"]["shapes"]) == 3  # cuts at 4, 8, 12
    profile = spec(at, "‖dL/dh_t‖ across timesteps")
    assert len(profile["layout"]["xaxis"]["ticktext"]) == 16  # the probe string's characters
    assert any("probe string" in c.value for c in at.caption)


def test_a_bad_text_upload_is_refused():
    at = open_app({"task": "chars", **SMALL})
    at.file_uploader(key="data_upload_chars").set_value(("a.txt", b"too short", "text/plain")).run()
    no_exception(at)
    assert "at least 2,000 are needed" in " ".join(e.value for e in at.error)
    assert at.session_state["config"].data == ""


# -- issue 17: what the Data section shows is what trains ----------------------------------------
def stock_csv(n: int = 60, gap_at: int | None = None) -> bytes:
    """A price file as exchanges export it: dates, Open to Close, volume with thousands
    separators (quoted); Low has a gap at row gap_at."""
    rng = np.random.default_rng(7)
    close = 100 + np.cumsum(rng.normal(0, 1, n))
    days = np.busday_offset(np.datetime64("2024-01-02"), np.arange(n), roll="forward")
    lines = ["Date,Open,High,Low,Close,Volume"]
    for i, (d, c) in enumerate(zip(days, close, strict=True)):
        low = "" if i == gap_at else f"{c - 1:.2f}"
        lines.append(f'{d},{c + 0.2:.2f},{c + 1:.2f},{low},{c:.2f},"{1_000_000 + 37 * i:,}"')
    return ("\n".join(lines) + "\n").encode()


def test_an_upload_sent_again_after_a_page_switch_keeps_the_chosen_column():
    """Streamlit drops the uploader's value in the run st.switch_page cuts short (Open on
    the Compare page) and the browser sends the same file again with the next click: it
    was accepted a second time and reset the column to the default. The same upload (by
    its file id) is answered once."""
    at = open_app({"task": "series", **SMALL, "seq_len": "10"})
    raw = stock_csv()
    at.file_uploader(key="data_upload_series").set_value(("prices.csv", raw, "text/csv")).run()
    assert at.session_state["config"].column == "Close"  # the likely target, not Open
    at.selectbox(key="cfg_column").set_value("High").run()
    sent = [
        (f.file_id, f.name, f.getvalue(), f.type) for f in [at.session_state["data_upload_series"]]
    ]
    at.file_uploader(key="data_upload_series").set_value(None).run()  # the value dropped
    uploader = at.file_uploader(key="data_upload_series")
    uploader._files = sent  # the browser sends the very same upload (same file id) again
    at.run()
    no_exception(at)
    assert at.selectbox(key="cfg_column").value == "High"
    assert at.session_state["config"].column == "High"
    snap = train(at)
    assert snap.config.column == "High"
    assert not [w for w in at.warning if "Settings changed" in w.value]


def test_a_column_with_gaps_is_refused_and_the_box_keeps_the_column_that_trains():
    at = open_app({"task": "series", **SMALL, "seq_len": "10"})
    raw = stock_csv(gap_at=17)
    at.file_uploader(key="data_upload_series").set_value(("prices.csv", raw, "text/csv")).run()
    at.selectbox(key="cfg_column").set_value("Open").run()
    at.selectbox(key="cfg_column").set_value("Low").run()  # line 19 is empty
    no_exception(at)
    errors = " ".join(e.value for e in at.error)
    assert "Column 'Low' cannot be used: Column 'Low' has 1 missing" in errors, errors
    assert "(at line 19)" in errors and "Still using 'Open'." in errors
    assert at.selectbox(key="cfg_column").value == "Open"  # the box: the column that trains
    assert at.session_state["config"].column == "Open"
    snap = train(at)
    assert snap.config.column == "Open" == at.selectbox(key="cfg_column").value
    at.selectbox(key="cfg_column").set_value("Close").run()  # a usable choice: error answered
    assert not at.error and at.session_state["config"].column == "Close"


def test_a_link_to_a_column_with_gaps_opens_on_a_usable_column():
    raw = stock_csv(gap_at=3)
    key = STORE.put("gappy.csv", raw).key
    at = open_app({"task": "series", "data": key, "column": "Low", "seq_len": "10"})
    no_exception(at)
    assert at.selectbox(key="cfg_column").value == "Close"
    assert at.session_state["config"].column == "Close"
    assert "Column 'Low' cannot be used" in " ".join(e.value for e in at.error)


def test_a_refused_upload_empties_the_upload_box_and_keeps_its_error():
    at = open_app({"task": "series", **SMALL})
    bad = b"v\n" + b"1,5\n" * 3
    at.file_uploader(key="data_upload_series").set_value(("bad.csv", bad, "text/csv")).run()
    no_exception(at)
    keys = [u.key for u in at.get("file_uploader")]
    assert keys == ["data_upload_series_1"]  # a new, empty uploader
    assert at.file_uploader(key="data_upload_series_1").value is None
    at.run()  # the error stays until something else happens
    assert "Refused bad.csv" in " ".join(e.value for e in at.error)
    assert at.session_state["config"].data == ""


def test_an_accepted_upload_says_how_it_was_read_and_the_example_empties_the_box():
    at = open_app({"task": "series", **SMALL, "seq_len": "10"})
    raw = stock_csv()
    at.file_uploader(key="data_upload_series").set_value(("prices.csv", raw, "text/csv")).run()
    loaded = " ".join(s.value for s in at.success)
    assert "“,” as thousands separator (Volume)" in loaded
    assert "Dates from column 'Date' (2024-01-02 to 2024-03-25)" in loaded
    assert at.file_uploader(key="data_upload_series").value.name == "prices.csv"
    at.button(key="data_example").click().run()
    assert at.session_state["config"].data == ""
    assert [u.key for u in at.get("file_uploader")] == ["data_upload_series_1"]
    assert at.file_uploader(key="data_upload_series_1").value is None


@pytest.mark.parametrize("task", ["series", "chars"])
def test_the_uploaders_own_words_are_translated(task):
    """Streamlit's "Upload" and "<limit> per file" have no parameter: a CSS rule puts the
    Chinese in their place (checked in a real browser by tests/test_series_browser.py)."""
    at = open_app({"task": task, "lang": "zh"})
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert f".st-key-data_upload_{task} " in styles
    assert 'content: "上传"' in styles and "每个文件不超过 2 MB" in styles
    english = open_app({"task": task})
    assert not [h for h in english.get("html") if "stFileUploaderDropzone" in h.proto.body]

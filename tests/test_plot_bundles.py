"""Which plotly.js bundle the browser gets: the vendored cartesian one only when it is the
version plotly writes figures for (the browser side is in tests/test_browser.py)."""

from __future__ import annotations

import json
import re

import pytest

from ui import plot


@pytest.fixture(autouse=True)
def fresh_cache():
    plot.lite_url.cache_clear()
    yield
    plot.lite_url.cache_clear()


def test_the_vendored_bundle_is_the_plotly_js_that_plotly_writes_for() -> None:
    package = json.loads((plot.CARTESIAN_DIR / "package.json").read_text())
    bundle = plot.CARTESIAN_DIR / package["main"]
    header = bundle.read_text(encoding="utf-8")[:200]
    # the file's own banner, not only its package.json, names the version
    assert re.search(r"plotly\.js \(cartesian - minified\) v(\S+)", header)[1] == (
        plot.plotly_js_version()
    )
    assert (plot.CARTESIAN_DIR / "LICENSE").read_text().startswith("MIT License")


def test_lite_url_points_into_the_static_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plot, "script_url", lambda: "/app/static/plotly-x.min.js")
    url = plot.lite_url()
    assert url == "/app/static/vendor/plotly.js-cartesian-dist-min/plotly-cartesian.min.js"
    assert (plot.STATIC_DIR / url.removeprefix("/app/static/")).is_file()


def test_another_plotly_js_version_draws_everything_with_the_full_bundle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plot, "script_url", lambda: "/app/static/plotly-x.min.js")
    monkeypatch.setattr(plot, "plotly_js_version", lambda: "0.0.1")
    assert plot.lite_url() is None


def test_no_static_serving_no_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plot, "script_url", lambda: None)
    assert plot.lite_url() is None


def test_a_missing_vendored_copy_falls_back(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(plot, "script_url", lambda: "/app/static/plotly-x.min.js")
    monkeypatch.setattr(plot, "CARTESIAN_DIR", tmp_path / "gone")
    assert plot.lite_url() is None

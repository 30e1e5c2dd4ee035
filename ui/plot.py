"""Plotly charts that update in place while a run trains.

Streamlit 1.67's st.plotly_chart names each chart by a hash of its whole figure, so every
redraw of a live chart with new data is a new element: the browser builds a new plot
(the container holds no plot for a moment: a blink), keeps the old one hidden in the DOM,
and applies Streamlit's theme to a figure it had already themed (titles read
<b><b>Loss</b></b>). This component keeps one element per key and hands each new figure
to Plotly.react, which updates the same plot: no blink, no copies, the user's zoom kept.

plotly.js comes from the installed plotly package, copied once into the app's static
folder (served by `server.enableStaticServing`, .streamlit/config.toml): nothing is
fetched from outside. Where that is not possible, charts fall back to st.plotly_chart.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"  # beside app.py
CSS_CLASS = "rnn-plot"  # the plot's div; tests find charts by it and by their title

# Runs in the page (not an iframe) on every render of an element. The first render makes
# the div, sized to the figure's height so the page does not jump when plotly.js arrives;
# later renders of the same element only call Plotly.react on it.
JS = """
function plotlyFrom(src) {
  window.__rnnPlotly = window.__rnnPlotly || new Promise((resolve, reject) => {
    if (window.Plotly) return resolve(window.Plotly);
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve(window.Plotly);
    script.onerror = reject;
    document.head.appendChild(script);
  });
  return window.__rnnPlotly;
}
export default function (component) {
  const { data, parentElement } = component;
  let div = parentElement.querySelector(':scope > .rnn-plot');
  const figure = JSON.parse(data.figure);
  if (!div) {
    div = document.createElement('div');
    div.className = 'rnn-plot';
    parentElement.appendChild(div);
  }
  div.dataset.key = data.key;
  div.style.height = (figure.layout.height || 400) + 'px';
  const config = Object.assign({ responsive: true }, JSON.parse(data.config));
  plotlyFrom(data.src).then((Plotly) => Plotly.react(div, figure.data, figure.layout, config));
}
"""


@cache
def _component():
    return st.components.v2.component("rnn_plot", js=JS, isolate_styles=False)


@cache
def script_url() -> str | None:
    """Where the browser loads plotly.js from, or None when it cannot be served: the
    static folder is not writable, or static serving is off."""
    if not st.get_option("server.enableStaticServing"):
        return None
    name = f"plotly-{plotly.__version__}.min.js"  # a new version is a new URL: no stale cache
    target = STATIC_DIR / name
    try:
        if not target.exists():
            _write_atomically(target, plotly_js())
    except OSError:
        return None
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"/{base}/app/static/{name}" if base else f"/app/static/{name}"


def plotly_js() -> str:
    """plotly.js as the installed plotly package ships it (~4.6 MB)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _write_atomically(target: Path, text: str) -> None:
    """Several server processes may start at once: each writes a temporary file and
    renames it, so none ever serves half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".plotly-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def figure_json(fig: go.Figure) -> str:
    """The figure as the browser gets it (arrays as typed buffers; no validation)."""
    return pio.to_json(fig, validate=False)


def show(fig_json: str, key: str, config: dict) -> None:
    """Place a figure (already JSON) under a stable key."""
    src = script_url()
    if src is None:
        st.plotly_chart(json.loads(fig_json), key=key, config=config, theme=None)
        return
    data = {"figure": fig_json, "config": json.dumps(config), "src": src, "key": key}
    _component()(key=f"plot_{key}", data=data, height="content")

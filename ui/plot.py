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
A chart with only cartesian traces (all but the 3-D PCA and a sweep's parallel
coordinates) is drawn by plotly.js's cartesian bundle, kept in static/vendor as npm ships
it: the browser compiles it in 0.38 s against the full bundle's 0.85 s, and the first
page's charts wait for that.
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

from explorer.runs.pandas_lock import PANDAS_LOCK
from explorer.runs.pandas_lock import import_pandas as import_pandas  # the pages call it here

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"  # beside app.py
# Held while a page builds its charts, and while pandas is first imported (import_pandas):
# see explorer/runs/pandas_lock.py.
BUILDING = PANDAS_LOCK
# `npm pack plotly.js-cartesian-dist-min@VERSION`, unpacked as it is (its LICENSE included)
CARTESIAN_DIR = STATIC_DIR / "vendor" / "plotly.js-cartesian-dist-min"


# Runs in the page (not an iframe) on every render of an element. The first render makes
# the div, sized to the figure's height so the page does not jump when plotly.js arrives;
# later renders of the same element only call Plotly.react on it.
JS = """
// Each bundle, once per tab. A script's load event fires right after it ran, before any
// other script can: the window.Plotly read there is that bundle's.
function plotlyFrom(src) {
  const loaded = (window.__rnnPlotly = window.__rnnPlotly || {});
  loaded[src] = loaded[src] || new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve(window.Plotly);
    script.onerror = reject;
    document.head.appendChild(script);
  });
  return loaded[src];
}
// The trace types of plotly.js-cartesian-dist-min (its README; tests/test_browser.py asks
// the bundle itself). A figure with any other type needs the full bundle.
const CARTESIAN = new Set(['bar', 'box', 'contour', 'heatmap', 'histogram', 'histogram2d',
  'histogram2dcontour', 'image', 'pie', 'scatter', 'scatterternary', 'violin']);
function bundleFor(data, figure) {
  const lite = data.lite && figure.data.every((t) => CARTESIAN.has(t.type || 'scatter'));
  return lite ? data.lite : data.src;
}
const FAMILY = '"Open Sans", verdana, arial, sans-serif';  // plotly's default font
function textWidth(text, size, family) {
  const ctx = (textWidth.ctx = textWidth.ctx || document.createElement('canvas').getContext('2d'));
  ctx.font = `${size}px ${family}`;
  return ctx.measureText(String(text).replace(/<[^>]+>/g, '')).width;
}
function wrap(text, size, family, width) {
  const lines = [];
  let line = '';
  for (const word of String(text).split(' ')) {
    const longer = line ? line + ' ' + word : word;
    if (line && textWidth(longer, size, family) > width) { lines.push(line); line = word; }
    else line = longer;
  }
  lines.push(line);
  return lines;
}
// The title wraps to the chart's width, and the legend sits in its own rows between the
// title and the plot: measured here, where the width is known, so neither is ever cut
// off nor drawn over the other, on a phone or a projector.
function fit(layout, data, width) {
  const font = layout.font || {};
  const family = font.family || FAMILY;
  const size = font.size || 12;
  const height = layout.height || 400;
  let top = 6;
  const title = layout.title || {};
  if (title.text) {
    const titleSize = (title.font && title.font.size) || Math.round(size * 1.4);
    const lines = wrap(title.text, titleSize, family, width - 16);
    const block = lines.length * titleSize * 1.3;
    // anchored at its middle: plotly places a title of several lines as if it had one
    // (anchored at the top it cut the first line off, at the bottom it hid the last)
    layout.title = Object.assign({}, title, {
      text: lines.join('<br>'), yref: 'container', y: 1 - (top + block / 2) / height,
      yanchor: 'middle',
    });
    top += block + 4;
  }
  const named = data.filter((t) => t.name && t.showlegend !== false &&
    !['heatmap', 'contour', 'surface'].includes(t.type));
  if (layout.showlegend !== false && (named.length > 1 || layout.showlegend === true)) {
    let rows = 1, used = 0;
    for (const t of named) {
      const item = textWidth(t.name, size, family) + 46;  // symbol and gaps
      if (used && used + item > width - 16) { rows += 1; used = 0; }
      used += item;
    }
    layout.legend = Object.assign({}, layout.legend, {
      orientation: 'h', yref: 'container', y: 1 - top / height, yanchor: 'top',
      x: 0, xanchor: 'left',
    });
    top += rows * size * 1.7 + 4;
  }
  const margin = Object.assign({ t: 50 }, layout.margin);
  layout.margin = Object.assign({}, margin, { t: Math.max(margin.t, Math.ceil(top + 12)) });
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
  fit(figure.layout, figure.data, div.clientWidth || parentElement.clientWidth || 600);
  const config = Object.assign({ responsive: true }, JSON.parse(data.config));
  plotlyFrom(bundleFor(data, figure))
    .then((Plotly) => {
      // a chart that changes bundle (2-D PCA to 3-D) leaves the old one's plot first
      if (div.__rnnPlotly && div.__rnnPlotly !== Plotly) div.__rnnPlotly.purge(div);
      div.__rnnPlotly = Plotly;
      return Plotly.react(div, figure.data, figure.layout, config);
    });
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
    return _static_url(name)


@cache
def lite_url() -> str | None:
    """Where the browser loads the cartesian bundle from, or None when the full bundle
    must draw everything: the vendored copy is missing or another plotly.js version than
    the one plotly writes figures for."""
    try:
        package = json.loads((CARTESIAN_DIR / "package.json").read_text())
        version, main = package["version"], package["main"]
    except (OSError, ValueError, KeyError):
        return None
    if script_url() is None or version != plotly_js_version():
        return None
    if not (CARTESIAN_DIR / main).is_file():
        return None
    return _static_url(f"{CARTESIAN_DIR.relative_to(STATIC_DIR).as_posix()}/{main}")


def _static_url(relative: str) -> str:
    """The URL of a file in the static folder, under the server's base path."""
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"/{base}/app/static/{relative}" if base else f"/app/static/{relative}"


def plotly_js_version() -> str:
    """The plotly.js version the installed plotly package ships and writes figures for."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


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
    data = {
        "figure": fig_json,
        "config": json.dumps(config),
        "key": key,
        "src": src,
        "lite": lite_url(),
    }
    _component()(key=f"plot_{key}", data=data, height="content")

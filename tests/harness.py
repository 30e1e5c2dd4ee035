"""Shared AppTest helpers: what a page drew, read the way a person would see it."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def chart_specs(at: AppTest) -> list[dict]:
    """Every chart's plotly figure (data and layout), in page order. Charts are drawn by
    ui/plot.py's component (st.plotly_chart where static files cannot be served)."""
    data = [json.loads(c.proto.json) for c in at.get("bidi_component")]
    specs = [json.loads(d["figure"]) for d in data if "figure" in d]
    return specs + [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def chart_titles(at: AppTest) -> list[str]:
    return [spec["layout"].get("title", {}).get("text", "") for spec in chart_specs(at)]

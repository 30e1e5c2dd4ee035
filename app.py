"""Entrypoint: page config, the shared sidebar (one RunConfig), navigation, status."""

import streamlit as st
import torch

from explorer.texts import text
from ui import session, sidebar

torch.set_num_threads(1)  # one core per training thread; sessions share the machine

st.set_page_config(
    page_title="RNN Gradient-Flow Explorer", page_icon=":material/waves:", layout="wide"
)

PAGES = [
    st.Page("views/train.py", title="Train", icon=":material/show_chart:", default=True),
    st.Page("views/gradient_flow.py", title="Gradient flow", icon=":material/waves:"),
    st.Page("views/hidden_states.py", title="Hidden states", icon=":material/scatter_plot:"),
    st.Page("views/learn.py", title="Learn", icon=":material/function:"),
]

session.warm_up_in_background()
sidebar.load_url_once()
navigation = st.navigation(PAGES)
controls_box = st.sidebar.container()  # above the settings, drawn once they are read
config = sidebar.config_widgets()
with controls_box:
    sidebar.controls(config)
sidebar.write_url(config)
st.session_state["config"] = config

for warning in st.session_state.pop("url_warnings", []):
    st.warning(warning, icon=":material/warning:")

snap = session.snapshot()
if snap is not None and snap.state != "idle" and snap.config != config:
    changed = ", ".join(snap.config.diff(config))
    st.warning(text("status.changed", fields=changed), icon=":material/restart_alt:")

navigation.run()

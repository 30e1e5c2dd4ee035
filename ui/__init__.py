"""Streamlit glue: widgets and session state. Everything else lives in explorer/."""

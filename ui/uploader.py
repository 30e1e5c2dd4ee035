"""The file uploader's own words in the page's language."""

from __future__ import annotations

import streamlit as st

from ui import i18n
from ui.i18n import t


def uploader_texts(key: str, limit: str, types: list[str]) -> None:
    """Streamlit 1.67's file uploader has no parameter for its own words (the "Upload"
    button, "<limit> per file • <types>"), which stay English: in another language a
    CSS rule puts ours in their place (the limit is ours: max_upload_size)."""
    if i18n.lang() == "en":
        return
    note = t("data.dropzone", limit=limit, types=", ".join(t.upper() for t in types))
    button = t("data.dropzone_button")
    scope = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    st.html(
        "<style>"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span,"
        f"{scope} button [data-testid='stMarkdownContainer'] p {{font-size: 0}}"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span::after"
        f"{{content: {css_string(note)}; font-size: 0.875rem; white-space: normal}}"
        f"{scope} button [data-testid='stMarkdownContainer'] p::after"
        f"{{content: {css_string(button)}; font-size: 0.875rem}}"
        "</style>"
    )


def css_string(text: str) -> str:
    """A CSS string literal (content: "..."): backslashes and quotes escaped, no markup."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("<", "\\3c ").replace(">", "\\3e ") + '"'

"""The Data section's widgets for the series and chars tasks: upload a CSV or a text, paste
numbers, pick a column, or go back to the built-in data (ui/task_widgets.py says what the
section promises). Loaded only when a data task is chosen: the table parsers need pandas,
which a first page on the built-in tasks does without.
"""

from __future__ import annotations

import streamlit as st

from explorer.config import DataKind, RunConfig, data_kind
from explorer.tasks.datasource import data_name
from explorer.tasks.datastore import (
    MAX_DATA_BYTES,
    STORE,
    DataError,
    display_name,
    format_bytes,
)
from explorer.tasks.tables import (
    MAX_ROWS,
    MIN_VALUES,
    SeriesTable,
    column_values,
    date_strings,
    default_column,
    number_formats,
    parse_csv,
    parse_numbers,
)
from explorer.tasks.text_data import MAX_VOCAB, MIN_CHARS, UNKNOWN, decode_upload, make_corpus
from ui import i18n, widget_state
from ui.i18n import t
from ui.task_widgets import (
    ACCEPTED_COLUMN_KEY,
    ANSWERED_KEY,
    GENERATION_KEY,
    MESSAGE_KEY,
    UPLOAD_TYPES,
    _keep,
    error_text,
)
from ui.uploader import uploader_texts


# -- callbacks (they run before the script, so widget keys may be set) --------------------------
def _message(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def _accept(task: str, name: str, raw: bytes) -> str:
    """Check bytes as the task's data; register and select them and return their key, or
    say why not and return ""."""
    try:
        if data_kind(task) is DataKind.TABLE:
            table = parse_csv(raw)
            column = default_column(table)
            column_values(table, column)  # gaps, too short, constant: refused now
            detail = series_detail(table)
        else:
            corpus = make_corpus(decode_upload(raw), name)
            column, detail = (
                "",
                t("data.detail.text", chars=len(corpus.text), vocab=len(corpus.vocab)),
            )
    except DataError as exc:
        _message("error", t("data.refused", name=name, reason=error_text(exc)))
        return ""
    entry = STORE.put(name, raw)
    _keep(entry)
    widget_state.set_value("data", entry.key)
    if data_kind(task) is DataKind.TABLE:
        widget_state.set_value("column", column)
        st.session_state[ACCEPTED_COLUMN_KEY] = (entry.key, column)
    _message("success", t("data.accepted", name=name, detail=detail))
    return entry.key


def series_detail(table: SeriesTable) -> str:
    """What an accepted CSV holds, and how it was read: the number formats other than
    plain, the date column, a file put in time order."""
    detail = t("data.detail.series", rows=table.rows, columns=", ".join(table.numeric))
    formats = [
        t(f"data.format.{fmt}", columns=", ".join(columns))
        for fmt, columns in number_formats(table).items()
    ]
    if formats:
        detail += t("data.detail.formats", formats="; ".join(formats))
    if table.dates is not None:
        first, last = date_strings(table.dates[[0, -1]])
        detail += t("data.detail.dates", column=table.date_column, first=first, last=last)
    if table.newest_first:
        detail += t("data.detail.newest_first")
    return detail


def upload_key(task: str) -> str:
    """The uploader's widget key now: data_upload_<task>, then _1, _2, ... once emptied."""
    n = st.session_state.get(GENERATION_KEY, {}).get(task, 0)
    return f"data_upload_{task}" + (f"_{n}" if n else "")


def _empty_uploader(task: str) -> None:
    """A new key: the next run draws a new, empty uploader (Streamlit offers no way to
    clear one); the old key's state goes with the run."""
    generations = st.session_state.setdefault(GENERATION_KEY, {})
    generations[task] = generations.get(task, 0) + 1


def _on_upload(task: str, key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:  # cleared: keep using what was loaded
        return
    answered = st.session_state.setdefault(ANSWERED_KEY, {})
    if upload.file_id in answered:  # sent again after a page switch: answered already
        return
    name = display_name(upload.name)
    if upload.size > MAX_DATA_BYTES:  # refused before reading it
        error = DataError(
            "too_large", size=format_bytes(upload.size), limit=format_bytes(MAX_DATA_BYTES)
        )
        _message("error", t("data.refused", name=name, reason=error_text(error)))
        accepted = ""
    else:
        accepted = _accept(task, name, upload.getvalue())
    answered[upload.file_id] = accepted
    if not accepted:
        _empty_uploader(task)


def _on_paste(task: str) -> None:
    name = t("data.pasted_name")
    try:
        raw = parse_numbers(st.session_state.get("data_paste", ""))
    except DataError as exc:
        _message("error", t("data.refused", name=name, reason=error_text(exc)))
        return
    _accept(task, name, raw)


def _use_builtin(task: str) -> None:
    widget_state.set_value("data", "")
    if data_kind(task) is DataKind.TABLE:
        widget_state.set_value("column", "")
    st.session_state.pop(MESSAGE_KEY, None)


def section(task: str) -> None:
    """The Data expander's contents for a series or chars task."""
    with st.sidebar.expander(t("data.expander"), expanded=True):
        current = RunConfig(task=task, data=widget_state.value("data", "") or "")
        try:
            st.caption(t("data.current", name=data_name(current, i18n.lang())))
        except DataError as exc:  # a key this process no longer holds
            st.warning(error_text(exc))
            widget_state.set_value("data", "")
        _uploader_matches_data(task)
        DATA_WIDGETS[data_kind(task)](task)
        if (message := st.session_state.get(MESSAGE_KEY)) is not None:
            kind, text = message
            (st.error if kind == "error" else st.success)(text)


def _uploader_matches_data(task: str) -> None:
    """Empty the upload box when its file is not the data in use (refused, or replaced
    by the example, pasted numbers or an opened run's data)."""
    upload = st.session_state.get(upload_key(task))
    if upload is None:
        return
    answered = st.session_state.get(ANSWERED_KEY, {}).get(upload.file_id)
    if answered != (widget_state.value("data") or ""):
        _empty_uploader(task)


def _table_widgets(task: str) -> None:
    key = upload_key(task)
    st.file_uploader(
        t("data.upload_csv"),
        type=UPLOAD_TYPES[DataKind.TABLE],
        key=key,
        help=t("data.upload_csv_help", limit=format_bytes(MAX_DATA_BYTES), rows=MAX_ROWS),
        on_change=_on_upload,
        args=(task, key),
        max_upload_size=max(1, MAX_DATA_BYTES // 2**20),
    )
    uploader_texts(key, format_bytes(MAX_DATA_BYTES), UPLOAD_TYPES[DataKind.TABLE])
    st.text_area(
        t("data.paste"),
        key="data_paste",
        height=80,
        help=t("data.paste_help", minimum=MIN_VALUES),
    )
    st.button(
        t("data.paste_button"),
        key="data_paste_use",
        on_click=_on_paste,
        args=(task,),
        width="stretch",
    )
    st.button(
        t("data.example_button"),
        key="data_example",
        on_click=_use_builtin,
        args=(task,),
        help=t("data.example_help"),
        width="stretch",
    )
    _column_select()


def _column_select() -> None:
    """The column box, set to a usable column before it is drawn (the one place its key
    is written in a script run): a column refused here, however it arrived (picked, a
    link, another task's memory), is replaced by the last column accepted for this data,
    and the reason is shown. So the box always names the column that trains."""
    from explorer.tasks.datasource import series_table

    data = widget_state.value("data", "") or ""
    try:
        _, table = series_table(data)
    except DataError:
        return
    options = list(table.numeric)
    if widget_state.value("column") not in options:
        widget_state.set_value("column", default_column(table))
    column = widget_state.value("column")
    try:
        column_values(table, column)
    except DataError as exc:
        kept = _accepted_column(table, data)
        widget_state.set_value("column", kept)
        st.session_state[ACCEPTED_COLUMN_KEY] = (data, kept)
        reason = error_text(exc)
        _message("error", t("data.column_refused", column=column, reason=reason, kept=kept))
    else:
        if st.session_state.get(ACCEPTED_COLUMN_KEY) != (data, column):
            st.session_state[ACCEPTED_COLUMN_KEY] = (data, column)
            message = st.session_state.get(MESSAGE_KEY)
            if message is not None and message[0] == "error":  # a refused column's: answered
                st.session_state.pop(MESSAGE_KEY)
    st.selectbox(
        t("data.column"), options, key=widget_state.key("column"), help=t("data.column_help")
    )


def _accepted_column(table: SeriesTable, data: str) -> str:
    """The column last accepted for this data, else its default."""
    accepted = st.session_state.get(ACCEPTED_COLUMN_KEY)
    if accepted is not None and accepted[0] == data and accepted[1] in table.values:
        return accepted[1]
    return default_column(table)


def _text_widgets(task: str) -> None:
    key = upload_key(task)
    st.file_uploader(
        t("data.upload_text"),
        type=UPLOAD_TYPES[DataKind.TEXT],
        key=key,
        help=t(
            "data.upload_text_help",
            minimum=MIN_CHARS,
            limit=format_bytes(MAX_DATA_BYTES),
            vocab=MAX_VOCAB,
            unknown=UNKNOWN,
        ),
        on_change=_on_upload,
        args=(task, key),
        max_upload_size=max(1, MAX_DATA_BYTES // 2**20),
    )
    uploader_texts(key, format_bytes(MAX_DATA_BYTES), UPLOAD_TYPES[DataKind.TEXT])
    st.button(
        t("data.builtin_text_button"),
        key="data_builtin_text",
        on_click=_use_builtin,
        args=(task,),
        width="stretch",
    )


# What the Data section offers for each kind of data.
DATA_WIDGETS = {DataKind.TABLE: _table_widgets, DataKind.TEXT: _text_widgets}

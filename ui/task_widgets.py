"""The sidebar's Data section for the series and chars tasks: upload a CSV or a text, paste
numbers, pick a column, or go back to the built-in data. Streamlit glue only: parsing and
checking live in explorer/ (tables, text_data, datasource).

An accepted upload is registered in explorer.tasks.datastore under its content key, and the
config's `data` field takes that key (through ui/widget_state.py): the URL carries the
key, never a file name. This session keeps its files and registers them again on every rerun,
so the store's size limit never drops data a session is using. A bad upload shows what
is wrong and what is accepted, and changes nothing else.

What the section shows is what trains:
- each upload is answered once, by its file id. Streamlit 1.67 drops a file uploader's
  value in the run that st.switch_page cuts short (Open on the Compare page), and the
  browser sends the file again with the next interaction, which fired on_change a second
  time: the upload was accepted again and its default column replaced the one chosen.
- the upload box holds a file only while that file is the data in use: a refused upload
  (or the example, pasted numbers, another run's data) empties it, by giving the
  uploader a new widget key.
- the column box never shows a column that cannot be used: a column with gaps (or mixed
  number formats, or constant) is refused where it is picked, and the box goes back to
  the last column accepted, with the reason shown.
"""

from __future__ import annotations

import streamlit as st

from explorer.config import DATA_TASKS, DataKind, RunConfig, data_kind
from explorer.tasks.datasource import check_data, data_name
from explorer.tasks.datastore import (
    MAX_DATA_BYTES,
    STORE,
    DataError,
    DataFile,
    display_name,
    format_bytes,
    short_key,
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
from ui.uploader import uploader_texts

FILES_KEY = "data_files"  # {content key: DataFile} this session brought
BY_TASK_KEY = "data_by_task"  # {task: (data key, column)} so switching tasks keeps each one's
LAST_TASK_KEY = "data_last_task"
MESSAGE_KEY = "data_message"  # (kind, text) of the last upload or column choice
UPLOAD_TYPES = {DataKind.TABLE: ["csv", "tsv", "txt"], DataKind.TEXT: ["txt", "md", "text"]}
GENERATION_KEY = "data_upload_generation"  # {task: n}: a new n is a new, empty uploader
ANSWERED_KEY = "data_uploads_answered"  # {file id: content key, "" when refused}
ACCEPTED_COLUMN_KEY = "data_column_accepted"  # (data key, column): the last usable choice


def field_label(name: str) -> str:
    """A RunConfig field's label in the session's language."""
    return t(f"label.{name}")


def error_text(exc: DataError) -> str:
    """A DataError in the session's language (explorer raises it in English)."""
    return t(f"error.{exc.code}", **exc.values)


# -- the data a session brought ------------------------------------------------------------
def _keep(entry: DataFile) -> None:
    files = st.session_state.setdefault(FILES_KEY, {})
    files[entry.key] = entry


def keep_alive() -> None:
    """Register this session's files again (a no-op for those still there)."""
    for entry in st.session_state.get(FILES_KEY, {}).values():
        STORE.put(entry.name, entry.raw)


def check_url_data(config: RunConfig) -> tuple[RunConfig, list[str]]:
    """A link's data key must name data this server holds (uploaded in this process);
    otherwise the built-in data is used, with a warning that says why."""
    if not config.data:
        return config, []
    entry = STORE.get(config.data)
    if entry is not None:
        _keep(entry)
        return config, []
    warning = t(
        "data.url_unknown",
        key=short_key(config.data),
        fallback=t(f"data.fallback.{config.task}"),
    )
    return config.replace(data="", column=""), [warning]


def data_problem(config: RunConfig) -> str | None:
    """Why the config's task cannot use its data as set up (a column with gaps, a series
    too short for the window, ...), in the session's language; None when it can."""
    if config.task not in DATA_TASKS:
        return None
    try:
        check_data(config)
    except DataError as exc:
        return t("data.invalid", reason=error_text(exc))
    return None


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


def _switch_data(task: str) -> None:
    """Each data task keeps its own data: a CSV is no text corpus, and back again."""
    ss = st.session_state
    last = ss.get(LAST_TASK_KEY)
    if last == task:
        return
    by_task = ss.setdefault(BY_TASK_KEY, {})
    if last in DATA_TASKS:
        by_task[last] = (widget_state.value("data", ""), widget_state.value("column", ""))
    if last is not None and task in DATA_TASKS:
        data, column = by_task.get(task, ("", ""))
        widget_state.set_value("data", data)
        if data_kind(task) is DataKind.TABLE:
            widget_state.set_value("column", column)
    ss[LAST_TASK_KEY] = task
    ss.pop(MESSAGE_KEY, None)


# -- the section -----------------------------------------------------------------------------
def data_section() -> None:
    """The Data expander, for the series and chars tasks only."""
    task = widget_state.value("task")
    _switch_data(task)
    if task not in DATA_TASKS:
        return
    if (entry := STORE.get(widget_state.value("data") or "")) is not None:
        _keep(entry)  # e.g. a saved run opened from the Compare page brought it
    keep_alive()
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

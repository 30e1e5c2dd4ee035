"""The sidebar's Data section for the series and chars tasks: upload a CSV or a text, paste
numbers, pick a column, or go back to the built-in data. Streamlit glue only: parsing and
checking live in explorer/ (series_data, text_data, datasource).

An accepted upload is registered in explorer.datastore under its content key, and the
config's `data` field takes that key (widget key "cfg_data"): the URL carries the key,
never a file name. This session keeps its files and registers them again on every rerun,
so the store's size limit never drops data a session is using. A bad upload shows what
is wrong and what is accepted, and changes nothing else.
"""

from __future__ import annotations

import streamlit as st

from explorer.config import DATA_TASKS, RunConfig
from explorer.datasource import check_data, data_name
from explorer.datastore import (
    MAX_DATA_BYTES,
    STORE,
    DataError,
    DataFile,
    display_name,
    format_bytes,
    short_key,
)
from explorer.series_data import (
    MAX_ROWS,
    MIN_VALUES,
    column_values,
    default_column,
    parse_csv,
    parse_numbers,
)
from explorer.text_data import MAX_VOCAB, MIN_CHARS, UNKNOWN, decode_upload, make_corpus
from explorer.texts import TEXTS
from explorer.texts_tasks import task_text
from ui import i18n

DATA_KEY, COLUMN_KEY = "cfg_data", "cfg_column"  # RunConfig's fields, as sidebar.key() names them
FILES_KEY = "data_files"  # {content key: DataFile} this session brought
BY_TASK_KEY = "data_by_task"  # {task: (data key, column)} so switching tasks keeps each one's
LAST_TASK_KEY = "data_last_task"
MESSAGE_KEY = "data_message"  # (kind, text) of the last upload, shown once
UPLOAD_TYPES = {"series": ["csv", "tsv", "txt"], "chars": ["txt", "md", "text"]}


def tt(text_id: str, **values: object) -> str:
    """A text of explorer.texts_tasks in the session's language."""
    return task_text(text_id, i18n.lang(), **values)


def field_label(name: str) -> str:
    """A RunConfig field's label: explorer.texts has the older fields, texts_tasks the
    data and column fields."""
    key = f"label.{name}"
    return i18n.t(key) if key in TEXTS else tt(key)


def error_text(exc: DataError) -> str:
    """A DataError in the session's language (explorer raises it in English)."""
    return tt(f"error.{exc.code}", **exc.values)


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
    warning = tt(
        "data.url_unknown",
        key=short_key(config.data),
        fallback=tt(f"data.fallback.{config.task}"),
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
        return tt("data.invalid", reason=error_text(exc))
    return None


# -- callbacks (they run before the script, so widget keys may be set) --------------------------
def _message(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def _accept(task: str, name: str, raw: bytes) -> None:
    """Check bytes as the task's data; register and select them, or say why not."""
    try:
        if task == "series":
            table = parse_csv(raw)
            column = default_column(table)
            column_values(table, column)  # gaps, too short, constant: refused now
            detail = tt("data.detail.series", rows=table.rows, columns=", ".join(table.numeric))
        else:
            corpus = make_corpus(decode_upload(raw), name)
            column, detail = (
                "",
                tt("data.detail.text", chars=len(corpus.text), vocab=len(corpus.vocab)),
            )
    except DataError as exc:
        _message("error", tt("data.refused", name=name, reason=error_text(exc)))
        return
    entry = STORE.put(name, raw)
    _keep(entry)
    st.session_state[DATA_KEY] = entry.key
    if task == "series":
        st.session_state[COLUMN_KEY] = column
    _message("success", tt("data.accepted", name=name, detail=detail))


def _on_upload(task: str) -> None:
    upload = st.session_state.get(f"data_upload_{task}")
    if upload is None:  # cleared: keep using what was loaded
        return
    name = display_name(upload.name)
    if upload.size > MAX_DATA_BYTES:  # refused before reading it
        error = DataError(
            "too_large", size=format_bytes(upload.size), limit=format_bytes(MAX_DATA_BYTES)
        )
        _message("error", tt("data.refused", name=name, reason=error_text(error)))
        return
    _accept(task, name, upload.getvalue())


def _on_paste() -> None:
    name = tt("data.pasted_name")
    try:
        raw = parse_numbers(st.session_state.get("data_paste", ""))
    except DataError as exc:
        _message("error", tt("data.refused", name=name, reason=error_text(exc)))
        return
    _accept("series", name, raw)


def _use_builtin(task: str) -> None:
    st.session_state[DATA_KEY] = ""
    if task == "series":
        st.session_state[COLUMN_KEY] = ""
    st.session_state.pop(MESSAGE_KEY, None)


def _switch_data(task: str) -> None:
    """Each data task keeps its own data: a CSV is no text corpus, and back again."""
    ss = st.session_state
    last = ss.get(LAST_TASK_KEY)
    if last == task:
        return
    by_task = ss.setdefault(BY_TASK_KEY, {})
    if last in DATA_TASKS:
        by_task[last] = (ss.get(DATA_KEY, ""), ss.get(COLUMN_KEY, ""))
    if last is not None and task in DATA_TASKS:
        ss[DATA_KEY], column = by_task.get(task, ("", ""))
        if task == "series":
            ss[COLUMN_KEY] = column
    ss[LAST_TASK_KEY] = task
    ss.pop(MESSAGE_KEY, None)


# -- the section -----------------------------------------------------------------------------
def data_section() -> None:
    """The Data expander, for the series and chars tasks only."""
    task = st.session_state.get("cfg_task")
    _switch_data(task)
    if task not in DATA_TASKS:
        return
    if (entry := STORE.get(st.session_state.get(DATA_KEY) or "")) is not None:
        _keep(entry)  # e.g. a saved run opened from the Compare page brought it
    keep_alive()
    with st.sidebar.expander(tt("data.expander"), expanded=True):
        current = RunConfig(task=task, data=st.session_state.get(DATA_KEY, "") or "")
        try:
            st.caption(tt("data.current", name=data_name(current, i18n.lang())))
        except DataError as exc:  # a key this process no longer holds
            st.warning(error_text(exc))
            st.session_state[DATA_KEY] = ""
        if task == "series":
            _series_widgets()
        else:
            _text_widgets()
        if (message := st.session_state.get(MESSAGE_KEY)) is not None:
            kind, text = message
            (st.error if kind == "error" else st.success)(text)


def _series_widgets() -> None:
    st.file_uploader(
        tt("data.upload_csv"),
        type=UPLOAD_TYPES["series"],
        key="data_upload_series",
        help=tt("data.upload_csv_help", limit=format_bytes(MAX_DATA_BYTES), rows=MAX_ROWS),
        on_change=_on_upload,
        args=("series",),
        max_upload_size=max(1, MAX_DATA_BYTES // 2**20),
    )
    st.text_area(
        tt("data.paste"),
        key="data_paste",
        height=80,
        help=tt("data.paste_help", minimum=MIN_VALUES),
    )
    st.button(tt("data.paste_button"), key="data_paste_use", on_click=_on_paste, width="stretch")
    st.button(
        tt("data.example_button"),
        key="data_example",
        on_click=_use_builtin,
        args=("series",),
        help=tt("data.example_help"),
        width="stretch",
    )
    _column_select()


def _column_select() -> None:
    from explorer.datasource import series_table

    try:
        _, table = series_table(st.session_state.get(DATA_KEY, "") or "")
    except DataError:
        return
    options = list(table.numeric)
    if st.session_state.get(COLUMN_KEY) not in options:
        st.session_state[COLUMN_KEY] = default_column(table)
    st.selectbox(tt("data.column"), options, key=COLUMN_KEY, help=tt("data.column_help"))


def _text_widgets() -> None:
    st.file_uploader(
        tt("data.upload_text"),
        type=UPLOAD_TYPES["chars"],
        key="data_upload_chars",
        help=tt(
            "data.upload_text_help",
            minimum=MIN_CHARS,
            limit=format_bytes(MAX_DATA_BYTES),
            vocab=MAX_VOCAB,
            unknown=UNKNOWN,
        ),
        on_change=_on_upload,
        args=("chars",),
        max_upload_size=max(1, MAX_DATA_BYTES // 2**20),
    )
    st.button(
        tt("data.builtin_text_button"),
        key="data_builtin_text",
        on_click=_use_builtin,
        args=("chars",),
        width="stretch",
    )

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
from explorer.tasks.datastore import (
    STORE,
    DataError,
    DataFile,
    short_key,
)
from ui import plot, widget_state
from ui.i18n import t

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
    plot.import_pandas()  # where no chart is being built: only a data task needs it
    from explorer.tasks.datasource import check_data

    try:
        check_data(config)
    except DataError as exc:
        return t("data.invalid", reason=error_text(exc))
    return None


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
    plot.import_pandas()  # where no chart is being built: only a data task needs it
    from ui import data_widgets  # the table parsers

    data_widgets.section(task)

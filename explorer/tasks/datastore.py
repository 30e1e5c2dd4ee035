"""Data a user brings, kept in memory under a content key, never under a path.

An uploaded CSV or text, pasted numbers, or a file the command line was told to read
(--data FILE) is registered here as bytes; a run's config then names it by its key,
"sha256:" plus the SHA-256 of those bytes. A URL can carry a key but can never make the
server open a file: a key is only ever looked up in this store, and an unknown one is
refused (the app warns and falls back to the built-in data). A run folder keeps the
bytes beside config.json (data.csv or data.txt), so a saved run, a replay and a Compare
worker process (which starts with an empty store) get the very same data.

>>> store = DataStore(max_bytes=100)
>>> entry = store.put("prices.csv", b"close\\n1\\n2\\n")
>>> entry.key[:15], store.get(entry.key).name
('sha256:94be07a4', 'prices.csv')
>>> store.get("sha256:" + "0" * 64) is None
True
"""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.i18n import text

MAX_DATA_BYTES = 2 * 2**20  # per upload or --data file: a series or a text, not a dataset
STORE_BYTES = 64 * 2**20  # the store forgets the least recently used data beyond this
KEY_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
NAME_CHARS = 80  # a display name is cut to this


class DataError(ValueError):
    """Data that cannot be used; `code` names the problem (a key of explorer.i18n,
    "error.<code>") and `values` fill in its message, so a UI can show it in its own
    language. str(error) is the English sentence."""

    def __init__(self, code: str, **values: Any) -> None:
        self.code = code
        self.values = values
        super().__init__(text(f"error.{code}", **values))


@dataclass(frozen=True)
class DataFile:
    key: str  # "sha256:<hex>" of raw
    name: str  # shown to people only; never used as a path
    raw: bytes


def content_key(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def display_name(name: str) -> str:
    """A file name as it may be shown: the last path part, printable, at most NAME_CHARS.

    >>> display_name("../../etc/passwd"), display_name("a\\x00b.csv")
    ('passwd', 'ab.csv')
    """
    base = re.split(r"[\\/]", str(name))[-1]
    clean = "".join(ch for ch in base if ch.isprintable())
    return (clean or "data")[:NAME_CHARS]


def format_bytes(n: int) -> str:
    """2 MB, 1.5 MB, 700 KB: sizes as people read them (powers of 1024)."""
    if n >= 2**20:
        return f"{n / 2**20:.3g} MB"
    return f"{max(1, round(n / 2**10))} KB"


class DataStore:
    """Key -> DataFile, thread-safe, least recently used forgotten beyond max_bytes.
    The app re-registers a session's data on every rerun, so what a session uses stays."""

    def __init__(self, max_bytes: int = STORE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._files: OrderedDict[str, DataFile] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, name: str, raw: bytes) -> DataFile:
        entry = DataFile(content_key(raw), display_name(name), bytes(raw))
        with self._lock:
            old = self._files.pop(entry.key, None)
            self._files[entry.key] = old or entry  # the first name given stays
            total = sum(len(f.raw) for f in self._files.values())
            while total > self.max_bytes and len(self._files) > 1:
                _, dropped = self._files.popitem(last=False)
                total -= len(dropped.raw)
            return self._files[entry.key]

    def get(self, key: str) -> DataFile | None:
        with self._lock:
            entry = self._files.get(key)
            if entry is not None:
                self._files.move_to_end(key)
            return entry

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._files

    def clear(self) -> None:
        with self._lock:
            self._files.clear()


STORE = DataStore()


def lookup(key: str) -> DataFile:
    """The registered data for a key; DataError("unknown_key") when it is not here."""
    entry = STORE.get(key)
    if entry is None:
        raise DataError("unknown_key", key=short_key(key))
    return entry


def short_key(key: str) -> str:
    """sha256:2c9f8c1d…: enough to recognise a key in a message."""
    return key[:15] + "…" if len(key) > 15 else key


def read_file(path: str | Path, max_bytes: int = MAX_DATA_BYTES) -> DataFile:
    """Read a file the command line was explicitly given, size-checked before reading,
    and register it. Directories, missing files and devices are refused by DataError."""
    p = Path(path)
    try:
        if not p.is_file():
            raise DataError("unreadable", path=str(path), reason="not a file")
        size = p.stat().st_size
        if size > max_bytes:
            raise DataError("too_large", size=format_bytes(size), limit=format_bytes(max_bytes))
        raw = p.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        if isinstance(exc, DataError):
            raise
        reason = getattr(exc, "strerror", None) or str(exc)
        raise DataError("unreadable", path=str(path), reason=reason) from None
    check_size(raw, max_bytes)
    return STORE.put(p.name, raw)


def check_size(raw: bytes, max_bytes: int = MAX_DATA_BYTES) -> None:
    if len(raw) > max_bytes:
        raise DataError("too_large", size=format_bytes(len(raw)), limit=format_bytes(max_bytes))


def decode_text(raw: bytes, max_bytes: int = MAX_DATA_BYTES) -> str:
    """Bytes -> str for any text a user brings: refuses empty, too large, binary (NUL
    bytes) and anything that is not UTF-8 (a UTF-8 BOM is fine; ASCII is UTF-8). Latin-1
    is not guessed: it would read any bytes at all, and silently turn a wrong encoding
    into wrong numbers or letters."""
    check_size(raw, max_bytes)
    if not raw.strip():
        raise DataError("empty")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError("utf16")
    if b"\x00" in raw:
        raise DataError("binary")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError("encoding", byte=f"{raw[exc.start]:02x}", line=line) from None
    if not text.strip():
        raise DataError("empty")
    return text

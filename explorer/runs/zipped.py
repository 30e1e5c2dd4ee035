"""A run folder as a zip, and an uploaded zip checked before it becomes one: size, names,
no paths outside the folder, no zip bomb (explorer.runs.bundle loads what is inside)."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from explorer.runs.bundle import KNOWN_FILES, LoadedRun, load_run
from explorer.runs.readers import BundleError, mib, one_line

UNPACK_FACTOR = 4  # unpacked bytes allowed per byte of max_bytes: zip-bomb guard


def zip_run(folder: Path) -> bytes:
    """The run folder as a zip archive in memory, its files under one folder name."""
    folder = Path(folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(KNOWN_FILES):
            if (folder / name).is_file():
                archive.write(folder / name, f"{folder.name or 'run'}/{name}")
    return buffer.getvalue()


def load_zip(data: bytes, max_bytes: int = 50 * 2**20) -> LoadedRun:
    """Validate an uploaded zip, unpack it into a temporary folder and load it. Refuses
    archives over max_bytes (or unpacking to more than UNPACK_FACTOR times that), members
    with absolute or '..' paths (zip slip), and any file name a run folder does not have."""
    with tempfile.TemporaryDirectory(prefix="run-") as tmp:
        return unpack_zip(data, Path(tmp), max_bytes)


def unpack_zip(
    data: bytes, folder: Path, max_bytes: int = 50 * 2**20, load: bool = True
) -> LoadedRun | None:
    """load_zip's checks, unpacking into `folder` (which must exist) to keep the run:
    only the known file names are written, each at the folder's top level. load=False
    skips reading the run back (its reader does that anyway)."""
    if len(data) > max_bytes:
        raise BundleError(f"the zip is {mib(len(data))}; the limit is {mib(max_bytes)}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile mostly; damaged headers raise others too
        raise BundleError("not a zip archive (or a damaged one)") from None
    with archive:
        try:
            files = check_members(archive.infolist(), max_bytes * UNPACK_FACTOR)
        except BundleError:
            raise
        except Exception as exc:  # a damaged central directory: odd names, sizes, ...
            raise BundleError(f"damaged zip directory ({one_line(exc)})") from None
        for name, info in files.items():
            try:
                (Path(folder) / name).write_bytes(archive.read(info))
            except Exception as exc:  # bad CRC, zlib.error, unsupported method, ...
                raise BundleError(f"{name}: corrupt zip member ({one_line(exc)})") from None
        return load_run(Path(folder)) if load else None


def check_members(infos: list[zipfile.ZipInfo], max_unpacked: int) -> dict[str, zipfile.ZipInfo]:
    """Map each file's base name to its member; all files must sit in one folder (or at
    the top) and carry a known name."""
    files: dict[str, zipfile.ZipInfo] = {}
    parents = set()
    total = 0
    for info in infos:
        raw = info.filename
        path = PurePosixPath(raw.replace("\\", "/"))
        if raw.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", raw) or ".." in path.parts:
            raise BundleError(f"unsafe member name {raw!r} in the zip")
        if info.is_dir():
            continue
        if path.name not in KNOWN_FILES:
            raise BundleError(
                f"unexpected file {raw!r} in the zip; a run holds only "
                f"{', '.join(sorted(KNOWN_FILES))}"
            )
        if path.name in files:
            raise BundleError(f"{path.name} appears twice in the zip")
        total += info.file_size
        if total > max_unpacked:
            raise BundleError(f"the zip unpacks to more than {mib(max_unpacked)}")
        parents.add(path.parent)
        files[path.name] = info
    if len(parents) > 1:
        raise BundleError("the zip's files are spread over several folders; expected one run")
    return files

"""torch's shared libraries loaded with the GIL released, before `import torch`.

Most of `import torch` (~1 s of ~1.2 s here) is the dynamic loader mapping and relocating
libtorch_cpu.so and its neighbours, inside an import that holds the GIL: every other
thread of the server (a page being drawn) waits for all of it. ctypes releases the GIL
around a call into a C function, so calling libc's own dlopen on the same files first
lets the other threads run meanwhile; the import then finds them loaded and only runs
Python. Nothing here imports torch, and anything unusual (not Linux, a torch laid out
differently) just leaves the work to the import, as before.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import importlib.util
import os
from pathlib import Path

# libtorch_global_deps is loaded RTLD_GLOBAL by torch itself (torch/__init__.py's
# _load_global_deps); torch._C and what it links to, with the interpreter's own flags.
GLOBAL_DEPS = "libtorch_global_deps.so"


def torch_libraries() -> list[tuple[Path, int]]:
    """(file, dlopen flags) in the order torch loads them; [] when torch is not found."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return []
    home = Path(next(iter(spec.submodule_search_locations)))
    found: list[tuple[Path, int]] = []
    deps = home / "lib" / GLOBAL_DEPS
    if deps.is_file():
        found.append((deps, os.RTLD_NOW | os.RTLD_GLOBAL))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        extension = home / f"_C{suffix}"
        if extension.is_file():  # links libtorch_python, libtorch_cpu, libc10, ...
            found.append((extension, os.RTLD_NOW | os.RTLD_LOCAL))
            break
    return found


def preload_torch() -> list[Path]:
    """dlopen torch's libraries through libc (the GIL released); the files it loaded.
    The handles are kept open on purpose: the import reuses them."""
    try:
        dlopen = ctypes.CDLL(None).dlopen  # a foreign call: ctypes drops the GIL around it
    except (OSError, AttributeError):  # no libc dlopen to call (not a POSIX system)
        return []
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    loaded = []
    for path, flags in torch_libraries():
        if not dlopen(os.fsencode(path), flags):  # NULL: the import will say why, if it fails
            break
        loaded.append(path)
    return loaded

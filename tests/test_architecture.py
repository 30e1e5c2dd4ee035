"""The house's rules, checked on its source: layers as packages, small modules and
functions, no import cycle, and the library free of streamlit (issue 12; GUIDE section 2).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPLORER = ROOT / "explorer"
MAX_TOP_MODULES = 12
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
TABLES = {"explorer/i18n/en.py", "explorer/i18n/zh.py"}  # translation tables aside
PACKAGES = ("engine", "tasks", "figures", "runs", "i18n")


def modules() -> dict[str, Path]:
    """Every module of explorer/ by its dotted name."""
    out = {}
    for path in EXPLORER.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(path: Path) -> set[str]:
    """The modules a file imports, at module level or inside functions; not those it
    imports for type hints alone (under `if TYPE_CHECKING:`), which make no cycle."""
    tree = ast.parse(path.read_text())
    hints = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for n in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_layers_are_packages_with_few_modules_at_the_top():
    top = [p for p in EXPLORER.glob("*.py")] + [
        p for p in EXPLORER.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    ]
    assert len(top) <= MAX_TOP_MODULES, sorted(p.name for p in top)
    for package in PACKAGES:
        assert (EXPLORER / package / "__init__.py").exists(), package


def test_no_file_and_no_function_is_too_long():
    long_files, long_functions = [], []
    for path in modules().values():
        rel = path.relative_to(ROOT).as_posix()
        lines = path.read_text().count("\n")
        if lines > MAX_FILE_LINES and rel not in TABLES:
            long_files.append(f"{rel}: {lines}")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{rel}:{node.lineno} {node.name}: {length}")
    assert not long_files, long_files
    assert not long_functions, long_functions


def test_the_library_never_imports_streamlit():
    users = [
        n for n, p in modules().items() if any(i.split(".")[0] == "streamlit" for i in imports(p))
    ]
    assert not users, users


def test_no_import_cycle_between_modules():
    mods = modules()
    graph = defaultdict(set)
    for name, path in mods.items():
        for target in imports(path):
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                graph[name].add(target)
    seen, stack, cycles = set(), [], []

    def visit(node: str) -> None:
        if node in stack:
            cycles.append([*stack[stack.index(node) :], node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph[node]):
            visit(nxt)
        stack.pop()

    for node in sorted(mods):
        visit(node)
    assert not cycles, cycles[:5]

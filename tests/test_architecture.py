"""The house's rules, checked on its source: layers as packages, small modules and
functions, no import cycle, the library free of streamlit, pages that are main()
functions and ask a task what it is instead of testing its name (issue 12; GUIDE
section 2).
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
PAGES_DIR = ROOT / "views"
TASK_NAMES = {"adding", "sine_next", "sine_window", "series", "digits", "chars"}


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


def app_files() -> list[Path]:
    """The Streamlit side: app.py, ui/ and the pages."""
    return [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted(PAGES_DIR.glob("*.py"))]


def test_no_file_and_no_function_is_too_long():
    long_files, long_functions = [], []
    for path in [*modules().values(), *app_files()]:
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


def test_every_page_is_a_main_function_called_once():
    """A page's module holds imports, definitions and constants; what it draws happens
    in main(), called on its last line."""
    for path in sorted(PAGES_DIR.glob("*.py")):
        body = ast.parse(path.read_text()).body
        *rest, last = body[1:] if isinstance(body[0], ast.Expr) else body  # the docstring
        allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.Assign, ast.AnnAssign)
        typing_only = [  # `if TYPE_CHECKING:` imports for annotations
            n for n in rest if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
        ]
        assert all(isinstance(node, allowed) or node in typing_only for node in rest), path.name
        assert ast.unparse(last) == "main()", path.name
        assert any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in rest), path.name


def _names_a_task(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in TASK_NAMES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_task(e) for e in node.elts)
    return False


def _tests_a_task_name(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        return any(_names_a_task(n) for n in [node.left, *node.comparators])
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "startswith"
        and "task" in ast.unparse(node.func.value)
    )


def test_pages_ask_the_task_instead_of_testing_its_name():
    """No `config.task == "series"`, `task.name in (...)` or `task.startswith("sine")` on
    the Streamlit side: what differs between tasks is an attribute or a method of Task,
    or a registry keyed by it."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}"
        for path in app_files()
        for node in ast.walk(ast.parse(path.read_text()))
        if _tests_a_task_name(node)
    ]
    assert not found, found


def _names_a_settings_key(node: ast.AST) -> bool:
    """A string (or the start of an f-string) that spells a settings widget key."""
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    return isinstance(node, ast.Constant) and str(node.value).startswith("cfg_")


def test_the_settings_widgets_have_one_writer():
    """Only ui/widget_state.py spells the settings' widget keys ("cfg_<field>")."""
    spellers = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in app_files()
        if path.name != "widget_state.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if _names_a_settings_key(node)
    ]
    assert not spellers, spellers

"""The RNN Gradient-Flow Explorer's library. `explorer.watch(module)` is imported on first
use (PEP 562), so `import explorer` stays light: the app's start does not pay for torch."""


def __getattr__(name: str):
    if name == "watch":
        import importlib

        return importlib.import_module("explorer.watch")  # callable: explorer.watch(module)
    raise AttributeError(f"module 'explorer' has no attribute {name!r}")

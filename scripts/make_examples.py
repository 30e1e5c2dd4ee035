"""Record the example runs the pages open on before Train (explorer/runs/examples.py):
the default settings and each lesson watched on the Train page, each trained by the
command line (`python -m explorer train --config`), its hidden-state snapshots then
thinned to a few (the Hidden states page's slider needs no more, and the repository
stays small).

    python scripts/make_examples.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.config import RunConfig  # noqa: E402
from explorer.presets import PRESETS, TRAIN_PAGE  # noqa: E402
from explorer.runs.examples import DEFAULT, EXAMPLES_DIR, KEPT_SNAPSHOTS  # noqa: E402


def examples() -> dict[str, RunConfig]:
    lessons = {
        name: p.config for name, p in PRESETS.items() if p.page == TRAIN_PAGE and not p.is_race
    }
    return {DEFAULT: RunConfig(), **lessons}


def record(name: str, config: RunConfig, root: Path) -> Path:
    folder = root / name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.json"
        path.write_text(config.to_json())
        command = ["train", "--config", str(path), "--out", str(folder)]
        subprocess.run([sys.executable, "-m", "explorer", *command], cwd=ROOT, check=True)
    thin_hidden(folder / "hidden.npz")
    compress(folder / "gradflow.npz")
    return folder


def thin_hidden(path: Path, keep: int = KEPT_SNAPSHOTS) -> None:
    """Keep `keep` snapshots spread over the run, the first and last among them."""
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in npz.files}
    n = len(arrays["steps"])
    chosen = np.unique(np.linspace(0, n - 1, min(keep, n)).round().astype(int))
    arrays["steps"], arrays["states"] = arrays["steps"][chosen], arrays["states"][chosen]
    np.savez_compressed(path, **arrays)


def compress(path: Path) -> None:
    """The same arrays, compressed (np.load reads either)."""
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in npz.files}
    np.savez_compressed(path, **arrays)


def main() -> None:
    for name, config in examples().items():
        print(f"{name}: {record(name, config, EXAMPLES_DIR)}")


if __name__ == "__main__":
    main()

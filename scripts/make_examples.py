"""Record the example runs the pages open on before Train (explorer/runs/examples.py):
the default settings and each lesson watched on the Train page, each trained by the
command line (`python -m explorer train --config`), and each race lesson's race
(`python -m explorer compare --vary`); hidden-state snapshots are then thinned to a few
(the Hidden states page's slider needs no more) and gradflow.npz compressed, so the
repository stays small.

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

KEPT_PROBES = 240
PER_PROBE = ("steps", "horizon", "param_norms")  # gradflow.npz arrays with a row per probe


def examples() -> dict[str, RunConfig]:
    lessons = {
        name: p.config for name, p in PRESETS.items() if p.page == TRAIN_PAGE and not p.is_race
    }
    return {DEFAULT: RunConfig(), **lessons}


def record(name: str, config: RunConfig, root: Path, vary: tuple = ()) -> Path:
    """One run (`train`), or a race's variants (`compare --vary`) in one group folder."""
    folder = root / name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.json"
        path.write_text(config.to_json())
        command = ["train", "--config", str(path), "--out", str(folder)]
        if vary:
            flags = [f"--vary={knob}={','.join(values)}" for knob, values in vary]
            command = ["compare", "--config", str(path), *flags, "--out", str(folder)]
        subprocess.run([sys.executable, "-m", "explorer", *command], cwd=ROOT, check=True)
    for run in [folder] if not vary else sorted(p for p in folder.iterdir() if p.is_dir()):
        thin_hidden(run / "hidden.npz", KEPT_SNAPSHOTS if not vary else 2)  # Compare: none
        thin_probes(run / "gradflow.npz")
    return folder


def thin_hidden(path: Path, keep: int = KEPT_SNAPSHOTS) -> None:
    """Keep `keep` snapshots spread over the run, the first and last among them."""
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in npz.files}
    n = len(arrays["steps"])
    chosen = np.unique(np.linspace(0, n - 1, min(keep, n)).round().astype(int))
    arrays["steps"], arrays["states"] = arrays["steps"][chosen], arrays["states"][chosen]
    np.savez_compressed(path, **arrays)


def thin_probes(path: Path, keep: int = KEPT_PROBES) -> None:
    """Keep `keep` probes spread over the run (a chart draws at most 240 rows), the last
    among them, and compress (np.load reads either)."""
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in npz.files}
    n = len(arrays["steps"])
    chosen = np.unique(np.linspace(0, n - 1, min(keep, n)).round().astype(int))
    for name, values in arrays.items():
        if name in PER_PROBE or name.startswith(("dh", "dc")):
            arrays[name] = values[chosen]
    np.savez_compressed(path, **arrays)


def main() -> None:
    for name, config in examples().items():
        print(f"{name}: {record(name, config, EXAMPLES_DIR)}")
    for name, preset in PRESETS.items():
        if preset.is_race:
            print(f"{name}: {record(name, preset.config, EXAMPLES_DIR, preset.vary)}")


if __name__ == "__main__":
    main()

"""Parallel comparison vs the same variants one after another.

Four variants (cell=rnn,gru x lr=0.01,0.001 on the adding problem) are trained twice: one
after another in this process (explorer.runs.compare.run_sequential, saving each run folder as
a comparison does), and as a Comparison on all cores (worker processes started with
"spawn", one torch thread each; the time includes starting them and reading the results
back). Prints both wall times, their ratio (target <= 0.6 on 2 cores) and whether the two
give identical losses. The load average is printed too: on a shared machine other jobs
take cores, and the ratio can only be as good as the cores that are free.

    python bench/bench_compare.py [--steps 4000] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import torch

# Run as `python bench/bench_compare.py`, Python puts bench/ on sys.path, not the repository
# root: put the root there so `explorer` imports from a fresh clone without PYTHONPATH (the
# spawned workers inherit this sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.config import RunConfig
from explorer.runs.compare import Comparison, run_sequential
from explorer.runs.variants import make_variants

BASE = RunConfig(task="adding", seq_len=50, hidden=32, batch=32, clip="norm", clip_value=1.0)
VARY = {"cell": ["rnn", "gru"], "lr": ["0.01", "0.001"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    variants = make_variants(BASE.replace(steps=args.steps), VARY)
    print(f"{len(variants)} variants x {args.steps} steps: {', '.join(v.name for v in variants)}")
    print(f"cores {os.cpu_count()}, workers {args.workers}, load average {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        sequential = run_sequential(variants, Path(tmp) / "sequential")
        t_seq = time.perf_counter() - start
        print(f"one after another: {t_seq:7.1f} s   (load average {_load()})")

        start = time.perf_counter()
        comparison = Comparison(variants, Path(tmp) / "parallel", workers=args.workers)
        comparison.start().wait()
        t_par = time.perf_counter() - start
        print(f"in parallel:       {t_par:7.1f} s   (load average {_load()})")
        parallel = comparison.results()

    same = len(parallel) == len(sequential) and all(
        [r.loss for r in p.history.steps] == [r.loss for r in s.history.steps]
        for p, s in zip(parallel, sequential, strict=True)
    )
    print(f"ratio parallel / sequential: {t_par / t_seq:.2f} (target <= 0.6)")
    print(f"identical losses in both: {same}")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":  # spawned workers import this module again: run nothing then
    main()

"""The two executors side by side: the same variants on the local pool and on Ray.

Twelve variants (cell=rnn,lstm,gru x lr=0.01,0.003,0.001,0.0003) of 200 steps on the
adding problem run as a Comparison on each executor, in one invocation, rounds
alternating. Ray's time is shown whole and without starting Ray (its init and the warm-up
that loads torch into its workers: Comparison.work_seconds); the target is Ray within
1.3x of local, init excluded. Both must give the same final losses. With --random N it
then runs an N-variant random search (lr, hidden) on Ray and reports that it completed.

    python bench/bench_executors.py [--rounds 2] [--steps 200] [--random 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.config import RunConfig
from explorer.runs.compare import Comparison
from explorer.runs.executor import Executor, ExecutorKind
from explorer.runs.states import RunState
from explorer.runs.sweep import MAX_SWEEP, parse_range, random_variants
from explorer.runs.variants import make_variants

BASE = RunConfig(task="adding", seq_len=50, hidden=32, batch=32)
VARY = {"cell": ["rnn", "lstm", "gru"], "lr": ["0.01", "0.003", "0.001", "0.0003"]}


def run(variants, executor: Executor, out: Path) -> Comparison:
    comparison = Comparison(
        variants,
        out,
        workers=os.cpu_count(),
        idle_timeout=None,
        executor=executor,
        max_variants=MAX_SWEEP,
    ).start()
    comparison.wait()
    failed = [s for s in comparison.states() if s.state != RunState.COMPLETED]
    assert not failed, [(s.name, s.state, s.message) for s in failed]
    return comparison


def final_losses(comparison: Comparison) -> list[float]:
    return [e.history.steps[-1].loss for e in comparison.results()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--random", type=int, default=0, help="then a random search this big")
    args = parser.parse_args()
    variants = make_variants(BASE.replace(steps=args.steps), VARY)
    local_s, ray_s, ray_all_s = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.rounds):
            local = run(variants, Executor(), Path(tmp) / f"local-{n}")
            on_ray = run(variants, Executor(ExecutorKind.RAY), Path(tmp) / f"ray-{n}")
            assert final_losses(local) == final_losses(on_ray), "the executors disagree"
            local_s.append(local.wall_seconds)
            ray_s.append(on_ray.work_seconds)
            ray_all_s.append(on_ray.wall_seconds)
            print(
                f"round {n + 1}: local {local.wall_seconds:.1f} s, ray {on_ray.work_seconds:.1f}"
                f" s after init ({on_ray.wall_seconds:.1f} s with it)",
                flush=True,
            )
        ratio = statistics.median(ray_s) / statistics.median(local_s)
        print(
            f"\n{len(variants)} variants x {args.steps} steps on {os.cpu_count()} cores, "
            f"median of {args.rounds}: local {statistics.median(local_s):.1f} s, ray "
            f"{statistics.median(ray_s):.1f} s without init ({statistics.median(ray_all_s):.1f}"
            f" s with it); ray/local {ratio:.2f} (target <= 1.3); final losses identical"
        )
        if args.random:
            space = [parse_range("lr=1e-4:1e-1:log"), parse_range("hidden=8:64")]
            search = random_variants(BASE.replace(steps=args.steps), space, args.random, seed=0)
            sweep = run(search, Executor(ExecutorKind.RAY), Path(tmp) / "random")
            best = min(e.history.val_losses[-1] for e in sweep.results())
            print(
                f"random search: {len(sweep.results())}/{args.random} variants completed on "
                f"Ray in {sweep.wall_seconds:.0f} s ({sweep.work_seconds:.0f} s after init); "
                f"best final val loss {best:.4g}"
            )


if __name__ == "__main__":
    main()

"""Cost of instrumented training: the trainer's step with probes vs the fused step alone.

Both trainers run the same config and data, stepping alternately so that machine noise
hits both alike; each step's wall time includes the probe bookkeeping. Prints per cell
the median step time of each and their ratio, at the default settings and at T=200, and
the process's peak memory.

    python bench/bench_probes.py [--steps 200]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import torch

from explorer.config import RunConfig
from explorer.training import Trainer

NEVER = 10_000  # probe_every this large: only the first and last steps are instrumented
SWEEP = (1, 2, 5, 10, 25, 50)


def timed_steps(trainer: Trainer) -> float:
    start = time.perf_counter()
    trainer.train_step()
    return time.perf_counter() - start


def measure(config: RunConfig, steps: int) -> tuple[float, float, int]:
    base = Trainer(config.replace(probe_every=NEVER))
    probed = Trainer(config)
    for _ in range(5):  # warm-up: allocator, oneDNN primitives
        base.train_step()
        probed.train_step()
    t_base, t_probed = [], []
    for _ in range(steps):
        t_base.append(timed_steps(base))
        t_probed.append(timed_steps(probed))
    return statistics.mean(t_base), statistics.mean(t_probed), config.probe_interval


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'setting':<28}{'cell':<6}{'probe k':>8}{'fused ms':>10}{'probed ms':>11}{'ratio':>7}")
    for label, overrides in (("default (T=50, B=32, H=32)", {}), ("T=200", {"seq_len": 200})):
        for cell in ("rnn", "gru", "lstm"):
            config = RunConfig(cell=cell, steps=args.steps + 10, **overrides)
            fused, probed, k = measure(config, args.steps)
            print(
                f"{label:<28}{cell:<6}{k:>8}{fused * 1e3:>10.2f}{probed * 1e3:>11.2f}"
                f"{probed / fused:>7.2f}"
            )
    print("\nwhat each probe interval k costs (default settings):")
    print(f"{'cell':<6}" + "".join(f"{'k=' + str(k):>8}" for k in SWEEP))
    for cell in ("gru", "lstm"):
        ratios = []
        for k in SWEEP:
            config = RunConfig(cell=cell, steps=args.steps + 10, probe_every=k)
            fused, probed, _ = measure(config, args.steps)
            ratios.append(probed / fused)
        print(f"{cell:<6}" + "".join(f"{r:>8.2f}" for r in ratios))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

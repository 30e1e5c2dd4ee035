"""Cost of instrumented training: the trainer's step with probes vs the fused step alone.

Both trainers run the same config and data, stepping alternately so that machine noise
hits both alike; each step's wall time includes the probe bookkeeping. The timed steps
come in rounds, each a whole number of probe intervals so that it holds its share of
probed steps; the table shows the median over rounds of each trainer's mean step time
and of their ratio, which a burst of load on a shared machine moves little. Per cell:
the probe interval k, the step times, the ratio (the goal is at most 1.15) and how many
probes a second arrive at that step rate (the charts redraw 4 times a second), at the
default settings and at T=200; then the ratio for a sweep of fixed intervals, and the
process's peak memory. The first line names the CPU: the figures depend on it.

    python bench/bench_probes.py [--steps 250] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import torch

# Run as `python bench/bench_probes.py`, Python puts bench/ on sys.path, not the repository
# root: put the root there so `explorer` imports from a fresh clone without PYTHONPATH.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.config import RunConfig
from explorer.engine.training import Trainer

NEVER = 10_000  # probe_every this large: only the first and last steps are instrumented
SWEEP = (1, 2, 5, 10, 25, 50)
WARM_UP = 5  # steps before timing: allocator, oneDNN primitives


def timed_step(trainer: Trainer) -> float:
    start = time.perf_counter()
    trainer.train_step()
    return time.perf_counter() - start


def measure(config: RunConfig, steps: int, rounds: int) -> tuple[float, float, float]:
    """Median over rounds of (fused mean s, probed mean s, probed / fused). A round is
    steps // rounds steps, rounded up to whole probe intervals."""
    k = config.probe_interval
    per_round = -(-max(1, steps // rounds) // k) * k
    config = config.replace(steps=WARM_UP + rounds * per_round + 10)  # the last step probes
    base = Trainer(config.replace(probe_every=NEVER))
    probed = Trainer(config)
    for _ in range(WARM_UP):
        base.train_step()
        probed.train_step()
    fused_means, probed_means, ratios = [], [], []
    for _ in range(rounds):
        t_base = t_probed = 0.0
        for _ in range(per_round):
            t_base += timed_step(base)
            t_probed += timed_step(probed)
        fused_means.append(t_base / per_round)
        probed_means.append(t_probed / per_round)
        ratios.append(t_probed / t_base)
    med = statistics.median
    return med(fused_means), med(probed_means), med(ratios)


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} thread, load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=250, help="timed steps per setting")
    parser.add_argument(
        "--rounds", type=int, default=5, help="the steps split into this many rounds"
    )
    args = parser.parse_args()
    if args.steps < 1 or args.rounds < 1:
        parser.error("--steps and --rounds must be at least 1")
    torch.set_num_threads(1)
    print(describe_machine())
    print(
        f"{'setting':<28}{'cell':<6}{'probe k':>8}{'fused ms':>10}{'probed ms':>11}"
        f"{'ratio':>7}{'probes/s':>10}"
    )
    for label, overrides in (("default (T=50, B=32, H=32)", {}), ("T=200", {"seq_len": 200})):
        for cell in ("rnn", "gru", "lstm"):
            config = RunConfig(cell=cell, **overrides)
            k = config.probe_interval
            fused, probed, ratio = measure(config, args.steps, args.rounds)
            print(
                f"{label:<28}{cell:<6}{k:>8}{fused * 1e3:>10.2f}{probed * 1e3:>11.2f}"
                f"{ratio:>7.2f}{1 / (k * probed):>10.0f}"
            )
    print("\nwhat each probe interval k costs (default settings):")
    print(f"{'cell':<6}" + "".join(f"{'k=' + str(k):>8}" for k in SWEEP))
    for cell in ("gru", "lstm"):
        ratios = [
            measure(RunConfig(cell=cell, probe_every=k), args.steps, args.rounds)[2] for k in SWEEP
        ]
        print(f"{cell:<6}" + "".join(f"{r:>8.2f}" for r in ratios))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

"""Cost of explorer.watch in a user's own loop: watched vs unwatched training, side by side.

A user-like model (a 2-layer nn.RNN / nn.LSTM / nn.GRU, batch_first, with a linear head
on the last step; Adam; clip_grad_norm_; MSE) trains twice from the same weights on
the same pre-made batches (no data cost: the hardest case for the ratio), once watched
at the default settings (the default time budget) and once not. The two run in alternating
blocks of steps (not alternating steps: the budget times the caller's whole step, from
one forward of the module to the next, which another model's step in between would
inflate); the table shows the median over blocks of each one's mean step time and of
their ratio, the goal being at most 1.15, and the interval the budget settled on. Then
the same with every step probed (interval 1): the per-step cost r of a probe, from
which a fixed interval k costs about 1 + (r - 1) / k. One torch thread (the sane
default on a shared machine); the first line names the CPU.

    python bench/bench_watch.py [--blocks 7] [--block 40] [--seq-len 100] [--hidden 128]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

# Run as `python bench/bench_watch.py`, Python puts bench/ on sys.path, not the repository
# root: put the root there so `explorer` imports from a fresh clone without PYTHONPATH.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_probes import describe_machine

import explorer
from explorer.watch.schedule import DEFAULT_BUDGET

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
BATCH, FEATURES, LAYERS = 32, 32, 2
WARM_UP = 60  # steps before timing: allocators, oneDNN, and the budget's first probes


class Model(nn.Module):
    def __init__(self, cell: str, hidden: int) -> None:
        super().__init__()
        self.encoder = CELLS[cell](FEATURES, hidden, LAYERS, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.encoder(x)  # (B, T, H)
        return self.head(out[:, -1])  # (B, 1)


class Loop:
    """One model, its optimizer and a cycle of batches: step() is one training step."""

    def __init__(self, model: Model, batches: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
        self.model, self.batches, self.i = model, batches, 0
        self.optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(self) -> None:
        x, y = self.batches[self.i % len(self.batches)]
        self.i += 1
        loss = nn.functional.mse_loss(self.model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.optimizer.zero_grad()

    def block(self, steps: int) -> float:
        """Mean seconds per step over `steps` steps."""
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        return (time.perf_counter() - start) / steps


def measure(cell: str, seq_len: int, hidden: int, blocks: int, block: int, **options):
    """(plain ms, watched ms, median ratio, interval the probe ended on)."""
    torch.manual_seed(0)
    batches = [(torch.randn(BATCH, seq_len, FEATURES), torch.randn(BATCH, 1)) for _ in range(8)]
    plain_model = Model(cell, hidden)
    plain, watched = Loop(plain_model, batches), Loop(copy.deepcopy(plain_model), batches)
    probe = explorer.watch(watched.model.encoder, optimizer=watched.optimizer, **options)
    plain.block(WARM_UP)
    watched.block(WARM_UP)
    plain_times, watched_times, ratios = [], [], []
    for _ in range(blocks):
        a, b = plain.block(block), watched.block(block)
        plain_times.append(a)
        watched_times.append(b)
        ratios.append(b / a)
    interval = probe.schedule.interval
    probe.remove()
    med = statistics.median
    return med(plain_times) * 1e3, med(watched_times) * 1e3, med(ratios), interval


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=7, help="alternating blocks per model")
    parser.add_argument("--block", type=int, default=40, help="steps per block")
    parser.add_argument("--seq-len", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(describe_machine())
    print(f"B={BATCH}, T={args.seq_len}, H={args.hidden}, {LAYERS} layers, batch_first")
    header = f"{'setting':<22}{'cell':<6}{'interval':>9}{'plain ms':>10}{'watched ms':>12}"
    print(f"{header}{'ratio':>7}")
    for label, options in (
        (f"default (budget {DEFAULT_BUDGET:g})", {}),
        ("every step", {"interval": 1}),
    ):
        for cell in CELLS:
            plain, watched, ratio, k = measure(
                cell, args.seq_len, args.hidden, args.blocks, args.block, **options
            )
            print(f"{label:<22}{cell:<6}{k:>9}{plain:>10.2f}{watched:>12.2f}{ratio:>7.2f}")


if __name__ == "__main__":
    main()

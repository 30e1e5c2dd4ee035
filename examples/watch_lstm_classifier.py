"""Watch the gradient flow of your own LSTM classifier, in your own training loop.

The task needs memory: a sequence of random tokens is positive when the marker token
appears in its first few positions, so the answer at the last step depends on tokens
~40 steps back, and whether dL/dh_t reaches them decides whether the model learns it.
The model and loop are written as anyone would write them; the two lines marked
`explorer` are all the watching takes.

    python examples/watch_lstm_classifier.py [--out runs/watch-lstm-classifier] [--seq-len 40]
    python -m explorer export runs/watch-lstm-classifier --tensorboard tb/watch-lstm
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from torch import nn

# Run as `python examples/...`, Python puts examples/ on sys.path, not the repository
# root: put the root there so `explorer` imports from a fresh clone.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer

VOCAB, MARKER, EARLY = 12, 1, 4  # positive: the marker within the first EARLY tokens


def make_batch(
    batch: int, seq_len: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """(tokens (B, T), labels (B,)): label 1 when MARKER is among the first EARLY tokens."""
    tokens = torch.randint(2, VOCAB, (batch, seq_len), generator=generator)
    positive = torch.rand(batch, generator=generator) < 0.5
    where = torch.randint(0, EARLY, (batch,), generator=generator)
    tokens[positive, where[positive]] = MARKER
    return tokens, positive.long()


class Classifier(nn.Module):
    def __init__(self, hidden: int = 32) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, 16)
        self.encoder = nn.LSTM(16, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out, _ = self.encoder(self.embed(tokens))  # (B, T, H)
        return self.head(out[:, -1])  # logits from the last step, (B, 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/watch-lstm-classifier", help="run folder")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seq-len", type=int, default=40, help="T; try 10 to see it learn")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    data = torch.Generator().manual_seed(args.seed)
    model = Classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    val_x, val_y = make_batch(256, args.seq_len, data)

    probe = explorer.watch(model.encoder, interval=10, optimizer=optimizer)  # explorer
    for step in range(1, args.steps + 1):
        x, y = make_batch(32, args.seq_len, data)
        loss = criterion(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        val_loss = None
        if step % 25 == 0:
            model.eval()
            with torch.no_grad():
                logits = model(val_x)
                val_loss = criterion(logits, val_y).item()
                accuracy = (logits.argmax(1) == val_y).float().mean().item()
            model.train()
            print(f"step {step}: loss {loss.item():.3f}, val {val_loss:.3f}, acc {accuracy:.2f}")
        probe.log(loss=loss.item(), val_loss=val_loss)  # optional: fills the loss columns
    folder = probe.save(args.out)  # explorer
    print(probe.summary().to_string(index=False, float_format="{:.3g}".format))
    print(f"watched run folder: {folder}")


if __name__ == "__main__":
    main()

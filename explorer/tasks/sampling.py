"""Text from a character model: the next character drawn at a temperature (0: greedy),
seeded, so the same model and settings give the same text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from explorer.tasks.chars import CharsTask

GREEDY_BELOW = 1e-3  # temperatures under this sample greedily (a division would overflow)
SAMPLE_TEMPERATURES = (0.0, 0.5, 1.0)  # samples.txt of a saved chars run
SAMPLE_LENGTH = 300


def probabilities(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(logits / temperature); at (near) zero temperature all mass on the argmax."""
    if temperature < GREEDY_BELOW:
        return F.one_hot(logits.argmax(), logits.shape[-1]).to(logits.dtype)
    return torch.softmax(logits.double() / temperature, dim=-1).to(logits.dtype)


@torch.no_grad()
def sample_text(
    model,
    task: CharsTask,
    prompt: str,
    length: int = 200,
    temperature: float = 1.0,
    seed: int = 0,
) -> str:
    """The prompt, then `length` characters drawn one at a time from the model's next-
    character distribution at a temperature (0: always the most likely one). Seeded: the
    same seed, model and settings give the same text. Prompt characters outside the
    alphabet are skipped; an empty prompt starts from the probe string's first letter."""
    corpus = task.corpus
    ids = corpus.encode(prompt)
    if ids.size == 0:
        ids = task.val_ids[:1].copy()
        prompt = corpus.decode(ids)
    V = len(corpus.vocab)
    generator = torch.Generator().manual_seed(int(seed))
    x = F.one_hot(torch.as_tensor(ids), V).float()[:, None]  # (P, 1, V)
    logits, state = model(x)  # (P, 1, V)
    out = []
    for _ in range(length):
        p = probabilities(logits[-1, 0], temperature)
        nxt = (
            int(torch.multinomial(p, 1, generator=generator))
            if temperature >= GREEDY_BELOW
            else int(p.argmax())
        )
        out.append(nxt)
        logits, state = model(F.one_hot(torch.tensor([[nxt]]), V).float(), state)
    return prompt + corpus.decode(out)


def samples_text(model, task: CharsTask, seed: int = 0) -> str:
    """samples.txt of a saved chars run: the probe string's start continued at a few
    temperatures."""
    prompt = task.probe_text()[: max(1, min(20, task.seq_len))]
    parts = []
    for temperature in SAMPLE_TEMPERATURES:
        text = sample_text(model, task, prompt, SAMPLE_LENGTH, temperature, seed)
        parts.append(f"--- temperature {temperature:g}, seed {seed} ---\n{text}\n")
    return "\n".join(parts)

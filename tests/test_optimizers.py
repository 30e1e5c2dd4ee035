"""The trainer's optimizers are torch.optim's Adam and SGD to the bit, without torch._dynamo.

The reference is torch.optim's own classes, stepped side by side on a copy of the same
model with the same gradients; a run of the whole trainer must not import torch._dynamo
(the 1.0 s the first Train would pay on a fresh server)."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import torch
from harness import ROOT

from explorer.config import RunConfig
from explorer.engine.models import build_model
from explorer.engine.optimizers import SGD, Adam
from explorer.engine.training import make_optimizer
from explorer.tasks import make_task


def pair(optimizer: str, cell: str, seed: int):
    """Two identical models, one driven by ours and one by torch.optim's class."""
    config = RunConfig(cell=cell, hidden=8, seq_len=12, batch=4, lr=0.05, optimizer=optimizer)
    torch.manual_seed(seed)
    task = make_task(config)
    ours = build_model(config, task)
    theirs = copy.deepcopy(ours)
    reference = (
        torch.optim.SGD(theirs.parameters(), lr=config.lr, momentum=0.9)
        if optimizer == "sgd"
        else torch.optim.Adam(theirs.parameters(), lr=config.lr)
    )
    return task, ours, make_optimizer(config, list(ours.parameters())), theirs, reference


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_steps_equal_torch_optim_bit_for_bit(optimizer: str, cell: str, seed: int) -> None:
    task, ours, ours_opt, theirs, theirs_opt = pair(optimizer, cell, seed)
    for step in range(25):
        batch = task.train_batch(step)
        for model, opt in ((ours, ours_opt), (theirs, theirs_opt)):
            opt.zero_grad(set_to_none=True)
            pred, _ = model(batch.x)
            task.loss(pred, batch.y).backward()
            if step % 7 == 3:  # a parameter without a gradient is skipped by both
                model.head.bias.grad = None
            opt.step()
        for (name, a), b in zip(ours.named_parameters(), theirs.parameters(), strict=True):
            assert torch.equal(a, b), f"{optimizer} {cell} step {step}: {name} differs"
    moved = [p for p in ours.parameters() if p.grad is not None]
    assert moved, "the comparison must have stepped something"


def test_momentum_buffers_and_adam_state_are_torch_optims() -> None:
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    q = torch.nn.Parameter(p.detach().clone())
    ours, theirs = SGD([p], lr=0.1, momentum=0.9), torch.optim.SGD([q], lr=0.1, momentum=0.9)
    for grad in ([1.0, 1.0], [0.5, -1.0]):
        p.grad, q.grad = torch.tensor(grad), torch.tensor(grad)
        ours.step()
        theirs.step()
    # by hand: buf1 = g1, buf2 = 0.9 g1 + g2; p = p0 - 0.1 (buf1 + buf2)
    assert torch.allclose(ours.state[p]["momentum_buffer"], torch.tensor([1.4, -0.1]))
    assert torch.equal(ours.state[p]["momentum_buffer"], theirs.state[q]["momentum_buffer"])
    assert torch.allclose(p.detach(), torch.tensor([1.0 - 0.24, -2.0 - 0.09]))

    a = torch.nn.Parameter(torch.tensor([3.0]))
    adam = Adam([a], lr=0.1)
    a.grad = torch.tensor([2.0])
    adam.step()
    # Adam's first step moves every weight by lr (bias-corrected m/sqrt(v) = g/|g|)
    assert torch.allclose(a.detach(), torch.tensor([2.9]))
    assert float(adam.state[a]["step"]) == 1.0


def test_zero_grad_refuses_what_it_cannot_do() -> None:
    p = torch.nn.Parameter(torch.ones(2))
    p.grad = torch.ones(2)
    opt = Adam([p], lr=0.1)
    with pytest.raises(ValueError, match="set_to_none"):
        opt.zero_grad(set_to_none=False)
    opt.zero_grad()
    assert p.grad is None


NO_DYNAMO = """
import sys
from explorer.config import RunConfig
from explorer.engine.training import Trainer
for optimizer in ("adam", "sgd"):
    for cell in ("rnn", "lstm", "gru"):
        Trainer(RunConfig(cell=cell, optimizer=optimizer, steps=3, clip="norm")).run()
print(sorted(m for m in sys.modules if m.startswith("torch._dynamo")))
"""


def test_training_does_not_import_torch_dynamo() -> None:
    out = subprocess.run(
        [sys.executable, "-c", NO_DYNAMO], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"

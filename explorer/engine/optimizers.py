"""Adam and SGD with momentum on torch's own update functions, without torch.optim's classes.

torch.optim.Optimizer imports torch._dynamo the first time it is used (its constructor,
zero_grad and step are wrapped to keep the compiler out): 1.0 s and 71 MiB per process,
paid by the first Train on a freshly started server. `torch.optim.adam.adam` and
`torch.optim.sgd.sgd` are the functions those classes call on every step; the two classes
here keep the same state and call them with the same arguments, so a run's numbers are
torch.optim's to the bit (checked by tests/test_optimizers.py).
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn
from torch.optim.adam import adam
from torch.optim.optimizer import _get_scalar_dtype
from torch.optim.sgd import sgd


class _Functional:
    def __init__(self, params: Iterable[nn.Parameter], lr: float) -> None:
        self.params = list(params)
        self.lr = lr
        self.state: dict[nn.Parameter, dict[str, torch.Tensor | None]] = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop the gradients, as torch.optim's default (set_to_none) does."""
        if not set_to_none:
            raise ValueError("only set_to_none=True is supported")
        for p in self.params:
            p.grad = None

    def _with_grad(self) -> list[nn.Parameter]:
        return [p for p in self.params if p.grad is not None]


class Adam(_Functional):
    """torch.optim.Adam(params, lr) with its defaults: betas (0.9, 0.999), eps 1e-8."""

    betas = (0.9, 0.999)
    eps = 1e-8

    @torch.no_grad()
    def step(self) -> None:
        params = self._with_grad()
        for p in params:
            if p not in self.state:  # torch.optim.Adam's lazy initialisation
                self.state[p] = {
                    "step": torch.tensor(0.0, dtype=_get_scalar_dtype(), device="cpu"),
                    "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                    "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format),
                }
        states = [self.state[p] for p in params]
        adam(
            params,
            [p.grad for p in params],
            [s["exp_avg"] for s in states],
            [s["exp_avg_sq"] for s in states],
            [],
            [s["step"] for s in states],
            foreach=None,
            capturable=False,
            differentiable=False,
            fused=None,
            grad_scale=None,
            found_inf=None,
            has_complex=any(torch.is_complex(p) for p in params),
            decoupled_weight_decay=False,
            amsgrad=False,
            beta1=self.betas[0],
            beta2=self.betas[1],
            lr=self.lr,
            weight_decay=0.0,
            eps=self.eps,
            maximize=False,
        )


class SGD(_Functional):
    """torch.optim.SGD(params, lr, momentum) without dampening, Nesterov or weight decay."""

    def __init__(self, params: Iterable[nn.Parameter], lr: float, momentum: float) -> None:
        super().__init__(params, lr)
        self.momentum = momentum

    @torch.no_grad()
    def step(self) -> None:
        params = self._with_grad()
        buffers = [self.state.get(p, {}).get("momentum_buffer") for p in params]
        sgd(
            params,
            [p.grad for p in params],
            buffers,  # filled in place on the first step, as in torch.optim.SGD
            has_sparse_grad=False,
            foreach=None,
            fused=None,
            grad_scale=None,
            found_inf=None,
            weight_decay=0.0,
            momentum=self.momentum,
            lr=self.lr,
            dampening=0.0,
            nesterov=False,
            maximize=False,
        )
        if self.momentum != 0:
            for p, buffer in zip(params, buffers, strict=True):
                self.state[p] = {"momentum_buffer": buffer}

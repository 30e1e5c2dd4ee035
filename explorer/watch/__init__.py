"""Per-timestep gradient flow of the nn.RNN / nn.LSTM / nn.GRU inside a caller's own model,
in the caller's own training loop:

    import explorer
    probe = explorer.watch(model.encoder)            # the recurrent layer inside the model
    for step, (x, y) in enumerate(loader):
        loss = criterion(model(x), y); loss.backward(); optimizer.step(); optimizer.zero_grad()
    probe.save("runs/my-model")                      # a run folder the app and the CLI open

The package, one idea a module: spec (what can be watched; the refusals), unroll (the
probed forward on the module's own weights), schedule (which steps are probed), probe
(the hooks), record (hooks -> the project's History records), notebook (figures and
the summary table), folder (the watched run folder), tensorboard (event files).

>>> import torch
>>> from torch import nn
>>> _ = torch.manual_seed(0)
>>> rnn, head = nn.GRU(3, 8, batch_first=True), nn.Linear(8, 1)
>>> opt = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=1e-2)
>>> probe = watch(rnn, interval=5, optimizer=opt)
>>> for step in range(10):
...     x, y = torch.randn(4, 12, 3), torch.randn(4, 1)  # (B, T, F), (B, 1)
...     loss = ((head(rnn(x)[0][:, -1]) - y) ** 2).mean()
...     loss.backward(); opt.step(); opt.zero_grad()
...     probe.log(loss=loss)
>>> [p.step for p in probe.history.probes], probe.history.probes[0].dh[0].shape
([1, 6], (12,))
>>> probe
<Probe watching gru 1x8: 10 steps, 2 probes (every 5)>
>>> list(probe.summary()["layer"])
[0]
>>> probe.remove()
>>> "forward" in vars(rnn)
False
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import torch
from torch import nn

from explorer.watch.folder import WatchedRun, is_watched_folder, load_watched
from explorer.watch.probe import Probe
from explorer.watch.schedule import DEFAULT_BUDGET, ProbeSchedule
from explorer.watch.spec import describe

__all__ = ["Probe", "WatchedRun", "is_watched_folder", "load_watched", "watch"]


def watch(
    module: nn.Module,
    *,
    interval: int | None = None,
    budget: float = DEFAULT_BUDGET,
    optimizer: torch.optim.Optimizer | None = None,
    tensorboard: Path | str | None = None,
) -> Probe:
    """Hook `module` (an nn.RNN, nn.LSTM or nn.GRU) and return its Probe.

    interval: probe every interval-th training forward (train mode, grad enabled); None
        (default): as often as `budget` allows, the probes' extra time at most that
        fraction of a plain step (default 0.05: with timing noise, within 1.15x of the
        unwatched loop; explorer.watch.schedule).
    optimizer: the step then ends at optimizer.step(), after the caller's clipping: the
        norm after clipping is recorded, and micro-batches accumulated between steps
        count as one step. Without it every training forward is a step.
    tensorboard: a log directory to write TensorBoard events to as the steps end.

    Refused with a one-line TypeError or ValueError: other module types, bidirectional,
    proj_size > 0, dropout between layers, a module watched already; at the forward,
    PackedSequence input. Outputs and gradients are the module's own (to rounding);
    probe.remove() restores it exactly.
    """
    spec = describe(module)
    schedule = ProbeSchedule(interval, budget)
    logger = None
    if tensorboard is not None:
        from explorer.watch.tensorboard import TensorBoardLogger

        logger = TensorBoardLogger(tensorboard)
    return Probe(module, spec, schedule, optimizer, logger)


class _CallablePackage(types.ModuleType):
    """`explorer.watch` is this package once anything imports it (Python sets the
    attribute), so the package itself answers `explorer.watch(module)`."""

    def __call__(self, module: nn.Module, **options) -> Probe:
        return watch(module, **options)


sys.modules[__name__].__class__ = _CallablePackage

"""explorer.watch changes nothing: outputs, final states, losses and every gradient (the
layer's parameters and the caller's initial state) equal the unwatched module's to
float64 rounding, on probed and plain steps alike, over several training steps; and
probe.remove() leaves the module exactly as it was."""

from __future__ import annotations

import copy

import pytest
import torch
from watch_cases import CASES, case_id, loss_of, make_input, make_layer, make_state

import explorer

RTOL = 1e-12


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    """allclose at RTOL, with an absolute floor at RTOL of the tensor's scale (entries that
    are sums of cancelling terms are exact only to the scale's rounding)."""
    scale = float(b.detach().abs().max()) if b.numel() else 0.0
    return torch.allclose(a.detach(), b.detach(), rtol=RTOL, atol=RTOL * scale)


def _step(layer, x, state, batch_first, lr=0.05):
    """One training step of plain SGD; returns what is compared."""
    out, final = layer(x, state)
    loss = loss_of(out, final, batch_first)
    loss.backward()
    grads = {name: p.grad.clone() for name, p in layer.named_parameters()}
    if state is not None:
        for k, s in enumerate(state if isinstance(state, tuple) else (state,)):
            grads[f"state{k}"] = s.grad.clone()
            s.grad = None
    with torch.no_grad():
        for p in layer.parameters():
            p -= lr * p.grad
            p.grad = None
    finals = final if isinstance(final, tuple) else (final,)
    return out.detach(), [f.detach() for f in finals], loss.detach(), grads


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_watched_steps_equal_the_fused_layer(case):
    (cell, act), layers, batch_first, with_state = case
    plain = make_layer(cell, act, layers, batch_first)
    watched = copy.deepcopy(plain)
    probe = explorer.watch(watched, interval=2)  # steps 1 and 3 probed, 2 and 4 plain
    for seed in range(4):
        x = make_input(batch_first, seed)
        state = make_state(cell, layers, seed) if with_state else None
        state_copy = copy.deepcopy(state) if state is not None else None
        ref = _step(plain, x, state, batch_first)
        got = _step(watched, x, state_copy, batch_first)
        assert close(got[0], ref[0]) and close(got[2], ref[2]), f"step {seed + 1}"
        assert all(close(a, b) for a, b in zip(got[1], ref[1], strict=True))
        assert ref[3].keys() == got[3].keys()
        for name in ref[3]:
            assert close(got[3][name], ref[3][name]), f"step {seed + 1}: {name}"
    assert [p.step for p in probe.history.probes] == [1, 3]
    probe.remove()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_unbatched_input_and_no_bias(cell):
    plain = make_layer(cell, "tanh", 2, False)
    plain = type(plain)(4, 5, 2, bias=False).double()
    watched = copy.deepcopy(plain)
    probe = explorer.watch(watched, interval=1)
    x = make_input(False, 0)[:, 0]  # (T, F): one unbatched sequence
    for layer in (plain, watched):
        out, _ = layer(x)
        out.pow(2).sum().backward()
    assert close(watched(x)[0], plain(x)[0])
    for (name, a), b in zip(watched.named_parameters(), plain.parameters(), strict=True):
        assert close(a.grad, b.grad), name
    assert probe.history.probes[0].dh[0].shape == (7,)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_eval_mode_and_no_grad_calls_are_untouched_and_uncounted(cell):
    layer = make_layer(cell, "tanh", 2, True)
    probe = explorer.watch(layer, interval=1)
    x = make_input(True, 0)
    layer.eval()
    layer(x)[0].sum()  # eval mode: not a training forward
    layer.train()
    with torch.no_grad():
        layer(x)
    assert probe.steps == 0 and probe._calls == 0
    layer(x)[0].sum().backward()
    assert probe.steps == 1 and len(probe.history.probes) == 1


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_remove_restores_the_module_exactly(cell):
    layer = make_layer(cell, "tanh", 2, True)
    before_dict = {k: v.clone() for k, v in layer.state_dict().items()}
    before_attrs = set(vars(layer))
    hooks = [
        (layer._forward_hooks.copy(), layer._forward_pre_hooks.copy()),
        [dict(p._post_accumulate_grad_hooks or {}) for p in layer.parameters()],
    ]
    probe = explorer.watch(layer, interval=1)
    x = make_input(True, 0)
    layer(x)[0].sum().backward()
    assert "forward" in vars(layer)
    probe.remove()
    assert set(vars(layer)) == before_attrs and "forward" not in vars(layer)
    assert layer.forward.__func__ is type(layer).forward
    assert (layer._forward_hooks, layer._forward_pre_hooks) == hooks[0]
    assert [dict(p._post_accumulate_grad_hooks or {}) for p in layer.parameters()] == hooks[1]
    assert layer.state_dict().keys() == before_dict.keys()
    # the parameters moved by no update: only .grad was written, by the caller's backward
    assert all(torch.equal(layer.state_dict()[k], v) for k, v in before_dict.items())
    steps = probe.steps
    twin = copy.deepcopy(layer)  # never watched
    out, twin_out = layer(x), twin(x)
    assert torch.equal(out[0], twin_out[0])  # the class's fused forward, bit for bit
    out[0].sum().backward()  # no longer watched: nothing recorded
    assert probe.steps == steps
    explorer.watch(layer).remove()  # and it can be watched again

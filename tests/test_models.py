"""Models: the fused and unrolled paths against each other and against a textbook
re-implementation; the probe gradients eps.grad against finite differences and autograd;
initialisation options.

`manual_unroll` below is the independent reference the other test files import too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from explorer.config import RunConfig
from explorer.engine.models import RecurrentModel, build_model
from explorer.tasks import make_task

CELLS = ("rnn", "lstm", "gru")


# -- the independent reference ------------------------------------------------------


def manual_unroll(
    model: RecurrentModel,
    x: torch.Tensor,
    *,
    tbptt: int = 0,
    state=None,
    dh: dict | None = None,
    dc: dict | None = None,
    retain: bool = False,
):
    """The textbook equations in plain loops, with PyTorch's gate order (LSTM i f g o;
    GRU r z n, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h = (1 - z) n + z h).

    dh/dc map (layer, t) to a (B, H) tensor added to h_t / c_t (c_t before h_t reads
    it), as a finite-difference perturbation. With retain=True every h_t and c_t
    retains its grad: h_t is the tensor that feeds the next step, the next layer and
    the head, so after backward h_t.grad is the total dL/dh_t.
    Returns (y, hs, cs): hs[layer][t] is h_t (B, H); cs likewise (LSTM), else None."""
    dh, dc = dh or {}, dc or {}
    core, H, cell = model.core, model.hidden, model.cell
    act = torch.relu if getattr(core, "nonlinearity", "tanh") == "relu" else torch.tanh
    T, B, _ = x.shape
    inputs = list(x.unbind(0))
    hs, cs = [], []
    for layer in range(model.layers):
        w_ih = getattr(core, f"weight_ih_l{layer}")
        w_hh = getattr(core, f"weight_hh_l{layer}")
        b_ih = getattr(core, f"bias_ih_l{layer}")
        b_hh = getattr(core, f"bias_hh_l{layer}")
        if state is None:
            h = x.new_zeros(B, H)
            c = x.new_zeros(B, H)
        elif cell == "lstm":
            h, c = state[0][layer], state[1][layer]
        else:
            h, c = state[layer], None
        layer_h, layer_c = [], []
        for t in range(T):
            if tbptt and t > 0 and t % tbptt == 0:
                h = h.detach()
                c = c.detach() if c is not None else None
            gi = inputs[t] @ w_ih.T + b_ih
            gh = h @ w_hh.T + b_hh
            if cell == "rnn":
                h = act(gi + gh)
            elif cell == "lstm":
                i = torch.sigmoid(gi[:, :H] + gh[:, :H])
                f = torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
                g = torch.tanh(gi[:, 2 * H : 3 * H] + gh[:, 2 * H : 3 * H])
                o = torch.sigmoid(gi[:, 3 * H :] + gh[:, 3 * H :])
                c = f * c + i * g
                if (layer, t) in dc:
                    c = c + dc[(layer, t)]
                if retain:
                    c.retain_grad()
                h = o * torch.tanh(c)
            else:
                r = torch.sigmoid(gi[:, :H] + gh[:, :H])
                z = torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
                n = torch.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
                h = (1 - z) * n + z * h
            if (layer, t) in dh:
                h = h + dh[(layer, t)]
            if retain:
                h.retain_grad()
            layer_h.append(h)
            layer_c.append(c)
        hs.append(layer_h)
        cs.append(layer_c)
        inputs = layer_h
    top = torch.stack(hs[-1])
    y = model.head(top[-1] if model.head_on == "last" else top)
    return y, hs, (cs if cell == "lstm" else None)


def make_model(cell, layers=1, hidden=4, inputs=2, head="every", seed=0, nonlinearity="tanh"):
    """A float64 model with PyTorch's default (random, non-zero) weights and biases."""
    torch.manual_seed(seed)
    return RecurrentModel(cell, inputs, hidden, layers, 1, head, nonlinearity).double()


def data(model, T, B, inputs=2, seed=1):
    """Random float64 inputs and an MSE target shaped for the model's head."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(T, B, inputs, generator=g, dtype=torch.float64)
    y_shape = (B, 1) if model.head_on == "last" else (T, B, 1)
    return x, torch.randn(*y_shape, generator=g, dtype=torch.float64)


def grads(model) -> dict[str, torch.Tensor]:
    out = {n: p.grad.clone() for n, p in model.named_parameters()}
    model.zero_grad(set_to_none=True)
    return out


def assert_grads_close(a: dict, b: dict, atol: float = 1e-10) -> None:
    assert a.keys() == b.keys()
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=0, atol=atol, msg=name)


GRID = list(itertools.product(CELLS, (1, 2), (0, 3), ("last", "every")))


# -- forward paths ------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "layers", "tbptt", "head"), GRID)
def test_fused_unrolled_and_manual_agree(cell, layers, tbptt, head) -> None:
    """Fused layer, unrolled path and the textbook loops give the same outputs, final
    state and parameter gradients (float64, 1e-10), with and without truncation."""
    model = make_model(cell, layers, head=head)
    x, target = data(model, T=7, B=3)

    y_fused, state_fused = model(x, tbptt=tbptt)
    F.mse_loss(y_fused, target).backward()
    g_fused = grads(model)

    run = model.unrolled(x, tbptt=tbptt, probe=True)
    F.mse_loss(run.y, target).backward()
    g_unrolled = grads(model)

    y_manual, hs, cs = manual_unroll(model, x, tbptt=tbptt)
    F.mse_loss(y_manual, target).backward()
    g_manual = grads(model)

    torch.testing.assert_close(run.y, y_fused, rtol=0, atol=1e-12)
    torch.testing.assert_close(y_manual, y_fused, rtol=0, atol=1e-12)
    assert_grads_close(g_unrolled, g_fused)
    assert_grads_close(g_manual, g_fused)
    for layer in range(layers):
        torch.testing.assert_close(run.hs[layer], torch.stack(hs[layer]), rtol=0, atol=1e-12)
        if cell == "lstm":
            torch.testing.assert_close(run.cs[layer], torch.stack(cs[layer]), rtol=0, atol=1e-12)
    h_n = state_fused[0] if cell == "lstm" else state_fused
    h_u = run.state[0] if cell == "lstm" else run.state
    torch.testing.assert_close(h_u, h_n, rtol=0, atol=1e-12)
    if cell == "lstm":
        torch.testing.assert_close(run.state[1], state_fused[1], rtol=0, atol=1e-12)
    # the gradients are not trivially zero
    assert all(g.abs().max() > 0 for g in g_fused.values())


@pytest.mark.parametrize("cell", CELLS)
def test_paths_agree_from_a_given_state(cell) -> None:
    """A non-zero initial state (as in generation) enters both paths the same way."""
    model = make_model(cell, layers=2)
    x, _ = data(model, T=5, B=2)
    h0 = torch.randn(2, 2, 4, dtype=torch.float64)
    state = (h0, torch.randn_like(h0)) if cell == "lstm" else h0
    y_fused, s_fused = model(x, state)
    run = model.unrolled(x, state)
    y_manual, _, _ = manual_unroll(model, x, state=state)
    torch.testing.assert_close(run.y, y_fused, rtol=0, atol=1e-12)
    torch.testing.assert_close(y_manual, y_fused, rtol=0, atol=1e-12)
    zero_y, _ = model(x)
    assert (zero_y - y_fused).abs().max() > 1e-6  # the state mattered
    for a, b in zip(
        s_fused if cell == "lstm" else (s_fused,),
        run.state if cell == "lstm" else (run.state,),
        strict=True,
    ):
        torch.testing.assert_close(b, a, rtol=0, atol=1e-12)


def test_unrolled_without_probe_has_no_probe_leaves() -> None:
    """probe=False returns no eps tensors; shapes of hs and cs are (T, B, H) per layer."""
    model = make_model("lstm", layers=2)
    x, _ = data(model, T=6, B=3)
    run = model.unrolled(x)
    assert run.eps_h is None and run.eps_c is None
    assert [tuple(h.shape) for h in run.hs] == [(6, 3, 4)] * 2
    assert [tuple(c.shape) for c in run.cs] == [(6, 3, 4)] * 2
    assert model.unrolled(x, probe=True).eps_c is not None
    assert make_model("gru").unrolled(x, probe=True).eps_c is None


# -- eps.grad is the total dL/dh_t --------------------------------------------------


def _probe_grads(model, x, target):
    run = model.unrolled(x, probe=True)
    F.mse_loss(run.y, target).backward()
    dh = [e.grad.clone() for e in run.eps_h]
    dc = [e.grad.clone() for e in run.eps_c] if run.eps_c is not None else None
    return dh, dc


@pytest.mark.parametrize(
    ("cell", "layers", "head"), list(itertools.product(CELLS, (1, 2), ("last", "every")))
)
def test_eps_grad_matches_finite_differences(cell, layers, head) -> None:
    """eps.grad = dL/dh_t (and dL/dc_t) by central differences: perturb h_t (c_t) inside
    the textbook loops, so the change flows through every later step and the head."""
    model = make_model(cell, layers, hidden=3, head=head)
    x, target = data(model, T=5, B=2)
    dh, dc = _probe_grads(model, x, target)
    delta = 1e-6

    def loss_with(kind: str, layer: int, t: int, b: int, j: int, sign: float) -> float:
        bump = torch.zeros(2, 3, dtype=torch.float64)
        bump[b, j] = sign * delta
        kwargs = {kind: {(layer, t): bump}}
        with torch.no_grad():
            return float(F.mse_loss(manual_unroll(model, x, **kwargs)[0], target))

    for layer, t, b, j in itertools.product(range(layers), range(5), range(2), range(3)):
        for kind, got in (("dh", dh), ("dc", dc)):
            if got is None:
                continue
            fd = (loss_with(kind, layer, t, b, j, 1) - loss_with(kind, layer, t, b, j, -1)) / (
                2 * delta
            )
            assert got[layer][t, b, j].item() == pytest.approx(fd, abs=1e-8), (kind, layer, t)
    # not vacuous: the earliest step of the bottom layer still gets some gradient
    assert dh[0][0].abs().max() > 1e-6


@pytest.mark.parametrize(
    ("cell", "layers", "tbptt"), list(itertools.product(CELLS, (1, 2), (0, 2)))
)
def test_eps_grad_matches_autograd_through_manual_unroll(cell, layers, tbptt) -> None:
    """eps.grad equals h_t.grad from the textbook loops with retain_grad, where h_t feeds
    the next step, the next layer and the every-step head; LSTM c_t likewise."""
    model = make_model(cell, layers, hidden=5, head="every")
    x, target = data(model, T=8, B=3)
    run = model.unrolled(x, tbptt=tbptt, probe=True)
    F.mse_loss(run.y, target).backward()
    y, hs, cs = manual_unroll(model, x, tbptt=tbptt, retain=True)
    F.mse_loss(y, target).backward()
    for layer in range(layers):
        ref = torch.stack([h.grad for h in hs[layer]])
        torch.testing.assert_close(run.eps_h[layer].grad, ref, rtol=0, atol=1e-12)
        if cell == "lstm":
            ref_c = torch.stack([c.grad for c in cs[layer]])
            torch.testing.assert_close(run.eps_c[layer].grad, ref_c, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_retain_grad_on_fused_output_is_only_the_direct_path(cell) -> None:
    """retain_grad on nn.RNN/LSTM/GRU's output gives W_head^T dL/dy_t only (checked by
    hand); it agrees with the total dL/dh_t at the last step only, so a test comparing
    eps.grad with the total gradient would catch the wrong number."""
    model = make_model(cell, hidden=4, head="every")
    x, target = data(model, T=6, B=3)
    out, _ = model.core(x)
    out.retain_grad()
    y = model.head(out)
    F.mse_loss(y, target).backward()
    direct = 2 * (y - target) / target.numel() @ model.head.weight
    torch.testing.assert_close(out.grad, direct.detach(), rtol=0, atol=1e-14)

    model.zero_grad()
    total, _ = _probe_grads(model, x, target)
    torch.testing.assert_close(total[0][-1], out.grad[-1], rtol=0, atol=1e-14)
    gap = (total[0][:-1] - out.grad[:-1]).abs().amax(dim=(1, 2))
    assert torch.all(gap > 1e-4 * total[0][:-1].abs().amax(dim=(1, 2)))


@pytest.mark.parametrize(("cell", "layers"), list(itertools.product(CELLS, (1, 2))))
def test_tbptt_zeroes_gradients_before_the_last_window(cell, layers) -> None:
    """With the loss on the last step and truncation k=4 over T=10, dL/dh_t is exactly
    zero for t < 8 (before the last window) and non-zero inside it, in every layer."""
    model = make_model(cell, layers, head="last")
    x, target = data(model, T=10, B=3)
    run = model.unrolled(x, tbptt=4, probe=True)
    F.mse_loss(run.y, target).backward()
    for layer in range(layers):
        grad = run.eps_h[layer].grad
        assert torch.all(grad[:8] == 0)
        assert torch.all(grad[8:].abs().amax(dim=(1, 2)) > 0)
        if cell == "lstm":
            assert torch.all(run.eps_c[layer].grad[:8] == 0)
    full = make_model(cell, layers, head="last")
    run = full.unrolled(x, probe=True)
    F.mse_loss(run.y, target).backward()
    assert run.eps_h[0].grad[:8].abs().max() > 0  # without truncation they are not zero


# -- initialisation -----------------------------------------------------------------


def _model_for(**overrides) -> RecurrentModel:
    cfg = RunConfig(task="adding", seq_len=10, **overrides)
    return build_model(cfg, make_task(cfg))


def _whh(model, layer=0):
    return getattr(model.core, f"weight_hh_l{layer}").detach().double()


def test_identity_init_is_irnn() -> None:
    """init='identity': W_hh = I (times the gain), zero biases, tiny W_ih, ReLU."""
    model = _model_for(init="identity", hidden=16, layers=2)
    for layer in range(2):
        torch.testing.assert_close(_whh(model, layer), torch.eye(16, dtype=torch.float64))
        for name in ("bias_ih", "bias_hh"):
            assert torch.all(getattr(model.core, f"{name}_l{layer}") == 0)
        assert getattr(model.core, f"weight_ih_l{layer}").abs().max() < 0.01
    assert model.core.nonlinearity == "relu"
    assert torch.equal(model.act(torch.tensor([-1.0, 2.0])), torch.tensor([0.0, 2.0]))
    half = _model_for(init="identity", hidden=16, whh_gain=0.5)
    torch.testing.assert_close(_whh(half), 0.5 * torch.eye(16, dtype=torch.float64))
    assert _model_for().core.nonlinearity == "tanh"


@pytest.mark.parametrize("cell", CELLS)
def test_orthogonal_init_blocks(cell) -> None:
    """init='orthogonal': every (H, H) gate block of W_hh satisfies W W^T = gain^2 I."""
    H, gates = 12, {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    for gain in (1.0, 1.5):
        model = _model_for(cell=cell, init="orthogonal", hidden=H, layers=2, whh_gain=gain)
        for layer in range(2):
            w = _whh(model, layer)
            assert w.shape == (gates * H, H)
            for k in range(gates):
                block = w[k * H : (k + 1) * H]
                eye = torch.eye(H, dtype=torch.float64)
                torch.testing.assert_close(block @ block.T, gain**2 * eye, atol=1e-5, rtol=0)
    default = _whh(_model_for(cell=cell, hidden=H))[:H]
    assert (default @ default.T - torch.eye(H, dtype=torch.float64)).abs().max() > 0.1


def test_small_normal_init() -> None:
    """init='small_normal': every recurrent weight and bias ~ N(0, 0.001)."""
    model = _model_for(init="small_normal", hidden=64, cell="gru")
    for name, p in model.core.named_parameters():
        v = p.detach().double()
        assert v.std().item() == pytest.approx(0.001, rel=0.15), name
        assert abs(v.mean().item()) < 3e-4, name


def test_default_init_is_pytorchs_uniform() -> None:
    """init='default': PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for the recurrent parameters."""
    model = _model_for(hidden=25, cell="lstm")
    for p in model.core.parameters():
        assert p.abs().max() <= 0.2
        assert p.abs().max() > 0.15


@pytest.mark.parametrize("init", ["default", "orthogonal", "small_normal", "identity"])
def test_whh_gain_scales_only_whh(init) -> None:
    """whh_gain multiplies W_hh after the init and leaves every other parameter alone."""
    one = _model_for(init=init, hidden=8, layers=2)
    gained = _model_for(init=init, hidden=8, layers=2, whh_gain=2.5)
    for (name, a), (_, b) in zip(one.named_parameters(), gained.named_parameters(), strict=True):
        if name.startswith("core.weight_hh"):
            torch.testing.assert_close(b, 2.5 * a, rtol=1e-6, atol=0)
        else:
            assert torch.equal(a, b), name


def test_forget_bias_adds_to_the_forget_slice() -> None:
    """forget_bias adds to b_ih[H:2H] (gate order i f g o) of every LSTM layer, nothing else;
    it leaves RNN and GRU untouched."""
    H = 6
    base = _model_for(cell="lstm", hidden=H, layers=2)
    fb = _model_for(cell="lstm", hidden=H, layers=2, forget_bias=1.0)
    for (name, a), (_, b) in zip(base.named_parameters(), fb.named_parameters(), strict=True):
        if name.startswith("core.bias_ih"):
            diff = (b - a).detach()
            torch.testing.assert_close(diff[H : 2 * H], torch.ones(H), rtol=0, atol=1e-6)
            assert torch.all(diff[:H] == 0) and torch.all(diff[2 * H :] == 0)
        else:
            assert torch.equal(a, b), name
    # the slice is really the forget gate: the +1 raises f_t, which the textbook loops see
    x = torch.randn(3, 2, 2, dtype=torch.float64)
    _, _, cs_base = manual_unroll(base.double(), x)
    _, _, cs_fb = manual_unroll(fb.double(), x)
    assert cs_fb[0][-1].abs().mean() > cs_base[0][-1].abs().mean()
    for cell in ("rnn", "gru"):
        a, b = _model_for(cell=cell), _model_for(cell=cell, forget_bias=2.0)
        assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_build_model_is_seeded_and_leaves_the_global_rng_alone() -> None:
    """Same seed -> identical weights; other seed -> different; the global torch RNG
    continues as if build_model had not run."""
    a, b, c = _model_for(seed=3), _model_for(seed=3), _model_for(seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.core.weight_hh_l0, c.core.weight_hh_l0)
    torch.manual_seed(123)
    expected = torch.rand(5)
    torch.manual_seed(123)
    _model_for(seed=9, init="orthogonal")
    assert torch.equal(torch.rand(5), expected)


def test_build_model_sizes_follow_task_and_config() -> None:
    """Input and output sizes come from the task, the rest from the config."""
    cfg = RunConfig(task="adding", cell="gru", hidden=7, layers=3, seq_len=10)
    model = build_model(cfg, make_task(cfg))
    assert model.core.input_size == 2 and model.core.hidden_size == 7
    assert model.core.num_layers == 3 and model.head.out_features == 1
    assert model.head_on == "last"


@pytest.mark.parametrize(("cell", "block"), [("rnn", 0), ("lstm", 2), ("gru", 2)])
def test_recurrent_matrices_are_the_candidate_block(cell, block) -> None:
    """recurrent_matrices gives W_hh's candidate block: all of W_hh (RNN), rows 2H:3H
    (LSTM g, GRU n), per layer, and tracks the live weights."""
    H = 5
    model = make_model(cell, layers=2, hidden=H)
    mats = model.recurrent_matrices()
    assert len(mats) == 2
    for layer, m in enumerate(mats):
        w = getattr(model.core, f"weight_hh_l{layer}")
        assert m.shape == (H, H)
        assert torch.equal(m, w[block * H : (block + 1) * H])
    with torch.no_grad():
        model.core.weight_hh_l0.mul_(2)
    assert torch.equal(model.recurrent_matrices()[0], model.core.weight_hh_l0[block * H :][:H])


def test_manual_reference_is_not_trivially_equal() -> None:
    """Sanity of the reference itself: a wrong gate order (GRU z and r swapped) gives a
    different output, so the agreement above means something."""
    model = make_model("gru", hidden=4)
    x, _ = data(model, T=5, B=2)
    y_ref, _, _ = manual_unroll(model, x)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            p = getattr(model.core, name)
            p.copy_(torch.cat([p[4:8], p[:4], p[8:]]))
    y_swapped, _ = model(x)
    assert (y_swapped - y_ref).abs().max() > 1e-4
    assert np.isfinite(y_ref.detach().numpy()).all()

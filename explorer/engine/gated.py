"""The gated recurrences (GRU, LSTM) over a whole sequence, backward through time by hand.

Recorded step by step, autograd makes a GRU or LSTM step some ten graph nodes, each with
its own bookkeeping on the way forward and back; on tensors this small that overhead,
not the arithmetic, is the cost (an unrolled LSTM step cost 4-7x nn.LSTM's, a GRU step
1.07-1.19x nn.GRU's, depending on the CPU). GRULayer and LSTMLayer run the recurrence
without a graph and write its backward out: the local derivatives of the gates, which
do not depend on the gradient flowing back, are computed for many steps at once,
leaving ~6 small ops per step, and the weight gradient is a matmul over many steps.
The probe tensors are inputs like any other: eps_t is added to h_t (c_t), and its
gradient is the total dL/dh_t (dL/dc_t) that the backward loop carries anyway.
Time is cut into chunks of at most CHUNK_ELEMENTS per (steps, B, H) slab, each with
its own buffers: a few MB, which the C heap recycles from step to step and the cache
holds (one buffer for all T of a large run would be fresh memory every pass: 30-40%
slower at B=H=256).
tests/test_models.py checks both against nn.GRU/nn.LSTM, a textbook unroll with
retain_grad and finite differences; tests/test_probe_cost.py runs gradcheck on them.
"""

from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

CHUNK_ELEMENTS = 1 << 18


def _chunks(T: int, B: int, H: int) -> list[tuple[int, int]]:
    """[t0, t1) ranges covering 0 .. T, each at most CHUNK_ELEMENTS // (B H) steps."""
    size = max(1, CHUNK_ELEMENTS // (B * H))
    return [(t0, min(T, t0 + size)) for t0 in range(0, T, size)]


def _cut(t: int, tbptt: int) -> bool:
    """True when truncated BPTT detaches the state before step t (no gradient to t-1)."""
    return bool(tbptt) and t > 0 and t % tbptt == 0


def _nonzero(eps: torch.Tensor | None) -> bool:
    """Whether a probe tensor must be added at all: probes are zeros, and adding a zero
    changes no value (its gradient is returned all the same)."""
    return eps is not None and bool(eps.any())


def _carve(like: torch.Tensor, T: int, B: int, H: int, *widths: int) -> list[torch.Tensor]:
    """Contiguous (T, B, w*H) tensors, one per width, all views of a single new buffer."""
    step = T * B * H
    flat = like.new_empty(step * sum(widths))
    out, at = [], 0
    for w in widths:
        out.append(flat[at : at + w * step].view(T, B, w * H))
        at += w * step
    return out


def _previous(seq: torch.Tensor, first: torch.Tensor, t0: int, t1: int) -> torch.Tensor:
    """seq[t0 - 1 : t1 - 1], with `first` standing for seq[-1]: the states before t."""
    if t0 > 0:
        return seq[t0 - 1 : t1 - 1]
    return torch.cat([first.unsqueeze(0), seq[: t1 - 1]])


class GRULayer(torch.autograd.Function):
    """One GRU layer over a whole sequence: (xp, h0, W_hh, b_hh, eps_h, tbptt) -> h.

    xp (T, B, 3H) is W_ih x_t + b_ih for all t, h0 (B, H), eps_h (T, B, H) or None, added
    to each h_t. Gates r z n as PyTorch orders them: with a = W_hh h_{t-1} + b_hh,
    r, z = sigmoid(xp_rz + a_rz), n = tanh(xp_n + r * a_n), h_t = (1 - z) n + z h_{t-1}."""

    @staticmethod
    def forward(ctx, xp, h0, w_hh, b_hh, eps_h, tbptt):
        T, B, H3 = xp.shape
        H = H3 // 3
        hs = xp.new_empty(T, B, H)
        hs_t, w_t = hs.unbind(0), w_hh.t()
        eps = eps_h.unbind(0) if _nonzero(eps_h) else None
        saved, h = [], h0
        for t0, t1 in _chunks(T, B, H):
            n, rz, hh = _carve(xp, t1 - t0, B, H, 1, 2, 3)  # hh: W_hh h_{t-1} + b_hh
            saved += [n, rz, hh]
            # unbind: the per-step views, made at once (indexing in the loop costs more)
            x_rz, x_n = xp[t0:t1, :, : 2 * H].unbind(0), xp[t0:t1, :, 2 * H :].unbind(0)
            hh_t, hh_rz, hh_n = (hh[..., s].unbind(0) for s in _cols(H, (0, 3), (0, 2), (2, 3)))
            rz_t, r_t, z_t = rz.unbind(0), rz[..., :H].unbind(0), rz[..., H:].unbind(0)
            n_t = n.unbind(0)
            for j, t in enumerate(range(t0, t1)):
                torch.addmm(b_hh, h, w_t, out=hh_t[j])
                torch.add(x_rz[j], hh_rz[j], out=rz_t[j]).sigmoid_()
                torch.addcmul(x_n[j], r_t[j], hh_n[j], out=n_t[j]).tanh_()
                h = torch.lerp(n_t[j], h, z_t[j], out=hs_t[t])  # n + z (h - n)
                if eps is not None:
                    h.add_(eps[t])
        ctx.save_for_backward(h0, w_hh, hs, *saved)
        ctx.tbptt = tbptt
        ctx.set_materialize_grads(False)
        return hs

    @staticmethod
    @once_differentiable
    def backward(ctx, d_hs):
        h0, w_hh, hs, *saved = ctx.saved_tensors
        T, B, H = hs.shape
        d_xp = hs.new_empty(T, B, 3 * H)
        dh = d_hs.clone() if d_hs is not None else torch.zeros_like(hs)  # total dL/dh_t
        d_w, d_b = torch.zeros_like(w_hh), w_hh.new_zeros(3 * H)
        dh_t, carry, d_h0 = dh.unbind(0), None, None  # carry: dL/dh_{t-1} through step t
        chunks = _chunks(T, B, H)
        for k in range(len(chunks) - 1, -1, -1):
            (t0, t1), (n, rz, hh) = chunks[k], saved[3 * k : 3 * k + 3]
            L, h_prev = t1 - t0, _previous(hs, h0, t0, t1)
            r, z, a_n = rz[..., :H], rz[..., H:], hh[..., 2 * H :]
            # d_a: dL/da; local: what dh_t becomes in d_a at step t
            d_a, local = _carve(hs, L, B, H, 3, 3)
            dn = d_xp[t0:t1, :, 2 * H :]  # for now (1 - n^2)(1 - z) = dh_t / dn_pre
            torch.mul(n, n, out=dn).neg_().add_(1).addcmul_(dn, z, value=-1)
            to_r, to_z, to_an = local.view(L, B, 3, H).unbind(2)
            torch.mul(dn, a_n, out=to_r).mul_(r).addcmul_(to_r, r, value=-1)
            torch.sub(h_prev, n, out=to_z).mul_(z).addcmul_(to_z, z, value=-1)
            torch.mul(dn, r, out=to_an)
            local_t, z_t = local.view(L, B, 3, H).unbind(0), z.unbind(0)
            d_a_t, d_a_flat = d_a.view(L, B, 3, H).unbind(0), d_a.unbind(0)
            for j in range(L - 1, -1, -1):
                t = t0 + j
                g = dh_t[t] if carry is None else dh_t[t].add_(carry)
                torch.mul(g.unsqueeze(1), local_t[j], out=d_a_t[j])
                carry = None
                if t > 0 and not _cut(t, ctx.tbptt):
                    carry = torch.addmm(g * z_t[j], d_a_flat[j], w_hh)
                elif t == 0 and ctx.needs_input_grad[1]:
                    d_h0 = torch.addmm(g * z_t[j], d_a_flat[j], w_hh)
            d_w.addmm_(d_a.view(L * B, 3 * H).t(), h_prev.reshape(L * B, H))
            d_b.add_(d_a.sum((0, 1)))
            dn.mul_(dh[t0:t1])
            d_xp[t0:t1, :, : 2 * H] = d_a[..., : 2 * H]
        d_eps = dh if ctx.needs_input_grad[4] else None
        return d_xp, d_h0, d_w, d_b, d_eps, None


class LSTMLayer(torch.autograd.Function):
    """One LSTM layer over a whole sequence: (xp, h0, c0, W_hh, eps_h, eps_c, tbptt) ->
    (h, c). xp (T, B, 4H) is W_ih x_t + b_ih + b_hh for all t; gates i f g o as PyTorch
    orders them: c_t = f c_{t-1} + i g (+ eps_c), h_t = o tanh(c_t) (+ eps_h)."""

    @staticmethod
    def forward(ctx, xp, h0, c0, w_hh, eps_h, eps_c, tbptt):
        T, B, H4 = xp.shape
        H = H4 // 4
        hs, cs = xp.new_empty(T, B, H), xp.new_empty(T, B, H)
        hs_t, cs_t, xp_t, w_t = hs.unbind(0), cs.unbind(0), xp.unbind(0), w_hh.t()
        e_h = eps_h.unbind(0) if _nonzero(eps_h) else None
        e_c = eps_c.unbind(0) if _nonzero(eps_c) else None
        saved, h, c = [], h0, c0
        for t0, t1 in _chunks(T, B, H):
            tcs, gates = _carve(xp, t1 - t0, B, H, 1, 4)  # tanh(c_t); i f g o, activated
            saved += [tcs, gates]
            parts = _cols(H, (0, 4), (0, 2), (0, 1), (1, 2), (2, 3), (3, 4))
            gates_t, if_t, i_t, f_t, g_t, o_t = (gates[..., s].unbind(0) for s in parts)
            tcs_t = tcs.unbind(0)
            for j, t in enumerate(range(t0, t1)):
                torch.addmm(xp_t[t], h, w_t, out=gates_t[j])
                if_t[j].sigmoid_()
                g_t[j].tanh_()
                o_t[j].sigmoid_()
                c = torch.mul(f_t[j], c, out=cs_t[t]).addcmul_(i_t[j], g_t[j])
                if e_c is not None:
                    c.add_(e_c[t])
                h = torch.mul(o_t[j], torch.tanh(c, out=tcs_t[j]), out=hs_t[t])
                if e_h is not None:
                    h.add_(e_h[t])
        ctx.save_for_backward(h0, c0, w_hh, hs, cs, *saved)
        ctx.tbptt = tbptt
        ctx.set_materialize_grads(False)
        return hs, cs

    @staticmethod
    @once_differentiable
    def backward(ctx, d_hs, d_cs):
        h0, c0, w_hh, hs, cs, *saved = ctx.saved_tensors
        T, B, H = hs.shape
        d_xp = hs.new_empty(T, B, 4 * H)  # dL/dxp = dL/d(the gates' pre-activations)
        dh = d_hs.clone() if d_hs is not None else torch.zeros_like(hs)  # total dL/dh_t
        dc = d_cs.clone() if d_cs is not None else torch.zeros_like(cs)  # total dL/dc_t
        d_w, dh_t, dc_t = torch.zeros_like(w_hh), dh.unbind(0), dc.unbind(0)
        carry_h = carry_c = d_h0 = d_c0 = None  # dL/dh_{t-1}, dL/dc_{t-1} through step t
        chunks = _chunks(T, B, H)
        for k in range(len(chunks) - 1, -1, -1):
            (t0, t1), (tcs, gates) = chunks[k], saved[2 * k : 2 * k + 2]
            L, c_prev = t1 - t0, _previous(cs, c0, t0, t1)
            i, f, g, o = (gates[..., s] for s in _cols(H, (0, 1), (1, 2), (2, 3), (3, 4)))
            # local: what dc_t (for i, f, g) and dh_t (for o) become in the gates'
            # pre-activations at step t; to_c: what dh_t becomes in dc_t
            local, to_c = _carve(hs, L, B, H, 4, 1)
            torch.mul(tcs, tcs, out=to_c).neg_().add_(1).mul_(o)  # o (1 - tanh^2 c)
            to_i, to_f, to_g, to_o = local.view(L, B, 4, H).unbind(2)
            torch.mul(g, i, out=to_i).addcmul_(to_i, i, value=-1)  # g i (1 - i)
            torch.mul(c_prev, f, out=to_f).addcmul_(to_f, f, value=-1)  # c_{t-1} f (1 - f)
            torch.mul(g, g, out=to_g).neg_().add_(1).mul_(i)  # i (1 - g^2)
            torch.mul(tcs, o, out=to_o).addcmul_(to_o, o, value=-1)  # tanh(c) o (1 - o)
            to_c_t, local_t, f_t = to_c.unbind(0), local.view(L, B, 4, H).unbind(0), f.unbind(0)
            d_a = d_xp[t0:t1]
            d_a_t, d_a_flat = d_a.view(L, B, 4, H).unbind(0), d_a.unbind(0)
            for j in range(L - 1, -1, -1):
                t = t0 + j
                gh = dh_t[t] if carry_h is None else dh_t[t].add_(carry_h)
                gc = dc_t[t] if carry_c is None else dc_t[t].add_(carry_c)
                gc.addcmul_(gh, to_c_t[j])
                torch.mul(local_t[j], torch.stack((gc, gc, gc, gh), 1), out=d_a_t[j])
                carry_h = carry_c = None
                if t > 0 and not _cut(t, ctx.tbptt):
                    carry_h, carry_c = d_a_flat[j].mm(w_hh), gc * f_t[j]
                elif t == 0:
                    d_h0 = d_a_flat[j].mm(w_hh) if ctx.needs_input_grad[1] else None
                    d_c0 = gc * f_t[j] if ctx.needs_input_grad[2] else None
            d_w.addmm_(d_a.reshape(L * B, 4 * H).t(), _previous(hs, h0, t0, t1).reshape(L * B, H))
        d_eps_h = dh if ctx.needs_input_grad[4] else None
        d_eps_c = dc if ctx.needs_input_grad[5] else None
        return d_xp, d_h0, d_c0, d_w, d_eps_h, d_eps_c, None


def _cols(H: int, *blocks: tuple[int, int]) -> list[slice]:
    """Column slices of whole H-wide gate blocks: (1, 3) -> columns H .. 3H."""
    return [slice(a * H, b * H) for a, b in blocks]

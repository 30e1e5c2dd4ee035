"""The Learn page's equations, LaTeX; the same in every language."""

# One relation a line: the Learn page's column is a third of the screen, and a projector's
# type is large (tests/test_browser_users.py checks that none is cut).
EQUATIONS: dict[str, str] = {
    "rnn": r"\begin{aligned} h_t &= \tanh\left(W_{xh} x_t + W_{hh} h_{t-1} + b\right) \\ "
    r"\hat y_t &= W_{hy} h_t + b_y \end{aligned}",
    "lstm": r"\begin{aligned} f_t &= \sigma(W_f [h_{t-1}, x_t] + b_f) \\ "
    r"i_t &= \sigma(W_i [h_{t-1}, x_t] + b_i) \\ "
    r"o_t &= \sigma(W_o [h_{t-1}, x_t] + b_o) \\ "
    r"\tilde C_t &= \tanh(W_C [h_{t-1}, x_t] + b_C) \\ "
    r"C_t &= f_t \odot C_{t-1} + i_t \odot \tilde C_t \\ "
    r"h_t &= o_t \odot \tanh(C_t) \end{aligned}",
    "gru": r"\begin{aligned} z_t &= \sigma(W_z x_t + U_z h_{t-1} + b_z) \\ "
    r"r_t &= \sigma(W_r x_t + U_r h_{t-1} + b_r) \\ "
    r"\tilde h_t &= \tanh(W_h x_t + r_t \odot (U_h h_{t-1}) + b_h) \\ "
    r"h_t &= (1 - z_t) \odot \tilde h_t + z_t \odot h_{t-1} \end{aligned}",
    "bptt": r"\begin{aligned} \frac{\partial L}{\partial h_t} &= "
    r"\frac{\partial L_t}{\partial h_t} \\ "
    r"&+ \left(\frac{\partial h_{t+1}}{\partial h_t}\right)^{\!\top} "
    r"\frac{\partial L}{\partial h_{t+1}} \end{aligned}",
    "bptt_product": r"\begin{aligned} \frac{\partial h_T}{\partial h_t} &= \prod_{k=t+1}^{T} "
    r"\frac{\partial h_k}{\partial h_{k-1}} \\ &= \prod_{k=t+1}^{T} "
    r"\operatorname{diag}(1 - h_k^2)\, W_{hh} \end{aligned}",
    "vanish": r"\begin{aligned} \left\| \frac{\partial h_T}{\partial h_t} \right\| &\le "
    r"\prod_{k=t+1}^{T} \|\operatorname{diag}(1-h_k^2)\| \, \|W_{hh}\| \\ "
    r"&\le \sigma_{\max}(W_{hh})^{\,T-t} \end{aligned}",
    "clip_norm": r"g \leftarrow g \cdot \min\left(1, \frac{\theta}{\|g\|}\right)",
    "clip_value": r"g_i \leftarrow \max(-\theta, \min(\theta, g_i))",
    "tbptt": r"\frac{\partial L}{\partial h_t} \approx \sum_{s=t}^{\min(T,\, t+k)} "
    r"\frac{\partial L_s}{\partial h_s} \frac{\partial h_s}{\partial h_t}",
}

"""Explanations and equations as data, keyed by id, apart from the pages that show them.

>>> text("intro.train").startswith("A recurrent network")
True
>>> sorted(EQUATIONS)[:2]
['bptt', 'bptt_product']
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # page intros
    "intro.train": (
        "A recurrent network reads a sequence one step at a time and learns from its "
        "mistakes. The loss curve shows how wrong it is (validation: on sequences it never "
        "trains on); for the sine tasks the lower chart shows its prediction against the "
        "truth, one step ahead and free-running, fed its own outputs."
    ),
    "intro.gradients": (
        "Backpropagation through time sends the loss's gradient backwards, step by step. "
        "Each step multiplies it by a Jacobian, so it can shrink to nothing (vanishing) or "
        "blow up (exploding). These charts show the norm of the total gradient dL/dh_t at "
        "every timestep t, over the whole of training."
    ),
    "intro.hidden": (
        "The hidden state h_t is the network's memory: a point in a space of H dimensions. "
        "PCA flattens it to 2 or 3 dimensions so you can watch a sequence trace its path "
        "through that space; colour shows the timestep. Move the slider to see how the "
        "paths looked earlier in training."
    ),
    "intro.learn": (
        "The equations behind the charts, each next to the numbers of the run you are "
        "training now. Change the cell type in the sidebar to see its equations."
    ),
    "intro.compare": (
        "Train the same run in up to 12 variants side by side, differing in one or two "
        "knobs, and compare what they learn and how their gradients flow. Every variant "
        "starts from the sidebar's settings and the same seed, so all of them see the same "
        "batches in the same order: a difference comes from the knob alone (unless the "
        "knob is the seed). Variants train in parallel, one core each; finished runs are "
        "kept in the runs directory, and saved or uploaded runs can join the charts."
    ),
    # what am I seeing?
    "chart.loss": (
        "Mean squared error per training step (noisy: each step sees a different batch) "
        "and on the fixed validation set. The dashed line is the trivial baseline: a model "
        "that has learnt nothing scores about that. A log scale shows late progress."
    ),
    "chart.prediction": (
        "Grey: the clean signal. Blue: the model predicts each next point from the true "
        "past. Red, dotted: after a warm-up on true inputs, the model is fed only its own "
        "outputs; errors compound, so this is the harder test."
    ),
    "chart.profile": (
        "‖dL/dh_t‖ for the latest probed step (blue) and the first (grey). The loss sits "
        "at the right end. A line that falls steeply to the left means the gradient "
        "vanishes: early inputs get no credit. The dashed marker is the gradient horizon, "
        "the earliest t whose gradient is still at least 1/1000 of the last step's."
    ),
    "chart.heatmap": (
        "Each row is one probed training step, each column one timestep; colour is "
        "log10 of the gradient norm. Watch the dark region on the left shrink as a gated "
        "cell learns to carry gradient back, or stay put for a vanilla RNN."
    ),
    "chart.cell": (
        "The LSTM's cell state c_t is its gradient highway: when the forget gate stays "
        "near 1, dL/dc_t passes back almost unchanged."
    ),
    "chart.params": (
        "The gradient norm of each weight matrix and bias, before clipping. A spike here "
        "is an exploding gradient; a flat line near zero means that weight barely learns."
    ),
    "chart.clipping": (
        "The global gradient norm before clipping (purple) and after (green). Clipping by "
        "norm rescales the whole gradient down to the threshold when it is larger; by value "
        "it caps each element, which can also change the gradient's direction."
    ),
    "chart.spectrum": (
        "The spectral radius ρ of the recurrent weight block, and its largest singular "
        "value σ_max. For a vanilla RNN, σ_max < 1 guarantees vanishing gradients (tanh' ≤ 1); "
        "ρ well above 1 lets them explode."
    ),
    "chart.pca": (
        "Each line is one probe sequence's hidden state over time, projected onto the "
        "principal components of all the states. A sine model learns a loop; an adding "
        "model learns to jump when it sees a marker."
    ),
    "chart.jacobian": (
        "Bars: the spectral norm of each step's Jacobian ∂h_t/∂h_{t-1} on one probe "
        "sequence. Red: their product from t to the end, an upper bound on how much of "
        "the gradient at the last step reaches step t."
    ),
    "chart.compare_loss": (
        "One colour per run. Solid: the loss on the fixed validation set, the fair "
        "comparison. Faint: the loss of each training batch, which is noisy because every "
        "step sees different sequences (the same ones for every run)."
    ),
    "chart.compare_heatmaps": (
        "One panel per run: log10 of ‖dL/dh_t‖ at every timestep t (columns) for every "
        "probed training step (rows). All panels share one colour scale, so the same colour "
        "means the same gradient norm everywhere: a dark left edge is a gradient that "
        "vanishes before it reaches the early inputs."
    ),
    "chart.compare_reach": (
        "How many steps back from the loss the gradient still carries at least 1/1000 of "
        "its strength at the last step (T − 1 − the gradient horizon). A run that learns "
        "long-range structure pushes this up towards T − 1."
    ),
    "chart.compare_table": (
        "Click a column header to sort. Steps to target: the first validation step at or "
        "below the target loss. Steps/s: training steps over their own time, each run on "
        "its own core. Clipped: the fraction of steps whose gradient was clipped. Horizon: "
        "the earliest timestep the gradient still reaches at the end of training."
    ),
    # status and guidance
    "status.changed": (
        "Settings changed since this run started ({fields}). Press Reset to start a new run "
        "with them; the run on screen keeps its own settings."
    ),
}

EQUATIONS: dict[str, str] = {
    "rnn": r"h_t = \tanh\left(W_{xh} x_t + W_{hh} h_{t-1} + b\right), \qquad "
    r"\hat y_t = W_{hy} h_t + b_y",
    "lstm": r"\begin{aligned} f_t &= \sigma(W_f [h_{t-1}, x_t] + b_f), \quad "
    r"i_t = \sigma(W_i [h_{t-1}, x_t] + b_i), \quad "
    r"o_t = \sigma(W_o [h_{t-1}, x_t] + b_o) \\ "
    r"\tilde C_t &= \tanh(W_C [h_{t-1}, x_t] + b_C), \quad "
    r"C_t = f_t \odot C_{t-1} + i_t \odot \tilde C_t, \quad "
    r"h_t = o_t \odot \tanh(C_t) \end{aligned}",
    "gru": r"\begin{aligned} z_t &= \sigma(W_z x_t + U_z h_{t-1} + b_z), \quad "
    r"r_t = \sigma(W_r x_t + U_r h_{t-1} + b_r) \\ "
    r"\tilde h_t &= \tanh(W_h x_t + r_t \odot (U_h h_{t-1}) + b_h), \quad "
    r"h_t = (1 - z_t) \odot \tilde h_t + z_t \odot h_{t-1} \end{aligned}",
    "bptt": r"\frac{\partial L}{\partial h_t} = \frac{\partial L_t}{\partial h_t} + "
    r"\left(\frac{\partial h_{t+1}}{\partial h_t}\right)^{\!\top} "
    r"\frac{\partial L}{\partial h_{t+1}}",
    "bptt_product": r"\frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} "
    r"\frac{\partial h_k}{\partial h_{k-1}} = \prod_{k=t+1}^{T} "
    r"\operatorname{diag}(1 - h_k^2)\, W_{hh}",
    "vanish": r"\left\| \frac{\partial h_T}{\partial h_t} \right\| \le "
    r"\prod_{k=t+1}^{T} \|\operatorname{diag}(1-h_k^2)\| \, \|W_{hh}\| "
    r"\le \sigma_{\max}(W_{hh})^{\,T-t}",
    "clip_norm": r"g \leftarrow g \cdot \min\left(1, \frac{\theta}{\|g\|}\right)",
    "clip_value": r"g_i \leftarrow \max(-\theta, \min(\theta, g_i))",
    "tbptt": r"\frac{\partial L}{\partial h_t} \approx \sum_{s=t}^{\min(T,\, t+k)} "
    r"\frac{\partial L_s}{\partial h_s} \frac{\partial h_s}{\partial h_t}",
}


def text(key: str, **values: str) -> str:
    """The text for an id, with {placeholders} filled in."""
    return TEXTS[key].format(**values) if values else TEXTS[key]

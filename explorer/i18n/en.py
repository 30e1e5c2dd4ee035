"""English: every text the app, the command line and the errors show, keyed by id.
zh.py holds the same ids (tests/test_i18n.py checks); explorer.i18n.text picks one."""

EN: dict[str, str] = {
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
    "chart.sweep_parallel": (
        "One line per variant, through each knob's value to its final validation loss "
        "(log10), coloured by that loss: bright is low. Drag along an axis to keep only the "
        "variants in a range; a knob searched on a log scale has a log axis."
    ),
    "chart.sweep_scatter": (
        "Each finished variant's final validation loss (log scale) against one knob, "
        "coloured by another: a trend says the knob matters; colours apart say it matters "
        "differently for the other knob's values."
    ),
    "chart.compare_table": (
        "Click a column header to sort. Steps to target: the first validation step at or "
        "below the target loss. Steps/s: training steps over their own time, each run on "
        "its own core. Clipped: the fraction of steps whose gradient was clipped. Reach: "
        "how many steps back the gradient still counts (at least 1/1000 of its strength at "
        "the last step), at the first step and at the end of training; more is better. "
        "The columns after the variant's name are the settings that set the runs apart."
    ),
    # classroom presets: title, what to watch, what to expect, why, and predict-then-reveal
    "preset.tutorial_sine.title": "The tutorial's sine model",
    "preset.tutorial_sine.watch": (
        "The loss curve on the Train page, and the prediction (blue) against the truth."
    ),
    "preset.tutorial_sine.expect": (
        "Within 100 full-batch epochs the validation loss falls from about 0.6 (predicting "
        "the mean) to about 0.02. It cannot reach 0: the targets carry noise of variance "
        "0.01, and the five inputs are noisy too."
    ),
    "preset.tutorial_sine.why": (
        "Five past values of a sine fix its phase, so a small RNN (32 units, Adam 0.01, "
        "clipping at 0.5) learns to extrapolate one step. This is the seed tutorial's exact "
        "setup: sin t for t in [0, 20) step 0.1, Gaussian noise 0.1, windows of 5."
    ),
    "preset.tutorial_sine.question": "How low will the validation loss go?",
    "preset.tutorial_sine.option1": "To zero: a sine is perfectly predictable",
    "preset.tutorial_sine.option2": "To about the noise level, not below",
    "preset.tutorial_sine.option3": "It stays near the baseline: 5 points are too few",
    "preset.tutorial_sine.answer": (
        "About the noise level: noise in the target can never be predicted, so the loss "
        "levels off near 0.02 (the noise variance 0.01 plus what noisy inputs cost)."
    ),
    "preset.free_running.title": "Free-running sine",
    "preset.free_running.watch": (
        "The red dotted line on the Train page: after a short warm-up the model is fed only "
        "its own outputs, and generates the wave by itself."
    ),
    "preset.free_running.expect": (
        "Early on the free-running curve collapses to a flat line or drifts away; after a "
        "few hundred steps it tracks the sine for a whole period and more."
    ),
    "preset.free_running.why": (
        "The tutorial's stateful next-step model (hidden 16, weights drawn from N(0, 0.001)) "
        "learns a rotation in its hidden state: the loop you can see on the Hidden states "
        "page. Fed its own outputs, small errors compound, so free-running is the harder test."
    ),
    "preset.free_running.question": "Fed only its own outputs, what will the model produce?",
    "preset.free_running.option1": "A flat line: errors pile up at once",
    "preset.free_running.option2": "A sine that keeps going, slowly drifting in phase",
    "preset.free_running.option3": "Noise",
    "preset.free_running.answer": (
        "A sine that keeps going: the hidden state has learnt an orbit, so the model can "
        "generate the wave, drifting slowly as small errors add up."
    ),
    "preset.vanishing.title": "Vanishing gradients: RNN vs GRU vs LSTM",
    "preset.vanishing.watch": (
        "The gradient heatmaps on the Compare page (dark = vanished) and the loss curves. "
        "Open a variant to see its Gradient flow page."
    ),
    "preset.vanishing.expect": (
        "The vanilla RNN's gradient dies within about a dozen steps of the loss and its "
        "loss stays at chance (0.167). The GRU's gradient reaches all the way back to the "
        "markers and its loss falls below 0.01 within the 1,500 steps."
    ),
    "preset.vanishing.why": (
        "The adding problem hides two marked numbers in 100 steps and asks for their sum. "
        "BPTT multiplies the gradient by one Jacobian per step; for tanh RNNs their norms "
        "are below 1, so the product vanishes. Gates give GRU and LSTM an additive path."
    ),
    "preset.vanishing.question": "Which cells will learn to add numbers 100 steps apart?",
    "preset.vanishing.option1": "All three",
    "preset.vanishing.option2": "The GRU, but not the vanilla RNN",
    "preset.vanishing.option3": "None: 100 steps is too long",
    "preset.vanishing.answer": (
        "The GRU learns it (its gradient reaches back 99 steps); the vanilla RNN stays at "
        "chance. The LSTM, with PyTorch's default forget bias, is slow to start: see the "
        "forget-gate preset."
    ),
    "preset.exploding.title": "Exploding gradients and clipping",
    "preset.exploding.watch": (
        "The two loss curves on the Compare page, against the dashed baseline (predicting "
        "the mean); then open each variant: on its Gradient flow page compare the gradient "
        "norm before and after clipping, and the spectral radius of W_hh."
    ),
    "preset.exploding.expect": (
        "Both runs start from the same weights and get the same first gradient, a few "
        "hundred in norm. Unclipped, that one SGD step throws W_hh's spectral radius from "
        "1.15 to over a million: the loss jumps to thousands or millions of times the "
        "baseline and stays above 10x the baseline for dozens of steps (sometimes the run "
        "diverges outright). Clipped at norm 1, W_hh stays near 1.15 and the loss stays "
        "within reach of the baseline: above 10x it on at most a few steps. Neither learns "
        "the sum in 300 steps; this lesson is about what one exploding step does."
    ),
    "preset.exploding.why": (
        "W_hh starts as 1.15 times the identity, with ReLU (an IRNN pushed past 1), so every "
        "step multiplies the state and the gradient by about 1.15: 66 times over 30 steps. "
        "Clipping by norm keeps the gradient's direction but caps its length, so one step "
        "cannot throw the weights far. After its blow-up the unclipped network's heatmap "
        "goes dark: the huge weights leave its ReLU units outputting 0 (dead), and no "
        "gradient flows back through a dead unit."
    ),
    "preset.exploding.question": "What will clipping do to the training loss?",
    "preset.exploding.option1": "Nothing: it only rescales the gradient",
    "preset.exploding.option2": "Keep it near the baseline, where unclipped training blows up",
    "preset.exploding.option3": "Make it slower but reach the same place",
    "preset.exploding.answer": (
        "It keeps training stable: unclipped, one step of the exploding gradient throws "
        "the loss to thousands of times the baseline or more; clipped, it stays near the "
        "baseline."
    ),
    "preset.forget_bias.title": "The LSTM forget-gate bias",
    "preset.forget_bias.watch": (
        "The table's column 'reach at step 1' on the Compare page (how many steps back each "
        "LSTM's gradient counts from the very first step), then their loss curves."
    ),
    "preset.forget_bias.expect": (
        "At step 1 the LSTM with forget bias +1 already reaches two to three times as far "
        "back as the one with bias 0 (about 20-35 steps against 9-12)."
    ),
    "preset.forget_bias.why": (
        "The cell state is multiplied by the forget gate f_t at every step. With bias 0, "
        "f ≈ σ(0) = 0.5 and the gradient along the cell halves per step; with +1, "
        "f ≈ σ(1) = 0.73. A small change at initialisation, a long way back in time."
    ),
    "preset.forget_bias.question": "Which LSTM's gradient reaches further back at the start?",
    "preset.forget_bias.option1": "Forget bias 0",
    "preset.forget_bias.option2": "Forget bias +1",
    "preset.forget_bias.option3": "They are the same until training changes them",
    "preset.forget_bias.answer": (
        "Forget bias +1: its forget gates start near 0.73 instead of 0.5, so the cell state "
        "carries the gradient further."
    ),
    "preset.init_lab.title": "Initialisation lab",
    "preset.init_lab.watch": (
        "The table's column 'reach at step 1' on the Compare page: how many steps back each "
        "vanilla RNN's gradient counts at the start."
    ),
    "preset.init_lab.expect": (
        "With PyTorch's default initialisation the gradient reaches about a dozen steps "
        "back; orthogonal W_hh and the identity with ReLU (IRNN) reach all 49 steps back "
        "at the start."
    ),
    "preset.init_lab.why": (
        "An orthogonal or identity W_hh has every singular value equal to 1, so the BPTT "
        "product neither shrinks nor grows until the nonlinearity and training change it."
    ),
    "preset.init_lab.question": "Which initialisation keeps the gradient alive longest at first?",
    "preset.init_lab.option1": "PyTorch's default",
    "preset.init_lab.option2": "Orthogonal or identity",
    "preset.init_lab.option3": "All the same",
    "preset.init_lab.answer": (
        "Orthogonal and identity: their W_hh preserves norms, so at step 1 the gradient "
        "reaches all the way back; the default's dies within about a dozen steps."
    ),
    "classroom.title": "Classroom",
    "classroom.intro": (
        "Each lesson sets everything up with one click (or one link, to share with the "
        "class), says what to watch and why, and asks you to predict before it reveals."
    ),
    "classroom.predict": "Predict first: {question}",
    "classroom.reveal": "Reveal",
    "classroom.link": "Link to this lesson",
    "classroom.setup": "Set up this lesson",
    "classroom.watch": "What to watch",
    "classroom.expect": "What to expect",
    "classroom.why": "Why",
    "classroom.active": "Lesson: {title}",
    "classroom.go": "Go to the lesson",
    "serve.moved": (
        "The server process that held your page stopped, so you are now on another one. "
        "Your settings came back with the address; a run that was training there is gone "
        "(the runs directory keeps every run that finished or was stopped). Press Train to "
        "start again."
    ),
    "classroom.leave": "Leave the lesson",
    "classroom.leave_help": "The settings stay; the question and the lesson's link go.",
    "classroom.link_help": (
        "Anyone who opens this link gets this lesson's page, setup and question."
    ),
    "classroom.right": "Your prediction, *{guess}*, was right.",
    "classroom.wrong": "Your prediction was *{guess}*; the answer is *{answer}*.",
    "classroom.no_guess": "The answer is *{answer}*.",
    "classroom.race_hint": "This lesson is a race: press Run comparison on the Compare page.",
    "classroom.presenter": "Presenter mode",
    "classroom.presenter_help": (
        "Large fonts and charts for a projector. Links can hide controls one by one: "
        "?hide=lr,optimizer or ?lr_hide=1."
    ),
    # navigation, sidebar, controls
    "app.title": "RNN Gradient-Flow Explorer",
    "page.train": "Train",
    "page.gradients": "Gradient flow",
    "page.hidden": "Hidden states",
    "page.learn": "Learn",
    "page.compare": "Compare",
    "page.classroom": "Classroom",
    "sidebar.language": "Language",
    "sidebar.model": "Model and task",
    "sidebar.optimisation": "Optimisation",
    "sidebar.init": "Initialisation",
    "sidebar.advanced": "Advanced",
    "sidebar.invalid": "Invalid settings ({error}). The last valid settings stay in use.",
    "label.task": "Task",
    "label.cell": "Cell",
    "label.hidden": "Hidden units",
    "label.layers": "Layers",
    "label.seq_len": "Sequence length T",
    "label.batch": "Batch size",
    "label.steps": "Steps",
    "label.lr": "Learning rate",
    "label.optimizer": "Optimizer",
    "label.clip": "Gradient clipping",
    "label.clip_value": "Clipping threshold",
    "label.init": "Initialisation",
    "label.whh_gain": "W_hh gain",
    "label.forget_bias": "LSTM forget-gate bias",
    "label.tbptt": "Truncated BPTT window (0 = full)",
    "label.probe_every": "Probe every k steps (0 = auto)",
    "label.val_every": "Validate every k steps",
    "label.seed": "Seed",
    "help.task": (
        "What the network learns: the next point of a sine (50-point segments, later "
        "generated free-running), the next value of the tutorial's noisy sine from a window, "
        "or the adding problem (sum two marked values from a long sequence: memory)."
    ),
    "help.cell": "The recurrent cell: a vanilla RNN, an LSTM or a GRU.",
    "help.hidden": "Hidden units per layer ({lo} to {hi}).",
    "help.layers": "Stacked recurrent layers ({lo} to {hi}).",
    "help.seq_len": "Timesteps per sequence; for the noisy sine, the window ({lo} to {hi}).",
    "help.batch": "Sequences per step, capped at the training set's size ({lo} to {hi}).",
    "help.steps": "Optimizer steps in the run ({lo} to {hi}).",
    "help.lr": "The learning rate ({lo} to {hi}).",
    "help.optimizer": "Adam, or SGD with momentum 0.9.",
    "help.clip": "Gradient clipping: off, by global norm, or by value.",
    "help.clip_value": "The clipping threshold: the largest global norm, or the largest |g| "
    "({lo} to {hi}).",
    "help.init": "How the weights start.",
    "help.whh_gain": "Multiplies W_hh after initialisation; above 1 pushes towards exploding "
    "gradients ({lo} to {hi}).",
    "help.forget_bias": "Added to the LSTM's forget-gate bias; +1 is the usual fix ({lo} to {hi}).",
    "help.tbptt": "Truncated BPTT: no gradient crosses a window of k steps; 0 means full "
    "BPTT ({lo} to {hi}).",
    "help.probe_every": "Measure the gradient flow every k steps; 0 = auto (every step, "
    "every 25th for the LSTM) ({lo} to {hi}).",
    "help.val_every": "Evaluate the validation loss every k steps ({lo} to {hi}).",
    "help.seed": "Seeds the data, the weights and the batch order ({lo} to {hi}).",
    "choice.task.sine_next": "Sine, next step",
    "choice.task.sine_window": "Noisy sine window",
    "choice.task.adding": "Adding problem",
    "choice.cell.rnn": "Vanilla RNN (tanh)",
    "choice.cell.lstm": "LSTM",
    "choice.cell.gru": "GRU",
    "choice.optimizer.adam": "Adam",
    "choice.optimizer.sgd": "SGD with momentum 0.9",
    "choice.clip.off": "Off",
    "choice.clip.norm": "By global norm",
    "choice.clip.value": "By value",
    "choice.init.default": "PyTorch default (uniform ±1/√H)",
    "choice.init.orthogonal": "Orthogonal W_hh",
    "choice.init.identity": "Identity W_hh + ReLU (IRNN, vanilla RNN only)",
    "choice.init.small_normal": "Normal(0, 0.001) for the recurrent weights (the tutorial's)",
    "btn.train": "Train",
    "btn.resume": "Resume",
    "btn.pause": "Pause",
    "btn.step": "Step",
    "btn.stop": "Stop",
    "btn.reset": "Reset",
    "btn.step_help": "Take a single optimizer step, then pause.",
    "btn.reset_help": "Discard this run and start fresh with the settings.",
    "widget.what": "What am I seeing?",
    # the run's status
    "state.idle": "idle",
    "state.starting": "starting",
    "state.queued": "queued",
    "state.running": "running",
    "state.paused": "paused",
    "state.completed": "completed",
    "state.example": "Example run",
    "cmp.example": "**Example race**: this lesson's race, recorded earlier with the same "
    "settings. Press **Run** to race it live: your results replace these.",
    "watched.header": "Your own models (`explorer.watch`)",
    "watched.none": "No watched runs in `{folder}` yet. In your own training loop: "
    '`probe = explorer.watch(model.encoder)`, then `probe.save("{folder}/my-model")` '
    '(see the README\'s "Your own model").',
    "watched.pick": "Watched run",
    "watched.open": "Open on Gradient flow",
    "watched.close": "Close: back to the app's run",
    "watched.every": "probed every {n} steps",
    "watched.budget": "probed on a {budget}% time budget",
    "watched.banner": "**Your model, watched in your own loop** (explorer.watch, not trained "
    "here): {module}, {layers} layer(s) of {hidden} units; {probes} probes over "
    "{steps} steps, {schedule}; saved {created} in `{folder}`.",
    "watched.sidebar": "This page shows a model trained in its owner's loop "
    "(explorer.watch): there is nothing to train here.",
    "watched.gone": "The watched run {folder} can no longer be read: {reason}",
    "fig.clip_seen": "{fraction} of steps clipped (by your loop)",
    "msg.example": "recorded earlier with {settings}. Press **Train** to run your own "
    "settings: your run replaces this one on every page.",
    "example.settings": "{cell} on {task}, hidden {hidden}, T = {T}, {steps} steps",
    "state.diverged": "diverged",
    "state.stopped": "stopped",
    "state.error": "error",
    "status.idle": "press **Train** in the sidebar to start.",
    "status.step": "step {step} / {total}",
    "status.speed": "{rate} steps/s",
    "status.loss": "loss {loss}",
    "status.val": "val {val}",
    "msg.starting": "Building the model...",
    "msg.paused": "Paused.",
    "msg.queued": (
        "position {position} in line. The server is training as many runs as it takes "
        "at once ({capacity}); yours starts when one of them finishes or pauses."
    ),
    "msg.paused_idle": (
        "Paused: no open tab showed this run for a while. Press **Resume** to go on."
    ),
    "msg.completed": "Completed {steps} steps.",
    "msg.stopped": "Stopped; the history so far is kept.",
    "msg.released": "Stopped and released when its tab closed; the history was saved to {folder}.",
    "msg.diverged": (
        "Diverged at step {step}: the loss or the gradient became infinite or NaN. The "
        "history before it is kept. Try a lower learning rate or turn on gradient clipping."
    ),
    "msg.error": "Training failed: {detail}",
    "msg.saved": "Saved to {folder}.",
    # the Learn page: the seed tutorials' lessons, and this run's numbers beside them
    "learn.cell": "The cell: {cell}",
    "learn.irnn": "This run is an IRNN: ReLU instead of tanh, and W_hh = I at the start.",
    "learn.cell_numbers": (
        "- hidden units **H = {hidden}**, layers **{layers}**\n"
        "- sequence length **T = {T}**\n"
        "- parameters: **{params}**"
    ),
    "learn.bptt": "Backpropagation through time",
    "learn.train_first": "Train a few steps to see this run's Jacobians here.",
    "learn.bptt_numbers": (
        "- σ_max of W_hh now **{sigma}**, spectral radius **{rho}**; σ_max^T = **{sigma_T}**\n"
        "- one-step Jacobian norms ‖∂h_t/∂h_(t−1)‖: mean **{mean}**, product over the "
        "sequence **{product}**\n"
        "- measured ‖dL/dh_0‖ / ‖dL/dh_T‖ at step {step}: **{ratio}**"
    ),
    "learn.clipping": "Gradient clipping",
    "learn.clip_off": "- this run does not clip",
    "learn.clip_mode": "- this run clips **{mode}**, threshold **θ = {threshold}**",
    "learn.clip_fraction": "- clipped on **{fraction}** of the {steps} steps so far",
    "learn.tbptt": "Truncated BPTT",
    "learn.tbptt_on": "- window **k = {k}**: no gradient crosses a window boundary",
    "learn.tbptt_off": "- this run uses full BPTT (k = T); set a window under Advanced.",
    "lesson.rnn": (
        "A vanilla RNN keeps one hidden state h_t and updates it at every step from the "
        "previous state and the new input, through the same weights W_hh and W_xh each time; "
        "a linear head reads the prediction off h_t. Training it with MSE means asking every "
        "step's state to carry what later outputs need."
    ),
    "lesson.lstm": (
        "An LSTM adds a cell state C_t beside h_t. Three gates between 0 and 1 decide what to "
        "forget (f_t), what to write (i_t) and what to show (o_t). The cell is updated by "
        "addition, C_t = f_t·C_{t−1} + i_t·C̃_t, so when f_t stays near 1 the gradient flows "
        "back along it almost unchanged: the fix for vanishing gradients."
    ),
    "lesson.gru": (
        "A GRU merges the LSTM's cell and hidden state. The update gate z_t blends the old "
        "state with a candidate; the reset gate r_t decides how much of the old state the "
        "candidate may see. With z_t near 1 the state, and its gradient, pass through "
        "untouched."
    ),
    "lesson.bptt": (
        "Backpropagation through time unrolls the network over the sequence and applies the "
        "chain rule backwards. The gradient at h_t collects the loss at step t plus "
        "everything that flows back from h_{t+1}, multiplied by the one-step Jacobian. Going "
        "from T back to t multiplies T − t Jacobians together."
    ),
    "lesson.vanishing": (
        "For a tanh RNN each Jacobian is diag(1 − h_k²)·W_hh. If its norm stays below 1, the "
        "product shrinks geometrically and early inputs get no gradient: vanishing. If "
        "W_hh's largest singular value is well above 1 and the units are not saturated, the "
        "product can grow geometrically: exploding."
    ),
    "lesson.clipping": (
        "Clipping caps the gradient before the optimizer step. By norm, the whole gradient is "
        "rescaled to the threshold θ when its norm exceeds it, keeping its direction. By "
        "value, each component is cut to [−θ, θ], which can turn its direction. Clipping "
        "tames exploding gradients; it cannot revive vanished ones."
    ),
    "lesson.tbptt": (
        "Truncated BPTT stops the gradient after k steps: the forward pass still carries the "
        "state through the whole sequence, but no gradient crosses a window boundary. It is "
        "cheaper and steadier, and blind to dependencies longer than k."
    ),
    # the Compare page
    "cmp.mode": "What to run",
    "cmp.mode.compare": "A comparison: one or two knobs, up to 12 variants",
    "cmp.mode.sweep": "A sweep: a random search, up to 1,000 variants",
    "cmp.sweep_n": "Variants to draw",
    "cmp.sweep_space": "The space to draw from, a knob a line",
    "cmp.sweep_space_help": (
        "KNOB=LOW:HIGH draws uniformly, KNOB=LOW:HIGH:log uniformly on a log scale (a "
        "learning rate), KNOB=A,B,C among choices. Every variant keeps the sidebar's seed, "
        "so all of them see the same data."
    ),
    "cmp.sweep_seed": "Search seed",
    "cmp.sweep_seed_help": "Seeds the draws; the same seed draws the same variants.",
    "cmp.where": "Where it trains",
    "cmp.where.local": "This machine's worker processes",
    "cmp.where.ray": "Ray at {address}",
    "cmp.summary": (
        "{done} of {total} done · {running} running · {failed} failed · {waiting} waiting"
    ),
    "cmp.sweep_x": "Loss against",
    "cmp.sweep_colour": "Coloured by",
    "cmp.best": "The {n} best variants",
    "cmp.open_variant": "Open a variant in the single-run pages",
    "cmp.groups": "Sweeps and comparisons saved here",
    "cmp.show_group": "Show its results",
    "cmp.showing": "Showing the results saved in `{folder}`.",
    "cmp.no_group": "(none)",
    "cmp.none": "— none —",
    "cmp.values": "Values",
    "cmp.values_text": "Values (comma-separated)",
    "cmp.variants": "Variants",
    "cmp.base": "Starting from the sidebar's settings: task **{task}**, cell **{cell}**, "
    "{steps} steps, seed {seed}. ",
    "cmp.changed": "Changed from the defaults: {fields}.",
    "cmp.vary": "Vary",
    "cmp.and": "and (optional)",
    "cmp.n_variants": "{n} variants: ",
    "cmp.run_n": "Run {n} variants",
    "cmp.run": "Run",
    "cmp.run_help": "In parallel, one core each.",
    "cmp.run_help_busy": "In parallel, one core each; a comparison that is running must end first.",
    "cmp.progress": "Progress",
    "cmp.cancel": "Cancel",
    "cmp.cancel_all": "Cancel all",
    "cmp.took": "took {seconds} s",
    "cmp.running_for": "running for {seconds} s",
    "cmp.workers": "{n} worker processes",
    "cmp.waiting": (
        "Waiting for a worker process: position {position} in line. This server runs at "
        "most {capacity} at once over everyone's comparisons; yours starts when one frees."
    ),
    "cmp.shared": (
        "The same race was already running on this server, so this page watches it: {n} "
        "pages do. Only the page that started it can cancel it."
    ),
    "cmp.left": "about {seconds} s left",
    "cmp.saved_under": "saved under {folder}",
    "cmp.refused": "Refused {name}: {reason}",
    "cmp.not_kept": "Could not keep it: {reason}",
    "cmp.added": "Added {name} as {folder}.",
    "cmp.no_overlay": "Cannot overlay {name}: {reason}",
    "cmp.results": "Results",
    "cmp.no_results": "Run a comparison, or pick saved runs to overlay below, to see results here.",
    "cmp.target": "Target validation loss",
    "cmp.target_help": (
        "Steps to target: the first validation step at or below this loss. The default is a "
        "tenth of the trivial baseline."
    ),
    "cmp.not_reached": "not reached",
    "cmp.open_hint": "**Open a run in the single-run pages** (Train, Gradient flow, ...):",
    "cmp.open_run": "Open {name}",
    "cmp.saved": "Saved runs",
    "cmp.saved_where": "Every finished run, single or compared, is kept in `{folder}`.",
    "cmp.overlay": "Overlay saved runs on the results",
    "cmp.overlay_help": "Their loss curves, heatmaps and rows join the comparison's.",
    "cmp.saved_run": "Saved run",
    "cmp.open": "Open",
    "cmp.download": "Download (.zip)",
    "cmp.no_saved": "No saved runs in `{folder}` yet: finish a run on Train, or run a comparison.",
    "cmp.upload": "Upload a run bundle (.zip, as the Download buttons make)",
    "cmp.upload_help": (
        "Checked before anything is kept: size, file names, and weights read with "
        "weights_only=True. It is saved in the runs directory under a new name."
    ),
    "col.variant": "variant",
    "col.final_val_loss": "final val loss",
    "col.best_val_loss": "best val loss",
    "col.steps_to_target": "steps to val ≤ {target}",
    "col.steps_per_second": "steps/s",
    "col.clipped": "clipped",
    "col.reach_first": "reach at step 1 (steps back)",
    "col.reach": "reach at the end (steps back)",
    "col.settings": "settings (as they differ from the defaults)",
    "col.status": "status",
    "col.folder": "run folder",
    "col.name": "name",
    "col.date": "date",
    "train.log_loss": "Log-scale loss",
    # figure titles and axes
    "fig.step": "step",
    "fig.training_step": "training step",
    "fig.timestep": "timestep t",
    "fig.train": "train",
    "fig.batch_loss": "batch loss",
    "fig.val_loss": "val loss",
    "fig.loss_mse": "loss (MSE)",
    "fig.sweep_parallel": "Every variant: its knobs and its final validation loss",
    "fig.sweep_scatter": "Final validation loss against {knob}",
    "fig.cmp_empty": "Run a comparison, or pick saved runs to overlay.",
    "fig.cmp_loss": "Loss of every run (validation solid, training batches faint)",
    "fig.cmp_heatmaps": "log10 ‖dL/dh_t‖ over training, one panel per run, one colour scale",
    "fig.cmp_reach": "Gradient reach over training (steps back from the loss)",
    "fig.reach_axis": "reach (steps back)",
    "fig.empty": "Press Train to start: this chart fills in as it learns.",
    "fig.loss": "Loss (MSE)",
    "fig.loss_axis": "loss",
    "fig.baseline_mean": "predict the mean",
    "fig.baseline": "baseline: {name} ({value})",
    "fig.train_batch": "train (batch)",
    "fig.validation": "validation",
    "fig.prediction": "Prediction vs truth",
    "fig.prediction_none": "Only the sine and series tasks predict a curve.",
    "fig.truth": "truth",
    "fig.one_step": "one step ahead",
    "fig.free_running": "free-running (own outputs)",
    "fig.warmup": "warm-up on true inputs",
    "fig.value": "value",
    "fig.profile": "‖dL/d{symbol}_t‖ across timesteps (total BPTT gradient)",
    "fig.step_n": "step {step}",
    "fig.step_latest": "step {step} (latest)",
    "fig.horizon": "horizon t={t}",
    "fig.timestep_loss_right": "timestep t (loss at the right)",
    "fig.norm_log": "norm (log)",
    "fig.heatmap": "log10 ‖dL/d{symbol}_t‖ over training",
    "fig.params": "Gradient norm per parameter",
    "fig.params_axis": "‖dL/dW‖ (log)",
    "fig.clipping": "Gradient norm before and after clipping",
    "fig.before_clip": "before clipping",
    "fig.after_clip": "after clipping",
    "fig.threshold": "threshold {value}",
    "fig.clip_off": "off",
    "fig.clip_norm": "{fraction} clipped",
    "fig.clip_value": "|g| ≤ {value}, {fraction} clipped",
    "fig.spectrum": "Spectral radius of the recurrent weights",
    "fig.rho_layer": "ρ(W_hh) layer {layer}",
    "fig.sigma_layer": "σ_max layer {layer}",
    "fig.edge": "1: between vanishing and exploding",
    "fig.pca": "Hidden-state trajectories (PCA)",
    "fig.sequence": "sequence {n}",
    "fig.pca_full": "{title} at step {step} — explained variance {explained}",
    "fig.jacobian": "One-step Jacobian norms and their product",
    "fig.product": "product from t to T (bound)",
    "fig.measured": "measured ‖dL/dh_t‖ / ‖dL/dh_T‖",
    "fig.product_axis": "product (log)",
    # page text for the Train, Gradient flow and Hidden states pages
    "metric.step": "Step",
    "metric.train_loss": "Train loss",
    "metric.val_loss": "Validation loss",
    "metric.baseline": "Baseline (trivial)",
    "metric.baseline_help": "Validation loss of a model that always predicts the training mean.",
    "metric.speed": "Steps / s",
    "train.downloads": "Downloads",
    "train.bundle": "Run bundle (.zip)",
    "train.bundle_help": (
        "config.json, metrics.csv, gradflow.npz, hidden.npz, predictions.csv, model.pt, "
        "summary.json — as the command line writes them."
    ),
    "train.metrics_csv": "Metrics (.csv)",
    "hidden.view": "View",
    "hidden.follow": "Follow the latest step",
    "hidden.follow_help": "Turn off to pick an earlier point of training with the slider.",
    "hidden.caption": (
        "Explained variance: {explained} — {P} probe sequences of {T} steps, {H} hidden "
        "units, snapshot at step {step}."
    ),
    "gf.layer": "Layer",
    "gf.layer_n": "layer {n}",
    "gf.top": " (top)",
    "gf.reach_now": "Gradient reach now",
    "gf.reach_help": (
        "How many steps back the gradient reaches: the gradient horizon is the earliest t "
        "whose ‖dL/dh_t‖ is at least 1/1000 of the last step's. All T − 1 steps back means "
        "it reaches the first input."
    ),
    "gf.reach_at": "Reach at step {step}",
    "gf.reach_value": "{n} / {total} steps",
    "gf.ratio_help": "How much of the last step's gradient is left at the first step.",
    "gf.clipped": "Clipped steps",
    "gf.underflow": "0 (underflow)",
    # status and guidance
    "status.too_heavy": (
        "These settings are too heavy for a live run on this shared server: one training "
        "step would be about {work} multiply-adds, and the limit is {limit} (about 0.3 s "
        "a step), so that every session keeps redrawing. Lower the batch, the sequence "
        "length, the hidden size or the layers; the command line (`python -m explorer "
        "train`) has no such limit."
    ),
    "status.changed": (
        "Settings changed since this run started ({fields}). Press Reset to start a new run "
        "with them; the run on screen keeps its own settings."
    ),
    # -- the series, digits, chars and truncated-BPTT views; errors of user data --------
    # task names (the Task select box, the command line's --task choices)
    "task.series": "Your own series (CSV or pasted numbers)",
    "task.digits": "Digits, read row by row",
    "task.chars": "Characters (text generation)",
    # config field labels (where a page names changed settings) and help (the sidebar's
    # tooltips, the command line's --help)
    "label.data": "Data",
    "label.column": "Column",
    "field.data": (
        "the data of the series and chars tasks: the content key (sha256:...) of a file "
        "uploaded in this app or named with --data on the command line; empty = the "
        "built-in example series or text"
    ),
    "field.column": (
        "the column of the CSV the series task learns (empty = the likely target: a column "
        "named like close, adj close, price, value or target, else the last numeric one)"
    ),
    # baselines (the loss chart's dashed line, the command line's summary)
    "baseline.series": "predict the training mean",
    "baseline.series_persistence": "predict the last value (persistence)",
    "baseline.series_stronger": "{strong}, the stronger baseline; {weak} scores {value}",
    "baseline.digits": "always predict the training class frequencies",
    "baseline.chars": "unigram character frequencies",
    # loss and accuracy charts
    "loss.title.mse": "Loss (MSE, normalised units)",
    "loss.title.ce": "Loss (cross-entropy, nats)",
    "loss.title.bits": "Loss (bits per character)",
    "loss.axis.bits": "bits per character",
    "accuracy.title": "Accuracy",
    "accuracy.axis": "accuracy",
    "accuracy.train": "train (batch)",
    "accuracy.val": "validation",
    "accuracy.baseline": "majority class ({value:.1%})",
    # metrics on the Train page
    "metric.val_accuracy": "Validation accuracy",
    "metric.baseline_accuracy": "Majority-class accuracy",
    "metric.bits": "Validation bits/char",
    "metric.rmse": "Validation RMSE ({column})",
    "metric.persistence_rmse": "Persistence RMSE",
    "metric.mean_rmse": "Training-mean RMSE",
    "help.baseline.series": (
        "The stronger (lower) of two baselines, scored like the model (validation MSE over "
        "the same windows, in normalised units): predicting each window's last value "
        "(persistence, “tomorrow = today”): {persistence:.4g}; predicting the training "
        "mean: {mean:.4g}."
    ),
    "help.persistence_rmse": (
        "Predict each validation value as the value before it (“tomorrow = today”), in the "
        "column's own units, over the same windows as the model. On prices this is the "
        "baseline to beat."
    ),
    "help.mean_rmse": (
        "Always predict the training part's mean, in the column's own units, over the same "
        "validation windows."
    ),
    "help.baseline.digits": (
        "Cross-entropy of a model that has learnt nothing but how often each digit occurs in "
        "the training set."
    ),
    "help.baseline.chars": (
        "Bits per character of a model that knows only how often each character occurs in "
        "the training text (unigram frequencies), not the order."
    ),
    "help.rmse": (
        "The root of the validation MSE, scaled back to the column's own units: a typical "
        "one-step error."
    ),
    # the Data section of the sidebar
    "data.expander": "Data",
    "data.current": "Using **{name}**",
    "data.example_name": "the example series (a synthetic stock price, 500 trading days)",
    "data.builtin_text_name": (
        "the built-in text (scikit-learn's dataset descriptions, {chars:,} characters)"
    ),
    "data.upload_csv": "Upload a CSV",
    "data.upload_csv_help": (
        "A CSV (comma, semicolon or tab separated; a header row is optional) or a text file "
        "of numbers, UTF-8 encoded, up to {limit} and {rows:,} rows. Each row is one time "
        "step; pick the column below. Missing values are refused, not filled in."
    ),
    "data.upload_text": "Upload a text file",
    "data.upload_text_help": (
        "Plain text, UTF-8 encoded, {minimum:,} characters to {limit}. The {vocab} most "
        "frequent characters form the alphabet; rarer ones become {unknown}."
    ),
    "data.paste": "…or paste numbers",
    "data.paste_help": (
        "Numbers separated by commas, semicolons, spaces or new lines, in time order, at "
        "least {minimum}."
    ),
    "data.paste_button": "Use these numbers",
    "data.column": "Column",
    "data.column_help": "The numeric column to predict, one step ahead.",
    "data.example_button": "Try the example",
    "data.example_help": "A synthetic stock-like price series that ships with the app.",
    "data.builtin_text_button": "Use the built-in text",
    "data.accepted": "Loaded {name}: {detail}",
    "data.detail.series": "{rows:,} rows, numeric columns: {columns}.",
    "data.detail.formats": " Numbers read with {formats}.",
    "data.format.decimal_comma": "decimal commas ({columns})",
    "data.format.thousands_comma": "“,” as thousands separator ({columns})",
    "data.format.thousands_point": "“.” as thousands separator and decimal commas ({columns})",
    "data.detail.dates": " Dates from column {column!r} ({first} to {last}).",
    "data.detail.newest_first": (
        " The file lists the newest date first: its rows were put in time order."
    ),
    "data.column_refused": "Column {column!r} cannot be used: {reason} Still using {kept!r}.",
    "data.dropzone": "Up to {limit} per file • {types}",
    "data.dropzone_button": "Upload",
    "data.detail.text": "{chars:,} characters, {vocab} distinct",
    "data.refused": "Refused {name}: {reason}",
    "data.pasted_name": "pasted numbers",
    "data.url_unknown": (
        "This link refers to data uploaded to another session (data={key}); upload it "
        "again. Using the built-in {fallback} meanwhile."
    ),
    "data.fallback.series": "example series",
    "data.fallback.chars": "text",
    "data.invalid": (
        "This data does not fit these settings: {reason} The last valid settings stay in use."
    ),
    # series panel on the Train page
    "series.header": "The data",
    "series.windowing": (
        "**Windowing.** Column **{column}** of *{name}*: {n_values:,} values. Each window of "
        "**{window}** consecutive values predicts the next one: **{n_windows:,}** windows, "
        "the first **{n_train:,}** (80%) train, the last **{n_val:,}** validate, in time "
        "order (nothing from the future leaks into training)."
    ),
    "series.normalisation": (
        "**Normalisation.** The network sees z = (value − {mean:.6g}) / {std:.6g}: the mean "
        "and standard deviation of the training part only. Losses are in these normalised "
        "units; predictions below are turned back into the column's own units."
    ),
    "series.pred_title": "Prediction vs truth ({column}, original units)",
    "series.pred_axis_x": "row of the series",
    "series.pred_axis_date": "date",
    "series.persistence": "persistence (the value before)",
    "series.mean": "training mean ({value:.4g})",
    "series.dates": (
        "**Time axis.** Dates from column **{column}**, {first} to {last}; the split falls "
        "on {split}.{order}"
    ),
    "series.verdict_beats": (
        "**Against the baselines.** The model's validation MSE, {model:.4g}, beats the "
        "stronger baseline, {name} ({baseline:.4g}), by {gain:.0%}."
    ),
    "series.verdict_loses": (
        "**Against the baselines.** The model's validation MSE, {model:.4g}, does not beat "
        "the stronger baseline, {name} ({baseline:.4g}): it is {loss:.0%} worse. A "
        "prediction line that looks like the truth shifted by one step is this baseline."
    ),
    "series.truth": "truth",
    "series.one_step": "one step ahead",
    "series.free": "free-running after the training part",
    "series.train_part": "training part",
    "series.help": (
        "Grey: the column's values. Blue: each value predicted from the true window before "
        "it. Green, dotted: persistence, each value predicted as the one before it (the "
        "baseline to beat on prices; a blue line on top of it has learnt nothing more). "
        "Dashed: the training mean. Red, dotted: from the end of the training part on, "
        "the model is fed only its own outputs; a random walk cannot be forecast far, so "
        "this drifts."
    ),
    # digits
    "digits.help.accuracy": (
        "The fraction of digits classified correctly: in each training batch, and on the "
        "fixed validation set (20% of scikit-learn's 1,797 digits, stratified by class). "
        "The dashed line is the majority class's share."
    ),
    "digits.pca_title": "Hidden-state trajectories by class (PCA)",
    "digits.class": "digit {label}",
    "digits.row_axis": "image row t (loss at the last row)",
    "digits.help.pca": (
        "Each line is one digit read row by row (three per class), coloured by its true "
        "class, projected onto the principal components of all the states. The large dot "
        "is the last row's state, which the classifier reads: a trained network pulls the "
        "classes apart there."
    ),
    "digits.caption": "{per_class} validation digits per class, 8 rows of 8 pixels each.",
    # chars
    "chars.sample_header": "Sample text",
    "chars.temperature": "Temperature",
    "chars.temperature_help": (
        "Divides the logits before the softmax. Near 0 the model always picks its most "
        "likely character (greedy, repetitive); 1 samples its own probabilities; above 1 "
        "flattens them towards random."
    ),
    "chars.prompt": "Prompt",
    "chars.prompt_help": "The text the model reads before it starts writing.",
    "chars.length": "Characters to generate",
    "chars.sample_seed": "Sampling seed",
    "chars.no_model": "Train a few steps to sample from the model.",
    "chars.sample_caption": "At step {step}, temperature {temperature:g}{greedy}, seed {seed}.",
    "chars.greedy": " (greedy)",
    "chars.probe_axis": "character of the probe string (loss at every step)",
    "chars.probe_caption": "Gradient flow measured on the probe string: “{probe}”",
    # truncated BPTT on the Gradient flow page
    "tbptt.title": "Truncated (k = {k}) vs full BPTT at step {step}",
    "tbptt.truncated": "truncated, k = {k} (what training uses)",
    "tbptt.full": "full BPTT (reference, not used for the update)",
    "tbptt.cut": "cut at t = {t}",
    "tbptt.cut_k_back": "cut: k = {k} steps back",
    "tbptt.help": (
        "Both lines are ‖dL/dh_t‖ on the same batch and the same weights. Truncated BPTT "
        "detaches the state every k steps, so no gradient crosses a dashed line: for a loss "
        "on the last step, everything left of the last cut is exactly zero (drawn at the "
        "floor). The grey line is what full BPTT would have sent back."
    ),
    "tbptt.none": "Set a truncation window k (Advanced) to compare with full BPTT.",
    "tbptt.no_probe": "No probe with the full-BPTT reference yet.",
    # data errors (explorer.tasks.datastore.DataError codes); {values} are filled in
    "error.empty": "The file is empty. Expected a CSV or text file with numbers in it.",
    "error.too_large": (
        "The file is {size}; the limit is {limit}. Upload a shorter series or text (the "
        "tail of a long series is usually enough)."
    ),
    "error.too_many_rows": "The file has {rows:,} rows; the limit is {limit:,}.",
    "error.binary": (
        "This is a binary file (it contains NUL bytes), not text. Expected a CSV or plain "
        "text file, UTF-8 encoded."
    ),
    "error.utf16": (
        "The file is UTF-16 text; only UTF-8 is accepted. Save it as UTF-8 (in Excel: “CSV UTF-8”)."
    ),
    "error.encoding": (
        "The file is not UTF-8 text: byte 0x{byte} at line {line} cannot be read. Only UTF-8 "
        "(with or without a BOM) is accepted; save it as UTF-8 (in Excel: “CSV UTF-8”)."
    ),
    "error.no_rows": "The file has a header ({header}) but no data rows.",
    "error.one_row": (
        "The file has a single row ({fields} values on one line). A series runs down a "
        "column, one value per row; to give numbers on one line, paste them instead."
    ),
    "error.no_numeric": (
        "No column holds numbers (columns: {columns}). Expected at least one column of "
        "numbers such as 101.5 or -3e2."
    ),
    "error.unknown_column": (
        "There is no numeric column called {column!r}; the numeric columns are {columns}."
    ),
    "error.separators": (
        "Column {column!r} mixes number formats: {count} value(s) (e.g. {examples}, at line "
        "{lines}) use thousands separators or a decimal mark unlike the rest of the column. "
        "One way per column is read: 1,424.30 (“,” groups thousands, “.” marks decimals) or "
        "1.424,30 (the other way round). Save the numbers without thousands separators "
        "(1424.30; in Excel a Number format without “Use 1000 separator”) and upload again."
    ),
    "error.gaps": (
        "Column {column!r} has {count} missing or non-numeric value(s) (at line {lines}). "
        "Fill or remove them and upload again: gaps are not filled in silently."
    ),
    "error.too_short": (
        "The series has only {n} values; it needs at least {minimum} (a window of 2 plus 10 "
        "windows to train and validate on)."
    ),
    "error.too_short_for_window": (
        "Column {column!r} has {n} values; a window of T = {window} needs at least {minimum} "
        "(T plus 10 windows). Lower the sequence length to at most {max_window}, or use a "
        "longer series."
    ),
    "error.constant": (
        "Column {column!r} never changes (every value is {value:g}): there is nothing to predict."
    ),
    "error.numbers_bad": (
        "{count} item(s) are not numbers: {examples}. Expected numbers separated by commas, "
        "semicolons, spaces or new lines."
    ),
    "error.text_too_short": (
        "The text has {n:,} characters; at least {minimum:,} are needed (90% to train on, "
        "10% to validate on)."
    ),
    "error.text_too_short_for_window": (
        "The text's validation part has {n:,} characters; a sequence length of T = {window} "
        "needs at least {minimum:,}. Lower the sequence length to at most {max_window}, or "
        "use a longer text."
    ),
    "error.unknown_key": (
        "The data {key} is not in this process: it was uploaded to another session or "
        "server. Upload it again (or name the file with --data)."
    ),
    "error.unreadable": "Cannot read {path}: {reason}.",
}

"""Every user-facing sentence and label of the series, digits, chars and truncated-BPTT
features, keyed by id, apart from the code that shows them (as explorer/texts.py holds
the rest). Kept in its own module so a translation can merge it without touching code.

Error messages raised by explorer/ (explorer.datastore.DataError) are built from the
"error.*" entries with the error's own values, so the UI and the command line show one
wording and a translation changes both.

>>> task_text("error.too_short", n=3, minimum=12)[:57]
'The series has only 3 values; it needs at least 12 (a win'
>>> sorted(k for k in TASK_TEXTS if k.startswith("task."))
['task.chars', 'task.digits', 'task.series']
"""

from __future__ import annotations

from typing import Any

from explorer.texts_tasks_zh import TASK_TEXTS_ZH  # the translation, key for key

TASK_TEXTS: dict[str, str] = {
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
    # data errors (explorer.datastore.DataError codes); {values} are filled in
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


def task_text(text_id: str, lang: str = "en", **values: Any) -> str:
    """The text for an id in a language (tests/test_i18n.py keeps both complete), its
    {fields} filled in from values."""
    english = TASK_TEXTS[text_id]
    template = TASK_TEXTS_ZH.get(text_id, english) if lang == "zh" else english
    return template.format(**values) if values else template

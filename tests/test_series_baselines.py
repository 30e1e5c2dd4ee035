"""The series' two baselines (issue 17): persistence ("tomorrow = today") beside the
training mean, each scored like the model (validation MSE over the same windows, in
normalised units), the run judged against the stronger; dates on the chart's axis and in
predictions.csv. Every expected number is computed here with numpy from the raw values,
not through the task's tensors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from harness import chart_specs, open_app
from test_app_tasks import ROOT, SMALL, no_exception, stop_runs  # noqa: F401  (fixture)

from explorer.config import RunConfig
from explorer.engine.training import Trainer
from explorer.runs.bundle import save_run
from explorer.tasks import make_task
from explorer.tasks.datastore import STORE
from explorer.tasks.forecast import SeriesBaselines, persistence_curve, series_baselines
from explorer.tasks.tables import example_csv

TRAIN_FRACTION = 0.8


def by_hand(values: np.ndarray, T: int) -> dict[str, float]:
    """The windowing and both baselines from the definitions: window i (T values) predicts
    value i + T; the first round(80%) windows train; z-scores use the mean and population
    std of the values the training windows touch."""
    n_windows = values.size - T
    n_train = round(n_windows * TRAIN_FRACTION)
    split = T + n_train
    seen = values[:split]
    mean, std = seen.mean(), seen.std()
    targets, lasts = (
        values[split:],
        values[split - 1 : -1],
    )  # validation targets, their windows' last
    train_targets = values[T:split]
    z = lambda v: (v - mean) / std  # noqa: E731
    return {
        "persistence_mse": float(np.mean((z(targets) - z(lasts)) ** 2)),
        "mean_mse": float(np.mean((z(targets) - z(train_targets).mean()) ** 2)),
        "persistence_rmse": float(np.sqrt(np.mean((targets - lasts) ** 2))),  # own units
        "mean_rmse": float(np.sqrt(np.mean((targets - train_targets.mean()) ** 2))),
        "std": float(std),
        "split": split,
    }


def _example_close() -> np.ndarray:
    return pd.read_csv(pd.io.common.BytesIO(example_csv()))["close"].to_numpy(float)


@pytest.mark.parametrize("T", [5, 20, 64])
def test_both_baselines_match_numpy_on_the_example(T):
    task = make_task(RunConfig(task="series", seq_len=T))
    expected = by_hand(_example_close(), T)
    assert task.persistence_loss() == pytest.approx(expected["persistence_mse"], rel=1e-5)
    assert task.mean_baseline_loss() == pytest.approx(expected["mean_mse"], rel=1e-5)
    stronger = min(expected["persistence_mse"], expected["mean_mse"])
    assert task.baseline_loss() == pytest.approx(stronger, rel=1e-5)
    assert task.baseline_name.startswith("predict the last value (persistence), the stronger")
    b = series_baselines(task)
    assert b.persistence_is_stronger  # on a price, tomorrow = today is the hard one
    assert b.rmse(b.persistence_mse) == pytest.approx(expected["persistence_rmse"], rel=1e-5)
    assert b.rmse(b.mean_mse) == pytest.approx(expected["mean_rmse"], rel=1e-5)


def test_on_noise_around_a_level_the_mean_is_the_stronger_baseline():
    """White noise: persistence doubles the variance (MSE ~2), the mean scores ~1."""
    values = np.random.default_rng(5).normal(10.0, 1.0, 400).round(4)
    entry = STORE.put("noise.csv", ("v\n" + "\n".join(map(str, values)) + "\n").encode())
    task = make_task(RunConfig(task="series", data=entry.key, column="v", seq_len=8))
    expected = by_hand(values, 8)
    assert task.persistence_loss() == pytest.approx(expected["persistence_mse"], rel=1e-5)
    assert task.baseline_loss() == pytest.approx(expected["mean_mse"], rel=1e-5)
    assert not series_baselines(task).persistence_is_stronger
    assert task.baseline_name.startswith("predict the training mean, the stronger")


def test_gain_against_the_stronger_baseline():
    b = SeriesBaselines(mean_mse=1.25, persistence_mse=0.5, std=2.0)
    assert b.stronger_mse == 0.5 and b.persistence_is_stronger
    assert b.gain(0.4) == pytest.approx(0.2) and b.gain(0.75) == pytest.approx(-0.5)
    assert b.rmse(0.25) == pytest.approx(1.0)


def test_the_persistence_curve_is_the_truth_one_row_later():
    task = make_task(RunConfig(task="series", seq_len=10))
    rows = np.arange(0, 40, dtype=float)
    curve = persistence_curve(task, rows)
    close = _example_close()
    assert math.isnan(curve[0])
    np.testing.assert_array_equal(curve[1:], close[:39])


# -- the run folder ----------------------------------------------------------------------------
def test_predictions_csv_keeps_the_row_and_adds_the_date(tmp_path):
    trainer = Trainer(RunConfig(task="series", seq_len=10, hidden=4, steps=3))
    trainer.run()
    folder = save_run(tmp_path / "run", trainer)
    written = pd.read_csv(folder / "predictions.csv")
    assert list(written.columns[:3]) == ["t", "date", "truth"]
    example = pd.read_csv(pd.io.common.BytesIO(example_csv()))
    rows = written["t"].astype(int)
    assert written["date"].tolist() == example["date"].iloc[rows].tolist()
    np.testing.assert_allclose(written["truth"], example["close"].iloc[rows])


def test_predictions_csv_without_dates_has_no_date_column(tmp_path):
    entry = STORE.put("plain.csv", ("v\n" + "\n".join(str(i % 9) for i in range(60))).encode())
    config = RunConfig(task="series", data=entry.key, seq_len=5, hidden=4, steps=2)
    trainer = Trainer(config)
    trainer.run()
    written = pd.read_csv(save_run(tmp_path / "run", trainer) / "predictions.csv")
    assert list(written.columns) == ["t", "truth", "one_step", "free_running"]


# -- the Train page ----------------------------------------------------------------------------
def test_the_train_page_shows_both_baselines_and_judges_against_the_stronger():
    T = 20
    at = open_app({"task": "series", **SMALL, "seq_len": str(T)})
    at.button(key="btn_train").click().run()
    snap = at.session_state["live_run"].wait_for(lambda s: s.state == "completed", 60)
    at.run()
    no_exception(at)
    expected = by_hand(_example_close(), T)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Persistence RMSE"] == f"{expected['persistence_rmse']:.4g}"
    assert metrics["Training-mean RMSE"] == f"{expected['mean_rmse']:.4g}"
    assert metrics["Validation RMSE (close)"] == f"{math.sqrt(snap.val_loss) * expected['std']:.4g}"
    stronger = min(expected["persistence_mse"], expected["mean_mse"])
    assert metrics["Baseline (trivial)"] == f"{stronger:.4g}"  # the metric row: the stronger
    markdown = " ".join(m.value for m in at.markdown)
    verdict = "beats the stronger" if snap.val_loss < stronger else "does not beat the stronger"
    assert verdict in markdown and "predict the last value (persistence)" in markdown
    assert "**Time axis.** Dates from column **date**, 2022-01-03 to 2023-12-01" in markdown

    specs = chart_specs(at)
    loss = next(s for s in specs if s["layout"]["title"]["text"].startswith("Loss (MSE"))
    lines = sorted(s["y0"] for s in loss["layout"]["shapes"] if s.get("xref") == "x domain")
    assert lines == pytest.approx(sorted([expected["persistence_mse"], expected["mean_mse"]]))
    pred = next(s for s in specs if s["layout"]["title"]["text"].startswith("Prediction vs"))
    assert pred["layout"]["xaxis"]["type"] == "date"
    assert pred["layout"]["xaxis"]["title"]["text"] == "date"
    traces = {t["name"]: t for t in pred["data"]}
    truth, persistence = traces["truth"], traces["persistence (the value before)"]
    example = pd.read_csv(pd.io.common.BytesIO(example_csv()))
    first = example.index[example["date"] == truth["x"][0]][0]
    assert truth["x"] == example["date"].iloc[first : first + len(truth["x"])].tolist()
    np.testing.assert_allclose(_decoded(persistence["y"])[1:], _decoded(truth["y"])[:-1])


def _decoded(y) -> np.ndarray:
    """A trace's y as numbers: a plain list, or plotly's typed-array form {dtype, bdata}."""
    if isinstance(y, dict):
        import base64

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return np.asarray(y, dtype=float)

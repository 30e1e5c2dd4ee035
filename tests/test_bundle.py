"""The run folder: a faithful round trip, and a one-line BundleError for every bad upload."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from explorer.config import RunConfig
from explorer.engine.analysis import hidden_pca, run_summary
from explorer.engine.models import build_model
from explorer.engine.training import Trainer
from explorer.runs.bundle import REQUIRED_FILES, BundleError, load_run, save_run
from explorer.runs.zipped import load_zip, zip_run
from explorer.tasks import make_task


def _trained(config: RunConfig) -> Trainer:
    trainer = Trainer(config)
    trainer.run()
    return trainer


@pytest.fixture(scope="module")
def adding_run(tmp_path_factory) -> tuple[Trainer, Path]:
    trainer = _trained(RunConfig(task="adding", seq_len=10, hidden=8, steps=20, val_every=3))
    folder = save_run(tmp_path_factory.mktemp("bundle") / "adding", trainer)
    return trainer, folder


@pytest.fixture(scope="module")
def lstm_run(tmp_path_factory) -> tuple[Trainer, Path]:
    config = RunConfig(
        task="sine_next", cell="lstm", layers=2, seq_len=8, hidden=6, steps=12, probe_every=5
    )
    trainer = _trained(config)
    return trainer, save_run(tmp_path_factory.mktemp("bundle") / "lstm", trainer)


@pytest.fixture
def copy(adding_run, tmp_path) -> Path:
    """A scratch copy of the adding run's folder that a test may damage."""
    return Path(shutil.copytree(adding_run[1], tmp_path / "run"))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _members(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _refused(call, *words: str) -> str:
    with pytest.raises(BundleError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and message
    for word in words:
        assert word in message, message
    return message


# -- round trip --------------------------------------------------------------------------
def test_round_trip_preserves_config_metrics_and_weights(adding_run):
    trainer, folder = adding_run
    loaded = load_run(folder)
    assert loaded.config == trainer.config
    pd.testing.assert_frame_equal(loaded.metrics, trainer.history.metrics_frame())
    assert loaded.summary == json.loads(json.dumps(run_summary(trainer)))
    expected = trainer.model.state_dict()
    assert list(loaded.state_dict) == list(expected)
    for name, tensor in expected.items():
        assert torch.equal(loaded.state_dict[name], tensor), name

    rebuilt = build_model(loaded.config, make_task(loaded.config))
    rebuilt.load_state_dict(loaded.state_dict)
    x = trainer.task.val_batch().x
    with torch.no_grad():
        assert torch.equal(rebuilt(x)[0], trainer.model(x)[0])


def test_zip_round_trip(adding_run):
    trainer, folder = adding_run
    data = zip_run(folder)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == sorted(f"adding/{n}" for n in REQUIRED_FILES)
    loaded = load_zip(data)
    assert loaded.config == trainer.config
    pd.testing.assert_frame_equal(loaded.metrics, trainer.history.metrics_frame())
    flat = _zip(_members(folder))  # files at the top level load too
    assert load_zip(flat).config == trainer.config


def test_metrics_csv_columns_and_empty_val_loss(adding_run):
    trainer, folder = adding_run
    with open(folder / "metrics.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "step",
        "loss",
        "val_loss",
        "grad_norm",
        "grad_norm_clipped",
        "clipped",
        "seconds",
    ]
    assert len(rows) == 20
    evaluated = set(trainer.history.val_steps)
    assert evaluated == {1, 3, 6, 9, 12, 15, 18, 20}
    for row in rows:
        assert (row["val_loss"] != "") == (int(row["step"]) in evaluated)
    assert float(rows[-1]["loss"]) == trainer.history.steps[-1].loss


def test_gradflow_arrays(adding_run):
    trainer, _ = adding_run
    arrays = load_run(adding_run[1]).gradflow
    probes, spectra = trainer.history.probes, trainer.history.spectra
    assert arrays["steps"].tolist() == [p.step for p in probes] == list(range(1, 21))
    np.testing.assert_array_equal(arrays["dh"], np.stack([p.dh[0] for p in probes]))
    np.testing.assert_array_equal(arrays["dh_l0"], arrays["dh"])
    assert arrays["dh"].shape == (20, 10)
    assert "dc" not in arrays
    assert arrays["horizon"].tolist() == [-1 if p.horizon is None else p.horizon for p in probes]
    names = [n for n, _ in trainer.model.named_parameters()]
    assert arrays["param_names"].tolist() == names
    assert arrays["param_norms"][3, 1] == probes[3].param_norms[names[1]]
    assert arrays["spectrum_steps"].tolist() == [s.step for s in spectra]
    assert arrays["spectral_radius"].shape == arrays["sigma_max"].shape == (len(spectra), 1)
    assert arrays["sigma_max"][-1, 0] == spectra[-1].sigma_max[0]


def test_lstm_layers_cells_hidden_and_predictions(lstm_run):
    trainer, folder = lstm_run
    loaded = load_run(folder)
    arrays = loaded.gradflow
    probes = trainer.history.probes
    assert arrays["steps"].tolist() == [1, 6, 11, 12]
    for layer in (0, 1):
        np.testing.assert_array_equal(arrays[f"dh_l{layer}"], [p.dh[layer] for p in probes])
        np.testing.assert_array_equal(arrays[f"dc_l{layer}"], [p.dc[layer] for p in probes])
    np.testing.assert_array_equal(arrays["dh"], arrays["dh_l1"])
    np.testing.assert_array_equal(arrays["dc"], arrays["dc_l1"])
    assert arrays["spectral_radius"].shape[1] == 2

    hidden = loaded.hidden
    states = np.stack([h.states for h in trainer.history.hidden])
    np.testing.assert_array_equal(hidden["states"], states)
    assert hidden["states"].shape[1:] == (8, 8, 6)  # (P, T, H)
    pca = hidden_pca(states[-1])
    np.testing.assert_array_equal(hidden["pca_coords"], pca.coords)
    np.testing.assert_array_equal(hidden["pca_explained"], pca.explained)

    assert list(loaded.predictions.columns) == ["t", "truth", "one_step", "free_running"]
    assert len(loaded.predictions) == 17  # 2 * seq_len + 1
    assert not (Path(trainer.config.task) / "predictions.csv").exists()


def test_a_run_that_diverged_at_once_still_saves(tmp_path):
    """A 10x identity ReLU RNN overflows on the first forward: no steps, no probes."""
    config = RunConfig(task="adding", init="identity", whh_gain=10, seq_len=60, hidden=8)
    trainer = _trained(config)
    assert trainer.status == "diverged" and not trainer.history.steps
    loaded = load_run(save_run(tmp_path / "run", trainer))
    assert loaded.summary["status"] == "diverged" and len(loaded.metrics) == 0
    assert loaded.gradflow["dh"].shape == (0, 60)


# -- refusals ----------------------------------------------------------------------------
def test_refuses_what_is_not_a_zip():
    _refused(lambda: load_zip(b"this is not a zip archive"), "not a zip")


def test_refuses_an_oversize_zip(adding_run):
    data = zip_run(adding_run[1])
    _refused(lambda: load_zip(data, max_bytes=len(data) - 1), "limit")


def test_refuses_a_zip_bomb():
    data = _zip({"config.json": b"{}", "metrics.csv": b"0" * 5_000_000})
    assert len(data) < 100_000
    _refused(lambda: load_zip(data, max_bytes=1_000_000), "unpacks to more than")


def test_refuses_a_corrupt_member(adding_run):
    data = bytearray(_zip({"config.json": b"x" * 5000, "summary.json": b"{}"}))
    offset = data.index(b"summary.json") - 60  # inside config.json's compressed bytes
    data[offset] ^= 0xFF
    _refused(lambda: load_zip(bytes(data)))


@pytest.mark.parametrize("name", ["../evil", "run/../../evil", "/abs/config.json", "C:\\x"])
def test_refuses_zip_slip(name, adding_run):
    members = _members(adding_run[1])
    members[name] = b"boom"
    data = _zip(members)
    assert name in zipfile.ZipFile(io.BytesIO(data)).namelist()
    _refused(lambda: load_zip(data), "unsafe member name")


def test_refuses_unknown_files_and_missing_files(adding_run):
    members = _members(adding_run[1])
    _refused(lambda: load_zip(_zip({**members, "notes.txt": b"hi"})), "unexpected file")
    del members["config.json"]
    _refused(lambda: load_zip(_zip(members)), "missing config.json")


def test_refuses_files_from_two_runs(adding_run):
    members = _members(adding_run[1])
    split = {f"a/{n}" if n == "config.json" else f"b/{n}": d for n, d in members.items()}
    _refused(lambda: load_zip(_zip(split)), "several folders")


def test_refuses_a_config_with_an_out_of_range_value(copy):
    config = json.loads((copy / "config.json").read_text())
    config["hidden"] = 0
    (copy / "config.json").write_text(json.dumps(config))
    _refused(lambda: load_run(copy), "config.json", "hidden", "out of range")
    (copy / "config.json").write_text("{not json")
    _refused(lambda: load_run(copy), "config.json", "not valid JSON")


def test_refuses_metrics_without_required_columns(copy):
    frame = pd.read_csv(copy / "metrics.csv").drop(columns=["grad_norm"])
    frame.to_csv(copy / "metrics.csv", index=False)
    _refused(lambda: load_run(copy), "metrics.csv", "grad_norm")


class Payload:
    """Unpickling this would run code: it creates a marker folder."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


class Plain:
    def __init__(self) -> None:
        self.weights = torch.zeros(3)


def test_refuses_pickled_code_without_running_it(copy, tmp_path):
    marker = tmp_path / "pwned"
    torch.save(Payload(marker), copy / "model.pt")
    _refused(lambda: load_run(copy), "model.pt", "refused")
    assert not marker.exists()
    data = zip_run(copy)
    _refused(lambda: load_zip(data), "model.pt", "refused")
    assert not marker.exists()


def test_refuses_a_class_instance_and_non_tensors(copy):
    torch.save(Plain(), copy / "model.pt")
    _refused(lambda: load_run(copy), "model.pt", "refused")
    torch.save({"core.weight_ih_l0": 1.0}, copy / "model.pt")
    _refused(lambda: load_run(copy), "model.pt", "tensors")
    (copy / "model.pt").write_bytes(b"garbage")
    _refused(lambda: load_run(copy), "model.pt")


def test_refuses_weights_of_another_shape_or_cell(copy, adding_run):
    config = adding_run[0].config
    wider = build_model(config.replace(hidden=9), make_task(config))
    torch.save(wider.state_dict(), copy / "model.pt")
    _refused(lambda: load_run(copy), "model.pt", "shape", "(9, 2)")
    lstm = build_model(config.replace(cell="lstm", layers=2), make_task(config))
    torch.save(lstm.state_dict(), copy / "model.pt")
    _refused(lambda: load_run(copy), "model.pt", "names", "weight_ih_l1")


def test_refuses_a_broken_npz_and_a_missing_folder(copy, tmp_path):
    (copy / "gradflow.npz").write_bytes(b"not an npz")
    _refused(lambda: load_run(copy), "gradflow.npz")
    np.savez(copy / "gradflow.npz", steps=np.arange(3))
    _refused(lambda: load_run(copy), "gradflow.npz", "dh")
    _refused(lambda: load_run(tmp_path / "nowhere"), "not a folder")

"""A watched run's folder (save, load_watched, is_watched_folder), its figures and summary
table, and that `import explorer` stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from watch_cases import make_input, make_layer, trained_probe

import explorer
from explorer.runs.bundle import METRIC_COLUMNS
from explorer.runs.readers import BundleError
from explorer.watch import is_watched_folder, load_watched
from explorer.watch.notebook import FIGURES


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_save_and_load_round_trip(tmp_path, cell, seed):
    probe = trained_probe(cell, seed)
    folder = probe.save(tmp_path / "run")
    assert is_watched_folder(folder)
    run = load_watched(folder)
    want = probe.history
    assert run.meta["source"] == "watch" and run.meta["cell"] == cell
    assert run.meta["layers"] == 2 and run.meta["batch_first"] is True
    assert run.meta["interval"] == 2 and run.meta["optimizer"] == "Adam"
    assert run.meta["torch"] == torch.__version__
    assert run.history.steps == want.steps
    assert (run.history.val_steps, run.history.val_losses) == (want.val_steps, want.val_losses)
    assert run.history.spectra == want.spectra
    assert len(run.history.probes) == len(want.probes) == 3
    for got, ref in zip(run.history.probes, want.probes, strict=True):
        assert (got.step, got.horizon, got.param_norms) == (ref.step, ref.horizon, ref.param_norms)
        for a, b in zip(got.dh + (got.dc or ()), ref.dh + (ref.dc or ()), strict=True):
            np.testing.assert_array_equal(a, b)
    assert (got.dc is None) == (cell != "lstm")
    assert run.summary["steps"] == 6 and len(run.summary["layers"]) == 2


def test_the_folder_holds_the_bundle_formats(tmp_path):
    folder = trained_probe("lstm", 0).save(tmp_path / "run")
    assert sorted(p.name for p in folder.iterdir()) == [
        "gradflow.npz",
        "metrics.csv",
        "summary.json",
        "watch.json",
    ]
    header = (folder / "metrics.csv").read_text().splitlines()[0].split(",")
    assert header == list(METRIC_COLUMNS)
    with np.load(folder / "gradflow.npz") as npz:
        assert {"dh_l0", "dh_l1", "dc_l0", "dc_l1", "dh", "dc"} <= set(npz.files)
        assert npz["dh_l1"].shape == (3, 7)
    json.loads((folder / "summary.json").read_text())  # strict JSON: no NaN


def test_unlogged_losses_are_empty_cells(tmp_path):
    layer = make_layer("gru", "tanh", 1, False)
    probe = explorer.watch(layer, interval=1)
    layer(make_input(False, 0))[0].sum().backward()
    folder = probe.save(tmp_path / "run")
    row = (folder / "metrics.csv").read_text().splitlines()[1].split(",")
    assert row[1] == "" and row[2] == ""  # loss, val_loss


def test_profiles_of_different_lengths_are_padded_with_nan(tmp_path):
    probe = trained_probe("gru", 0, steps=4, lengths=(7, 7, 4, 4))
    history = probe.history
    assert [len(p.dh[0]) for p in history.probes] == [7, 7]
    assert np.isnan(history.probes[1].dh[0][4:]).all()
    assert np.isfinite(history.probes[1].dh[0][:4]).all()
    assert load_watched(probe.save(tmp_path / "run")).history.probes[1].dh[0].shape == (7,)
    assert probe.summary()["T"].tolist() == [4, 4]


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda f: (f / "watch.json").unlink(), "missing watch.json"),
        (lambda f: (f / "watch.json").write_text("[1]"), "expected a JSON object"),
        (lambda f: (f / "watch.json").write_text('{"source": "app"}'), '"source" is'),
        (lambda f: _edit_meta(f, cell="transformer"), "cell 'transformer'"),
        (lambda f: _edit_meta(f, layers=0), "layers must be"),
        (lambda f: (f / "metrics.csv").write_text("step,loss\n1,2\n"), "missing column"),
        (lambda f: (f / "gradflow.npz").write_bytes(b"nonsense"), "not a readable .npz"),
        (lambda f: _drop_array(f, "dh_l1"), "missing array"),
        (lambda f: _drop_array(f, "horizon", np.zeros(1)), "inconsistent"),
    ],
)
def test_damaged_folders_are_refused_in_one_line(tmp_path, damage, words):
    folder = trained_probe("rnn", 0).save(tmp_path / "run")
    damage(folder)
    with pytest.raises(BundleError, match=words) as caught:
        load_watched(folder)
    assert "\n" not in str(caught.value)


def _edit_meta(folder, **changes):
    meta = json.loads((folder / "watch.json").read_text())
    (folder / "watch.json").write_text(json.dumps({**meta, **changes}))


def _drop_array(folder, name, replacement=None):
    with np.load(folder / "gradflow.npz") as npz:
        arrays = {k: npz[k] for k in npz.files if k != name}
    if replacement is not None:
        arrays[name] = replacement
    np.savez(folder / "gradflow.npz", **arrays)


def test_is_watched_folder_tells_kinds_apart(tmp_path):
    assert not is_watched_folder(tmp_path)
    (tmp_path / "watch.json").write_text("not json")
    assert not is_watched_folder(tmp_path)
    (tmp_path / "watch.json").write_text('{"source": "watch"}')
    assert is_watched_folder(tmp_path)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_figures_draw_the_recorded_numbers(cell):
    probe = trained_probe(cell, 0)
    history = probe.history
    profile = probe.figure("profile")
    np.testing.assert_allclose(profile.data[-1].y, history.probes[-1].dh[-1])
    np.testing.assert_allclose(profile.data[0].y, history.probes[0].dh[-1])
    heatmap = probe.figure("heatmap", layer=0)
    want = np.log10(np.stack([p.dh[0] for p in history.probes]))
    np.testing.assert_allclose(heatmap.data[0].z, want)
    if cell == "lstm":
        dc = probe.figure("profile", kind="dc")
        np.testing.assert_allclose(dc.data[-1].y, history.probes[-1].dc[-1])
    params = probe.figure("params")
    first = next(iter(history.probes[0].param_norms))
    np.testing.assert_allclose(params.data[0].y, [p.param_norms[first] for p in history.probes])
    clipping = probe.figure("clipping")
    np.testing.assert_allclose(clipping.data[0].y, [r.grad_norm for r in history.steps])
    np.testing.assert_allclose(clipping.data[1].y, [r.grad_norm_clipped for r in history.steps])
    spectrum = probe.figure("spectrum")
    np.testing.assert_allclose(spectrum.data[0].y, [s.spectral_radius[0] for s in history.spectra])
    loss = probe.figure("loss")
    np.testing.assert_allclose(loss.data[0].y, [r.loss for r in history.steps])
    assert set(FIGURES) == {"clipping", "heatmap", "loss", "params", "profile", "spectrum"}
    with pytest.raises(ValueError, match="known: clipping, heatmap"):
        probe.figure("histogram")


def test_summary_is_one_row_per_layer_from_the_latest_probe():
    probe = trained_probe("lstm", 1)
    table = probe.summary()
    last = probe.history.probes[-1]
    assert table["layer"].tolist() == [0, 1]
    for k in range(2):
        row = table.iloc[k]
        assert row["dh_first"] == last.dh[k][0] and row["dh_last"] == last.dh[k][-1]
        assert row["dh_ratio"] == pytest.approx(last.dh[k][0] / last.dh[k][-1])
        assert row["dc_first"] == last.dc[k][0]
        assert row["spectral_radius"] == probe.history.spectra[-1].spectral_radius[k]
    assert table["probes"].tolist() == [3, 3] and table["last_step"].tolist() == [5, 5]


def test_import_explorer_stays_light():
    code = "import sys, explorer; print('torch' in sys.modules); print(callable(explorer.watch))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]

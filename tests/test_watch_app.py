"""A watched run in the app (issue 16): listed on Compare, opened on Gradient flow with the
charts a recorded run can draw, labelled, with nothing to train; the charts' numbers are
gradflow.npz's, read here with numpy."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from harness import chart_specs, chart_titles, no_exception, open_app, values
from torch import nn

import explorer
from explorer.runs.folders import RUNS_ENV


def watched_folder(name: str, cell: type[nn.RNNBase] = nn.LSTM, steps: int = 12) -> Path:
    """A user's loop: a 2-layer batch-first layer and a head, watched every 3rd step."""
    torch.manual_seed(0)
    rnn, head = cell(3, 8, num_layers=2, batch_first=True), nn.Linear(8, 1)
    params = [*rnn.parameters(), *head.parameters()]
    optimizer = torch.optim.SGD(params, lr=0.05)
    probe = explorer.watch(rnn, interval=3, optimizer=optimizer)
    for _ in range(steps):
        x, y = torch.randn(4, 15, 3), torch.randn(4, 1)
        loss = ((head(rnn(x)[0][:, -1]) - y) ** 2).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 0.5)
        optimizer.step()
        optimizer.zero_grad()
        probe.log(loss=loss)
    folder = probe.save(Path(os.environ[RUNS_ENV]) / name)
    probe.remove()
    return folder


@pytest.fixture(scope="module")
def lstm_folder() -> Path:
    return watched_folder("my-lstm")


def open_watched(name: str):
    at = open_app(page="views/compare.py")
    no_exception(at)
    assert at.selectbox(key="watched_pick").options, "the watched run is listed"
    at.selectbox(key="watched_pick").set_value(name).run()
    at.button(key="watched_open").click().run()
    no_exception(at)
    return at


def test_a_watched_run_opens_on_gradient_flow_labelled_with_its_own_numbers(lstm_folder):
    at = open_watched("my-lstm")
    assert any("watched in your own loop" in i.value for i in at.info)
    assert "btn_train" not in [b.key for b in at.button]  # nothing to train here
    titles = chart_titles(at)
    assert any("‖dL/dh_t‖ across timesteps" in t for t in titles)
    assert any("‖dL/dc_t‖" in t for t in titles)  # an LSTM's cell gradient
    assert any("clipped (by your loop)" in t for t in titles)
    with np.load(lstm_folder / "gradflow.npz") as g:
        top_dh = g["dh_l1"]  # (K, T): the top layer, shown by default
    profile = next(
        s for s in chart_specs(at) if "‖dL/dh_t‖ across timesteps" in s["layout"]["title"]["text"]
    )
    latest = values(profile["data"][-1]["y"])  # the latest probe, drawn last
    np.testing.assert_allclose(latest, top_dh[-1], rtol=1e-6)
    assert len(top_dh) == 4  # probes at steps 1, 4, 7, 10 of 12


def test_closing_goes_back_to_the_apps_own_run(lstm_folder):
    at = open_watched("my-lstm")
    at.button(key="watched_close").click().run()
    no_exception(at)
    assert not any("watched in your own loop" in i.value for i in at.info)
    assert "btn_train" in [b.key for b in at.button]


def test_a_damaged_watched_folder_is_reported_and_the_page_keeps_working():
    folder = watched_folder("my-gru", cell=nn.GRU)
    at = open_watched("my-gru")
    (folder / "gradflow.npz").write_bytes(b"not an npz")
    folder.joinpath("summary.json").touch()  # a new version of the folder: read again
    at.run()
    no_exception(at)
    assert any("can no longer be read" in w.value for w in at.warning)

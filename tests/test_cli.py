"""The command line, in-process through cli.main and as a real `python -m explorer`."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from explorer import cli
from explorer.config import RunConfig
from explorer.engine.training import Trainer
from explorer.runs.bundle import REQUIRED_FILES, load_run

REPO = Path(__file__).resolve().parents[1]
TINY = ["--task", "adding", "--seq-len", "10", "--hidden", "8", "--steps", "30"]
DIVERGING = [
    *("--task", "adding", "--seq-len", "50", "--hidden", "8", "--steps", "50"),
    *("--lr", "10", "--optimizer", "sgd", "--clip", "off", "--whh-gain", "5"),
]
DETERMINISTIC = ["loss", "val_loss", "grad_norm", "grad_norm_clipped", "clipped"]


def _explorer(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


def test_tiny_run_writes_every_file(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", *TINY, "--out", str(out)]) == 0
    for name in REQUIRED_FILES:
        assert (out / name).is_file(), name
    summary = _summary(out)
    assert summary["status"] == "completed" and summary["steps_done"] == 30
    printed = capsys.readouterr()
    assert f"run folder    {out}" in printed.out
    assert "completed" in printed.out and "baseline loss" in printed.out
    assert "step 30/30" in printed.err  # the last progress line
    loaded = load_run(out)
    assert loaded.config == RunConfig(task="adding", seq_len=10, hidden=8, steps=30)


def test_python_dash_m_explorer(tmp_path):
    out = tmp_path / "run"
    result = _explorer("train", *TINY, "--cell", "gru", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "completed" in result.stdout and str(out) in result.stdout
    assert _summary(out)["status"] == "completed"
    # stderr is not a terminal: one progress line per tenth of the run, no \r redraws
    progress = [line for line in result.stderr.splitlines() if line.startswith("step ")]
    assert len(progress) == 10 and "\r" not in result.stderr


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--hidden", "0"], "hidden"),
        (["--cell", "foo"], "cell"),
        (["--lr", "abc"], "lr"),
        (["--steps", "1.5"], "steps"),
        (["--config", "missing.json"], "config"),
        (["--threads", "zero"], "threads"),
        (["--task", "sine_window", "--seq-len", "200"], "seq_len"),
        (["--cell", "lstm", "--init", "identity"], "init"),
    ],
)
def test_bad_values_give_one_line_naming_the_field(args, field, tmp_path, capsys):
    assert cli.main(["train", *args, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {field}: ") and err.count("\n") == 1, err
    assert not (tmp_path / "run" / "summary.json").exists()


@pytest.mark.parametrize(
    "args", [["train", "--bogus", "1"], ["train", "--hidden"], [], ["fly"], ["train", "x"]]
)
def test_argparse_errors_give_one_line(args, capsys):
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err


def test_bad_config_files(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{oops")
    assert cli.main(["train", "--config", str(broken)]) == 2
    assert capsys.readouterr().err.startswith("error: config: not valid JSON")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hidden": 999}))
    assert cli.main(["train", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: hidden: 999 is out of range") and str(bad) in err
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"hiden": 9}))
    assert cli.main(["train", "--config", str(unknown)]) == 2
    assert capsys.readouterr().err.startswith("error: hiden: unknown setting")


def test_bad_arguments_in_a_real_process_have_no_traceback():
    for args in (["--hidden", "0"], ["--cell", "foo"], ["--config", "missing.json"], ["-x"]):
        result = _explorer("train", *args)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        assert result.stdout == ""


def test_help_exits_zero(capsys):
    assert cli.main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--seq-len N" in text and "--clip {off,norm,value}" in text


def test_config_replay_reproduces_the_metrics(tmp_path):
    first, second, shorter = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    args = [*TINY, "--cell", "lstm", "--clip", "value", "--clip-value", "0.05", "--seed", "7"]
    assert cli.main(["train", *args, "--out", str(first)]) == 0
    config = str(first / "config.json")
    assert cli.main(["train", "--config", config, "--out", str(second)]) == 0
    assert load_run(second).config == load_run(first).config
    a = pd.read_csv(first / "metrics.csv")
    b = pd.read_csv(second / "metrics.csv")
    pd.testing.assert_frame_equal(a[DETERMINISTIC], b[DETERMINISTIC])
    # Flags override the file; the data stream and the weights still follow the seed.
    assert cli.main(["train", "--config", config, "--steps", "12", "--out", str(shorter)]) == 0
    c = pd.read_csv(shorter / "metrics.csv")
    assert load_run(shorter).config == load_run(first).config.replace(steps=12)
    pd.testing.assert_series_equal(c["loss"], a["loss"].iloc[:12])


def test_a_diverged_run_is_a_result(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["train", *DIVERGING, "--out", str(out)]) == 0
    summary = _summary(out)
    assert summary["status"] == "diverged" and summary["steps_done"] < 50
    assert "Diverged at step" in summary["message"]
    assert len(pd.read_csv(out / "metrics.csv")) == summary["steps_done"]
    assert "diverged" in capsys.readouterr().out


def test_ctrl_c_stops_after_the_current_step(tmp_path, monkeypatch, capsys):
    original = Trainer.train_step

    def step_then_interrupt(self):
        record = original(self)
        if self.step == 5:
            signal.raise_signal(signal.SIGINT)  # as if the user pressed Ctrl-C
        return record

    monkeypatch.setattr(Trainer, "train_step", step_then_interrupt)
    out = tmp_path / "run"
    assert cli.main(["train", *TINY, "--out", str(out)]) == 130
    summary = _summary(out)
    assert summary["status"] == "stopped" and summary["steps_done"] == 5
    assert len(pd.read_csv(out / "metrics.csv")) == 5
    assert load_run(out).config.steps == 30
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_sigint_in_a_real_process(tmp_path):
    out = tmp_path / "run"
    endless = [*TINY[:-2], "--steps", "100000", "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", "train", *endless],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first_line = process.stderr.readline()  # printed just before training starts
    assert first_line.startswith("training "), first_line
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "stopped" in stdout
    summary = _summary(out)
    assert summary["status"] == "stopped" and 0 < summary["steps_done"] < 100000


def test_progress_redraws_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    trainer = Trainer(RunConfig(task="adding", seq_len=5, hidden=4, steps=3))
    stream = Terminal()
    progress = cli.TrainProgress(3, stream)
    while trainer.train_step() is not None:
        progress.update(trainer)
    progress.close()
    text = stream.getvalue()
    assert text.startswith("\r[") and text.endswith("\n") and text.count("\n") == 1
    assert "step 3/3" in text and "steps/s" in text and "val" in text


def test_argument_errors_answer_before_torch_is_imported():
    check = (
        "import sys; from explorer.cli import main; "
        "codes = [main(['train', '--hidden', '0']), main(['train', '--threads', '0']), "
        "main(['compare', '--vary', 'colour=red']), main(['compare', '--vary', 'x=1', '-y'])]; "
        "assert 'torch' not in sys.modules, 'torch was imported'; sys.exit(max(codes))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 4 and "Traceback" not in result.stderr


def test_a_second_ctrl_c_breaks_off_and_still_saves(tmp_path, monkeypatch):
    original = Trainer.train_step

    def step_then_two_interrupts(self):
        record = original(self)
        if self.step == 5:
            signal.raise_signal(signal.SIGINT)  # asks to stop after this step
            signal.raise_signal(signal.SIGINT)  # impatient: KeyboardInterrupt right here
            raise AssertionError("not reached: the second Ctrl-C interrupts")
        return record

    monkeypatch.setattr(Trainer, "train_step", step_then_two_interrupts)
    out = tmp_path / "run"
    assert cli.main(["train", *TINY, "--out", str(out)]) == 130
    summary = _summary(out)
    assert summary["status"] == "stopped" and summary["steps_done"] == 5
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_one_display_prints_periodic_lines_for_any_number_of_rows():
    log = io.StringIO()  # not a terminal: plain lines, a row's each tenth and its end
    display = cli.Progress(log, labels=["long", "b"])
    for step in range(1, 101):
        stopped_at = min(step, 37)
        display.show([cli.Row(step, 100), cli.Row(stopped_at, 100, ended=step >= 37)])
    display.close()
    lines = log.getvalue().splitlines()
    first = [line for line in lines if line.startswith("long  ")]
    second = [line for line in lines if line.startswith("b     ")]
    assert len(first) == 10 and first[-1].startswith("long  step 100/100  loss nan")
    assert [line.split()[2] for line in second] == ["10/100", "20/100", "30/100", "37/100"]
    assert len(lines) == 14 and "\x1b" not in log.getvalue() and "\r" not in log.getvalue()


def test_one_display_redraws_one_row_or_a_block_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    one = Terminal()
    display = cli.Progress(one, labels=[""])
    display.show([cli.Row(5, 10, loss=123.456)])
    display.show([cli.Row(10, 10, loss=1.0, note="done", ended=True)])  # an end is drawn at once
    display.close()
    bars = ("[" + "#" * 10 + "." * 10 + "]", "[" + "#" * 20 + "]")
    assert one.getvalue() == (  # \x1b[K clears what the longer first line left behind
        f"\r{bars[0]} step 5/10  loss 123.5  val nan\x1b[K"
        f"\r{bars[1]} step 10/10  loss 1  val nan  done\x1b[K\n"
    )
    block = Terminal()
    display = cli.Progress(block, labels=["a", "b", "c"])
    display.show([cli.Row(1, 10)] * 3, force=True)
    display.show([cli.Row(2, 10)] * 3, force=True)
    display.close()  # the block already ends below itself
    frames = block.getvalue().split("\x1b[3F")
    assert len(frames) == 2 and frames[0].count("\x1b[2K") == 3 and frames[1].count("\n") == 3
    assert block.getvalue().count("\n") == 6

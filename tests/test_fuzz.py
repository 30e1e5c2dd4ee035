"""Fuzzing every door user input comes through: URL parameters, config values and files,
command-line arguments, uploaded run bundles, and the app itself. Whatever arrives, the
answer is a value or an explained refusal, never an uncaught exception.

Together these generate well over 1,000 cases (hypothesis, derandomized so CI is stable).
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import zipfile
from pathlib import Path

from harness import open_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.cli import UsageError, build_parser, resolve_config
from explorer.config import ConfigError, RunConfig
from explorer.engine.training import Trainer
from explorer.runs.bundle import BundleError, save_run
from explorer.runs.zipped import load_zip, zip_run

FIELDS = list(RunConfig().to_dict())
FUZZ = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

# Text a person (or a mangled link) might put in a parameter: numbers of every kind,
# words, nothing, unicode, huge and tiny values.
values = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=False).map(repr),
    st.sampled_from(
        [
            "",
            " ",
            "nan",
            "inf",
            "-inf",
            "1e309",
            "0x10",
            "1_000",
            "true",
            "None",
            "rnn",
            "LSTM",
            "gru ",
            "norm",
            "adam",
            "0",
            "-1",
            "1.5",
            "２５６",
            "1e-7",
            "\x00",
            "../../etc/passwd",
        ]
    ),
)
keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=12))


@FUZZ
@given(st.dictionaries(keys, st.one_of(values, st.lists(values, max_size=3)), max_size=8))
def test_url_parameters_always_give_a_valid_config_and_named_warnings(params):
    config, warnings = RunConfig.from_query(params)
    assert isinstance(config, RunConfig)
    RunConfig(**config.to_dict())  # whatever came out is itself valid
    for warning in warnings:
        assert warning.startswith("URL parameter")
        assert any(name in warning for name in FIELDS)


@FUZZ
@given(
    st.dictionaries(
        keys, st.one_of(values, st.integers(), st.floats(), st.booleans(), st.none()), max_size=6
    )
)
def test_config_values_are_accepted_or_refused_by_name(data):
    try:
        config = RunConfig.from_dict(data)
    except ConfigError as exc:
        assert exc.field in FIELDS or exc.field in data, str(exc)
        assert str(exc).startswith(f"{exc.field}: ")
    else:
        assert RunConfig.from_json(config.to_json()) == config


@FUZZ
@given(
    st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
        st.dictionaries(keys, values).map(json.dumps),
    )
)
def test_config_files_are_parsed_or_refused(text):
    try:
        RunConfig.from_json(text)
    except ConfigError as exc:
        assert str(exc)


@FUZZ
@given(
    st.lists(
        st.one_of(st.sampled_from(["--" + f.replace("_", "-") for f in FIELDS]), values), max_size=8
    )
)
def test_command_line_arguments_resolve_or_fail_with_one_line(argv):
    parser = build_parser()
    try:
        config = resolve_config(parser.parse_args(["train", *argv]))
    except (UsageError, ConfigError) as exc:
        assert "\n" not in str(exc).strip()
    else:
        assert isinstance(config, RunConfig)


@functools.cache
def good_bundle() -> bytes:
    """A valid run bundle to damage (not a fixture: hypothesis would print all its bytes)."""
    trainer = Trainer(RunConfig(hidden=4, seq_len=6, batch=4, steps=5))
    trainer.run()
    with tempfile.TemporaryDirectory() as tmp:
        return zip_run(Path(save_run(Path(tmp) / "run", trainer)))


@FUZZ
@given(data=st.data())
def test_uploaded_bundles_load_or_are_refused_with_a_reason(data):
    good = good_bundle()
    kind = data.draw(st.sampled_from(["random", "flip", "truncate", "rename", "inject"]))
    if kind == "random":
        blob = data.draw(st.binary(max_size=4096))
    elif kind == "flip":  # corrupt bytes anywhere in a valid archive
        blob = bytearray(good)
        for _ in range(data.draw(st.integers(1, 8))):
            i = data.draw(st.integers(0, len(blob) - 1))
            blob[i] = data.draw(st.integers(0, 255))
        blob = bytes(blob)
    elif kind == "truncate":
        blob = good[: data.draw(st.integers(0, len(good)))]
    else:  # rebuild the archive with a member renamed, or an extra hostile member
        source = zipfile.ZipFile(io.BytesIO(good))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            names = source.namelist()
            victim = data.draw(st.sampled_from(names))
            for name in names:
                new = name
                if kind == "rename" and name == victim:
                    new = data.draw(
                        st.sampled_from(["../evil.pt", "/abs/model.pt", "run/other.txt", "run/"])
                    )
                target.writestr(new, source.read(name))
            if kind == "inject":
                target.writestr(
                    data.draw(st.sampled_from(["run/evil.py", "../x", "run/config.json"])),
                    data.draw(st.binary(max_size=64)),
                )
        blob = out.getvalue()
    try:
        run = load_zip(blob)
    except BundleError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
    else:
        assert isinstance(run.config, RunConfig)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=5))
def test_the_app_never_shows_a_traceback_for_any_link(params):
    at = open_app({k: v.replace("\x00", "") for k, v in params.items()})
    assert not at.exception, [e.value for e in at.exception]
    config = at.session_state["config"]
    assert isinstance(config, RunConfig)

"""RunConfig: defaults, the three round trips, strict errors and the lenient URL reader."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explorer.config import (
    CELLS,
    CLIP_MODES,
    INITS,
    OPTIMIZERS,
    SINE_WINDOW_MAX,
    TASKS,
    ConfigError,
    RunConfig,
    field_spec,
)
from explorer.presets import PRESETS

NAMES = [f.name for f in fields(RunConfig)]

# Bounds written out by hand from the spec, so a changed table in config.py is noticed.
EXPECTED_BOUNDS = {
    "hidden": (1, 256),
    "layers": (1, 3),
    "seq_len": (2, 500),
    "batch": (1, 1024),
    "steps": (1, 100_000),
    "lr": (1e-6, 10.0),
    "clip_value": (1e-4, 1e4),
    "whh_gain": (0.0, 10.0),
    "forget_bias": (-5.0, 5.0),
    "tbptt": (0, 500),
    "probe_every": (0, 10_000),
    "val_every": (1, 10_000),
    "seed": (0, 2**31 - 1),
}
EXPECTED_CHOICES = {
    "task": {"sine_next", "sine_window", "adding", "series", "digits", "chars"},
    "cell": {"rnn", "lstm", "gru"},
    "optimizer": {"adam", "sgd"},
    "clip": {"off", "norm", "value"},
    "init": {"default", "orthogonal", "identity", "small_normal"},
}
INT_FIELDS = {"hidden", "layers", "seq_len", "batch", "steps", "tbptt", "probe_every"}
INT_FIELDS |= {"val_every", "seed"}
# Free text, checked by pattern: a data key (never a path) and a column name.
TEXT_FIELDS = {"data", "column"}
KEY = "sha256:" + "ab" * 32

# A config far from the defaults in every field that can be.
NON_DEFAULT = {
    "task": "series",  # the one task that reads both data and column
    "data": KEY,
    "column": "close",
    "cell": "lstm",
    "hidden": 64,
    "layers": 2,
    "seq_len": 120,
    "batch": 16,
    "steps": 3000,
    "lr": 0.003,
    "optimizer": "sgd",
    "clip": "value",
    "clip_value": 0.25,
    "init": "orthogonal",
    "whh_gain": 1.5,
    "forget_bias": 1.0,
    "tbptt": 20,
    "probe_every": 7,
    "val_every": 25,
    "seed": 12345,
}


@st.composite
def valid_configs(draw) -> RunConfig:
    """Any config the table allows, drawn from the hand-written bounds and choices."""
    values = {}
    for name in NAMES:
        if name in EXPECTED_CHOICES:
            values[name] = draw(st.sampled_from(sorted(EXPECTED_CHOICES[name])))
        elif name in TEXT_FIELDS:
            values[name] = draw(st.sampled_from(["", KEY] if name == "data" else ["", "close"]))
        elif name in INT_FIELDS:
            lo, hi = EXPECTED_BOUNDS[name]
            values[name] = draw(st.integers(lo, hi))
        else:
            lo, hi = EXPECTED_BOUNDS[name]
            # no subnormals: explorer.engine.training turns on flush-to-zero process-wide
            values[name] = draw(st.floats(lo, hi, allow_nan=False, allow_subnormal=False))
    assume(not (values["init"] == "identity" and values["cell"] != "rnn"))
    assume(not (values["task"] == "sine_window" and values["seq_len"] > SINE_WINDOW_MAX))
    return RunConfig(**values)


# -- defaults and the table ---------------------------------------------------------


def test_defaults_are_valid_and_inside_their_bounds() -> None:
    """Every default satisfies the bounds/choices of the spec (checked by hand here)."""
    cfg = RunConfig()
    assert set(NAMES) == set(EXPECTED_BOUNDS) | set(EXPECTED_CHOICES) | TEXT_FIELDS
    for name, (lo, hi) in EXPECTED_BOUNDS.items():
        value = getattr(cfg, name)
        assert lo <= value <= hi, name
        assert isinstance(value, int if name in INT_FIELDS else float), name
    for name, choices in EXPECTED_CHOICES.items():
        assert getattr(cfg, name) in choices, name


def test_field_table_matches_the_spec() -> None:
    """The metadata that feeds the sidebar carries the spec's bounds and choices."""
    for name, (lo, hi) in EXPECTED_BOUNDS.items():
        meta = field_spec(name).metadata
        assert (meta["lo"], meta["hi"]) == (lo, hi), name
        assert meta["help"]
    tables = {"task": TASKS, "cell": CELLS, "optimizer": OPTIMIZERS, "clip": CLIP_MODES}
    tables["init"] = INITS
    for name, choices in EXPECTED_CHOICES.items():
        assert set(field_spec(name).metadata["choices"]) == choices
        assert set(tables[name]) == choices
    with pytest.raises(KeyError):
        field_spec("no_such_field")


# -- round trips --------------------------------------------------------------------


def test_round_trips_of_a_non_default_config() -> None:
    """dict, JSON and URL round trips reproduce a config that differs in every field."""
    cfg = RunConfig(**NON_DEFAULT)
    assert cfg.diff(RunConfig()) == NAMES  # really differs everywhere
    assert RunConfig.from_dict(cfg.to_dict()) == cfg
    assert RunConfig.from_json(cfg.to_json()) == cfg
    assert json.loads(cfg.to_json()) == NON_DEFAULT
    query = cfg.to_query()
    assert all(isinstance(v, str) for v in query.values())
    assert set(query) == set(NAMES)
    back, warnings = RunConfig.from_query(query)
    assert back == cfg
    assert warnings == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(valid_configs())
def test_round_trips_property(cfg: RunConfig) -> None:
    """Any valid config survives to_dict/from_dict, to_json/from_json and
    to_query/from_query exactly (floats included) and without warnings."""
    assert RunConfig.from_dict(cfg.to_dict()) == cfg
    assert RunConfig.from_json(cfg.to_json()) == cfg
    query = cfg.to_query()
    back, warnings = RunConfig.from_query(query)
    assert warnings == []
    assert back == cfg
    # only the fields that differ from the defaults go into the link
    assert set(query) == set(cfg.diff(RunConfig()))


def test_default_config_has_an_empty_query() -> None:
    """A default run's link carries no parameters at all."""
    assert RunConfig().to_query() == {}
    assert RunConfig(hidden=64).to_query() == {"hidden": "64"}
    assert RunConfig(lr=0.001).to_query() == {"lr": "0.001"}


def test_strings_are_coerced_to_field_types() -> None:
    """Values from a URL or a command line arrive as strings and are typed on entry."""
    cfg = RunConfig(hidden="64", lr="1e-3", cell="  LSTM ", seed="7.0")
    assert cfg.hidden == 64 and type(cfg.hidden) is int
    assert cfg.lr == 0.001 and type(cfg.lr) is float
    assert cfg.cell == "lstm"
    assert cfg.seed == 7 and type(cfg.seed) is int
    assert type(RunConfig(hidden=64.0).hidden) is int
    assert type(RunConfig(lr=1).lr) is float


# -- strict errors ------------------------------------------------------------------


def _error(**kwargs) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        RunConfig(**kwargs)
    return info.value


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("hidden", 0, "1 to 256"),
        ("hidden", 257, "1 to 256"),
        ("layers", 4, "1 to 3"),
        ("seq_len", 1, "2 to 500"),
        ("batch", 1025, "1 to 1024"),
        ("steps", 0, "1 to 100000"),
        ("tbptt", -1, "0 to 500"),
        ("seed", 2**31, "0 to 2147483647"),
        ("lr", 0.0, "1e-06 to 10.0"),
        ("lr", 11.0, "1e-06 to 10.0"),
        ("clip_value", 1e5, "0.0001 to 10000.0"),
        ("whh_gain", -0.5, "0.0 to 10.0"),
        ("forget_bias", 5.5, "-5.0 to 5.0"),
    ],
)
def test_out_of_range_names_field_and_range(name: str, value, expected: str) -> None:
    """An out-of-range value raises ConfigError naming the field and the allowed range."""
    err = _error(**{name: value})
    assert err.field == name
    assert str(err).startswith(f"{name}: ")
    assert "out of range" in str(err)
    assert f"allowed {expected}" in str(err)


def test_exact_message_for_hidden_zero() -> None:
    """The message the sidebar shows, word for word."""
    assert str(_error(hidden=0)) == "hidden: 0 is out of range; allowed 1 to 256"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("hidden", "abc", "expected a whole number"),
        ("hidden", None, "expected a whole number"),
        ("hidden", 3.5, "expected a whole number, got 3.5"),
        ("hidden", "3.5", "expected a whole number"),
        ("hidden", float("nan"), "expected a whole number"),
        ("hidden", float("inf"), "expected a whole number"),
        ("hidden", True, "expected a number, got True"),
        ("lr", False, "expected a number, got False"),
        ("lr", "fast", "expected a number, got 'fast'"),
        ("lr", [0.1], "expected a number"),
    ],
)
def test_non_numbers_and_bools_are_rejected(name: str, value, expected: str) -> None:
    """Non-numbers, bools and fractional ints raise ConfigError naming the field."""
    err = _error(**{name: value})
    assert err.field == name
    assert str(err).startswith(f"{name}: ")
    assert expected in str(err)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "nan", "inf"])
def test_non_finite_float_is_a_config_error(value) -> None:
    """NaN and ±inf for a float field raise ConfigError naming the field and its range."""
    err = _error(lr=value)
    assert err.field == "lr"
    assert "1e-06 to 10.0" in str(err)


@pytest.mark.parametrize(
    ("name", "value", "choices"),
    [
        ("cell", "transformer", "rnn, lstm, gru"),
        ("task", "mnist", "sine_next, sine_window, adding, series, digits, chars"),
        ("optimizer", "rmsprop", "adam, sgd"),
        ("clip", "none", "off, norm, value"),
        ("init", "xavier", "default, orthogonal, identity, small_normal"),
        ("cell", 3, "rnn, lstm, gru"),
    ],
)
def test_wrong_choice_lists_the_choices(name: str, value, choices: str) -> None:
    """A value outside the choices raises ConfigError naming the field and every choice."""
    err = _error(**{name: value})
    assert err.field == name
    assert str(err) == f"{name}: {value!r} is not one of {choices}"


def test_unknown_key_is_an_error_in_from_dict() -> None:
    """from_dict is strict about names: the unknown key is named, the known ones listed."""
    with pytest.raises(ConfigError) as info:
        RunConfig.from_dict({"hidden": 8, "hiden": 3})
    assert info.value.field == "hiden"
    assert "unknown setting" in str(info.value)
    assert "hidden" in str(info.value) and "seq_len" in str(info.value)
    with pytest.raises(ConfigError) as info:
        RunConfig.from_dict({"hidden": 0})
    assert info.value.field == "hidden"


def test_from_json_errors() -> None:
    """Broken JSON and non-object JSON are ConfigErrors on the pseudo-field 'config'."""
    for text in ("{not json", "[1, 2]", '"rnn"'):
        with pytest.raises(ConfigError) as info:
            RunConfig.from_json(text)
        assert info.value.field == "config"
    with pytest.raises(ConfigError) as info:
        RunConfig.from_json('{"lr": 99}')
    assert info.value.field == "lr"


def test_identity_init_needs_the_vanilla_rnn() -> None:
    """IRNN applies to cell='rnn' only; the error is on the init field."""
    assert RunConfig(init="identity", cell="rnn").nonlinearity == "relu"
    for cell in ("lstm", "gru"):
        err = _error(init="identity", cell=cell)
        assert err.field == "init"
        assert "identity" in str(err)


def test_sine_window_caps_seq_len() -> None:
    """sine_window's windows come from 200 points: seq_len above 100 is refused."""
    assert SINE_WINDOW_MAX == 100
    assert RunConfig(task="sine_window", seq_len=100).seq_len == 100
    err = _error(task="sine_window", seq_len=101)
    assert err.field == "seq_len"
    assert "101" in str(err) and "2 to 100" in str(err)
    assert RunConfig(task="adding", seq_len=500).seq_len == 500


def test_replace_validates() -> None:
    """replace() goes through the same checks as the constructor."""
    cfg = RunConfig()
    assert cfg.replace(hidden=8).hidden == 8
    with pytest.raises(ConfigError):
        cfg.replace(hidden=0)
    with pytest.raises(ConfigError):
        cfg.replace(cell="gru", init="identity")


def test_frozen() -> None:
    """A config cannot change under a running trainer."""
    cfg = RunConfig()
    with pytest.raises(AttributeError):
        cfg.hidden = 3  # type: ignore[misc]


# -- lenient URL reading ------------------------------------------------------------


def test_from_query_bad_value_warns_and_falls_back() -> None:
    """A bad value is replaced by its default and yields one warning naming it."""
    cfg, warnings = RunConfig.from_query({"hidden": "lots", "cell": "gru", "lr": "0.5"})
    assert cfg == RunConfig(cell="gru", lr=0.5)
    assert len(warnings) == 1
    assert "hidden" in warnings[0] and "'32'" in warnings[0]
    cfg, warnings = RunConfig.from_query({"hidden": "0", "clip": "maybe"})
    assert cfg == RunConfig()
    assert len(warnings) == 2
    assert any("hidden" in w and "1 to 256" in w for w in warnings)
    assert any("clip" in w and "off, norm, value" in w for w in warnings)


def test_from_query_ignores_other_pages_parameters() -> None:
    """Unknown keys (lang, preset, ...) are silently ignored."""
    cfg, warnings = RunConfig.from_query({"lang": "de", "preset": "irnn", "hidden": "16"})
    assert cfg == RunConfig(hidden=16)
    assert warnings == []


def test_from_query_takes_the_last_of_repeated_values() -> None:
    """A parameter repeated in the URL arrives as a list: the last one wins."""
    cfg, warnings = RunConfig.from_query({"hidden": ["8", "16"], "seed": []})
    assert cfg.hidden == 16
    assert cfg.seed == 0
    assert len(warnings) == 1 and "seed" in warnings[0]


@pytest.mark.parametrize(
    ("params", "expected", "named"),
    [
        ({"cell": "lstm", "init": "identity"}, RunConfig(cell="lstm"), "init"),
        ({"task": "sine_window", "seq_len": "200"}, RunConfig(task="sine_window"), "seq_len"),
    ],
)
def test_from_query_conflicting_combination(params, expected, named) -> None:
    """A combination invalid as a whole drops the offending field, with a warning."""
    cfg, warnings = RunConfig.from_query(params)
    assert cfg == expected
    assert len(warnings) == 1 and named in warnings[0]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_from_query_non_finite_float_warns(value: str) -> None:
    """A mangled link with lr=nan still opens, with the default and a warning."""
    cfg, warnings = RunConfig.from_query({"lr": value})
    assert cfg == RunConfig()
    assert len(warnings) == 1 and "lr" in warnings[0]


# -- derived values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "probe_every", "expected"),
    [("rnn", 0, 1), ("gru", 0, 1), ("lstm", 0, 25), ("lstm", 3, 3), ("rnn", 10, 10)],
)
def test_probe_interval(cell: str, probe_every: int, expected: int) -> None:
    """Auto probing: every step for RNN/GRU, every 25th for LSTM; explicit k wins."""
    assert RunConfig(cell=cell, probe_every=probe_every).probe_interval == expected


def test_nonlinearity() -> None:
    """Only the IRNN init switches the vanilla RNN to ReLU."""
    assert RunConfig().nonlinearity == "tanh"
    assert RunConfig(init="orthogonal").nonlinearity == "tanh"
    assert RunConfig(init="identity").nonlinearity == "relu"


def test_diff_names_changed_fields() -> None:
    """diff() lists exactly the fields whose values differ, in field order."""
    a = RunConfig()
    assert a.diff(a) == []
    assert a.diff(a.replace(seed=3, cell="gru")) == ["cell", "seed"]


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_lesson_link_carries_what_differs_from_the_lesson_and_reopens_it(name):
    """In a lesson the address bar holds preset= and the settings as they differ from the
    lesson's own; a value set back to a global default (clip=norm in the exploding lesson,
    whose own is off) must survive the round trip."""
    base = PRESETS[name].config
    changed = base.replace(clip="norm" if base.clip != "norm" else "off", seed=base.seed + 1)
    query = changed.to_query(base=base)
    assert set(query) == {"clip", "seed"}
    assert RunConfig.from_query(query, base=base) == (changed, [])
    assert base.to_query(base=base) == {}

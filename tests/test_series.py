"""A user's own series: parsing, every kind of bad upload refused with its own message,
windowing and normalisation against a hand computation, predictions in the column's
units, the content-keyed store, and a short run that beats the mean predictor (not
persistence: tests/test_series_baselines.py)."""

from __future__ import annotations

import codecs
import math

import numpy as np
import pytest
import torch

from explorer.config import RunConfig
from explorer.engine.models import build_model
from explorer.engine.training import Trainer
from explorer.tasks import SeriesTask, make_task
from explorer.tasks.datasource import series_source
from explorer.tasks.datastore import (
    MAX_DATA_BYTES,
    STORE,
    DataError,
    DataStore,
    content_key,
    read_file,
)
from explorer.tasks.forecast import series_predictions
from explorer.tasks.tables import (
    MAX_ROWS,
    MIN_VALUES,
    column_values,
    default_column,
    example_csv,
    make_example_csv,
    parse_csv,
    parse_numbers,
    windowing,
)


def _csv(values, header="price") -> bytes:
    return (header + "\n" + "\n".join(str(v) for v in values) + "\n").encode()


def refused(raw: bytes) -> DataError:
    with pytest.raises(DataError) as info:
        table = parse_csv(raw)
        column_values(table)
    return info.value


# -- parsing -----------------------------------------------------------------------------------
def test_the_shipped_example_is_the_generator_output_and_parses():
    """explorer/data/example_series.csv can be regenerated, byte for byte."""
    assert example_csv() == make_example_csv()
    table = parse_csv(example_csv())
    assert table.header and table.delimiter == ","
    assert table.columns == ("date", "close", "volume")
    assert table.numeric == ("close", "volume")  # dates are not numbers
    assert table.rows == 500 and default_column(table) == "close"


@pytest.mark.parametrize(
    ("raw", "delimiter", "values"),
    [
        (b"a,b\n1,2\n3,4\n5,6\n", ",", [2.0, 4.0, 6.0]),
        (b"a;b\n1;2,5\n3;4,5\n5;6\n", ";", [2.5, 4.5, 6.0]),  # decimal commas
        (b"a\tb\n1\t2\n3\t4\n5\t6\n", "\t", [2.0, 4.0, 6.0]),
        (b"1,2\n3,4\n5,6\n", ",", [2.0, 4.0, 6.0]),  # no header: column 2
    ],
)
def test_delimiters_and_optional_header(raw, delimiter, values):
    table = parse_csv(raw)
    assert table.delimiter == delimiter
    name = "b" if table.header else "column 2"
    assert table.values[name].tolist() == values


def test_a_single_column_with_a_bom_and_crlf_line_ends():
    table = parse_csv(codecs.BOM_UTF8 + b"close\r\n1.5\r\n2\r\n-3e1\r\n")
    assert table.numeric == ("close",) and table.values["close"].tolist() == [1.5, 2.0, -30.0]
    assert table.lines.tolist() == [2, 3, 4]  # file lines, for messages


def test_a_counter_column_is_not_the_default():
    """A day index climbs in equal steps: the default column is the first real series."""
    raw = b"day,price\n" + b"".join(f"{i},{i * i % 7}\n".encode() for i in range(20))
    assert default_column(parse_csv(raw)) == "price"


def test_pasted_numbers_become_a_one_column_csv():
    raw = parse_numbers("1, 2.5; 3\n-4e1\t5 6 7 8 9 10 11 12")
    assert raw == _csv(["1", "2.5", "3", "-4e1", 5, 6, 7, 8, 9, 10, 11, 12], "value")
    assert parse_csv(raw).values["value"][:4].tolist() == [1.0, 2.5, 3.0, -40.0]


# -- every bad upload, refused with its own message -----------------------------------------------
@pytest.mark.parametrize(
    ("raw", "code", "says"),
    [
        (b"", "empty", "empty"),
        (b" \n\t\n", "empty", "empty"),
        (b"date,name\n2024-01-01,a\n2024-01-02,b\n", "no_numeric", "No column holds numbers"),
        (b"price\n", "no_rows", "no data rows"),
        (b"1,2,3,4,5\n", "one_row", "single row (5 values on one line)"),
        (b"price\n101.5\n", "one_row", "single row"),
        (_csv(range(5)), "too_short", "only 5 values; it needs at least 12"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", "binary file"),
        ("price\n1\n2\n".encode("utf-16"), "utf16", "UTF-16"),
        ("prix\n1\n2\ncafé\n".encode("latin-1"), "encoding", "byte 0xe9 at line 4"),
        (b"price\n1\n\xff2\n3\n", "encoding", "byte 0xff at line 3"),
    ],
)
def test_bad_uploads_are_refused_with_a_specific_message(raw, code, says):
    error = refused(raw)
    assert error.code == code
    assert says in str(error), str(error)
    assert "\n" not in str(error)


def test_gaps_and_nan_say_how_many_and_where():
    values = [str(v) for v in range(30)]
    values[4], values[9], values[10] = "", "nan", "n/a"
    error = refused(_csv(values))
    assert error.code == "gaps" and error.values["count"] == 3
    assert "3 missing or non-numeric value(s) (at line 6, 11, 12)" in str(error)  # header is 1
    assert "not filled in silently" in str(error)


def test_a_blank_line_inside_the_data_is_a_gap_not_skipped():
    raw = _csv(range(15)).replace(b"\n7\n", b"\n\n")
    error = refused(raw)
    assert error.code == "gaps" and "(at line 9)" in str(error)


def test_many_gaps_list_the_first_five():
    values = ["nan"] * 8 + [str(v) for v in range(30)]
    error = refused(_csv(values))
    assert error.values["count"] == 8 and "2, 3, 4, 5, 6 and 3 more" in str(error)


def test_too_large_in_bytes_and_in_rows():
    big = b"x" * (MAX_DATA_BYTES + 1)
    error = refused(big)
    assert error.code == "too_large" and "the limit is 2 MB" in str(error)
    rows = _csv(["1"] * (MAX_ROWS + 1))
    assert len(rows) < MAX_DATA_BYTES
    error = refused(rows)
    assert error.code == "too_many_rows" and "100,000" in str(error)


def test_constant_and_unknown_columns():
    assert refused(_csv([5] * 30)).code == "constant"
    table = parse_csv(_csv(range(30)))
    with pytest.raises(DataError, match="no numeric column called 'volume'"):
        column_values(table, "volume")


def test_pasted_words_are_named():
    with pytest.raises(DataError) as info:
        parse_numbers("1 2 three 4 nan")
    assert info.value.code == "numbers_bad"
    assert "item 3 'three', item 5 'nan'" in str(info.value)
    with pytest.raises(DataError, match="only 3 values"):
        parse_numbers("1 2 3")


# -- windowing and normalisation ---------------------------------------------------------------
def test_windowing_and_normalisation_match_a_hand_computation():
    values = np.asarray([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4])
    w = windowing(values, window=4)
    assert (w.n_windows, w.n_train, w.n_val) == (16, 13, 3)  # round(0.8 * 16) = 13
    train_part = values[: 4 + 13]  # the values the 13 training windows touch
    assert w.mean == pytest.approx(train_part.mean())
    assert w.std == pytest.approx(np.sqrt(((train_part - train_part.mean()) ** 2).mean()))
    assert w.split == 17
    with pytest.raises(DataError) as info:
        windowing(values, window=15)
    assert info.value.code == "too_short_for_window"
    assert "at most 10" in str(info.value)


def test_the_task_feeds_windows_of_z_scores():
    """Window i holds z[i : i + T] and predicts z[i + T]; validation follows training."""
    task = make_task(RunConfig(task="series", seq_len=6, batch=1000))
    assert isinstance(task, SeriesTask)
    w, z = task.windowing, (task.values - task.windowing.mean) / task.windowing.std
    batch = task.train_batch(0)  # full batch: every training window in order
    assert batch.x.shape == (6, w.n_train, 1)
    for i in (0, 17, w.n_train - 1):
        np.testing.assert_allclose(batch.x[:, i, 0].numpy(), z[i : i + 6], rtol=1e-6)
        assert batch.y[i, 0].item() == pytest.approx(z[i + 6], rel=1e-6)
    val = task.val_batch()
    assert val.x.shape[1] == w.n_val
    assert val.y[0, 0].item() == pytest.approx(z[w.split], rel=1e-6)


def test_batches_are_a_pure_function_of_seed_and_step():
    cfg = RunConfig(task="series", seq_len=10, batch=16, seed=4)
    a, b = make_task(cfg), make_task(cfg)
    assert torch.equal(a.train_batch(7).x, b.train_batch(7).x)
    assert not torch.equal(a.train_batch(7).x, a.train_batch(8).x)


# -- the data store ----------------------------------------------------------------------------
def test_the_store_keys_by_content_and_forgets_the_oldest():
    store = DataStore(max_bytes=10)
    first = store.put("a.csv", b"123456")
    assert first.key == content_key(b"123456") and first.key.startswith("sha256:")
    assert store.put("renamed.csv", b"123456").name == "a.csv"  # same bytes, same entry
    store.put("b.csv", b"abcdef")  # 12 bytes > 10: the least recently used goes
    assert first.key not in store and store.get(content_key(b"abcdef")) is not None


def test_read_file_refuses_what_is_not_a_small_file(tmp_path):
    with pytest.raises(DataError, match="not a file"):
        read_file(tmp_path)
    with pytest.raises(DataError, match="not a file"):
        read_file(tmp_path / "missing.csv")
    big = tmp_path / "big.csv"
    big.write_bytes(b"1\n" * (MAX_DATA_BYTES // 2 + 1))
    with pytest.raises(DataError, match="limit is 2 MB"):
        read_file(big)
    ok = tmp_path / "ok.csv"
    ok.write_bytes(_csv(range(20)))
    entry = read_file(ok)
    assert STORE.get(entry.key).raw == ok.read_bytes() and entry.name == "ok.csv"


def test_an_unknown_key_is_refused_by_name():
    config = RunConfig(task="series", data="sha256:" + "0" * 64)
    with pytest.raises(DataError) as info:
        series_source(config)
    assert info.value.code == "unknown_key" and "another session" in str(info.value)


# -- training and predictions in original units ---------------------------------------------------
def _uploaded(values) -> RunConfig:
    entry = STORE.put("mine.csv", _csv([f"{v:.4f}" for v in values], "level"))
    return RunConfig(task="series", data=entry.key, column="level", seq_len=8, hidden=16)


def test_predictions_come_back_in_original_units():
    """series_predictions equals the model run on hand-made z-score windows, then scaled
    back with the training part's mean and std."""
    values = np.round(1000 + 50 * np.sin(np.arange(120) / 5.0), 4)
    config = _uploaded(values)
    task = make_task(config)
    model = build_model(config, task)
    pred = series_predictions(model, task)
    w = task.windowing
    mean, std = values[: w.split].mean(), values[: w.split].std()
    rows = pred.t.astype(int)
    np.testing.assert_array_equal(pred.truth, values[rows])
    for k in (8, 60, len(rows) - 1):
        i = rows[k]
        x = torch.tensor((values[i - 8 : i] - mean) / std, dtype=torch.float32).reshape(8, 1, 1)
        with torch.no_grad():
            z = model(x)[0][0, 0].item()
        assert pred.one_step[k] == pytest.approx(z * std + mean, rel=1e-5)
    assert np.isnan(pred.free_running[: w.split - rows[0]]).all()
    assert np.isfinite(pred.free_running[w.split - rows[0] :]).all()
    assert pred.t[pred.warmup] == w.split


def test_a_short_run_beats_the_mean_but_not_persistence():
    """The README's run: far below the training mean's MSE, and still above persistence
    ("tomorrow = today"), the stronger baseline it is judged against."""
    config = RunConfig(task="series", seq_len=20, hidden=16, steps=150, lr=0.01, seed=0)
    trainer = Trainer(config)
    trainer.run()
    task = trainer.task
    final = trainer.history.val_losses[-1]
    assert trainer.status == "completed"
    assert final < 0.2 * task.mean_baseline_loss(), (final, task.mean_baseline_loss())
    assert task.baseline_loss() == task.persistence_loss() < final
    assert math.isfinite(final) and task.windowing.n_values > MIN_VALUES

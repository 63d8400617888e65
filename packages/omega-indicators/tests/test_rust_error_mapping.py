"""Errors raised in Rust reach Python as the documented exception, with the Rust message."""

from __future__ import annotations

import numpy as np
import pytest

from omega_indicators import _rust

NAN = np.nan


def _series(rows: list[list[float]]) -> list[np.ndarray]:
    table = np.array(rows, dtype=np.float64).reshape(-1, 5)
    timestamps = np.arange(len(table), dtype=np.int64) * 60_000_000
    return [timestamps, *(np.ascontiguousarray(table[:, k]) for k in range(5))]


def test_valid_series_is_counted_and_not_mutated() -> None:
    columns = _series([[1.0, 2.0, 0.5, 1.5, 10.0], [NAN, NAN, NAN, NAN, NAN]])
    for column in columns:
        column.flags.writeable = False
    before = [c.copy() for c in columns]
    calls = _rust.call_count()
    assert _rust.validate_ohlcv(*columns) == 2
    assert _rust.call_count() == calls + 1
    for column, original in zip(columns, before, strict=True):
        np.testing.assert_array_equal(column, original)


def test_high_below_low_is_a_value_error_naming_column_and_row() -> None:
    columns = _series([[1.0, 2.0, 0.5, 1.5, 1.0], [1.0, 0.5, 1.0, 1.0, 1.0]])
    with pytest.raises(
        ValueError, match=r"^high: expected high >= low, got high 0.5 < low 1 at row 1$"
    ):
        _rust.validate_ohlcv(*columns)


def test_length_mismatch_and_duplicate_timestamps_are_value_errors() -> None:
    timestamps, open_, high, low, close, volume = _series([[1.0, 1.0, 1.0, 1.0, 1.0]] * 3)
    with pytest.raises(ValueError, match=r"^low: expected length 3 \(same as timestamps\), got 2$"):
        _rust.validate_ohlcv(timestamps, open_, high, low[:2].copy(), close, volume)
    timestamps[2] = timestamps[1]
    with pytest.raises(ValueError, match=r"^timestamps: expected strictly increasing"):
        _rust.validate_ohlcv(timestamps, open_, high, low, close, volume)


def test_infinite_price_is_a_value_error() -> None:
    columns = _series([[1.0, np.inf, 1.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match=r"^high: expected a finite price"):
        _rust.validate_ohlcv(*columns)


def test_non_contiguous_array_is_a_type_error_naming_the_argument() -> None:
    timestamps, open_, high, low, close, volume = _series([[1.0, 1.0, 1.0, 1.0, 1.0]] * 4)
    strided = np.repeat(close, 2)[::2]
    assert not strided.flags.c_contiguous
    with pytest.raises(TypeError, match=r"^close: expected a C-contiguous 1-D array"):
        _rust.validate_ohlcv(timestamps, open_, high, low, strided, volume)


def test_wrong_dtype_is_a_type_error() -> None:
    timestamps, open_, high, low, close, volume = _series([[1.0, 1.0, 1.0, 1.0, 1.0]])
    with pytest.raises(TypeError):
        _rust.validate_ohlcv(timestamps, open_.astype(np.float32), high, low, close, volume)

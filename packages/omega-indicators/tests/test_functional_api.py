"""The public functional API: conversion, dispatch to the selected backend, bad input."""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import omega_indicators as oi
from omega_indicators import _python, _rust
from omega_indicators._backend import STATE
from omega_indicators._convert import as_float_array

KERNELS = [
    name
    for name, obj in vars(_python).items()
    if inspect.isfunction(obj) and not name.startswith("_")
]
# Kernels the public API reaches through other entry points (data model, IndicatorCache).
INTERNAL = ("validate_ohlcv", "primary_to_htf_index", "compute_batch")
PUBLIC = [n for n in KERNELS if n not in INTERNAL]


def _prices(n: int = 500, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 1.1 * np.exp(np.cumsum(rng.normal(0.0, 1e-3, n)))


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def test_both_backends_expose_the_same_functions_with_the_same_signatures() -> None:
    assert len(KERNELS) == 28
    for name in KERNELS:
        assert hasattr(_rust, name), f"_rust lacks {name}"
        rust_params = inspect.signature(getattr(_rust, name)).parameters
        python_params = inspect.signature(getattr(_python, name)).parameters
        assert list(rust_params) == list(python_params), name
        for param in python_params.values():
            assert rust_params[param.name].default == param.default, (name, param.name)


def test_public_functions_have_the_kernel_signatures() -> None:
    for name in PUBLIC:
        public = inspect.signature(getattr(oi, name)).parameters
        kernel = inspect.signature(getattr(_python, name)).parameters
        assert list(public) == list(kernel), name
        for param in kernel.values():
            assert public[param.name].default == param.default, (name, param.name)


def _call_all(x: np.ndarray) -> dict[str, Any]:
    high, low = x * 1.001, x * 0.999
    m = np.repeat(np.arange(len(x) // 4), 4)[: len(x)]
    h = x[::4][: m.max() + 1].copy()
    return {
        "sma": oi.sma(x, 10),
        "ema": oi.ema(x, 10),
        "dema": oi.dema(x, 10),
        "tema": oi.tema(x, 10),
        "rsi": oi.rsi(x),
        "roc": oi.roc(x),
        "momentum": oi.momentum(x),
        "rolling_std": oi.rolling_std(x, 20),
        "macd": oi.macd(x),
        "bollinger": oi.bollinger(x),
        "true_range": oi.true_range(high, low, x),
        "atr": oi.atr(high, low, x),
        "dmi": oi.dmi(high, low, x),
        "choppiness": oi.choppiness(high, low, x),
        "zscore": oi.zscore(x, 50),
        "zscore_ema": oi.zscore(x, 50, mean_source="ema", ema_period=20),
        "kalman_mean": oi.kalman_mean(x),
        "kalman_zscore": oi.kalman_zscore(x, 50),
        "garch_volatility": oi.garch_volatility(x, min_periods=20),
        "garch_volatility_local": oi.garch_volatility_local(x, 100, min_periods=20),
        "kalman_garch_zscore": oi.kalman_garch_zscore(x, min_periods=20),
        "kalman_garch_zscore_local": oi.kalman_garch_zscore_local(x, 100, min_periods=20),
        "vol_cluster_atr": oi.vol_cluster_series(high, low, x, "atr"),
        "vol_cluster_garch": oi.vol_cluster_series(high, low, x, "garch", garch_lookback=100),
        "ema_stepwise": oi.ema_stepwise(h, m, 5),
        "bollinger_stepwise": oi.bollinger_stepwise(h, m, 5),
        "kalman_zscore_stepwise": oi.kalman_zscore_stepwise(h, m, 10),
    }


def test_rust_and_python_backends_agree_bit_for_bit_through_the_public_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x = _prices()
    x[100:103] = np.nan
    before = oi.backend_calls()
    rust = _call_all(x)
    assert oi.backend() == "rust"
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", "0")
    STATE.reset()
    try:
        python = _call_all(x)
        assert oi.backend() == "python"
    finally:
        monkeypatch.undo()
        STATE.reset()
    after = oi.backend_calls()
    assert after["rust"] - before["rust"] == len(rust)
    assert after["python"] - before["python"] == len(python)
    for name, value in rust.items():
        if isinstance(value, tuple):
            assert type(value) is type(python[name]), name
            for a, b in zip(value, python[name], strict=True):
                assert _same(a, b), name
        else:
            assert _same(value, python[name]), name


def test_multi_output_functions_return_named_tuples() -> None:
    x = _prices()
    assert oi.macd(x)._fields == ("macd", "signal", "hist")
    assert oi.bollinger(x)._fields == ("upper", "middle", "lower")
    assert oi.dmi(x * 1.01, x * 0.99, x)._fields == ("plus_di", "minus_di", "adx")


@pytest.mark.parametrize(
    "convert",
    [
        list,
        pd.Series,
        pa.array,
        lambda a: a.astype(">f8"),
        lambda a: np.repeat(a, 2)[::2],
        np.asfortranarray,
    ],
    ids=["list", "series", "pyarrow", "big-endian", "strided", "fortran"],
)
def test_any_float_array_like_is_accepted(convert: Any) -> None:
    x = _prices(300)
    assert _same(oi.ema(convert(x), 12), oi.ema(x, 12))


def test_integer_and_float32_arrays_are_converted() -> None:
    ints = np.arange(1, 50, dtype=np.int32)
    assert _same(oi.sma(ints, 5), oi.sma(ints.astype(np.float64), 5))
    f32 = _prices(100).astype(np.float32)
    assert _same(oi.sma(f32, 5), oi.sma(f32.astype(np.float64), 5))


def test_contiguous_float64_input_is_used_without_copy_and_never_written() -> None:
    x = _prices(100)
    assert as_float_array("values", x) is x
    x.flags.writeable = False
    before = x.copy()
    oi.bollinger(x, 20)
    assert _same(x, before)


def test_pandas_nullable_and_pyarrow_nulls_become_nan() -> None:
    x = _prices(60)
    series = pd.Series(x, dtype="Float64")
    series[10] = pd.NA
    expected = x.copy()
    expected[10] = np.nan
    assert _same(oi.sma(series, 5), oi.sma(expected, 5))
    arrow = pa.array(expected, from_pandas=True)
    assert arrow.null_count == 1
    assert _same(oi.sma(arrow, 5), oi.sma(expected, 5))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: oi.ema(np.ones((3, 3)), 2), ValueError, "values: expected a 1-D array"),
        (lambda: oi.ema(["a", "b"], 2), TypeError, "values: expected a 1-D float array-like"),
        (lambda: oi.ema(np.array([1, 2], dtype=object), 1), TypeError, "got dtype object"),
        (lambda: oi.ema(np.ones(5), 2.0), TypeError, "period: expected an integer, got float"),  # type: ignore[arg-type]
        (lambda: oi.ema(np.ones(5), True), TypeError, "period: expected an integer, got bool"),
        (lambda: oi.ema(np.ones(5), -3), ValueError, "period: expected a non-negative integer"),
        (lambda: oi.bollinger(np.ones(5), 2, "2"), TypeError, "std_factor: expected a number"),  # type: ignore[arg-type]
        (lambda: oi.ema_stepwise(np.ones(3), [0.5, 1.0], 2), TypeError, "primary_to_htf"),
    ],
)
def test_bad_arguments_are_rejected_before_any_kernel_runs(
    call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


KERNEL_ERRORS: list[tuple[Callable[[], object], str]] = [
    (
        lambda: oi.ema(np.array([]), 1),
        "values: expected a non-empty array, got length 0",
    ),
    (
        lambda: oi.ema(np.ones(5), 0),
        "period: expected an integer >= 1 and <= len(values) = 5, got 0",
    ),
    (
        lambda: oi.ema(np.ones(5), 6),
        "period: expected an integer >= 1 and <= len(values) = 5, got 6",
    ),
    (
        lambda: oi.sma(np.array([1.0, np.inf]), 1),
        "values: expected finite numbers or NaN, got inf at index 1",
    ),
    (
        lambda: oi.atr(np.ones(3), np.ones(2), np.ones(3)),
        "low: expected length 3 (same as high), got 2",
    ),
    (
        lambda: oi.atr(np.array([1.0, 1.0]), np.array([1.0, 2.0]), np.ones(2), 1),
        "high: expected high >= low, got high 1 < low 2 at index 1",
    ),
    (
        lambda: oi.zscore(np.ones(5), 3, mean_source="median"),  # type: ignore[arg-type]
        'mean_source: expected one of rolling, ema, got "median"',
    ),
    (
        lambda: oi.kalman_mean(np.ones(5), R=0.0),
        "R: expected a finite number > 0, got 0",
    ),
]


@pytest.mark.parametrize("index", range(len(KERNEL_ERRORS)))
def test_kernel_errors_are_identical_on_both_backends(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    call, message = KERNEL_ERRORS[index]
    exact = f"^{re.escape(message)}$"
    with pytest.raises(ValueError, match=exact):
        call()
    monkeypatch.setenv("OMEGA_USE_RUST_INDICATORS", "0")
    STATE.reset()
    try:
        with pytest.raises(ValueError, match=exact):
            call()
        assert oi.backend() == "python"
    finally:
        monkeypatch.undo()
        STATE.reset()


def test_two_threads_compute_at_once_and_get_correct_results() -> None:
    inputs = [_prices(400_000, seed) for seed in (1, 2)]
    expected = [oi.kalman_zscore(x, 200) for x in inputs]
    results: dict[int, np.ndarray] = {}
    start = threading.Barrier(2)

    def work(i: int) -> None:
        start.wait()
        for _ in range(3):
            results[i] = oi.kalman_zscore(inputs[i], 200)

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in (0, 1):
        assert _same(results[i], expected[i])

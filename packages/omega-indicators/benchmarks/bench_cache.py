"""IndicatorCache overheads (pytest-benchmark; run by ``nox -s bench``).

- a cache hit (numpy and pandas API), target <= 2 us;
- wrapper overhead: first ``ema()`` (pandas) call minus first ``ema_array()`` call, <= 30 us;
- ``compute_batch`` of 10 indicators vs the 10 ``_array`` calls one by one (1M primary bars).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from omega_indicators import AlignedMultiCandleData, IndicatorCache

N_BARS = 1_000_000
SPECS: list[dict[str, Any]] = [
    {"name": "ema", "period": 20},
    {"name": "sma", "period": 50},
    {"name": "rsi", "period": 14},
    {"name": "atr", "period": 14},
    {"name": "macd"},
    {"name": "bollinger", "period": 20},
    {"name": "dmi", "period": 14},
    {"name": "zscore", "window": 100},
    {"name": "kalman_zscore", "window": 100},
    {"name": "garch_volatility"},
]


def make_data(n: int = N_BARS, seed: int = 11) -> AlignedMultiCandleData:
    """``n`` M5 bid candles of a synthetic EURUSD-like walk."""
    rng = np.random.default_rng(seed)
    close = 1.1 * np.exp(np.cumsum(rng.normal(0.0, 2e-4, n)))
    open_ = np.concatenate([[close[0]], close[:-1]])
    wiggle = np.abs(rng.normal(0.0, 1e-4, n))
    frame = {
        "timestamp": pd.date_range("2020-01-01", periods=n, freq="5min", tz="UTC"),
        "open": open_,
        "high": np.maximum(open_, close) + wiggle,
        "low": np.minimum(open_, close) - wiggle,
        "close": close,
    }
    return AlignedMultiCandleData.from_frames({"M5": {"bid": frame}})


@pytest.fixture(scope="module")
def data() -> AlignedMultiCandleData:
    return make_data()


def test_cache_hit_array(benchmark: Any, data: AlignedMultiCandleData) -> None:
    cache = IndicatorCache(data)
    cache.ema_array("M5", "bid", 20)
    benchmark(cache.ema_array, "M5", "bid", 20)


def test_cache_hit_series(benchmark: Any, data: AlignedMultiCandleData) -> None:
    cache = IndicatorCache(data)
    cache.ema("M5", "bid", 20)
    benchmark(cache.ema, "M5", "bid", 20)


def test_first_call_array(benchmark: Any, data: AlignedMultiCandleData) -> None:
    benchmark.pedantic(
        lambda cache: cache.ema_array("M5", "bid", 20),
        setup=lambda: ((IndicatorCache(data),), {}),
        rounds=15,
    )


def test_first_call_series(benchmark: Any, data: AlignedMultiCandleData) -> None:
    benchmark.pedantic(
        lambda cache: cache.ema("M5", "bid", 20),
        setup=lambda: ((IndicatorCache(data),), {}),
        rounds=15,
    )


def test_compute_batch_10(benchmark: Any, data: AlignedMultiCandleData) -> None:
    benchmark.pedantic(
        lambda cache: cache.compute_batch(SPECS, "M5", "bid"),
        setup=lambda: ((IndicatorCache(data),), {}),
        rounds=5,
    )


def test_ten_array_calls(benchmark: Any, data: AlignedMultiCandleData) -> None:
    def one_by_one(cache: IndicatorCache) -> None:
        for spec in SPECS:
            params = {k: v for k, v in spec.items() if k != "name"}
            cache.get_array(spec["name"], "M5", "bid", **params)

    benchmark.pedantic(one_by_one, setup=lambda: ((IndicatorCache(data),), {}), rounds=5)

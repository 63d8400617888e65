"""omega-indicators.

Technical indicators for trading: TA-Lib-compatible kernels in Rust with a pure-Python
fallback, an ``IndicatorCache`` over multi-timeframe bid/ask data, and streaming updates.

>>> import numpy as np, omega_indicators as oi
>>> oi.ema(np.array([1.0, 2.0, 3.0, 4.0]), 2)[1:].round(6).tolist()
[1.5, 2.5, 3.5]
"""

from importlib.metadata import version as _version

from . import stream
from ._backend import backend, backend_calls, rust_available
from .cache import IndicatorCache, get_cached_indicator_cache
from .data import AlignedMultiCandleData, CandleSeries
from .functional import (
    Bollinger,
    Dmi,
    Macd,
    atr,
    bollinger,
    bollinger_stepwise,
    choppiness,
    dema,
    dmi,
    ema,
    ema_stepwise,
    garch_volatility,
    garch_volatility_local,
    kalman_garch_zscore,
    kalman_garch_zscore_local,
    kalman_mean,
    kalman_zscore,
    kalman_zscore_stepwise,
    macd,
    momentum,
    roc,
    rolling_std,
    rsi,
    sma,
    tema,
    true_range,
    vol_cluster_series,
    zscore,
)

__version__ = _version("omega-indicators")

__all__ = [
    "AlignedMultiCandleData",
    "Bollinger",
    "CandleSeries",
    "Dmi",
    "IndicatorCache",
    "Macd",
    "__version__",
    "atr",
    "backend",
    "backend_calls",
    "bollinger",
    "bollinger_stepwise",
    "choppiness",
    "dema",
    "dmi",
    "ema",
    "ema_stepwise",
    "garch_volatility",
    "garch_volatility_local",
    "get_cached_indicator_cache",
    "kalman_garch_zscore",
    "kalman_garch_zscore_local",
    "kalman_mean",
    "kalman_zscore",
    "kalman_zscore_stepwise",
    "macd",
    "momentum",
    "roc",
    "rolling_std",
    "rsi",
    "rust_available",
    "sma",
    "stream",
    "tema",
    "true_range",
    "vol_cluster_series",
    "zscore",
]

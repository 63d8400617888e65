"""The functional API, TA-Lib style: one function per indicator, arrays in, arrays out.

Every function accepts any 1-D float array-like (numpy arrays of any float/int dtype or byte
order, lists, pandas Series, pyarrow arrays) and returns float64 numpy arrays of the same
length; a C-contiguous float64 numpy input is used as is, without a copy, and never modified.
Warm-up positions are NaN. A NaN input bar gives NaN at that position and the indicator carries
on as if the bar were not there. Formulas, warm-up lengths and TA-Lib equivalents:
``docs/indicators.md``. The work runs on the backend ``omega_indicators.backend()`` names.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ._convert import FloatArray, as_count, as_float, as_float_array
from ._dispatch import kernels
from ._python.bollinger import Bollinger
from ._python.dmi import Dmi
from ._python.macd import Macd

__all__ = [
    "Bollinger",
    "Dmi",
    "Macd",
    "atr",
    "bollinger",
    "bollinger_stepwise",
    "choppiness",
    "dema",
    "dmi",
    "ema",
    "ema_stepwise",
    "garch_volatility",
    "garch_volatility_local",
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
    "sma",
    "tema",
    "true_range",
    "vol_cluster_series",
    "zscore",
]


def _one(kernel: str, *args: object) -> FloatArray:
    """Calls a single-output kernel of the active backend."""
    out: FloatArray = getattr(kernels(), kernel)(*args)
    return out


def _three(kernel: str, *args: object) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Calls a three-output kernel of the active backend."""
    first, second, third = getattr(kernels(), kernel)(*args)
    return first, second, third


def _bars(high: Any, low: Any, close: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
    return as_float_array("high", high), as_float_array("low", low), as_float_array("close", close)


def _map(primary_to_htf: Any) -> NDArray[np.int64]:
    array = np.asarray(primary_to_htf)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        raise TypeError(
            "primary_to_htf: expected a 1-D integer array, "
            f"got {array.dtype} of shape {array.shape}"
        )
    return np.ascontiguousarray(array, dtype=np.int64)


def _garch(
    alpha: float,
    beta: float,
    omega: float | None,
    use_log_returns: bool,
    scale: float,
    min_periods: int,
    sigma_floor: float,
) -> tuple[float, float, float | None, bool, float, int, float]:
    if not isinstance(use_log_returns, bool | np.bool_):
        raise TypeError(f"use_log_returns: expected a bool, got {type(use_log_returns).__name__}")
    return (
        as_float("alpha", alpha),
        as_float("beta", beta),
        None if omega is None else as_float("omega", omega),
        bool(use_log_returns),
        as_float("scale", scale),
        as_count("min_periods", min_periods),
        as_float("sigma_floor", sigma_floor),
    )


def sma(values: Any, period: int) -> FloatArray:
    """Simple moving average (TA-Lib ``SMA``); warm-up ``period - 1`` bars."""
    return _one("sma", as_float_array("values", values), as_count("period", period))


def ema(values: Any, period: int) -> FloatArray:
    """EMA seeded with the SMA of the first ``period`` values (TA-Lib ``EMA``)."""
    return _one("ema", as_float_array("values", values), as_count("period", period))


def dema(values: Any, period: int) -> FloatArray:
    """Double EMA ``2·EMA − EMA(EMA)`` (TA-Lib ``DEMA``); warm-up ``2·(period − 1)``."""
    return _one("dema", as_float_array("values", values), as_count("period", period))


def tema(values: Any, period: int) -> FloatArray:
    """Triple EMA (TA-Lib ``TEMA``); warm-up ``3·(period − 1)``."""
    return _one("tema", as_float_array("values", values), as_count("period", period))


def rsi(values: Any, period: int = 14) -> FloatArray:
    """Wilder's relative strength index in [0, 100] (TA-Lib ``RSI``); warm-up ``period``."""
    return _one("rsi", as_float_array("values", values), as_count("period", period))


def roc(values: Any, period: int = 10) -> FloatArray:
    """Rate of change ``(x / x[−period] − 1)·100`` (TA-Lib ``ROC``; 0 when the old price is 0)."""
    return _one("roc", as_float_array("values", values), as_count("period", period))


def momentum(values: Any, period: int = 10) -> FloatArray:
    """Momentum ``x − x[−period]`` (TA-Lib ``MOM``)."""
    return _one("momentum", as_float_array("values", values), as_count("period", period))


def rolling_std(values: Any, period: int) -> FloatArray:
    """Rolling population standard deviation (TA-Lib ``STDDEV`` with ``nbdev=1``)."""
    return _one("rolling_std", as_float_array("values", values), as_count("period", period))


def macd(values: Any, fast: int = 12, slow: int = 26, signal: int = 9) -> Macd:
    """MACD line, signal line and histogram (TA-Lib ``MACD``; warm-up ``slow + signal − 2``)."""
    x = as_float_array("values", values)
    args = (as_count("fast", fast), as_count("slow", slow), as_count("signal", signal))
    return Macd(*_three("macd", x, *args))


def bollinger(values: Any, period: int = 20, std_factor: float = 2.0) -> Bollinger:
    """Bollinger bands ``SMA ± std_factor·σ`` with population σ (TA-Lib ``BBANDS``)."""
    x = as_float_array("values", values)
    return Bollinger(
        *_three("bollinger", x, as_count("period", period), as_float("std_factor", std_factor))
    )


def true_range(high: Any, low: Any, close: Any) -> FloatArray:
    """True range ``max(high, close[−1]) − min(low, close[−1])`` (TA-Lib ``TRANGE``; bar 0 NaN)."""
    return _one("true_range", *_bars(high, low, close))


def atr(high: Any, low: Any, close: Any, period: int = 14) -> FloatArray:
    """Wilder's average true range (TA-Lib ``ATR``); warm-up ``period`` bars."""
    return _one("atr", *_bars(high, low, close), as_count("period", period))


def dmi(high: Any, low: Any, close: Any, period: int = 14) -> Dmi:
    """+DI, −DI and ADX (TA-Lib ``PLUS_DI``, ``MINUS_DI``, ``ADX``; ADX warm-up 2·period − 1)."""
    return Dmi(*_three("dmi", *_bars(high, low, close), as_count("period", period)))


def choppiness(high: Any, low: Any, close: Any, period: int = 14) -> FloatArray:
    """Choppiness index ``100·log10(ΣTR / (max high − min low)) / log10(period)``."""
    return _one("choppiness", *_bars(high, low, close), as_count("period", period))


def zscore(
    values: Any,
    window: int = 100,
    mean_source: Literal["rolling", "ema"] = "rolling",
    ema_period: int | None = None,
) -> FloatArray:
    """``(x − mean) / σ`` over ``window`` bars; mean = rolling mean or EMA(``ema_period``)."""
    period = None if ema_period is None else as_count("ema_period", ema_period)
    x = as_float_array("values", values)
    return _one("zscore", x, as_count("window", window), mean_source, period)


def kalman_mean(values: Any, R: float = 0.01, Q: float = 1.0) -> FloatArray:
    """Local-level Kalman filter mean (measurement variance ``R``, process variance ``Q``)."""
    x = as_float_array("values", values)
    return _one("kalman_mean", x, as_float("R", R), as_float("Q", Q))


def kalman_zscore(
    values: Any,
    window: int = 100,
    R: float = 0.01,
    Q: float = 1.0,
) -> FloatArray:
    """Z-score of ``x − kalman_mean`` over ``window`` bars."""
    x = as_float_array("values", values)
    return _one("kalman_zscore", x, as_count("window", window), as_float("R", R), as_float("Q", Q))


def garch_volatility(
    values: Any,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> FloatArray:
    """GARCH(1,1) conditional σ of returns; fixed parameters, variance targeting if no ``omega``."""
    params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    return _one("garch_volatility", as_float_array("values", values), *params)


def garch_volatility_local(
    values: Any,
    lookback: int = 400,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> FloatArray:
    """GARCH(1,1) σ fitted afresh on the trailing ``lookback`` bars at every bar."""
    params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    x = as_float_array("values", values)
    return _one("garch_volatility_local", x, as_count("lookback", lookback), *params)


def kalman_garch_zscore(
    values: Any,
    R: float = 0.01,
    Q: float = 1.0,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> FloatArray:
    """``(x − kalman_mean) / (σ_garch · x)``."""
    params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    x = as_float_array("values", values)
    return _one("kalman_garch_zscore", x, as_float("R", R), as_float("Q", Q), *params)


def kalman_garch_zscore_local(
    values: Any,
    lookback: int = 400,
    R: float = 0.01,
    Q: float = 1.0,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> FloatArray:
    """:func:`kalman_garch_zscore` with the local-window σ of :func:`garch_volatility_local`."""
    params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    x = as_float_array("values", values)
    head = (as_count("lookback", lookback), as_float("R", R), as_float("Q", Q))
    return _one("kalman_garch_zscore_local", x, *head, *params)


def vol_cluster_series(
    high: Any,
    low: Any,
    close: Any,
    mode: Literal["atr", "garch"],
    atr_period: int = 14,
    garch_lookback: int = 400,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> FloatArray:
    """Volatility feature for regime clustering: ATR (``mode="atr"``) or local GARCH σ."""
    params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    periods = (as_count("atr_period", atr_period), as_count("garch_lookback", garch_lookback))
    return _one("vol_cluster_series", *_bars(high, low, close), mode, *periods, *params)


def ema_stepwise(htf_close: Any, primary_to_htf: Any, period: int) -> FloatArray:
    """EMA of the HTF closes (one per HTF bar), forward-filled onto the primary bars."""
    h = as_float_array("htf_close", htf_close)
    return _one("ema_stepwise", h, _map(primary_to_htf), as_count("period", period))


def bollinger_stepwise(
    htf_close: Any, primary_to_htf: Any, period: int = 20, std_factor: float = 2.0
) -> Bollinger:
    """Bollinger bands of the HTF closes, forward-filled onto the primary bars."""
    h = as_float_array("htf_close", htf_close)
    args = (_map(primary_to_htf), as_count("period", period), as_float("std_factor", std_factor))
    return Bollinger(*_three("bollinger_stepwise", h, *args))


def kalman_zscore_stepwise(
    htf_close: Any,
    primary_to_htf: Any,
    window: int = 100,
    R: float = 0.01,
    Q: float = 1.0,
) -> FloatArray:
    """Kalman z-score of the HTF closes, forward-filled onto the primary bars."""
    h = as_float_array("htf_close", htf_close)
    args = (_map(primary_to_htf), as_count("window", window), as_float("R", R), as_float("Q", Q))
    return _one("kalman_zscore_stepwise", h, *args)

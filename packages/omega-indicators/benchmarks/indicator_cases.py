"""The benchmark cases of omega-indicators, shared by ``bench_indicators.py`` (pytest-benchmark)
and ``write_report.py`` (the ``docs/benchmarks.md`` table).

Each case calls one indicator three ways on the same data: the public API
(``omega_indicators.<name>``, which must be on the Rust backend), the pure-Python fallback
(``omega_indicators._python.<name>``) and, where TA-Lib has the indicator, ``talib.<FUNC>``
with the same parameters (DMI against ``PLUS_DI`` + ``MINUS_DI`` + ``ADX`` together).

Data: a seeded geometric random walk of ``n`` closes around 100 (strictly positive, no NaN),
with highs and lows a random distance above and below the close; the stepwise cases use one
HTF bar per 15 primary bars (``n // 15`` HTF closes, forward-filled onto ``n`` bars).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

# The public API must serve these calls from Rust (an unusable extension is an error here).
os.environ.setdefault("OMEGA_USE_RUST_INDICATORS", "1")

import omega_indicators as oi
from omega_indicators import _python as py

__all__ = ["BARS", "Call", "Case", "Data", "cases", "make_data", "oi", "output_bytes", "py"]

FloatArray = NDArray[np.float64]
Call = Callable[[], Any]

BARS = int(os.environ.get("OMEGA_BENCH_BARS", "1000000"))
HTF_EVERY = 15


@dataclass(frozen=True)
class Data:
    """The benchmark inputs (all float64, C-contiguous)."""

    close: FloatArray
    high: FloatArray
    low: FloatArray
    htf_close: FloatArray
    primary_to_htf: NDArray[np.int64]


def make_data(n: int = BARS, seed: int = 20261121) -> Data:
    """Deterministic price-like bars (no NaN, close strictly positive)."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 1e-3, n)))
    spread = close * 1e-3
    high = close + spread * rng.random(n)
    low = close - spread * rng.random(n)
    m = max(n // HTF_EVERY, 1)
    htf_close = np.ascontiguousarray(close[HTF_EVERY - 1 :: HTF_EVERY][:m])
    # Primary bar i sees HTF bar (i + 1) // 15 - 1 (the last one closed by then), -1 before.
    primary_to_htf = np.minimum((np.arange(n) + 1) // HTF_EVERY - 1, m - 1).astype(np.int64)
    return Data(close, high, low, htf_close, primary_to_htf)


@dataclass(frozen=True)
class Case:
    """One indicator, called three ways."""

    name: str
    """Row label, e.g. ``ema(20)``."""
    rust: Call
    python: Call
    talib: Call | None
    talib_name: str
    """What the TA-Lib column calls ('' when TA-Lib has no equivalent)."""
    in_talib_target: bool
    """Part of the "≤ 1.0× TA-Lib each, geometric mean ≤ 0.7×" set of issue 3."""
    python_target: float
    """Required Rust-vs-Python speed-up (×)."""


def _talib() -> Any | None:
    try:
        return importlib.import_module("talib")
    except ImportError:  # the report says so; the Rust/Python columns still run
        return None


def cases(d: Data) -> list[Case]:
    """Every indicator of the functional API, with the parameters of the report."""
    ta: Any = _talib()
    x, h, lo = d.close, d.high, d.low
    hc, m = d.htf_close, d.primary_to_htf

    def t(f: Call) -> Call | None:
        return f if ta is not None else None

    def dmi_talib() -> Any:
        assert ta is not None
        return (
            ta.PLUS_DI(h, lo, x, timeperiod=14),
            ta.MINUS_DI(h, lo, x, timeperiod=14),
            ta.ADX(h, lo, x, timeperiod=14),
        )

    def c(
        name: str,
        rust: Call,
        python: Call,
        talib: Call | None = None,
        talib_name: str = "",
        *,
        target: bool = False,
        speedup: float = 5.0,
    ) -> Case:
        return Case(name, rust, python, talib, talib_name, target, speedup)

    return [
        c("ema(20)", lambda: oi.ema(x, 20), lambda: py.ema(x, 20),
          t(lambda: ta.EMA(x, 20)), "EMA", target=True),
        c("sma(20)", lambda: oi.sma(x, 20), lambda: py.sma(x, 20),
          t(lambda: ta.SMA(x, 20)), "SMA", target=True),
        c("rsi(14)", lambda: oi.rsi(x, 14), lambda: py.rsi(x, 14),
          t(lambda: ta.RSI(x, 14)), "RSI", target=True),
        c("macd(12,26,9)", lambda: oi.macd(x, 12, 26, 9), lambda: py.macd(x, 12, 26, 9),
          t(lambda: ta.MACD(x, 12, 26, 9)), "MACD", target=True),
        c("bollinger(20,2)", lambda: oi.bollinger(x, 20, 2.0), lambda: py.bollinger(x, 20, 2.0),
          t(lambda: ta.BBANDS(x, 20, 2.0, 2.0, 0)), "BBANDS", target=True),
        c("atr(14)", lambda: oi.atr(h, lo, x, 14), lambda: py.atr(h, lo, x, 14),
          t(lambda: ta.ATR(h, lo, x, 14)), "ATR", target=True, speedup=50.0),
        c("dmi(14)", lambda: oi.dmi(h, lo, x, 14), lambda: py.dmi(h, lo, x, 14),
          t(dmi_talib), "PLUS_DI+MINUS_DI+ADX", target=True, speedup=50.0),
        c("roc(10)", lambda: oi.roc(x, 10), lambda: py.roc(x, 10),
          t(lambda: ta.ROC(x, 10)), "ROC", target=True),
        c("momentum(10)", lambda: oi.momentum(x, 10), lambda: py.momentum(x, 10),
          t(lambda: ta.MOM(x, 10)), "MOM", target=True),
        c("dema(20)", lambda: oi.dema(x, 20), lambda: py.dema(x, 20),
          t(lambda: ta.DEMA(x, 20)), "DEMA", target=True),
        c("tema(20)", lambda: oi.tema(x, 20), lambda: py.tema(x, 20),
          t(lambda: ta.TEMA(x, 20)), "TEMA", target=True),
        c("rolling_std(20)", lambda: oi.rolling_std(x, 20), lambda: py.rolling_std(x, 20),
          t(lambda: ta.STDDEV(x, 20, 1.0)), "STDDEV", target=True),
        c("true_range", lambda: oi.true_range(h, lo, x), lambda: py.true_range(h, lo, x),
          t(lambda: ta.TRANGE(h, lo, x)), "TRANGE"),
        c("choppiness(14)", lambda: oi.choppiness(h, lo, x, 14),
          lambda: py.choppiness(h, lo, x, 14)),
        c("zscore(100)", lambda: oi.zscore(x, 100), lambda: py.zscore(x, 100)),
        c("zscore(100, ema)", lambda: oi.zscore(x, 100, "ema"),
          lambda: py.zscore(x, 100, "ema")),
        c("kalman_mean", lambda: oi.kalman_mean(x), lambda: py.kalman_mean(x), speedup=50.0),
        c("kalman_zscore(100)", lambda: oi.kalman_zscore(x, 100),
          lambda: py.kalman_zscore(x, 100), speedup=50.0),
        c("garch_volatility", lambda: oi.garch_volatility(x),
          lambda: py.garch_volatility(x), speedup=50.0),
        c("garch_volatility_local(400)", lambda: oi.garch_volatility_local(x, 400),
          lambda: py.garch_volatility_local(x, 400), speedup=50.0),
        c("kalman_garch_zscore", lambda: oi.kalman_garch_zscore(x),
          lambda: py.kalman_garch_zscore(x), speedup=50.0),
        c("kalman_garch_zscore_local(400)", lambda: oi.kalman_garch_zscore_local(x, 400),
          lambda: py.kalman_garch_zscore_local(x, 400), speedup=50.0),
        c("vol_cluster_series(atr)", lambda: oi.vol_cluster_series(h, lo, x, "atr"),
          lambda: py.vol_cluster_series(h, lo, x, "atr")),
        c("vol_cluster_series(garch)", lambda: oi.vol_cluster_series(h, lo, x, "garch"),
          lambda: py.vol_cluster_series(h, lo, x, "garch")),
        c("ema_stepwise(20), 1/15 HTF", lambda: oi.ema_stepwise(hc, m, 20),
          lambda: py.ema_stepwise(hc, m, 20)),
        c("bollinger_stepwise(20), 1/15 HTF", lambda: oi.bollinger_stepwise(hc, m, 20),
          lambda: py.bollinger_stepwise(hc, m, 20)),
        c("kalman_zscore_stepwise(100), 1/15 HTF", lambda: oi.kalman_zscore_stepwise(hc, m),
          lambda: py.kalman_zscore_stepwise(hc, m), speedup=50.0),
    ]  # fmt: skip


def output_bytes(result: Any) -> int:
    """Total size of the arrays an indicator call returned."""
    if isinstance(result, np.ndarray):
        return int(result.nbytes)
    return sum(int(np.asarray(a).nbytes) for a in result)

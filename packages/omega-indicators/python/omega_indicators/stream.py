"""Streaming indicators: one object per indicator, fed one value (or one bar) at a time.

>>> from omega_indicators.stream import EMA
>>> ema = EMA(3)
>>> [ema.update(x) for x in (1.0, 2.0, 3.0, 4.0)][2:]
[2.0, 3.0]
>>> ema.peek(6.0), ema.value  # the value 6.0 would give; nothing committed
(4.5, 3.0)

Every class has

* ``update(x)`` — feeds one value (bar classes: ``update(high, low, close)`` or
  ``update(candle)``) and returns the indicator after it; O(1) state per update.
* ``peek(x)`` — what ``update(x)`` would return, without committing anything: the live value
  of a still-forming bar (the live HTF case). ``peek`` never changes the object.
* ``value`` — the output of the last ``update`` (NaN before the first one and during warm-up).
* ``reset()`` — back to the fresh state (same parameters); ``copy()`` — an independent copy.
* ``backend`` — ``"rust"`` or ``"python"``, chosen at construction from
  ``omega_indicators.backend()`` (``OMEGA_USE_RUST_INDICATORS``).

Parameters and defaults are those of the functional API (``omega_indicators.ema`` …), and
replaying a series through ``update`` gives the batch function's output bit for bit (NaN
positions included), on either backend.

NaN rule: ``update(NaN)`` (a bar with a NaN, or ``update(None)`` for a missing candle) returns
NaN and leaves the indicator's state as it was — the next value continues as if the NaN bar
were not there, exactly the batch rule. ``value`` then is NaN, as the batch output is there.

Bad input: ``±inf`` raises ``ValueError("value: expected a finite number or NaN, got inf")``
(the batch text without the index; the name is the argument: ``value``, ``htf_close``,
``high``, ``low``, ``close``); the GARCH family rejects prices ``<= 0``, bar classes
``high < low``; a non-number is a ``TypeError`` (``"value: expected a real number, got str"``).
Bad parameters raise what the state constructors raise (``"period: expected an integer >= 1,
got 0"``), the same text on both backends. A rejected value changes nothing.

Stepwise (HTF) classes — :class:`EMAStepwise`, :class:`BollingerStepwise`,
:class:`KalmanZScoreStepwise` — are the base indicator run on HTF closes: call
``update(htf_close)`` once per *closed* HTF bar; ``value`` is what every primary bar sees until
the next HTF close (the forward-fill of ``ema_stepwise`` & co.), and ``peek(forming_close)``
is the live value of the HTF bar still forming.

Three-output classes return NamedTuples: :class:`MacdPoint` ``(macd, signal, hist)``,
:class:`BollingerPoint` ``(upper, middle, lower)``, :class:`DmiPoint`
``(plus_di, minus_di, adx)``.

Speed: ``update``/``peek`` are the backend's own methods, bound on the object at construction
(no Python wrapper frame in between). Each construction, ``update``, ``peek`` and ``reset``
counts one call in the backend that served it (``omega_indicators.backend_calls()``). See
``docs/streaming.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, Literal, Protocol, TypeVar, Union, cast, overload

import numpy as np

from ._backend import STATE
from ._backend_select import Backend
from ._convert import as_count, as_float
from ._python import stream as _python_stream
from ._python.bollinger import BollingerPoint
from ._python.dmi import DmiPoint
from ._python.macd import MacdPoint

__all__ = [
    "ATR",
    "DEMA",
    "DMI",
    "EMA",
    "MACD",
    "ROC",
    "RSI",
    "SMA",
    "TEMA",
    "Bollinger",
    "BollingerPoint",
    "BollingerStepwise",
    "Candle",
    "CandleLike",
    "Choppiness",
    "DmiPoint",
    "EMAStepwise",
    "GarchVolatility",
    "GarchVolatilityLocal",
    "KalmanGarchZScore",
    "KalmanGarchZScoreLocal",
    "KalmanMean",
    "KalmanZScore",
    "KalmanZScoreStepwise",
    "MacdPoint",
    "Momentum",
    "RollingStd",
    "TrueRange",
    "VolCluster",
    "ZScore",
]

T = TypeVar("T")
S = TypeVar("S", bound="_Stream[Any]")


class CandleLike(Protocol):
    """Anything with ``high``, ``low`` and ``close`` attributes (a candle object)."""

    @property
    def high(self) -> float: ...

    @property
    def low(self) -> float: ...

    @property
    def close(self) -> float: ...


Candle = Union[CandleLike, Mapping[str, float], None]  # noqa: UP007
"""What bar classes take as ``update(candle)``: an object with ``high``/``low``/``close``
attributes, a mapping (``collections.abc.Mapping``) with those keys, or ``None`` (a missing
bar: NaN, state unchanged)."""


def _backend_class(name: str) -> tuple[Backend, Any]:
    """The backend selected now and its streaming class ``name``."""
    backend = STATE.backend()
    module = STATE.rust() if backend == "rust" else _python_stream
    return backend, getattr(module, name)


def _text(name: str, value: object) -> str:
    """A string option, ``TypeError`` naming ``name`` otherwise (the backends check the value)."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a str, got {type(value).__name__}")
    return value


def _garch(
    alpha: float,
    beta: float,
    omega: float | None,
    use_log_returns: bool,
    scale: float,
    min_periods: int,
    sigma_floor: float,
) -> dict[str, Any]:
    """The GARCH keyword parameters, type-checked (the backends check the values)."""
    if not isinstance(use_log_returns, bool | np.bool_):
        raise TypeError(f"use_log_returns: expected a bool, got {type(use_log_returns).__name__}")
    return {
        "alpha": as_float("alpha", alpha),
        "beta": as_float("beta", beta),
        "omega": None if omega is None else as_float("omega", omega),
        "use_log_returns": bool(use_log_returns),
        "scale": as_float("scale", scale),
        "min_periods": as_count("min_periods", min_periods),
        "sigma_floor": as_float("sigma_floor", sigma_floor),
    }


class _Stream(Generic[T]):
    """What every streaming class shares: backend choice, ``value``, ``reset``, ``copy``."""

    backend: Backend
    """``"rust"`` or ``"python"``: the backend serving this object (fixed at construction)."""

    _impl: Any
    _params: dict[str, Any]

    def _start(self, kind: str, **params: Any) -> None:
        """Builds the backend object ``kind`` with ``params`` (already type-checked)."""
        backend, cls = _backend_class(kind)
        self._bind(backend, cls(**params), params)

    def _bind(self, backend: Backend, impl: Any, params: dict[str, Any]) -> None:
        self.backend = backend
        self._impl = impl
        self._params = params
        # The hot path: the backend's bound methods serve update/peek directly (no wrapper
        # frame); the methods defined on the class document them and do the same.
        self.__dict__["update"] = impl.update
        self.__dict__["peek"] = impl.peek

    @property
    def value(self) -> T:
        """The output of the last :meth:`update` (NaN before the first and during warm-up)."""
        return cast(T, self._impl.value)

    def reset(self) -> None:
        """Forgets every value: the object is as freshly constructed (same parameters)."""
        self._impl.reset()

    def copy(self: S) -> S:
        """An independent copy (state, ``value`` and backend)."""
        other = object.__new__(type(self))
        other._bind(self.backend, self._impl.copy(), dict(self._params))
        return other

    def __copy__(self: S) -> S:
        return self.copy()

    def __deepcopy__(self: S, memo: dict[int, Any]) -> S:
        return self.copy()

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._params.items())
        return f"{type(self).__name__}({params}) [{self.backend}] value={self.value!r}"


class _SeriesStream(_Stream[T]):
    """One value per update."""

    def update(self, value: float) -> T:
        """Feeds one value; returns the indicator after it (NaN during warm-up, and for a NaN
        value, which leaves the state unchanged)."""
        return cast(T, self._impl.update(value))

    def peek(self, value: float) -> T:
        """What :meth:`update` would return for ``value``, without committing it."""
        return cast(T, self._impl.peek(value))


class _StepwiseStream(_Stream[T]):
    """One close per closed HTF bar."""

    def update(self, htf_close: float) -> T:
        """Feeds the close of an HTF bar that has just closed; returns the indicator after it,
        which is ``value`` for every primary bar until the next HTF close."""
        return cast(T, self._impl.update(htf_close))

    def peek(self, htf_close: float) -> T:
        """The live value for the still-forming HTF bar if it closed at ``htf_close`` (nothing
        is committed)."""
        return cast(T, self._impl.peek(htf_close))


class _BarStream(_Stream[T]):
    """One bar per update: ``update(high, low, close)`` or ``update(candle)``."""

    @overload
    def update(self, high: float, low: float, close: float) -> T: ...

    @overload
    def update(self, candle: Candle, /) -> T: ...

    def update(
        self, high: float | Candle, low: float | None = None, close: float | None = None
    ) -> T:
        """Feeds one bar — ``high, low, close``, or one candle (attributes or mapping keys
        ``high``/``low``/``close``; ``None`` is a missing bar) — and returns the indicator
        after it. A bar with a NaN returns NaN and leaves the state unchanged."""
        return cast(T, self._impl.update(high, low, close))

    @overload
    def peek(self, high: float, low: float, close: float) -> T: ...

    @overload
    def peek(self, candle: Candle, /) -> T: ...

    def peek(self, high: float | Candle, low: float | None = None, close: float | None = None) -> T:
        """What :meth:`update` would return for this bar, without committing it."""
        return cast(T, self._impl.peek(high, low, close))


# ------------------------------------------------------------------------ moving averages


class SMA(_SeriesStream[float]):
    """Simple moving average (TA-Lib ``SMA``); batch: :func:`omega_indicators.sma`."""

    def __init__(self, period: int) -> None:
        self._start("SmaStream", period=as_count("period", period))


class EMA(_SeriesStream[float]):
    """EMA seeded with the SMA of the first ``period`` values (TA-Lib ``EMA``); batch:
    :func:`omega_indicators.ema`."""

    def __init__(self, period: int) -> None:
        self._start("EmaStream", period=as_count("period", period))


class DEMA(_SeriesStream[float]):
    """Double EMA (TA-Lib ``DEMA``); batch: :func:`omega_indicators.dema`."""

    def __init__(self, period: int) -> None:
        self._start("DemaStream", period=as_count("period", period))


class TEMA(_SeriesStream[float]):
    """Triple EMA (TA-Lib ``TEMA``); batch: :func:`omega_indicators.tema`."""

    def __init__(self, period: int) -> None:
        self._start("TemaStream", period=as_count("period", period))


# ------------------------------------------------------------------------ oscillators


class RSI(_SeriesStream[float]):
    """Wilder's RSI in [0, 100] (TA-Lib ``RSI``); batch: :func:`omega_indicators.rsi`."""

    def __init__(self, period: int = 14) -> None:
        self._start("RsiStream", period=as_count("period", period))


class ROC(_SeriesStream[float]):
    """Rate of change in percent (TA-Lib ``ROC``); batch: :func:`omega_indicators.roc`."""

    def __init__(self, period: int = 10) -> None:
        self._start("RocStream", period=as_count("period", period))


class Momentum(_SeriesStream[float]):
    """Momentum ``x − x[−period]`` (TA-Lib ``MOM``); batch: :func:`omega_indicators.momentum`."""

    def __init__(self, period: int = 10) -> None:
        self._start("MomentumStream", period=as_count("period", period))


class RollingStd(_SeriesStream[float]):
    """Rolling population standard deviation (TA-Lib ``STDDEV``); batch:
    :func:`omega_indicators.rolling_std`."""

    def __init__(self, period: int) -> None:
        self._start("RollingStdStream", period=as_count("period", period))


class MACD(_SeriesStream[MacdPoint]):
    """MACD → :class:`MacdPoint` ``(macd, signal, hist)`` (TA-Lib ``MACD``); batch:
    :func:`omega_indicators.macd`."""

    def __init__(self, fast: int = 12, slow: int = 26, signal: int = 9) -> None:
        self._start(
            "MacdStream",
            fast=as_count("fast", fast),
            slow=as_count("slow", slow),
            signal=as_count("signal", signal),
        )


class Bollinger(_SeriesStream[BollingerPoint]):
    """Bollinger bands → :class:`BollingerPoint` ``(upper, middle, lower)``, population σ
    (TA-Lib ``BBANDS``); batch: :func:`omega_indicators.bollinger`."""

    def __init__(self, period: int = 20, std_factor: float = 2.0) -> None:
        self._start(
            "BollingerStream",
            period=as_count("period", period),
            std_factor=as_float("std_factor", std_factor),
        )


# ------------------------------------------------------------------------ bar indicators


class TrueRange(_BarStream[float]):
    """True range (TA-Lib ``TRANGE``; NaN on the first valid bar); batch:
    :func:`omega_indicators.true_range`."""

    def __init__(self) -> None:
        self._start("TrueRangeStream")


class ATR(_BarStream[float]):
    """Wilder's average true range (TA-Lib ``ATR``); batch: :func:`omega_indicators.atr`."""

    def __init__(self, period: int = 14) -> None:
        self._start("AtrStream", period=as_count("period", period))


class DMI(_BarStream[DmiPoint]):
    """+DI, −DI, ADX → :class:`DmiPoint` (TA-Lib ``PLUS_DI``/``MINUS_DI``/``ADX``); batch:
    :func:`omega_indicators.dmi`."""

    def __init__(self, period: int = 14) -> None:
        self._start("DmiStream", period=as_count("period", period))


class Choppiness(_BarStream[float]):
    """Choppiness index over ``period`` bars (``period >= 2``); batch:
    :func:`omega_indicators.choppiness`."""

    def __init__(self, period: int = 14) -> None:
        self._start("ChoppinessStream", period=as_count("period", period))


class VolCluster(_BarStream[float]):
    """Volatility feature: ATR (``mode="atr"``) or the local GARCH σ of the closes
    (``mode="garch"``; high and low are not used, only the close is checked); batch:
    :func:`omega_indicators.vol_cluster_series`."""

    def __init__(
        self,
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
    ) -> None:
        garch = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        self._start(
            "VolClusterStream",
            mode=_text("mode", mode),
            atr_period=as_count("atr_period", atr_period),
            garch_lookback=as_count("garch_lookback", garch_lookback),
            **garch,
        )


# ------------------------------------------------------------------------ statistical family


class ZScore(_SeriesStream[float]):
    """``(x − mean) / σ`` over ``window`` values, mean = rolling mean or EMA(``ema_period``);
    batch: :func:`omega_indicators.zscore`."""

    def __init__(
        self,
        window: int = 100,
        mean_source: Literal["rolling", "ema"] = "rolling",
        ema_period: int | None = None,
    ) -> None:
        self._start(
            "ZScoreStream",
            window=as_count("window", window),
            mean_source=_text("mean_source", mean_source),
            ema_period=None if ema_period is None else as_count("ema_period", ema_period),
        )


class KalmanMean(_SeriesStream[float]):
    """Local-level Kalman filter mean; batch: :func:`omega_indicators.kalman_mean`."""

    def __init__(self, R: float = 0.01, Q: float = 1.0) -> None:
        self._start("KalmanMeanStream", R=as_float("R", R), Q=as_float("Q", Q))


class KalmanZScore(_SeriesStream[float]):
    """Z-score of ``x − kalman_mean`` over ``window`` values; batch:
    :func:`omega_indicators.kalman_zscore`."""

    def __init__(self, window: int = 100, R: float = 0.01, Q: float = 1.0) -> None:
        self._start(
            "KalmanZScoreStream",
            window=as_count("window", window),
            R=as_float("R", R),
            Q=as_float("Q", Q),
        )


class GarchVolatility(_SeriesStream[float]):
    """GARCH(1,1) conditional σ of the returns (prices ``> 0``); batch:
    :func:`omega_indicators.garch_volatility`."""

    def __init__(
        self,
        alpha: float = 0.05,
        beta: float = 0.90,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-6,
    ) -> None:
        garch = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        self._start("GarchVolatilityStream", **garch)


class GarchVolatilityLocal(_SeriesStream[float]):
    """GARCH(1,1) σ of the trailing ``lookback`` values only (prices ``> 0``); batch:
    :func:`omega_indicators.garch_volatility_local`."""

    def __init__(
        self,
        lookback: int = 400,
        alpha: float = 0.05,
        beta: float = 0.90,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-6,
    ) -> None:
        garch = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        self._start("GarchVolatilityLocalStream", lookback=as_count("lookback", lookback), **garch)


class KalmanGarchZScore(_SeriesStream[float]):
    """``(x − kalman_mean) / (σ_garch · x)`` (prices ``> 0``); batch:
    :func:`omega_indicators.kalman_garch_zscore`."""

    def __init__(
        self,
        R: float = 0.01,
        Q: float = 1.0,
        alpha: float = 0.05,
        beta: float = 0.90,
        omega: float | None = None,
        use_log_returns: bool = True,
        scale: float = 100.0,
        min_periods: int = 50,
        sigma_floor: float = 1e-6,
    ) -> None:
        garch = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        self._start("KalmanGarchZScoreStream", R=as_float("R", R), Q=as_float("Q", Q), **garch)


class KalmanGarchZScoreLocal(_SeriesStream[float]):
    """:class:`KalmanGarchZScore` with the local-window σ (prices ``> 0``); batch:
    :func:`omega_indicators.kalman_garch_zscore_local`."""

    def __init__(
        self,
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
    ) -> None:
        garch = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        self._start(
            "KalmanGarchZScoreLocalStream",
            lookback=as_count("lookback", lookback),
            R=as_float("R", R),
            Q=as_float("Q", Q),
            **garch,
        )


# ------------------------------------------------------------------------ stepwise (HTF)


class EMAStepwise(_StepwiseStream[float]):
    """:class:`EMA` on HTF closes: ``update(htf_close)`` once per closed HTF bar; ``value``
    forward-filled onto the primary bars equals :func:`omega_indicators.ema_stepwise`."""

    def __init__(self, period: int) -> None:
        self._start("EmaStepwiseStream", period=as_count("period", period))


class BollingerStepwise(_StepwiseStream[BollingerPoint]):
    """:class:`Bollinger` on HTF closes (see :class:`EMAStepwise`); batch:
    :func:`omega_indicators.bollinger_stepwise`."""

    def __init__(self, period: int = 20, std_factor: float = 2.0) -> None:
        self._start(
            "BollingerStepwiseStream",
            period=as_count("period", period),
            std_factor=as_float("std_factor", std_factor),
        )


class KalmanZScoreStepwise(_StepwiseStream[float]):
    """:class:`KalmanZScore` on HTF closes (see :class:`EMAStepwise`); batch:
    :func:`omega_indicators.kalman_zscore_stepwise`."""

    def __init__(self, window: int = 100, R: float = 0.01, Q: float = 1.0) -> None:
        self._start(
            "KalmanZScoreStepwiseStream",
            window=as_count("window", window),
            R=as_float("R", R),
            Q=as_float("Q", Q),
        )

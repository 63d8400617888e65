"""Pure-Python streaming classes; mirror of ``rust/crates/omega-indicators-py/src/stream.rs``.

Same class names, constructor signatures, defaults, methods and messages as the compiled
``omega_indicators._rust.<Name>Stream`` classes; each wraps the fallback's streaming state of
the indicator (``ema.EmaState``, …), so replaying a series through ``update`` gives the batch
fallback's output bit for bit. The public classes live in ``omega_indicators.stream``.

Per call: the input is converted (``float``, or anything with ``__float__``/``__index__``,
like ``PyFloat_AsDouble``; a wrong type is ``"value: expected a real number, got str"``),
checked (``stream_input.py``), fed to the state and remembered as ``value``. A NaN input (or a
``None`` candle) returns NaN and leaves the state unchanged. Constructors, ``update``, ``peek``
and ``reset`` each count one call served by the Python backend.
"""

from __future__ import annotations

import copy as _copy
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from .._backend import STATE
from .atr import AtrState
from .bollinger import BollingerPoint, BollingerState
from .choppiness import ChoppinessState
from .dema import DemaState
from .dmi import DmiPoint, DmiState
from .ema import EmaState
from .errors import invalid_type
from .garch_volatility import GarchParams, GarchState
from .garch_volatility_local import GarchLocalState
from .kalman_garch_zscore import KalmanGarchZScoreLocalState, KalmanGarchZScoreState
from .kalman_mean import KalmanState
from .kalman_zscore import KalmanZScoreState
from .macd import MacdPoint, MacdState
from .momentum import MomentumState
from .roc import RocState
from .rolling_std import RollingStdState
from .rsi import RsiState
from .sma import SmaState
from .stream_input import check_bar, check_price, check_value
from .tema import TemaState
from .true_range import TrueRangeState
from .vol_cluster import VolClusterState
from .zscore import ZScoreState

__all__ = [
    "AtrStream",
    "BollingerStepwiseStream",
    "BollingerStream",
    "ChoppinessStream",
    "DemaStream",
    "DmiStream",
    "EmaStepwiseStream",
    "EmaStream",
    "GarchVolatilityLocalStream",
    "GarchVolatilityStream",
    "KalmanGarchZScoreLocalStream",
    "KalmanGarchZScoreStream",
    "KalmanMeanStream",
    "KalmanZScoreStepwiseStream",
    "KalmanZScoreStream",
    "MacdStream",
    "MomentumStream",
    "RocStream",
    "RollingStdStream",
    "RsiStream",
    "SmaStream",
    "TemaStream",
    "TrueRangeStream",
    "VolClusterStream",
    "ZScoreStream",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
_NAN = math.nan
_record = STATE.python_calls.record
_NAN_MACD = MacdPoint(_NAN, _NAN, _NAN)
_NAN_BOLLINGER = BollingerPoint(_NAN, _NAN, _NAN)
_NAN_DMI = DmiPoint(_NAN, _NAN, _NAN)


def number(name: str, v: object) -> float:
    """``v`` as a float the way ``PyFloat_AsDouble`` converts it (``float`` subclasses, then
    ``__float__``, then ``__index__``); a ``TypeError`` naming ``name`` otherwise."""
    if type(v) is float:
        return v
    if isinstance(v, float):
        return float.__float__(v)
    tp = type(v)
    if hasattr(tp, "__float__"):
        return float(v)  # type: ignore[arg-type]
    if hasattr(tp, "__index__"):
        return float(operator.index(v))  # type: ignore[arg-type]
    raise invalid_type(name, "a real number", tp.__name__)


class _SeriesState(Protocol[T_co]):
    def update(self, x: float, /) -> T_co: ...
    def peek(self, x: float, /) -> T_co: ...
    def reset(self) -> None: ...


class _BarState(Protocol[T_co]):
    def update(self, high: float, low: float, close: float, /) -> T_co: ...
    def peek(self, high: float, low: float, close: float, /) -> T_co: ...
    def reset(self) -> None: ...


class _Series(Generic[T]):
    """A state fed one value per call, argument ``value``; ``_check`` validates the value."""

    __slots__ = ("_nan", "_state", "value")
    _check: Callable[[str, float], None] = staticmethod(check_value)

    def __init__(self, state: _SeriesState[T], nan: T) -> None:
        self._state = state
        self._nan = nan
        self.value = nan

    def update(self, value: object) -> T:
        """Feeds one value; the indicator after it (NaN in warm-up and for a NaN input)."""
        _record()
        x = value if type(value) is float else number("value", value)
        self._check("value", x)
        out = self._state.update(x)
        self.value = out
        return out

    def peek(self, value: object) -> T:
        """What :meth:`update` would return for ``value``, without committing it."""
        _record()
        x = value if type(value) is float else number("value", value)
        self._check("value", x)
        return self._state.peek(x)

    def reset(self) -> None:
        """Forgets every value (the parameters are kept)."""
        _record()
        self._state.reset()
        self.value = self._nan

    def copy(self) -> Any:
        """An independent copy (state and ``value``)."""
        return _copy.deepcopy(self)

    def __copy__(self) -> Any:
        return self.copy()


class _Prices(_Series[T]):
    """The GARCH family: the values are prices (``> 0`` or NaN)."""

    __slots__ = ()
    _check = staticmethod(check_price)


class _Stepwise(_Series[T]):
    """A state fed one HTF close per closed HTF bar, argument ``htf_close``."""

    __slots__ = ()

    def update(self, htf_close: object) -> T:
        """Feeds the close of a closed HTF bar; the indicator after it."""
        _record()
        x = htf_close if type(htf_close) is float else number("htf_close", htf_close)
        check_value("htf_close", x)
        out = self._state.update(x)
        self.value = out
        return out

    def peek(self, htf_close: object) -> T:
        """The live value for a still-forming HTF bar closing at ``htf_close`` (uncommitted)."""
        _record()
        x = htf_close if type(htf_close) is float else number("htf_close", htf_close)
        check_value("htf_close", x)
        return self._state.peek(x)


def _candle_field(candle: object, is_mapping: bool, field: str) -> float:
    try:
        v = candle[field] if is_mapping else getattr(candle, field)  # type: ignore[index]
    except (KeyError, AttributeError):
        raise TypeError(
            "candle: expected high, low and close as attributes or mapping keys, "
            f"got {type(candle).__name__} without '{field}'"
        ) from None
    return v if type(v) is float else number(f"candle.{field}", v)


def bar_args(high: object, low: object, close: object) -> tuple[float, float, float] | None:
    """``(high, low, close)`` of ``update(high, low, close)`` or ``update(candle)``; ``None``
    for ``update(None)`` (a missing bar)."""
    if low is not None and close is not None:
        return number("high", high), number("low", low), number("close", close)
    if low is None and close is None:
        if high is None:
            return None
        is_mapping = isinstance(high, Mapping)
        return (
            _candle_field(high, is_mapping, "high"),
            _candle_field(high, is_mapping, "low"),
            _candle_field(high, is_mapping, "close"),
        )
    if close is None:
        raise TypeError(
            "close: expected a number after high and low (or a single candle), got None"
        )
    raise TypeError("low: expected a number between high and close (or a single candle), got None")


def _ta_bar(state: object, high: float, low: float, close: float) -> None:
    check_bar(high, low, close)


class _Bars(Generic[T]):
    """A state fed one bar per call: ``update(high, low, close)`` or ``update(candle)``."""

    __slots__ = ("_nan", "_state", "value")
    _check: Callable[[Any, float, float, float], None] = staticmethod(_ta_bar)

    def __init__(self, state: _BarState[T], nan: T) -> None:
        self._state = state
        self._nan = nan
        self.value = nan

    def update(self, high: object, low: object = None, close: object = None) -> T:
        """Feeds one bar; the indicator after it (NaN in warm-up and for a NaN bar)."""
        _record()
        if type(high) is float and type(low) is float and type(close) is float:
            bar: tuple[float, float, float] | None = (high, low, close)
        else:
            bar = bar_args(high, low, close)
        if bar is None:
            out = self._nan
        else:
            self._check(self._state, *bar)
            out = self._state.update(*bar)
        self.value = out
        return out

    def peek(self, high: object, low: object = None, close: object = None) -> T:
        """What :meth:`update` would return for this bar, without committing it."""
        _record()
        bar = bar_args(high, low, close)
        if bar is None:
            return self._nan
        self._check(self._state, *bar)
        return self._state.peek(*bar)

    def reset(self) -> None:
        """Forgets every bar (the parameters are kept)."""
        _record()
        self._state.reset()
        self.value = self._nan

    def copy(self) -> Any:
        """An independent copy (state and ``value``)."""
        return _copy.deepcopy(self)

    def __copy__(self) -> Any:
        return self.copy()


def _garch(
    alpha: float,
    beta: float,
    omega: float | None,
    use_log_returns: bool,
    scale: float,
    min_periods: int,
    sigma_floor: float,
) -> GarchParams:
    return GarchParams(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)


class EmaStream(_Series[float]):
    """Streaming EMA (TA-Lib seeding)."""

    __slots__ = ()

    def __init__(self, period: int) -> None:
        _record()
        super().__init__(EmaState(period), _NAN)


class SmaStream(_Series[float]):
    """Streaming SMA."""

    __slots__ = ()

    def __init__(self, period: int) -> None:
        _record()
        super().__init__(SmaState(period), _NAN)


class DemaStream(_Series[float]):
    """Streaming DEMA."""

    __slots__ = ()

    def __init__(self, period: int) -> None:
        _record()
        super().__init__(DemaState(period), _NAN)


class TemaStream(_Series[float]):
    """Streaming TEMA."""

    __slots__ = ()

    def __init__(self, period: int) -> None:
        _record()
        super().__init__(TemaState(period), _NAN)


class RsiStream(_Series[float]):
    """Streaming Wilder RSI."""

    __slots__ = ()

    def __init__(self, period: int = 14) -> None:
        _record()
        super().__init__(RsiState(period), _NAN)


class RocStream(_Series[float]):
    """Streaming rate of change."""

    __slots__ = ()

    def __init__(self, period: int = 10) -> None:
        _record()
        super().__init__(RocState(period), _NAN)


class MomentumStream(_Series[float]):
    """Streaming momentum."""

    __slots__ = ()

    def __init__(self, period: int = 10) -> None:
        _record()
        super().__init__(MomentumState(period), _NAN)


class RollingStdStream(_Series[float]):
    """Streaming rolling population standard deviation."""

    __slots__ = ()

    def __init__(self, period: int) -> None:
        _record()
        super().__init__(RollingStdState(period), _NAN)


class MacdStream(_Series[MacdPoint]):
    """Streaming MACD -> ``MacdPoint(macd, signal, hist)``."""

    __slots__ = ()

    def __init__(self, fast: int = 12, slow: int = 26, signal: int = 9) -> None:
        _record()
        super().__init__(MacdState(fast, slow, signal), _NAN_MACD)


class BollingerStream(_Series[BollingerPoint]):
    """Streaming Bollinger bands -> ``BollingerPoint(upper, middle, lower)``."""

    __slots__ = ()

    def __init__(self, period: int = 20, std_factor: float = 2.0) -> None:
        _record()
        super().__init__(BollingerState(period, std_factor), _NAN_BOLLINGER)


class ZScoreStream(_Series[float]):
    """Streaming z-score against the rolling mean or an EMA."""

    __slots__ = ()

    def __init__(
        self, window: int = 100, mean_source: str = "rolling", ema_period: int | None = None
    ) -> None:
        _record()
        super().__init__(ZScoreState(window, mean_source, ema_period), _NAN)


class KalmanMeanStream(_Series[float]):
    """Streaming local-level Kalman mean."""

    __slots__ = ()

    def __init__(self, R: float = 0.01, Q: float = 1.0) -> None:
        _record()
        super().__init__(KalmanState(R, Q), _NAN)


class KalmanZScoreStream(_Series[float]):
    """Streaming Kalman z-score."""

    __slots__ = ()

    def __init__(self, window: int = 100, R: float = 0.01, Q: float = 1.0) -> None:
        _record()
        super().__init__(KalmanZScoreState(window, R, Q), _NAN)


class GarchVolatilityStream(_Prices[float]):
    """Streaming GARCH(1,1) volatility (prices > 0)."""

    __slots__ = ()

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
        _record()
        params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        super().__init__(GarchState(params), _NAN)


class GarchVolatilityLocalStream(_Prices[float]):
    """Streaming local-window GARCH(1,1) volatility (prices > 0)."""

    __slots__ = ()

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
        _record()
        params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        super().__init__(GarchLocalState(lookback, params), _NAN)


class KalmanGarchZScoreStream(_Prices[float]):
    """Streaming Kalman-GARCH z-score (prices > 0)."""

    __slots__ = ()

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
        _record()
        params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        super().__init__(KalmanGarchZScoreState(R, Q, params), _NAN)


class KalmanGarchZScoreLocalStream(_Prices[float]):
    """Streaming Kalman-GARCH z-score with the local-window sigma (prices > 0)."""

    __slots__ = ()

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
        _record()
        params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        super().__init__(KalmanGarchZScoreLocalState(lookback, R, Q, params), _NAN)


class EmaStepwiseStream(_Stepwise[float]):
    """Streaming EMA fed one HTF close per closed HTF bar (``ema_stepwise``)."""

    __slots__ = ()

    def __init__(self, period: int) -> None:
        _record()
        super().__init__(EmaState(period), _NAN)


class BollingerStepwiseStream(_Stepwise[BollingerPoint]):
    """Streaming Bollinger bands fed one HTF close per closed HTF bar."""

    __slots__ = ()

    def __init__(self, period: int = 20, std_factor: float = 2.0) -> None:
        _record()
        super().__init__(BollingerState(period, std_factor), _NAN_BOLLINGER)


class KalmanZScoreStepwiseStream(_Stepwise[float]):
    """Streaming Kalman z-score fed one HTF close per closed HTF bar."""

    __slots__ = ()

    def __init__(self, window: int = 100, R: float = 0.01, Q: float = 1.0) -> None:
        _record()
        super().__init__(KalmanZScoreState(window, R, Q), _NAN)


class TrueRangeStream(_Bars[float]):
    """Streaming true range (NaN on the first valid bar)."""

    __slots__ = ()

    def __init__(self) -> None:
        _record()
        super().__init__(TrueRangeState(), _NAN)


class AtrStream(_Bars[float]):
    """Streaming Wilder ATR."""

    __slots__ = ()

    def __init__(self, period: int = 14) -> None:
        _record()
        super().__init__(AtrState(period), _NAN)


class DmiStream(_Bars[DmiPoint]):
    """Streaming DMI -> ``DmiPoint(plus_di, minus_di, adx)``."""

    __slots__ = ()

    def __init__(self, period: int = 14) -> None:
        _record()
        super().__init__(DmiState(period), _NAN_DMI)


class ChoppinessStream(_Bars[float]):
    """Streaming choppiness index."""

    __slots__ = ()

    def __init__(self, period: int = 14) -> None:
        _record()
        super().__init__(ChoppinessState(period), _NAN)


def _vol_cluster_bar(state: VolClusterState, high: float, low: float, close: float) -> None:
    state.check_bar(high, low, close)


class VolClusterStream(_Bars[float]):
    """Streaming volatility feature: ATR or the local GARCH sigma of the closes."""

    __slots__ = ()
    _check = staticmethod(_vol_cluster_bar)

    def __init__(
        self,
        mode: str,
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
        _record()
        params = _garch(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
        super().__init__(VolClusterState(mode, atr_period, garch_lookback, params), _NAN)

"""Bollinger bands, TA-Lib ``BBANDS`` with an SMA and the same factor up and down; mirror of
``src/bollinger.rs``: ``middle = SMA``, ``upper/lower = middle +- std_factor * sigma`` with sigma
the rolling population standard deviation (``rolling_std.py``)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed_many
from .rolling_std import RollingStdState, variance_valid
from .sma import SmaState, sma_valid
from .validate import (
    check_finite_has_nan,
    check_non_empty,
    check_non_negative_factor,
    check_period,
    check_state_period,
)

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period - 1`` valid values."""
    return max(period - 1, 0)


class Bollinger(NamedTuple):
    """The three band series."""

    upper: FloatArray
    middle: FloatArray
    lower: FloatArray


class BollingerPoint(NamedTuple):
    """One Bollinger output."""

    upper: float
    middle: float
    lower: float


def _bands(middle: float, sigma: float, factor: float) -> BollingerPoint:
    d = sigma * factor
    return BollingerPoint(middle + d, middle, middle - d)


class BollingerState:
    """Streaming Bollinger bands. ``update(nan)`` returns NaNs, state unchanged."""

    __slots__ = ("_sma", "_std", "_std_factor")

    def __init__(self, period: int, std_factor: float = 2.0) -> None:
        check_state_period("period", period, 1)
        check_non_negative_factor("std_factor", std_factor)
        self._sma = SmaState(period)
        self._std = RollingStdState(period)
        self._std_factor = float(std_factor)

    def update(self, x: float) -> BollingerPoint:
        """Feeds one value; the bands after it (NaNs during warm-up)."""
        return _bands(self._sma.update(x), self._std.update(x), self._std_factor)

    def peek(self, x: float) -> BollingerPoint:
        """What :meth:`update` would return for ``x``, without committing it."""
        return _bands(self._sma.peek(x), self._std.peek(x), self._std_factor)

    def reset(self) -> None:
        """Forgets every value."""
        self._sma.reset()
        self._std.reset()


def _bollinger_valid(
    v: FloatArray, period: int, factor: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    middle = sma_valid(v, period)
    d = np.sqrt(variance_valid(v, period)) * factor
    return middle + d, middle, middle - d


def bollinger(values: FloatArray, period: int = 20, std_factor: float = 2.0) -> Bollinger:
    """Bollinger bands (TA-Lib ``BBANDS(period, std_factor, std_factor, SMA)``).

    Lookback ``period - 1``. Errors (in order): empty ``values``; ``period`` out of range;
    ``std_factor`` not finite or ``< 0``; ``+-inf``.
    """
    check_non_empty("values", values)
    check_period("period", period, 1, "values", values.size)
    check_non_negative_factor("std_factor", std_factor)
    any_nan = check_finite_has_nan("values", values)
    factor = float(std_factor)
    out = apply_compressed_many(values, any_nan, lambda v: _bollinger_valid(v, period, factor))
    return Bollinger(out[0], out[1], out[2])

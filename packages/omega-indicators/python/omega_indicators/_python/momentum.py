"""Momentum, TA-Lib ``MOM``: ``x[t] - x[t - period]`` (``period`` valid values ago); mirror of
``src/momentum.rs``."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed
from .validate import check_series_period, check_state_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period`` valid values."""
    return period


class MomentumState:
    """Streaming momentum. ``update(nan)`` returns NaN, state unchanged."""

    __slots__ = ("_period", "_ring")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        self._period = period
        self._ring: deque[float] = deque(maxlen=period)

    def peek(self, x: float) -> float:
        """What :meth:`update` would return for ``x``, without committing it."""
        x = float(x)
        if math.isnan(x) or len(self._ring) < self._period:
            return math.nan
        return x - self._ring[0]

    def update(self, x: float) -> float:
        """Feeds one value; ``x`` minus the value ``period`` valid values ago."""
        out = self.peek(x)
        if not math.isnan(float(x)):
            self._ring.append(float(x))
        return out

    def reset(self) -> None:
        """Forgets every value."""
        self._ring.clear()


def _momentum_valid(v: FloatArray, period: int) -> FloatArray:
    out = np.full(v.size, np.nan)
    if period < v.size:
        out[period:] = v[period:] - v[:-period]
    return out


def momentum(values: FloatArray, period: int = 10) -> FloatArray:
    """Momentum (TA-Lib ``MOM``), price units. Lookback ``period`` valid values.

    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: _momentum_valid(v, period))

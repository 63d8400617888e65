"""Double EMA, TA-Lib ``DEMA``: ``2*e1 - e2``, ``e1 = EMA(x)``, ``e2 = EMA(e1)``; mirror of
``src/dema.rs``. Lookback ``2*(period - 1)``."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .ema import EmaState, ema_list
from .nan_gaps import apply_compressed
from .validate import check_series_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``2*(period - 1)`` valid values."""
    return 2 * max(period - 1, 0)


class DemaState:
    """Streaming DEMA. ``update(nan)`` returns NaN, state unchanged."""

    __slots__ = ("_e1", "_e2")

    def __init__(self, period: int) -> None:
        self._e1 = EmaState(period)
        self._e2 = EmaState(period)

    def update(self, x: float) -> float:
        """Feeds one value; the DEMA after it (NaN during warm-up)."""
        v1 = self._e1.update(x)
        if math.isnan(v1):
            return math.nan
        v2 = self._e2.update(v1)
        if math.isnan(v2):
            return math.nan
        return 2.0 * v1 - v2

    def peek(self, x: float) -> float:
        """What :meth:`update` would return for ``x``, without committing it."""
        v1 = self._e1.peek(x)
        if math.isnan(v1):
            return math.nan
        v2 = self._e2.peek(v1)
        if math.isnan(v2):
            return math.nan
        return 2.0 * v1 - v2

    def reset(self) -> None:
        """Forgets every value."""
        self._e1.reset()
        self._e2.reset()


def _dema_valid(v: FloatArray, period: int) -> FloatArray:
    n = v.size
    lb = lookback(period)
    out = np.full(n, np.nan)
    if period < 1 or n <= lb:
        return out
    s = period - 1
    e1 = ema_list(v.tolist(), period)
    e2 = ema_list(e1[s:], period)
    out[lb:] = [2.0 * a - b for a, b in zip(e1[lb:], e2[s:], strict=True)]
    return out


def dema(values: FloatArray, period: int) -> FloatArray:
    """Double EMA (TA-Lib ``DEMA``). Lookback ``2*(period - 1)``; NaN rule as everywhere.

    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: _dema_valid(v, period))

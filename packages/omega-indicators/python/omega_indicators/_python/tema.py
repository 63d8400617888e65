"""Triple EMA, TA-Lib ``TEMA``: ``3*e1 - 3*e2 + e3``; mirror of ``src/tema.rs``.
Lookback ``3*(period - 1)``."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .ema import EmaState, ema_list
from .nan_gaps import apply_compressed
from .validate import check_series_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``3*(period - 1)`` valid values."""
    return 3 * max(period - 1, 0)


class TemaState:
    """Streaming TEMA. ``update(nan)`` returns NaN, state unchanged."""

    __slots__ = ("_e1", "_e2", "_e3")

    def __init__(self, period: int) -> None:
        self._e1 = EmaState(period)
        self._e2 = EmaState(period)
        self._e3 = EmaState(period)

    def _combine(self, v1: float, v2: float, v3: float) -> float:
        if math.isnan(v1) or math.isnan(v2) or math.isnan(v3):
            return math.nan
        return 3.0 * v1 - 3.0 * v2 + v3

    def update(self, x: float) -> float:
        """Feeds one value; the TEMA after it (NaN during warm-up)."""
        v1 = self._e1.update(x)
        if math.isnan(v1):
            return math.nan
        v2 = self._e2.update(v1)
        if math.isnan(v2):
            return math.nan
        return self._combine(v1, v2, self._e3.update(v2))

    def peek(self, x: float) -> float:
        """What :meth:`update` would return for ``x``, without committing it."""
        v1 = self._e1.peek(x)
        if math.isnan(v1):
            return math.nan
        v2 = self._e2.peek(v1)
        if math.isnan(v2):
            return math.nan
        return self._combine(v1, v2, self._e3.peek(v2))

    def reset(self) -> None:
        """Forgets every value."""
        self._e1.reset()
        self._e2.reset()
        self._e3.reset()


def _tema_valid(v: FloatArray, period: int) -> FloatArray:
    n = v.size
    lb = lookback(period)
    out = np.full(n, np.nan)
    if period < 1 or n <= lb:
        return out
    s = period - 1
    e1 = ema_list(v.tolist(), period)
    e2 = ema_list(e1[s:], period)
    e3 = ema_list(e2[s:], period)
    out[lb:] = [3.0 * a - 3.0 * b + c for a, b, c in zip(e1[lb:], e2[2 * s :], e3[s:], strict=True)]
    return out


def tema(values: FloatArray, period: int) -> FloatArray:
    """Triple EMA (TA-Lib ``TEMA``). Lookback ``3*(period - 1)``; NaN rule as everywhere.

    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: _tema_valid(v, period))

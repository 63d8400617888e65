"""Rate of change, TA-Lib ``ROC``: ``((x[t] / x[t - period]) - 1) * 100``, 0 when the earlier
price is 0 (TA-Lib's rule); mirror of ``src/roc.rs``."""

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


def _roc_value(x: float, prev: float) -> float:
    return ((x / prev) - 1.0) * 100.0 if prev != 0.0 else 0.0


class RocState:
    """Streaming ROC. ``update(nan)`` returns NaN, state unchanged."""

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
        return _roc_value(x, self._ring[0])

    def update(self, x: float) -> float:
        """Feeds one value; the ROC in percent."""
        out = self.peek(x)
        if not math.isnan(float(x)):
            self._ring.append(float(x))
        return out

    def reset(self) -> None:
        """Forgets every value."""
        self._ring.clear()


def _roc_valid(v: FloatArray, period: int) -> FloatArray:
    out = np.full(v.size, np.nan)
    if period < v.size:
        x = v[period:]
        prev = v[:-period]
        zero = prev == 0.0
        safe = np.where(zero, 1.0, prev)
        out[period:] = np.where(zero, 0.0, ((x / safe) - 1.0) * 100.0)
    return out


def roc(values: FloatArray, period: int = 10) -> FloatArray:
    """Rate of change in percent (TA-Lib ``ROC``). Lookback ``period`` valid values.

    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: _roc_valid(v, period))

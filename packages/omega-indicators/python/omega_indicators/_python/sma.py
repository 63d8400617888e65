"""Simple moving average, TA-Lib ``SMA``; mirror of ``src/sma.rs``.

``sma[t] = (x[t-period+1] + ... + x[t]) / period`` over the last ``period`` valid values, with
TA-Lib's running sum in TA-Lib's order (add the new value, divide, subtract the value leaving
the window): bit-identical to TA-Lib and to the Rust kernel.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed
from .validate import check_series_period, check_state_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period - 1`` valid values."""
    return max(period - 1, 0)


class SmaState:
    """Streaming SMA; O(1) per update. ``update(nan)`` returns NaN, state unchanged."""

    __slots__ = ("_period", "_pf", "_ring", "_sum")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        self._period = period
        self._pf = float(period)
        self._sum = 0.0
        self._ring: deque[float] = deque(maxlen=period)

    @property
    def period(self) -> int:
        """The window length."""
        return self._period

    def update(self, x: float) -> float:
        """Feeds one value; the SMA of the window ending at it (NaN during warm-up)."""
        x = float(x)
        if math.isnan(x):
            return math.nan
        self._sum += x
        self._ring.append(x)
        if len(self._ring) == self._period:
            out = self._sum / self._pf
            self._sum -= self._ring[0]
            return out
        return math.nan

    def peek(self, x: float) -> float:
        """What :meth:`update` would return for ``x``, without committing it."""
        x = float(x)
        if math.isnan(x) or len(self._ring) + 1 < self._period:
            return math.nan
        return (self._sum + x) / self._pf

    def reset(self) -> None:
        """Forgets every value."""
        self._sum = 0.0
        self._ring.clear()


def sma_valid(v: FloatArray, period: int) -> FloatArray:
    """SMA of NaN-free ``v`` (``period >= 1``): the running sum, vectorised.

    ``np.cumsum`` accumulates strictly left to right, so feeding it the operand sequence
    ``0, x0, ..., x[p-2], x[p-1], -x0, x[p], -x1, ...`` reproduces the running sum of the
    state (and of TA-Lib) exactly; ``a - b`` and ``a + (-b)`` are the same IEEE operation.
    """
    n = v.size
    out = np.full(n, np.nan)
    if period < 1 or n < period:
        return out
    m = n - period + 1
    ops = np.empty(1 + (period - 1) + 2 * m)
    ops[0] = 0.0
    ops[1:period] = v[: period - 1]
    tail = ops[period:]
    tail[0::2] = v[period - 1 :]
    tail[1::2] = -v[:m]
    sums = np.cumsum(ops)
    out[period - 1 :] = sums[period::2] / float(period)
    return out


def sma(values: FloatArray, period: int) -> FloatArray:
    """Simple moving average over ``period`` valid values (TA-Lib ``SMA``).

    Lookback ``period - 1``; NaN rule: computed with the NaNs removed, scattered back.
    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: sma_valid(v, period))

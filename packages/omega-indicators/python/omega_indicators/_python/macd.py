"""MACD, TA-Lib ``MACD`` (not ``MACDEXT``); mirror of ``src/macd.rs``.

``macd = EMA_fast - EMA_slow``, ``signal = EMA_signal(macd)``, ``hist = macd - signal``, every
EMA as in ``ema.py`` (``k = 2/(period + 1)``). TA-Lib's seeding: both EMAs seeded on the bar
``slow - 1`` (the fast one with the mean of the last ``fast`` of the first ``slow`` values), the
signal EMA with the mean of its first ``signal`` macd values. Lookback ``slow + signal - 2``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .ema import EmaState, ema_list
from .errors import invalid_value
from .nan_gaps import apply_compressed_many
from .validate import (
    check_finite_has_nan,
    check_non_empty,
    check_period,
    check_state_period,
)

FloatArray = NDArray[np.float64]


def lookback(slow: int, signal: int) -> int:
    """NaN positions before the first value: ``slow + signal - 2`` valid values."""
    return max(slow + signal - 2, 0)


class Macd(NamedTuple):
    """The three MACD series."""

    macd: FloatArray
    signal: FloatArray
    hist: FloatArray


class MacdPoint(NamedTuple):
    """One MACD output."""

    macd: float
    signal: float
    hist: float


_NAN_POINT = MacdPoint(math.nan, math.nan, math.nan)


def _check_order(fast: int, slow: int) -> None:
    if fast >= slow:
        raise invalid_value("fast", f"an integer < slow = {slow}", fast)


class MacdState:
    """Streaming MACD. ``update(nan)`` returns NaNs, state unchanged."""

    __slots__ = ("_count", "_ema_fast", "_ema_slow", "_fast", "_signal", "_slow", "_sums")

    def __init__(self, fast: int, slow: int, signal: int) -> None:
        check_state_period("fast", fast, 1)
        check_state_period("slow", slow, 1)
        check_state_period("signal", signal, 1)
        _check_order(fast, slow)
        self._fast = fast
        self._slow = slow
        self._count = 0
        self._sums = (0.0, 0.0)
        self._ema_fast = EmaState(fast)
        self._ema_slow = EmaState(slow)
        self._signal = EmaState(signal)

    def update(self, x: float) -> MacdPoint:
        """Feeds one value; (macd, signal, hist) after it, NaNs during warm-up."""
        x = float(x)
        if math.isnan(x):
            return _NAN_POINT
        if self._count >= self._slow:
            f = self._ema_fast.update(x)
            s = self._ema_slow.update(x)
        else:
            self._count += 1
            sum_fast, sum_slow = self._sums
            sum_slow += x
            if self._count > self._slow - self._fast:
                sum_fast += x
            self._sums = (sum_fast, sum_slow)
            if self._count < self._slow:
                return _NAN_POINT
            f = sum_fast / float(self._fast)
            s = sum_slow / float(self._slow)
            self._ema_fast.seed(f)
            self._ema_slow.seed(s)
        m = f - s
        g = self._signal.update(m)
        if math.isnan(g):
            return _NAN_POINT
        return MacdPoint(m, g, m - g)

    def peek(self, x: float) -> MacdPoint:
        """What :meth:`update` would return for ``x``, without committing it."""
        saved = (
            self._count,
            self._sums,
            self._ema_fast.copy(),
            self._ema_slow.copy(),
            self._signal.copy(),
        )
        try:
            return self.update(x)
        finally:
            self._count, self._sums, self._ema_fast, self._ema_slow, self._signal = saved

    def reset(self) -> None:
        """Forgets every value."""
        self._count = 0
        self._sums = (0.0, 0.0)
        self._ema_fast.reset()
        self._ema_slow.reset()
        self._signal.reset()


def _macd_valid(
    values: FloatArray, fast: int, slow: int, signal: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    n = values.size
    m = np.full(n, np.nan)
    s = np.full(n, np.nan)
    h = np.full(n, np.nan)
    if fast < 1 or fast >= slow or signal < 1 or n < slow:
        return m, s, h
    v = values.tolist()
    start = slow - 1
    e_slow = ema_list(v, slow)
    e_fast = ema_list(v[slow - fast :], fast)
    line = [f - sl for f, sl in zip(e_fast[fast - 1 :], e_slow[start:], strict=True)]
    sig = ema_list(line, signal)
    first = start + signal - 1
    if first < n:
        k = signal - 1
        lv = np.array(line[k:], dtype=np.float64)
        gv = np.array(sig[k:], dtype=np.float64)
        m[first:] = lv
        s[first:] = gv
        h[first:] = lv - gv
    return m, s, h


def macd(values: FloatArray, fast: int = 12, slow: int = 26, signal: int = 9) -> Macd:
    """MACD (TA-Lib ``MACD``): ``Macd(macd, signal, hist)``, lookback ``slow + signal - 2``.

    Limits: ``1 <= fast < slow <= len(values)``, ``1 <= signal <= len(values)``.
    Errors (in order): empty ``values``; ``fast``, ``slow``, ``signal`` out of range;
    ``fast >= slow``; ``+-inf``.
    """
    n = values.size
    check_non_empty("values", values)
    check_period("fast", fast, 1, "values", n)
    check_period("slow", slow, 1, "values", n)
    check_period("signal", signal, 1, "values", n)
    _check_order(fast, slow)
    any_nan = check_finite_has_nan("values", values)
    out = apply_compressed_many(values, any_nan, lambda v: _macd_valid(v, fast, slow, signal))
    return Macd(out[0], out[1], out[2])

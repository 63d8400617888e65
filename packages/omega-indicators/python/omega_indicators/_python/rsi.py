"""Relative strength index, TA-Lib ``RSI`` (Wilder); mirror of ``src/rsi.rs``.

Gains and losses of the changes; the first averages are plain means of the first ``period``
(needs ``period + 1`` values), then ``avg = avg*c + new*r`` with ``c = (period - 1)/period``,
``r = 1/period``, two values at a time (``recurrence.py``). ``rsi = 100*g/(g + l)``, 0 when
``g + l == 0`` (no movement at all; TA-Lib's rule), exactly 100 with no losses.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed
from .recurrence import Affine
from .validate import check_series_period, check_state_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period`` valid values."""
    return period


def _rsi_value(gain: float, loss: float) -> float:
    total = gain + loss
    return 100.0 * (gain / total) if total != 0.0 else 0.0


def _split(d: float) -> tuple[float, float]:
    return (0.0, -d) if d < 0.0 else (d, 0.0)


class RsiState:
    """Streaming RSI. ``update(nan)`` returns NaN, state unchanged."""

    __slots__ = ("_count", "_gain", "_loss", "_period", "_pf", "_prev", "_sum_gain", "_sum_loss")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        pf = float(period)
        c, r = (pf - 1.0) / pf, 1.0 / pf
        self._period = period
        self._pf = pf
        self._count = 0
        self._prev = 0.0
        self._sum_gain = 0.0
        self._sum_loss = 0.0
        self._gain = Affine(c, r, 0.0)
        self._loss = Affine(c, r, 0.0)

    def update(self, x: float) -> float:
        """Feeds one value; the RSI after it (NaN during warm-up)."""
        x = float(x)
        if math.isnan(x):
            return math.nan
        if self._count == 0:
            self._prev = x
            self._count = 1
            return math.nan
        d = x - self._prev
        self._prev = x
        g, loss = _split(d)
        if self._count > self._period:
            return _rsi_value(self._gain.step(g), self._loss.step(loss))
        self._sum_gain += g
        self._sum_loss += loss
        self._count += 1
        if self._count > self._period:
            gain0, loss0 = self._sum_gain / self._pf, self._sum_loss / self._pf
            self._gain.seed(gain0)
            self._loss.seed(loss0)
            return _rsi_value(gain0, loss0)
        return math.nan

    def peek(self, x: float) -> float:
        """What :meth:`update` would return for ``x``, without committing it."""
        saved = (
            self._count,
            self._prev,
            self._sum_gain,
            self._sum_loss,
            self._gain.copy(),
            self._loss.copy(),
        )
        try:
            return self.update(x)
        finally:
            (
                self._count,
                self._prev,
                self._sum_gain,
                self._sum_loss,
                self._gain,
                self._loss,
            ) = saved

    def reset(self) -> None:
        """Forgets every value."""
        self._count = 0
        self._prev = 0.0
        self._sum_gain = 0.0
        self._sum_loss = 0.0
        self._gain.seed(0.0)
        self._loss.seed(0.0)


def _rsi_valid(values: FloatArray, period: int) -> FloatArray:
    v = values.tolist()
    n = len(v)
    out = [math.nan] * n
    if period < 1 or n <= period:
        return np.array(out, dtype=np.float64)
    pf = float(period)
    sum_g = 0.0
    sum_l = 0.0
    for i in range(1, period + 1):
        g, loss = _split(v[i] - v[i - 1])
        sum_g += g
        sum_l += loss
    g0, l0 = sum_g / pf, sum_l / pf
    out[period] = _rsi_value(g0, l0)
    c, r = (pf - 1.0) / pf, 1.0 / pf
    gain = Affine(c, r, g0)
    loss_ = Affine(c, r, l0)
    i = period + 1
    while i + 1 < n:
        g1, l1 = _split(v[i] - v[i - 1])
        g2, l2 = _split(v[i + 1] - v[i])
        out[i] = _rsi_value(gain.first(g1), loss_.first(l1))
        out[i + 1] = _rsi_value(gain.pair(g1, g2), loss_.pair(l1, l2))
        i += 2
    if i < n:
        g1, l1 = _split(v[i] - v[i - 1])
        out[i] = _rsi_value(gain.step(g1), loss_.step(l1))
    return np.array(out, dtype=np.float64)


def rsi(values: FloatArray, period: int = 14) -> FloatArray:
    """Wilder's RSI in percent (TA-Lib ``RSI``). Lookback ``period``; NaN rule as everywhere.

    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: _rsi_valid(v, period))

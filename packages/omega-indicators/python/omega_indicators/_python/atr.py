"""Average true range, TA-Lib ``ATR`` (Wilder); mirror of ``src/atr.rs``.

Bar 0 has no true range; the first ATR is the mean of the first ``period`` true ranges (bar
``period``), then ``atr = atr*c + tr*r`` (``c = (period - 1)/period``, ``r = 1/period``), two bars
at a time (``recurrence.py``)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed_bars
from .recurrence import Affine
from .true_range import TrueRangeState, tr_valid
from .validate import check_hlc, check_state_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period`` valid bars."""
    return period


class AtrState:
    """Streaming ATR; a bar with a NaN input returns NaN, state unchanged."""

    __slots__ = ("_atr", "_count", "_period", "_pf", "_sum", "_tr")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        pf = float(period)
        self._period = period
        self._pf = pf
        self._tr = TrueRangeState()
        self._count = 0
        self._sum = 0.0
        self._atr = Affine((pf - 1.0) / pf, 1.0 / pf, math.nan)

    def update(self, high: float, low: float, close: float) -> float:
        """Feeds one bar; the ATR after it (NaN during warm-up)."""
        tr = self._tr.update(high, low, close)
        if math.isnan(tr):
            return math.nan
        if self._count >= self._period:
            return self._atr.step(tr)
        self._sum += tr
        self._count += 1
        if self._count == self._period:
            seed = self._sum / self._pf
            self._atr.seed(seed)
            return seed
        return math.nan

    def copy(self) -> AtrState:
        """An independent copy of the state."""
        other = AtrState(self._period)
        other._tr = self._tr.copy()
        other._count = self._count
        other._sum = self._sum
        other._atr = self._atr.copy()
        return other

    def peek(self, high: float, low: float, close: float) -> float:
        """What :meth:`update` would return, without committing the bar."""
        return self.copy().update(high, low, close)

    def reset(self) -> None:
        """Forgets every bar."""
        self._tr.reset()
        self._count = 0
        self._sum = 0.0
        self._atr.seed(math.nan)


def _atr_valid(high: FloatArray, low: FloatArray, close: FloatArray, period: int) -> FloatArray:
    n = high.size
    out = [math.nan] * n
    if period < 1 or n <= period:
        return np.array(out, dtype=np.float64)
    tr = tr_valid(high, low, close).tolist()
    pf = float(period)
    total = 0.0
    for i in range(1, period + 1):
        total += tr[i]
    seed = total / pf
    out[period] = seed
    atr = Affine((pf - 1.0) / pf, 1.0 / pf, seed)
    out[period + 1 :] = atr.run(tr[period + 1 :])
    return np.array(out, dtype=np.float64)


def atr(high: FloatArray, low: FloatArray, close: FloatArray, period: int = 14) -> FloatArray:
    """Average true range (TA-Lib ``ATR``), price units; lookback ``period`` valid bars.

    Errors (in order): empty ``high``; length mismatch; ``period`` out of range; ``+-inf``;
    ``high < low``.
    """
    any_nan = check_hlc(high, low, close, (period, 1))
    return apply_compressed_bars(
        high, low, close, any_nan, lambda h, lo, c: _atr_valid(h, lo, c, period)
    )

"""True range, TA-Lib ``TRANGE``: ``max(high, prev_close) - min(low, prev_close)``; mirror of
``src/true_range.rs``. The first valid bar has no previous close: NaN (lookback 1)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed_bars
from .validate import check_hlc

FloatArray = NDArray[np.float64]


def lookback() -> int:
    """NaN positions before the first value: 1 valid bar."""
    return 1


def true_range_value(high: float, low: float, prev_close: float) -> float:
    """``max(high, prev_close) - min(low, prev_close)``, exactly as ``true_range_value`` in
    ``src/true_range.rs`` (which side wins a tie matters for signed zeros only)."""
    top = high if high > prev_close else prev_close
    bottom = prev_close if prev_close < low else low
    return top - bottom


class TrueRangeState:
    """Streaming true range; a bar with a NaN input returns NaN, state unchanged."""

    __slots__ = ("_prev_close",)

    def __init__(self) -> None:
        self._prev_close = math.nan

    def update(self, high: float, low: float, close: float) -> float:
        """Feeds one bar; its true range (NaN for the first valid bar)."""
        h, lo, c = float(high), float(low), float(close)
        if math.isnan(h) or math.isnan(lo) or math.isnan(c):
            return math.nan
        pc = self._prev_close
        self._prev_close = c
        if math.isnan(pc):
            return math.nan
        return true_range_value(h, lo, pc)

    def copy(self) -> TrueRangeState:
        """An independent copy of the state."""
        other = TrueRangeState()
        other._prev_close = self._prev_close
        return other

    def peek(self, high: float, low: float, close: float) -> float:
        """What :meth:`update` would return, without committing the bar."""
        return self.copy().update(high, low, close)

    def reset(self) -> None:
        """Forgets every bar."""
        self._prev_close = math.nan


def tr_valid(high: FloatArray, low: FloatArray, close: FloatArray) -> FloatArray:
    """True range of NaN-free bars (NaN on bar 0)."""
    out = np.full(high.size, np.nan)
    if high.size > 1:
        h, lo, pc = high[1:], low[1:], close[:-1]
        out[1:] = np.where(h > pc, h, pc) - np.where(pc < lo, pc, lo)
    return out


def true_range(high: FloatArray, low: FloatArray, close: FloatArray) -> FloatArray:
    """True range per bar (TA-Lib ``TRANGE``), price units; NaN on the first valid bar.

    Errors (in order): empty ``high``; length mismatch; ``+-inf``; ``high < low``.
    """
    any_nan = check_hlc(high, low, close, None)
    return apply_compressed_bars(high, low, close, any_nan, tr_valid)

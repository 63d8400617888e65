"""Choppiness index; mirror of ``src/choppiness.rs``.

``chop = 100 * log10(sum TR / (max high - min low)) / log10(period)`` over the last ``period``
valid bars; every bar of the window uses the close before it (lookback ``period``); each
window's true ranges are summed oldest first from 0.0 (no running total); 100 when the window
has no range (``max high - min low <= 0``) or ``sum TR <= 0``; ``period >= 2``.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from .nan_gaps import apply_compressed_bars
from .true_range import TrueRangeState, tr_valid
from .validate import check_hlc, check_state_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period`` valid bars."""
    return period


def _chop_value(sum_tr: float, highest: float, lowest: float, log_period: float) -> float:
    rng = highest - lowest
    if rng <= 0.0 or sum_tr <= 0.0:
        return 100.0
    return 100.0 * (math.log10(sum_tr / rng) / log_period)


def _window_value(
    trs: list[float], highs: list[float], lows: list[float], log_period: float
) -> float:
    total = 0.0
    for t in trs:
        total += t
    highest = -math.inf
    for h in highs:
        highest = max(highest, h)
    lowest = math.inf
    for lo in lows:
        lowest = min(lowest, lo)
    return _chop_value(total, highest, lowest, log_period)


class ChoppinessState:
    """Streaming choppiness (O(period) per update); NaN bars return NaN, state unchanged."""

    __slots__ = ("_high", "_log_period", "_low", "_period", "_tr", "_tr_state")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 2)
        self._period = period
        self._log_period = math.log10(float(period))
        self._tr_state = TrueRangeState()
        self._tr: deque[float] = deque(maxlen=period)
        self._high: deque[float] = deque(maxlen=period)
        self._low: deque[float] = deque(maxlen=period)

    def update(self, high: float, low: float, close: float) -> float:
        """Feeds one bar; the index after it (NaN during warm-up)."""
        tr = self._tr_state.update(high, low, close)
        if math.isnan(tr):
            return math.nan
        self._tr.append(tr)
        self._high.append(float(high))
        self._low.append(float(low))
        if len(self._tr) == self._period:
            trs, highs, lows = list(self._tr), list(self._high), list(self._low)
            return _window_value(trs, highs, lows, self._log_period)
        return math.nan

    def peek(self, high: float, low: float, close: float) -> float:
        """What :meth:`update` would return, without committing the bar."""
        tr = self._tr_state.peek(high, low, close)
        if math.isnan(tr) or len(self._tr) + 1 < self._period:
            return math.nan
        skip = 1 if len(self._tr) == self._period else 0
        return _window_value(
            [*list(self._tr)[skip:], tr],
            [*list(self._high)[skip:], float(high)],
            [*list(self._low)[skip:], float(low)],
            self._log_period,
        )

    def reset(self) -> None:
        """Forgets every bar."""
        self._tr_state.reset()
        self._tr.clear()
        self._high.clear()
        self._low.clear()


def _chop_valid(high: FloatArray, low: FloatArray, close: FloatArray, period: int) -> FloatArray:
    m = high.size
    out = np.full(m, np.nan)
    if period < 2 or m <= period:
        return out
    tr = tr_valid(high, low, close)
    count = m - period
    # Window j (j = period .. m-1) covers bars j-period+1 .. j; summed oldest first from 0.0.
    sums = np.zeros(count)
    for t in range(period):
        sums = sums + tr[1 + t : 1 + t + count]
    highest = sliding_window_view(high[1:], period).max(axis=1)
    lowest = sliding_window_view(low[1:], period).min(axis=1)
    log_period = math.log10(float(period))
    out[period:] = [
        _chop_value(s, h, lo, log_period)
        for s, h, lo in zip(sums.tolist(), highest.tolist(), lowest.tolist(), strict=True)
    ]
    return out


def choppiness(
    high: FloatArray, low: FloatArray, close: FloatArray, period: int = 14
) -> FloatArray:
    """Choppiness index over ``period`` valid bars; lookback ``period``; 100 without range.

    Errors (in order): empty ``high``; length mismatch; ``period < 2`` or ``> len(high)``;
    ``+-inf``; ``high < low``.
    """
    any_nan = check_hlc(high, low, close, (period, 2))
    return apply_compressed_bars(
        high, low, close, any_nan, lambda h, lo, c: _chop_valid(h, lo, c, period)
    )

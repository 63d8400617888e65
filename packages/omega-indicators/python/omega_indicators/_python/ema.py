"""Exponential moving average, TA-Lib ``EMA``; mirror of ``src/ema.rs``.

``k = 2/(period + 1)``, ``c = (period - 1)/(period + 1)``; seeded with the SMA of the first
``period`` valid values, then ``ema = ema*c + x*k`` evaluated two values at a time
(``recurrence.py``), exactly as the Rust kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed
from .recurrence import Affine
from .validate import check_series_period, check_state_period

FloatArray = NDArray[np.float64]


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period - 1`` valid values."""
    return max(period - 1, 0)


def smoothing(period: int) -> float:
    """The smoothing factor ``2 / (period + 1)``."""
    return 2.0 / (float(period) + 1.0)


def _affine(period: int, y0: float) -> Affine:
    pf = float(period)
    return Affine((pf - 1.0) / (pf + 1.0), smoothing(period), y0)


class EmaState:
    """Streaming EMA; O(1) per update. ``update(nan)`` returns NaN, state unchanged."""

    __slots__ = ("_count", "_ema", "_period", "_sum")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        self._period = period
        self._count = 0
        self._sum = 0.0
        self._ema = _affine(period, math.nan)

    @classmethod
    def from_seed(cls, period: int, seed: float) -> EmaState:
        """A state already warm with value ``seed``."""
        state = cls(period)
        state.seed(seed)
        return state

    @property
    def period(self) -> int:
        """The window length."""
        return self._period

    def seed(self, seed: float) -> None:
        """Makes the state warm with value ``seed``."""
        self._count = self._period
        self._sum = 0.0
        self._ema.seed(float(seed))

    def value(self) -> float:
        """The current EMA (NaN during warm-up)."""
        return self._ema.value() if self._count >= self._period else math.nan

    def update(self, x: float) -> float:
        """Feeds one value; the EMA after it (NaN during warm-up)."""
        x = float(x)
        if math.isnan(x):
            return math.nan
        if self._count >= self._period:
            return self._ema.step(x)
        self._sum += x
        self._count += 1
        if self._count == self._period:
            seed = self._sum / float(self._period)
            self._ema.seed(seed)
            return seed
        return math.nan

    def copy(self) -> EmaState:
        """An independent copy of the state."""
        other = EmaState(self._period)
        other._count = self._count
        other._sum = self._sum
        other._ema = self._ema.copy()
        return other

    def peek(self, x: float) -> float:
        """What :meth:`update` would return for ``x``, without committing it."""
        return self.copy().update(x)

    def reset(self) -> None:
        """Forgets every value."""
        self._count = 0
        self._sum = 0.0
        self._ema.seed(math.nan)


def ema_list(v: Sequence[float], period: int) -> list[float]:
    """EMA of NaN-free values (a list), NaN during warm-up: the Rust ``ema_into``."""
    n = len(v)
    if period < 1 or n < period:
        return [math.nan] * n
    total = 0.0
    for x in v[:period]:
        total += x
    seed = total / float(period)
    return [math.nan] * (period - 1) + [seed] + _affine(period, seed).run(v[period:])


def ema_valid(v: FloatArray, period: int) -> FloatArray:
    """EMA of NaN-free ``v``."""
    return np.array(ema_list(v.tolist(), period), dtype=np.float64)


def ema(values: FloatArray, period: int) -> FloatArray:
    """Exponential moving average (TA-Lib ``EMA``), seeded with the SMA of the first
    ``period`` valid values. Lookback ``period - 1``; the EMA carries across NaN gaps.

    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: ema_valid(v, period))

"""Directional movement index, TA-Lib ``PLUS_DI``, ``MINUS_DI``, ``ADX``; mirror of
``src/dmi.rs`` (see its module docs for the exact rules: TA-Lib's Wilder sums evaluated as
``S*c + new`` two bars at a time, DI 0 when the smoothed TR is 0, an undefined DX counts as 0
in the first ADX and leaves the ADX unchanged afterwards; DI lookback ``period``, ADX lookback
``2*period - 1``; DI in percent for every period, including 1)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .recurrence import Affine
from .true_range import true_range_value
from .validate import check_hlc, check_state_period

FloatArray = NDArray[np.float64]


def di_lookback(period: int) -> int:
    """NaN positions before the first DI: ``period`` valid bars."""
    return period


def adx_lookback(period: int) -> int:
    """NaN positions before the first ADX: ``2*period - 1`` valid bars."""
    return max(2 * period - 1, 0)


class Dmi(NamedTuple):
    """The three DMI series (percent)."""

    plus_di: FloatArray
    minus_di: FloatArray
    adx: FloatArray


class DmiPoint(NamedTuple):
    """One DMI output."""

    plus_di: float
    minus_di: float
    adx: float


_NAN_POINT = DmiPoint(math.nan, math.nan, math.nan)


class DmiState:
    """Streaming +DI/-DI/ADX; a bar with a NaN input returns NaNs, state unchanged."""

    __slots__ = (
        "_adx",
        "_count",
        "_minus_dm",
        "_period",
        "_pf",
        "_plus_dm",
        "_prev",
        "_sum_dx",
        "_sums",
        "_tr",
    )

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        pf = float(period)
        c = (pf - 1.0) / pf
        self._period = period
        self._pf = pf
        self._count = 0
        self._prev = (0.0, 0.0, 0.0)
        self._sums = (0.0, 0.0, 0.0)
        self._plus_dm = Affine(c, 1.0, 0.0)
        self._minus_dm = Affine(c, 1.0, 0.0)
        self._tr = Affine(c, 1.0, 0.0)
        self._sum_dx = 0.0
        self._adx = Affine(c, 1.0 / pf, math.nan)

    def copy(self) -> DmiState:
        """An independent copy of the state."""
        other = DmiState(self._period)
        other._count = self._count
        other._prev = self._prev
        other._sums = self._sums
        other._plus_dm = self._plus_dm.copy()
        other._minus_dm = self._minus_dm.copy()
        other._tr = self._tr.copy()
        other._sum_dx = self._sum_dx
        other._adx = self._adx.copy()
        return other

    def update(self, high: float, low: float, close: float) -> DmiPoint:
        """Feeds one bar; (+DI, -DI, ADX) after it, NaNs during warm-up."""
        h, lo, c = float(high), float(low), float(close)
        if math.isnan(h) or math.isnan(lo) or math.isnan(c):
            return _NAN_POINT
        if self._count == 0:
            self._prev = (h, lo, c)
            self._count = 1
            return _NAN_POINT
        ph, pl, pc = self._prev
        up = h - ph
        down = pl - lo
        tr = true_range_value(h, lo, pc)
        self._prev = (h, lo, c)
        plus = up if (up > 0.0 and up > down) else 0.0
        minus = down if (down > 0.0 and down > up) else 0.0
        bar = self._count
        period = self._period
        if bar < 2 * period:
            self._count += 1
        if bar < period:
            sp, sm, st = self._sums
            self._sums = (sp + plus, sm + minus, st + tr)
            return _NAN_POINT
        if bar == period:
            sp, sm, st = self._sums
            self._plus_dm.seed(sp)
            self._minus_dm.seed(sm)
            self._tr.seed(st)
        s_plus = self._plus_dm.step(plus)
        s_minus = self._minus_dm.step(minus)
        s_tr = self._tr.step(tr)
        if s_tr != 0.0:
            plus_di = 100.0 * (s_plus / s_tr)
            minus_di = 100.0 * (s_minus / s_tr)
        else:
            plus_di = minus_di = 0.0
        di_sum = minus_di + plus_di
        dx: float | None = None
        if s_tr != 0.0 and di_sum != 0.0:
            dx = 100.0 * (abs(minus_di - plus_di) / di_sum)
        last_initial = 2 * period - 1
        if bar <= last_initial:
            self._sum_dx += dx if dx is not None else 0.0
            if bar == last_initial:
                self._adx.seed(self._sum_dx / self._pf)
        elif dx is not None:
            self._adx.step(dx)
        adx = self._adx.value() if bar >= last_initial else math.nan
        return DmiPoint(plus_di, minus_di, adx)

    def peek(self, high: float, low: float, close: float) -> DmiPoint:
        """What :meth:`update` would return, without committing the bar."""
        return self.copy().update(high, low, close)

    def reset(self) -> None:
        """Forgets every bar."""
        fresh = DmiState(self._period)
        for name in self.__slots__:
            setattr(self, name, getattr(fresh, name))


def dmi(high: FloatArray, low: FloatArray, close: FloatArray, period: int = 14) -> Dmi:
    """+DI, -DI and ADX in percent (TA-Lib ``PLUS_DI``, ``MINUS_DI``, ``ADX``).

    DI lookback ``period``, ADX ``2*period - 1`` (valid bars). Errors (in order): empty
    ``high``; length mismatch; ``period`` out of range; ``+-inf``; ``high < low``.
    """
    check_hlc(high, low, close, (period, 1))
    state = DmiState(period)
    n = high.size
    plus = [math.nan] * n
    minus = [math.nan] * n
    adx = [math.nan] * n
    for i, (h, lo, c) in enumerate(zip(high.tolist(), low.tolist(), close.tolist(), strict=True)):
        plus[i], minus[i], adx[i] = state.update(h, lo, c)
    return Dmi(
        np.array(plus, dtype=np.float64),
        np.array(minus, dtype=np.float64),
        np.array(adx, dtype=np.float64),
    )

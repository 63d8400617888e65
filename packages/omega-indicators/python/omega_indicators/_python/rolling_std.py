"""Rolling population standard deviation, TA-Lib ``STDDEV(period, nbdev=1)``; mirror of
``src/rolling_std.rs`` (see its module docs for the algorithm: anchored sliding sums, accepted
while a worst-case rounding bound ``lim * mx`` stays below the variance, else rebuilt from the
window; exactly 0 on a window of equal values). Every operation below is the Rust one, in the
same order.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .nan_gaps import apply_compressed
from .validate import check_series_period, check_state_period

FloatArray = NDArray[np.float64]

_U = 2.0**-53
_TOL = 1e-11

# (k, s1, s2, mx, lim)
_Sums = tuple[float, float, float, float, float]
_ZERO: _Sums = (0.0, 0.0, 0.0, 0.0, 0.0)


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period - 1`` valid values."""
    return max(period - 1, 0)


def _consts(period: int) -> tuple[float, float, float]:
    """``(inv, c_rebuild, c_step)`` of the window length (the Rust ``Consts``)."""
    pf = float(period)
    den = _TOL - 3.0 * _U
    return 1.0 / pf, (2.0 * _U * (3.0 * pf + 9.0)) / den, (2.0 * _U * (3.0 * pf + 7.0)) / pf / den


def _rebuild(window: Sequence[float], inv: float, c_rebuild: float) -> tuple[_Sums, float]:
    total = 0.0
    for v in window:
        total += v
    k = total * inv
    s1 = s2 = mx = 0.0
    for v in window:
        d = v - k
        dd = d * d
        s1 += d
        s2 += dd
        mx = max(mx, dd)
    m = s1 * inv
    var = s2 * inv - m * m
    return (k, s1, s2, mx, c_rebuild), (var if var > 0.0 else 0.0)


def _slide(s: _Sums, old: float, x: float, c_step: float) -> _Sums:
    k, s1, s2, mx, lim = s
    d_old = old - k
    d = x - k
    dd = d * d
    s1 += d - d_old
    s2 += dd - d_old * d_old
    mx = max(mx, dd)
    return (k, s1, s2, mx, lim + c_step)


def _checked(s: _Sums, inv: float) -> float | None:
    _, s1, s2, mx, lim = s
    m = s1 * inv
    var = s2 * inv - m * m
    if var > 0.0 and var >= lim * mx:
        return var
    return None


class RollingStdState:
    """Streaming rolling population variance / std. ``update(nan)`` returns NaN, unchanged."""

    __slots__ = ("_consts", "_period", "_ring", "_run", "_sums")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        self._period = period
        self._consts = _consts(period)
        self._ring: deque[float] = deque(maxlen=period)
        self._run = 0
        self._sums: _Sums = _ZERO

    @property
    def period(self) -> int:
        """The window length."""
        return self._period

    def _advance(self, x: float) -> tuple[_Sums, int, float]:
        ring = self._ring
        inv, c_rebuild, c_step = self._consts
        run = self._run + 1 if (len(ring) > 0 and x == ring[-1]) else 1
        if len(ring) < self._period:
            if len(ring) + 1 < self._period:
                return self._sums, run, math.nan
            s, var = _rebuild([*ring, x], inv, c_rebuild)
            return s, run, (0.0 if run >= self._period else var)
        s = _slide(self._sums, ring[0], x, c_step)
        if run >= self._period:
            return s, run, 0.0
        var_ok = _checked(s, inv)
        if var_ok is not None:
            return s, run, var_ok
        window = [*list(ring)[1:], x]
        r, var = _rebuild(window, inv, c_rebuild)
        return r, run, var

    def update_variance(self, x: float) -> float:
        """Feeds one value; the population variance of the window (NaN during warm-up)."""
        x = float(x)
        if math.isnan(x):
            return math.nan
        sums, run, var = self._advance(x)
        self._sums = sums
        self._run = run
        self._ring.append(x)
        return var

    def peek_variance(self, x: float) -> float:
        """What :meth:`update_variance` would return, without committing."""
        x = float(x)
        if math.isnan(x):
            return math.nan
        return self._advance(x)[2]

    def update(self, x: float) -> float:
        """Feeds one value; the population standard deviation (NaN during warm-up)."""
        return math.sqrt(self.update_variance(x))

    def peek(self, x: float) -> float:
        """What :meth:`update` would return for ``x``, without committing it."""
        return math.sqrt(self.peek_variance(x))

    def reset(self) -> None:
        """Forgets every value."""
        self._ring.clear()
        self._run = 0
        self._sums = _ZERO


def variance_valid(values: FloatArray, period: int) -> FloatArray:
    """Rolling population variance of NaN-free ``values`` (the Rust ``variance_fast``)."""
    v = values.tolist()
    n = len(v)
    out = [math.nan] * n
    if period < 1 or n < period:
        return np.array(out, dtype=np.float64)
    inv, c_rebuild, c_step = _consts(period)
    run = 0
    for i in range(period):
        run = run + 1 if (i > 0 and v[i] == v[i - 1]) else 1
    (k, s1, s2, mx, lim), var = _rebuild(v[:period], inv, c_rebuild)
    out[period - 1] = 0.0 if run >= period else var
    for i in range(period, n):
        x = v[i]
        run = run + 1 if x == v[i - 1] else 1
        # slide (inlined _slide)
        d_old = v[i - period] - k
        d = x - k
        dd = d * d
        s1 += d - d_old
        s2 += dd - d_old * d_old
        if dd > mx:  # noqa: PLR1730 (cheaper than max() in this loop; same result)
            mx = dd
        lim += c_step
        if run >= period:
            out[i] = 0.0
            continue
        # check (inlined _checked)
        m = s1 * inv
        var = s2 * inv - m * m
        if var > 0.0 and var >= lim * mx:
            out[i] = var
            continue
        (k, s1, s2, mx, lim), var = _rebuild(v[i + 1 - period : i + 1], inv, c_rebuild)
        out[i] = var
    return np.array(out, dtype=np.float64)


def rolling_std(values: FloatArray, period: int) -> FloatArray:
    """Rolling population standard deviation (TA-Lib ``STDDEV(period, nbdev=1)``).

    Lookback ``period - 1``; exactly 0 on a window of equal values; NaN rule as everywhere.
    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: np.sqrt(variance_valid(v, period)))

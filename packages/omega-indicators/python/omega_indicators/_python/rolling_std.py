"""Rolling population standard deviation, TA-Lib ``STDDEV(period, nbdev=1)``; mirror of
``src/rolling_std.rs`` (see its module docs for the algorithm: anchored running sums with a
rigorous rounding-error bound, rebuilt from the window when the bound asks for it, exactly 0
on a window of equal values). Every operation below is the Rust one, in the same order.
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

# (k, s1, s2, e1, e2, lam_p, inv_lam)
_Sums = tuple[float, float, float, float, float, float, float]
_ZERO: _Sums = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)


def lookback(period: int) -> int:
    """NaN positions before the first value: ``period - 1`` valid values."""
    return max(period - 1, 0)


def _rebuild(window: Sequence[float], pf: float, inv: float) -> tuple[_Sums, float]:
    total = 0.0
    for v in window:
        total += v
    k = total * inv
    s1 = s2 = e1 = e2 = 0.0
    for v in window:
        d = v - k
        s1 += d
        e1 += abs(s1)
        s2 += d * d
        e2 += abs(s2)
    m = s1 * inv
    var = s2 * inv - m * m
    lam = math.sqrt(abs(s2) * inv)
    if math.isnan(lam) or lam <= 0.0:
        lam = abs(k) if k != 0.0 else 1.0
    return (k, s1, s2, e1, e2, lam * pf, 1.0 / lam), (var if var > 0.0 else 0.0)


def _slide(s: _Sums, old: float, x: float) -> _Sums:
    k, s1, s2, e1, e2, lam_p, inv_lam = s
    d_old = old - k
    d = x - k
    t1 = d - d_old
    t2 = d * d - d_old * d_old
    s1 += t1
    s2 += t2
    e1 += abs(s1) + abs(t1)
    e2 += abs(s2) + abs(t2)
    return (k, s1, s2, e1, e2, lam_p, inv_lam)


def _checked(s: _Sums, inv: float) -> float | None:
    _, s1, s2, e1, e2, lam_p, inv_lam = s
    m = s1 * inv
    var = s2 * inv - m * m
    a2 = abs(s2)
    bound_abs_d = (lam_p + a2 * inv_lam) * 0.5
    t = _U * (e1 + bound_abs_d) * inv
    err = _U * (e2 + 3.0 * a2) * inv + (2.0 * abs(m) + t) * t + 8.0 * _U * (a2 * inv + m * m)
    if var > 0.0 and err <= _TOL * var:
        return var
    return None


class RollingStdState:
    """Streaming rolling population variance / std. ``update(nan)`` returns NaN, unchanged."""

    __slots__ = ("_inv", "_period", "_pf", "_ring", "_run", "_sums")

    def __init__(self, period: int) -> None:
        check_state_period("period", period, 1)
        self._period = period
        self._pf = float(period)
        self._inv = 1.0 / self._pf
        self._ring: deque[float] = deque(maxlen=period)
        self._run = 0
        self._sums: _Sums = _ZERO

    @property
    def period(self) -> int:
        """The window length."""
        return self._period

    def _advance(self, x: float) -> tuple[_Sums, int, float]:
        ring = self._ring
        run = self._run + 1 if (len(ring) > 0 and x == ring[-1]) else 1
        if len(ring) < self._period:
            if len(ring) + 1 < self._period:
                return self._sums, run, math.nan
            s, var = _rebuild([*ring, x], self._pf, self._inv)
            return s, run, (0.0 if run >= self._period else var)
        s = _slide(self._sums, ring[0], x)
        if run >= self._period:
            return s, run, 0.0
        var_ok = _checked(s, self._inv)
        if var_ok is not None:
            return s, run, var_ok
        window = [*list(ring)[1:], x]
        r, var = _rebuild(window, self._pf, self._inv)
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
    """Rolling population variance of NaN-free ``values`` (the Rust ``variance_valid``)."""
    v = values.tolist()
    n = len(v)
    out = [math.nan] * n
    if period < 1 or n < period:
        return np.array(out, dtype=np.float64)
    pf = float(period)
    inv = 1.0 / pf
    run = 0
    for i in range(period):
        run = run + 1 if (i > 0 and v[i] == v[i - 1]) else 1
    s, var = _rebuild(v[:period], pf, inv)
    out[period - 1] = 0.0 if run >= period else var
    k, s1, s2, e1, e2, lam_p, inv_lam = s
    u8 = 8.0 * _U
    for i in range(period, n):
        x = v[i]
        run = run + 1 if x == v[i - 1] else 1
        # slide (inlined _slide)
        d_old = v[i - period] - k
        d = x - k
        t1 = d - d_old
        t2 = d * d - d_old * d_old
        s1 += t1
        s2 += t2
        e1 += abs(s1) + abs(t1)
        e2 += abs(s2) + abs(t2)
        if run >= period:
            out[i] = 0.0
            continue
        # check (inlined _checked)
        m = s1 * inv
        var = s2 * inv - m * m
        a2 = abs(s2)
        t = _U * (e1 + (lam_p + a2 * inv_lam) * 0.5) * inv
        err = _U * (e2 + 3.0 * a2) * inv + (2.0 * abs(m) + t) * t + u8 * (a2 * inv + m * m)
        if var > 0.0 and err <= _TOL * var:
            out[i] = var
            continue
        (k, s1, s2, e1, e2, lam_p, inv_lam), var = _rebuild(v[i + 1 - period : i + 1], pf, inv)
        out[i] = var
    return np.array(out, dtype=np.float64)


def rolling_std(values: FloatArray, period: int) -> FloatArray:
    """Rolling population standard deviation (TA-Lib ``STDDEV(period, nbdev=1)``).

    Lookback ``period - 1``; exactly 0 on a window of equal values; NaN rule as everywhere.
    Errors: empty ``values``; ``period < 1`` or ``> len(values)``; ``+-inf``.
    """
    any_nan = check_series_period(values, period, 1)
    return apply_compressed(values, any_nan, lambda v: np.sqrt(variance_valid(v, period)))

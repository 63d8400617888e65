"""1-D local-level Kalman filter mean; mirror of ``src/kalman_mean.rs``.

Initialisation ``xhat = y_0, P = R`` at the first valid value (output ``y_0``, no warm-up); then
``P_minus = P + Q; K = P_minus/(P_minus + R); xhat = xhat + K*(y - xhat); P = (1 - K)*P_minus``
per valid value until ``P`` hits its fixed point; from the next valid value on the gain ``K`` is
kept and values go in pairs with ``w = K*(1 - K)``: the first ``y1`` outputs
``xhat + K*(y1 - xhat)`` (``xhat`` unchanged), the second ``y2`` sets
``xhat = xhat + (w*(y1 - xhat) + K*(y2 - xhat))`` and outputs it. NaN: output NaN, state
unchanged.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .stat_validate import as_array, check_finite, check_non_empty, check_positive


class KalmanState:
    """O(1) streaming state of :func:`kalman_mean` (mirror of the Rust ``KalmanState``)."""

    __slots__ = (
        "_cur",
        "_frozen",
        "_half",
        "_k",
        "_p",
        "_pending",
        "_q",
        "_r",
        "_started",
        "_w",
        "_xhat",
    )
    _xhat: float
    _cur: float
    _p: float
    _k: float
    _w: float
    _frozen: bool
    _started: bool
    _half: bool
    _pending: float

    def __init__(self, R: float, Q: float) -> None:
        self._r = check_positive("R", R)
        self._q = check_positive("Q", Q)
        self.reset()

    def update(self, y: float) -> float:
        """Consume ``y`` and return the filtered mean; NaN returns NaN, changes nothing."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        if self._frozen:
            if self._half:
                self._xhat += self._w * (self._pending - self._xhat) + self._k * (y - self._xhat)
                self._half = False
                self._cur = self._xhat
            else:
                self._cur = self._xhat + self._k * (y - self._xhat)
                self._pending = y
                self._half = True
            return self._cur
        if not self._started:
            self._started = True
            self._xhat = y
            self._cur = y
            self._p = self._r
            return y
        p_minus = self._p + self._q
        k = p_minus / (p_minus + self._r)
        p = (1.0 - k) * p_minus
        self._xhat += k * (y - self._xhat)
        self._cur = self._xhat
        if p == self._p:
            self._frozen = True
            self._k = k
            self._w = k * (1.0 - k)
        self._p = p
        return self._xhat

    def peek(self, y: float) -> float:
        """What :meth:`update` would return for ``y``, without committing it."""
        other = KalmanState.__new__(KalmanState)
        for name in self.__slots__:
            setattr(other, name, getattr(self, name))
        return float(other.update(y))

    def reset(self) -> None:
        """Forgets every value (``R`` and ``Q`` are kept)."""
        self._xhat = float("nan")
        self._cur = float("nan")
        self._p = float("nan")
        self._k = float("nan")
        self._w = float("nan")
        self._frozen = False
        self._started = False
        self._half = False
        self._pending = 0.0

    @property
    def mean(self) -> float:
        """Current filtered mean (NaN before the first valid value)."""
        return self._cur

    @property
    def variance(self) -> float:
        """Current error variance ``P`` (NaN before the first valid value)."""
        return self._p


def kalman_mean(values: ArrayLike, R: float = 0.01, Q: float = 1.0) -> NDArray[np.float64]:
    """Kalman-filtered mean of ``values`` (float64, same length; no warm-up).

    ``R`` is the measurement-noise variance, ``Q`` the process-noise variance (both finite,
    ``> 0``). Errors, in order: empty input, ``R``, ``Q``, +-inf in ``values``.
    """
    x = as_array("values", values)
    check_non_empty("values", x)
    r = check_positive("R", R)
    q = check_positive("Q", Q)
    check_finite("values", x)
    return _kalman_loop(x, r, q)


def _kalman_loop(x: NDArray[np.float64], r: float, q: float) -> NDArray[np.float64]:
    """The filter over ``x`` (parameters already validated), NaN-preserving."""
    res: list[float] = []
    append = res.append
    nan = float("nan")
    started = False
    frozen = False
    half = False
    xhat = 0.0
    p = 0.0
    k = 0.0
    w = 0.0
    y1 = 0.0
    for y in x.tolist():
        if y != y:  # noqa: PLR0124 (NaN test, faster than math.isnan in this loop)
            append(nan)
            continue
        if frozen:
            if half:
                xhat += w * (y1 - xhat) + k * (y - xhat)
                append(xhat)
            else:
                y1 = y
                append(xhat + k * (y - xhat))
            half = not half
        elif started:
            p_minus = p + q
            k = p_minus / (p_minus + r)
            xhat += k * (y - xhat)
            p_new = (1.0 - k) * p_minus
            if p_new == p:
                frozen = True
                w = k * (1.0 - k)
            p = p_new
            append(xhat)
        else:
            xhat = y
            p = r
            started = True
            append(xhat)
    return np.array(res, dtype=np.float64)

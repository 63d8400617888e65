"""Kalman z-score; mirror of ``src/kalman_zscore.rs``.

``z_t = (y_t - xhat_t) / std_pop(residuals over the last window valid bars)``; warm-up
``window - 1`` valid bars; std 0 -> NaN; NaN bars are skipped (state carried across).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .kalman_mean import KalmanState, _kalman_loop
from .rolling_moments import RollingMoments, rolling_moments, zscore_from_moments
from .stat_validate import (
    as_array,
    check_finite,
    check_non_empty,
    check_positive,
    check_state_period,
    check_window,
)


class KalmanZScoreState:
    """O(1)-amortised streaming state of :func:`kalman_zscore`."""

    __slots__ = ("_kalman", "_moments")

    def __init__(self, window: int = 100, R: float = 0.01, Q: float = 1.0) -> None:
        w = check_state_period("window", window)
        self._kalman = KalmanState(R, Q)
        self._moments = RollingMoments(w)

    def update(self, y: float) -> float:
        """Consume ``y``; NaN returns NaN and changes nothing."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        resid = y - self._kalman.update(y)
        m = self._moments.update(resid)
        return float("nan") if m is None else m.scaled(resid)

    def peek(self, y: float) -> float:
        """What :meth:`update` would return for ``y``, without committing it."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        resid = y - self._kalman.peek(y)
        m = self._moments.peek(resid)
        return float("nan") if m is None else m.scaled(resid)

    def reset(self) -> None:
        """Forgets every value (the parameters are kept)."""
        self._kalman.reset()
        self._moments.reset()


def kalman_zscore(
    values: ArrayLike,
    window: int = 100,
    R: float = 0.01,
    Q: float = 1.0,
) -> NDArray[np.float64]:
    """Kalman z-score of ``values`` over ``window`` valid bars (float64, same length).

    Errors, in order: empty input, ``window`` out of ``1..=len(values)``, ``R``, ``Q``, +-inf.
    """
    x = as_array("values", values)
    check_non_empty("values", x)
    w = check_window("window", window, x.size, "values")
    r = check_positive("R", R)
    q = check_positive("Q", Q)
    check_finite("values", x)
    valid = ~np.isnan(x)
    y = x[valid]
    resid = y - _kalman_loop(y, r, q)
    _, _, var = rolling_moments(resid, w)
    out = np.full(x.size, np.nan)
    out[valid] = zscore_from_moments(resid, var)
    return out

"""Kalman-GARCH z-score; mirror of ``src/kalman_garch_zscore.rs``.

``z_t = (y_t - xhat_t) / (sigma_t * |y_t|)`` with ``xhat`` the Kalman mean and ``sigma`` the
GARCH return volatility (global, or local-window for the ``_local`` variant; the Kalman mean
runs over the whole history in both). A zero denominator gives NaN. Warm-up: that of ``sigma``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .garch_volatility import GarchParams, GarchState
from .garch_volatility_local import GarchLocalState, check_lookback
from .kalman_mean import KalmanState
from .stat_validate import as_array, check_non_empty, check_positive, check_prices


def _ratio(y: float, xhat: float, sigma: float) -> float:
    denom = abs(y) * sigma
    if denom > 0.0:
        return (y - xhat) / denom
    return float("nan")


class KalmanGarchZScoreState:
    """O(1) streaming state of :func:`kalman_garch_zscore`."""

    __slots__ = ("_garch", "_kalman")

    def __init__(
        self,
        R: float = 0.01,
        Q: float = 1.0,
        params: GarchParams | None = None,
    ) -> None:
        p = params or GarchParams()
        p.check_ints()
        self._kalman = KalmanState(R, Q)
        self._garch = GarchState(p)

    def update(self, y: float) -> float:
        """Consume a price (> 0, or NaN); NaN returns NaN and changes nothing."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        xhat = self._kalman.update(y)
        return _ratio(y, xhat, self._garch.update(y))

    def peek(self, y: float) -> float:
        """What :meth:`update` would return for ``y``, without committing it."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        return _ratio(y, self._kalman.peek(y), self._garch.peek(y))

    def reset(self) -> None:
        """Forgets every price (the parameters are kept)."""
        self._kalman.reset()
        self._garch.reset()


class KalmanGarchZScoreLocalState:
    """O(1)-amortised streaming state of :func:`kalman_garch_zscore_local`."""

    __slots__ = ("_garch", "_kalman")

    def __init__(
        self,
        lookback: int = 400,
        R: float = 0.01,
        Q: float = 1.0,
        params: GarchParams | None = None,
    ) -> None:
        p = params or GarchParams()
        check_lookback(lookback, p.check_ints(), None)
        self._kalman = KalmanState(R, Q)
        self._garch = GarchLocalState(lookback, p)

    def update(self, y: float) -> float:
        """Consume a price (> 0, or NaN); NaN returns NaN and changes nothing."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        xhat = self._kalman.update(y)
        return _ratio(y, xhat, self._garch.update(y))

    def peek(self, y: float) -> float:
        """What :meth:`update` would return for ``y``, without committing it."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        return _ratio(y, self._kalman.peek(y), self._garch.peek(y))

    def reset(self) -> None:
        """Forgets every price (the parameters are kept)."""
        self._kalman.reset()
        self._garch.reset()


def kalman_garch_zscore(
    values: ArrayLike,
    R: float = 0.01,
    Q: float = 1.0,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> NDArray[np.float64]:
    """Kalman-GARCH z-score of ``values`` (float64, same length, dimensionless).

    Errors, in order: empty input, ``min_periods``, ``R``, ``Q``, the float GARCH parameters,
    +-inf or a value ``<= 0`` in ``values``.
    """
    x = as_array("values", values)
    check_non_empty("values", x)
    state = KalmanGarchZScoreState(
        R, Q, GarchParams(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    )
    check_prices("values", x)
    update = state.update
    return np.array([update(y) for y in x.tolist()], dtype=np.float64)


def kalman_garch_zscore_local(
    values: ArrayLike,
    lookback: int = 400,
    R: float = 0.01,
    Q: float = 1.0,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> NDArray[np.float64]:
    """Kalman-GARCH z-score with the local-window sigma (float64, same length).

    Errors, in order: empty input, ``min_periods``, ``lookback``
    (``min_periods + 2 ..= len(values)``), ``R``, ``Q``, the float GARCH parameters, +-inf or a
    value ``<= 0`` in ``values``.
    """
    x = as_array("values", values)
    check_non_empty("values", x)
    p0 = GarchParams(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    lb = check_lookback(lookback, p0.check_ints(), x.size)
    check_positive("R", R)
    check_positive("Q", Q)
    p = p0.validated()
    check_prices("values", x)
    state = KalmanGarchZScoreLocalState(lb, R, Q, p)
    update = state.update
    return np.array([update(y) for y in x.tolist()], dtype=np.float64)

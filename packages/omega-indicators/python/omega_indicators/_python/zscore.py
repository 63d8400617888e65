"""Rolling z-score against the rolling mean or an EMA; mirror of ``src/zscore.rs``.

``rolling``: ``(y - mean_w) / std_w``; ``ema``: ``(y - EMA_p) / std_w`` with ``std_w`` the
population std of the last ``window`` valid values and ``EMA_p`` the package EMA (TA-Lib
seeding), ``p = ema_period`` defaulting to ``window``. Warm-up ``window - 1`` (rolling) or
``max(window, ema_period) - 1`` (ema) valid bars; std 0 -> NaN; NaN bars are skipped.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .ema import EmaState, ema
from .rolling_moments import RollingMoments, rolling_moments, zscore_from_moments
from .stat_validate import (
    as_array,
    as_option,
    check_finite,
    check_non_empty,
    check_state_period,
    check_window,
)

MEAN_SOURCES = ("rolling", "ema")


class ZScoreState:
    """O(1)-amortised streaming state of :func:`zscore`."""

    __slots__ = ("_ema", "_moments")

    def __init__(
        self, window: int = 100, mean_source: str = "rolling", ema_period: int | None = None
    ) -> None:
        src = as_option("mean_source", mean_source, MEAN_SOURCES)
        w = check_state_period("window", window)
        p = None if ema_period is None else check_state_period("ema_period", ema_period)
        self._moments = RollingMoments(w)
        self._ema = EmaState(p if p is not None else w) if src == "ema" else None

    def update(self, y: float) -> float:
        """Consume ``y``; NaN returns NaN and changes nothing."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        m = self._moments.update(y)
        if self._ema is None:
            return float("nan") if m is None else m.zscore()
        e = self._ema.update(y)
        if m is None or math.isnan(e):
            return float("nan")
        return m.scaled(y - e)

    def peek(self, y: float) -> float:
        """What :meth:`update` would return for ``y``, without committing it."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        m = self._moments.peek(y)
        if self._ema is None:
            return float("nan") if m is None else m.zscore()
        e = self._ema.peek(y)
        if m is None or math.isnan(e):
            return float("nan")
        return m.scaled(y - e)

    def reset(self) -> None:
        """Forgets every value (the parameters are kept)."""
        self._moments.reset()
        if self._ema is not None:
            self._ema.reset()


def zscore(
    values: ArrayLike,
    window: int = 100,
    mean_source: str = "rolling",
    ema_period: int | None = None,
) -> NDArray[np.float64]:
    """Rolling z-score of ``values`` (float64, same length, dimensionless).

    Errors, in order: ``mean_source`` not ``"rolling"``/``"ema"``, empty input, ``window``,
    ``ema_period`` (checked whenever given), +-inf in ``values``.
    """
    src = as_option("mean_source", mean_source, MEAN_SOURCES)
    x = as_array("values", values)
    check_non_empty("values", x)
    w = check_window("window", window, x.size, "values")
    p = None if ema_period is None else check_window("ema_period", ema_period, x.size, "values")
    check_finite("values", x)
    valid = ~np.isnan(x)
    y = x[valid]
    dev, mean_dev, var = rolling_moments(y, w)
    if src == "rolling":
        with np.errstate(invalid="ignore"):
            z = zscore_from_moments(dev - mean_dev, var)
    else:
        e = ema(x, p if p is not None else w)[valid]
        with np.errstate(invalid="ignore"):
            z = zscore_from_moments(y - e, np.where(np.isnan(e), np.nan, var))
    out = np.full(x.size, np.nan)
    out[valid] = z
    return out

"""GARCH(1,1) conditional volatility with fixed parameters; mirror of ``src/garch_volatility.rs``.

``r_k = ln(y_k/y_{k-1})*scale`` (or ``(y_k/y_{k-1} - 1)*scale``); the first ``min_periods``
returns seed ``sbar = mean(r^2)``; ``omega`` is given or ``sbar*(1 - alpha - beta)``
(variance targeting); ``v_m = sbar``, ``v_k = omega + alpha*r_{k-1}^2 + beta*v_{k-1}``; output
``sigma_k = sqrt(max(v_k, sigma_floor^2)) / scale`` (plain return units). Warm-up
``min_periods + 1`` valid bars; NaN bars are skipped; prices must be ``> 0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import invalid_value
from .stat_validate import (
    as_array,
    as_float,
    check_non_empty,
    check_non_negative,
    check_positive,
    check_prices,
    check_state_period,
)


@dataclass(frozen=True)
class GarchParams:
    """Fixed GARCH(1,1) parameters (mirror of the Rust ``GarchParams``)."""

    alpha: float = 0.05
    beta: float = 0.90
    omega: float | None = None
    use_log_returns: bool = True
    scale: float = 100.0
    min_periods: int = 50
    sigma_floor: float = 1e-6

    def check_ints(self) -> int:
        """``min_periods >= 1`` (the integer parameter); returns it."""
        return check_state_period("min_periods", self.min_periods)

    def validated(self) -> GarchParams:
        """Checks ``min_periods``, then ``alpha``, ``beta``, ``alpha + beta``, ``omega``,
        ``scale``, ``sigma_floor`` (in this order); returns a copy with plain Python numbers."""
        min_periods = self.check_ints()
        alpha = check_non_negative("alpha", self.alpha)
        beta = check_non_negative("beta", self.beta)
        total = alpha + beta
        if total >= 1.0:
            raise invalid_value("alpha + beta", "a sum < 1 (stationary GARCH(1,1))", total)
        omega: float | None = None
        if self.omega is not None:
            omega = as_float("omega", self.omega)
            if not (math.isfinite(omega) and omega > 0.0):
                raise invalid_value(
                    "omega", "a finite number > 0, or None for variance targeting", omega
                )
        scale = check_positive("scale", self.scale)
        sigma_floor = check_non_negative("sigma_floor", self.sigma_floor)
        return GarchParams(
            alpha, beta, omega, bool(self.use_log_returns), scale, min_periods, sigma_floor
        )

    def scaled_return(self, prev: float, y: float) -> float:
        """Scaled return from ``prev`` to ``y``."""
        if self.use_log_returns:
            return math.log(y / prev) * self.scale
        return (y / prev - 1.0) * self.scale

    def sigma(self, v: float, floor_sq: float) -> float:
        """Output sigma (return units) from a scaled variance."""
        v = v if v > floor_sq else floor_sq
        return math.sqrt(v) / self.scale

    def omega_for(self, sbar: float) -> float:
        """The fixed ``omega`` or ``sbar * (1 - alpha - beta)``."""
        if self.omega is not None:
            return self.omega
        return sbar * (1.0 - self.alpha - self.beta)


class GarchState:
    """O(1) streaming state of :func:`garch_volatility` (mirror of the Rust ``GarchState``)."""

    __slots__ = ("_floor_sq", "_n_returns", "_omega", "_p", "_prev", "_ready", "_seed_sum", "_var")

    def __init__(self, params: GarchParams | None = None) -> None:
        self._p = (params or GarchParams()).validated()
        self._floor_sq = self._p.sigma_floor * self._p.sigma_floor
        self._prev = float("nan")
        self._n_returns = 0
        self._seed_sum = 0.0
        self._omega = float("nan")
        self._var = float("nan")
        self._ready = False

    def update(self, y: float) -> float:
        """Consume a price (> 0, or NaN) and return sigma for this bar (NaN during warm-up)."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        if math.isnan(self._prev):
            self._prev = y
            return float("nan")
        p = self._p
        r = p.scaled_return(self._prev, y)
        self._prev = y
        a = r * r
        if self._ready:
            out = p.sigma(self._var, self._floor_sq)
            self._var = self._omega + p.alpha * a + p.beta * self._var
            return out
        self._n_returns += 1
        self._seed_sum += a
        if self._n_returns == p.min_periods:
            sbar = self._seed_sum / float(p.min_periods)
            self._omega = p.omega_for(sbar)
            self._var = self._omega + p.alpha * a + p.beta * sbar
            self._ready = True
        return float("nan")

    def peek(self, y: float) -> float:
        """What :meth:`update` would return for ``y``, without committing it."""
        y = float(y)
        if math.isnan(y) or math.isnan(self._prev) or not self._ready:
            return float("nan")
        return self._p.sigma(self._var, self._floor_sq)

    def reset(self) -> None:
        """Forgets every price (the parameters are kept)."""
        self._prev = float("nan")
        self._n_returns = 0
        self._seed_sum = 0.0
        self._omega = float("nan")
        self._var = float("nan")
        self._ready = False


def garch_volatility(
    values: ArrayLike,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> NDArray[np.float64]:
    """GARCH(1,1) sigma of the returns of ``values`` (float64, same length, return units).

    Errors, in order: empty input, the parameters, +-inf or a value ``<= 0`` in ``values``.
    """
    x = as_array("values", values)
    check_non_empty("values", x)
    state = GarchState(
        GarchParams(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    )
    check_prices("values", x)
    update = state.update
    return np.array([update(y) for y in x.tolist()], dtype=np.float64)

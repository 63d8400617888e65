"""GARCH(1,1) sigma from a trailing local window only; mirror of ``src/garch_volatility_local.rs``.

``out[t]`` equals :func:`garch_volatility` run from scratch on the last ``lookback`` valid
bars ending at ``t`` (its last value), computed in O(1) per bar with the unrolled recursion
``v_t = omega_t*C_K + alpha*E_{t-1} + beta^K*sbar_t`` (see the Rust module docs for every
term and the exact operation order). Warm-up ``lookback - 1`` valid bars;
``min_periods + 2 <= lookback``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import invalid_value
from .garch_volatility import GarchParams
from .stat_validate import as_array, as_int, check_non_empty, check_prices


def check_lookback(
    lookback: object,
    min_periods: int,
    length: int | None,
    name: str = "lookback",
    len_name: str = "values",
) -> int:
    """``min_periods + 2 <= lookback`` (and ``<= length`` when given)."""
    lb = as_int(name, lookback)
    lo = min_periods + 2
    if lb < lo or (length is not None and lb > length):
        if length is None:
            expected = f"an integer >= min_periods + 2 = {lo}"
        else:
            expected = f"an integer >= min_periods + 2 = {lo} and <= len({len_name}) = {length}"
        raise invalid_value(name, expected, lb)
    return lb


class GarchLocalState:
    """O(1)-amortised streaming state of :func:`garch_volatility_local`."""

    __slots__ = (
        "_beta_k",
        "_c_k",
        "_e",
        "_floor_sq",
        "_k",
        "_lookback",
        "_m",
        "_n_bars",
        "_newest",
        "_p",
        "_pending",
        "_prev",
        "_ring",
        "_seed",
    )

    def __init__(self, lookback: int = 400, params: GarchParams | None = None) -> None:
        p0 = params or GarchParams()
        lb = check_lookback(lookback, p0.check_ints(), None)
        p = p0.validated()
        self._p = p
        self._floor_sq = p.sigma_floor * p.sigma_floor
        self._lookback = lb
        self._m = p.min_periods
        self._k = lb - 1 - self._m
        c_k = 0.0
        beta_k = 1.0
        for _ in range(self._k):
            c_k += beta_k
            beta_k *= p.beta
        self._c_k = c_k
        self._beta_k = beta_k
        self._prev = float("nan")
        self._ring: list[float] = [0.0] * (lb - 1)
        self._newest = lb - 2
        self._n_bars = 0
        self._e = 0.0
        self._seed = 0.0
        self._pending = float("nan")

    def _age(self, j: int) -> float:
        cap = len(self._ring)
        return self._ring[(self._newest + cap - j) % cap]

    def update(self, y: float) -> float:
        """Consume a price (> 0, or NaN) and return the local sigma for this bar."""
        y = float(y)
        if math.isnan(y):
            return float("nan")
        t = self._n_bars
        self._n_bars += 1
        if t == 0:
            self._prev = y
            return float("nan")
        out = self._pending
        p = self._p
        r = p.scaled_return(self._prev, y)
        self._prev = y
        a = r * r
        cap = len(self._ring)
        self._newest = (self._newest + 1) % cap
        self._ring[self._newest] = a
        sub = self._beta_k * self._age(self._k) if t > self._k else 0.0
        self._e = p.beta * self._e + a - sub
        lb = self._lookback
        t0 = lb - 2
        if t >= t0:
            m = self._m
            if (t - t0) % m == 0:
                s = 0.0
                for j in range(lb - 3, lb - 3 - m, -1):
                    s += self._age(j)
                self._seed = s
            else:
                a_new = self._age(lb - 2 - m)
                a_old = self._age(lb - 2)
                self._seed += a_new - a_old
            sbar = self._seed / float(m)
            omega = p.omega_for(sbar)
            v = omega * self._c_k + p.alpha * self._e + self._beta_k * sbar
            self._pending = p.sigma(v, self._floor_sq)
        return out

    def peek(self, y: float) -> float:
        """What :meth:`update` would return for ``y``, without committing it."""
        y = float(y)
        if math.isnan(y) or self._n_bars == 0:
            return float("nan")
        return self._pending

    def reset(self) -> None:
        """Forgets every price (the parameters and the buffer's size are kept)."""
        self._ring = [0.0] * len(self._ring)
        self._prev = float("nan")
        self._newest = self._lookback - 2
        self._n_bars = 0
        self._e = 0.0
        self._seed = 0.0
        self._pending = float("nan")


def garch_volatility_local(
    values: ArrayLike,
    lookback: int = 400,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> NDArray[np.float64]:
    """Local-window GARCH(1,1) sigma of ``values`` (float64, same length, return units).

    Errors, in order: empty input, ``min_periods``, ``lookback``
    (``min_periods + 2 ..= len(values)``), the float GARCH parameters, +-inf or a value ``<= 0``.
    """
    x = as_array("values", values)
    check_non_empty("values", x)
    p0 = GarchParams(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    lb = check_lookback(lookback, p0.check_ints(), x.size)
    p = p0.validated()
    check_prices("values", x)
    state = GarchLocalState(lb, p)
    update = state.update
    return np.array([update(y) for y in x.tolist()], dtype=np.float64)

"""Volatility feature for regime clustering; mirror of ``src/vol_cluster.rs``.

``mode="atr"`` -> ``atr(high, low, close, atr_period)`` (price units); ``mode="garch"`` ->
``garch_volatility_local(close, garch_lookback, …)`` (return units). Returns the feature series
only; clustering it into regimes is the strategy's job.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .atr import AtrState, atr
from .garch_volatility import GarchParams
from .garch_volatility_local import GarchLocalState, check_lookback
from .stat_validate import (
    as_array,
    as_option,
    check_non_empty,
    check_prices,
    check_same_length,
    check_state_period,
)
from .stream_input import check_bar, check_price

MODES = ("atr", "garch")


def vol_cluster_series(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    mode: str,
    atr_period: int = 14,
    garch_lookback: int = 400,
    alpha: float = 0.05,
    beta: float = 0.90,
    omega: float | None = None,
    use_log_returns: bool = True,
    scale: float = 100.0,
    min_periods: int = 50,
    sigma_floor: float = 1e-6,
) -> NDArray[np.float64]:
    """The volatility feature series (float64, same length as the inputs).

    Errors: ``mode`` first; ``"atr"`` - those of ``atr``; ``"garch"`` (in this order) - empty
    ``high``, ``low``/``close`` lengths, ``min_periods``, ``garch_lookback``
    (``min_periods + 2 ..= len(close)``), the float GARCH parameters, +-inf or ``<= 0`` in
    ``close``. Parameters of the other mode are not checked.
    """
    m = as_option("mode", mode, MODES)
    h = as_array("high", high)
    lo = as_array("low", low)
    c = as_array("close", close)
    if m == "atr":
        return atr(h, lo, c, atr_period)
    check_non_empty("high", h)
    check_same_length("low", lo.size, "high", h.size)
    check_same_length("close", c.size, "high", h.size)
    p0 = GarchParams(alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor)
    lb = check_lookback(garch_lookback, p0.check_ints(), c.size, "garch_lookback", "close")
    p = p0.validated()
    check_prices("close", c)
    state = GarchLocalState(lb, p)
    update = state.update
    return np.array([update(y) for y in c.tolist()], dtype=np.float64)


class VolClusterState:
    """O(1)-amortised streaming state of :func:`vol_cluster_series` (mirror of the Rust
    ``VolClusterState``): an :class:`AtrState`, or a :class:`GarchLocalState` on the closes."""

    __slots__ = ("_mode", "_state")

    def __init__(
        self,
        mode: str,
        atr_period: int = 14,
        garch_lookback: int = 400,
        params: GarchParams | None = None,
    ) -> None:
        self._mode = as_option("mode", mode, MODES)
        self._state: AtrState | GarchLocalState
        if self._mode == "atr":
            self._state = AtrState(check_state_period("atr_period", atr_period))
            return
        p0 = params or GarchParams()
        lb = check_lookback(garch_lookback, p0.check_ints(), None, "garch_lookback")
        self._state = GarchLocalState(lb, p0.validated())

    @property
    def mode(self) -> str:
        """``"atr"`` or ``"garch"``."""
        return self._mode

    def check_bar(self, high: float, low: float, close: float) -> None:
        """The per-bar input check: the whole bar (``"atr"``) or the close as a price."""
        if isinstance(self._state, AtrState):
            check_bar(high, low, close)
        else:
            check_price("close", close)

    def update(self, high: float, low: float, close: float) -> float:
        """Feeds one bar; the feature after it (NaN during warm-up)."""
        if isinstance(self._state, AtrState):
            return self._state.update(high, low, close)
        return self._state.update(close)

    def peek(self, high: float, low: float, close: float) -> float:
        """What :meth:`update` would return, without committing the bar."""
        if isinstance(self._state, AtrState):
            return self._state.peek(high, low, close)
        return self._state.peek(close)

    def reset(self) -> None:
        """Forgets every bar (the parameters are kept)."""
        self._state.reset()

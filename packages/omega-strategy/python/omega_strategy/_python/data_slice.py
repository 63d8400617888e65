"""``DataSlice``: what a strategy sees at one primary bar; mirror of ``src/data_slice.rs``.

The slice of bar ``t`` carries that bar's bid and ask candles and reads indicator values at
``t`` or earlier bars only (``value``, ``previous``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .cache import IndicatorCache, IndicatorId


class Bar(NamedTuple):
    """One primary candle of one book side (accepted wherever a candle is, e.g. by
    ``ExecutionSimulator.evaluate_exits``)."""

    timestamp: int
    open: float
    high: float
    low: float
    close: float


class DataSlice:
    """The view of one primary bar (DESIGN §8, ADR-0006)."""

    __slots__ = (
        "_cache",
        "active_positions",
        "ask",
        "bid",
        "index",
        "symbol",
        "timeframe",
        "timestamp",
    )

    def __init__(
        self,
        symbol: str,
        timeframe: str,
        index: int,
        bid: Bar,
        ask: Bar,
        active_positions: int,
        cache: IndicatorCache,
    ) -> None:
        self.symbol = symbol
        self.timeframe = timeframe
        self.index = index
        """Primary bar index ``t`` (0-based; missing bars keep their index)."""
        self.timestamp = bid.timestamp
        """Bar ``t``'s open time, int µs UTC; signals decided on this bar carry it."""
        self.bid = bid
        self.ask = ask
        self.active_positions = active_positions
        """Pending and open positions when the strategy is asked (after this bar's exits and
        management actions)."""
        self._cache = cache

    def value(self, indicator: IndicatorId) -> float:
        """The value of ``indicator`` at this bar."""
        return self._cache.lists[indicator][self.index]

    def previous(self, indicator: IndicatorId, back: int) -> float:
        """The value of ``indicator`` ``back`` bars before this one (NaN before the first bar)."""
        i = self.index - back
        return self._cache.lists[indicator][i] if i >= 0 else math.nan

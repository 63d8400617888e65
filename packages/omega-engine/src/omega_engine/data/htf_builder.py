"""Higher-timeframe candles built bar by bar from a primary stream (the live counterpart of
``resample`` + the primary→HTF alignment).

Same rules as :func:`omega_engine.data.resample` (``docs/data.md``): buckets ``[start, start +
duration)`` on the grid of :func:`bucket_origin_us`, labelled by their open time; open = first
open, high = max, low = min, close = last close, volume = sum; a bucket exists only if a primary
bar lies in it. Visibility (DESIGN §4, ``AlignedMultiCandleData.primary_to``): an HTF candle is
released at the first primary bar whose close time (open + primary duration) is ``>=`` the HTF
candle's close time — at the bucket's last bar, or, when that bar is missing, at the first bar
of a later bucket. A still-forming candle is never released.
"""

from __future__ import annotations

from typing import NamedTuple

from omega_indicators.data import duration_us

from .resample import bucket_origin_us, check_target

__all__ = ["Candle", "HtfCandleBuilder"]


class Candle(NamedTuple):
    """One OHLCV candle (``timestamp`` = open time, int µs UTC; volume defaults to 0)."""

    timestamp: int
    open: float
    high: float
    low: float
    close: float
    volume: float = 0.0


class HtfCandleBuilder:
    """Aggregates one side's primary candles of ``source`` into ``target`` candles."""

    __slots__ = ("_bucket", "_close_at", "_hlcv", "_open", "_origin", "_primary", "_step")

    def __init__(self, source: str, target: str) -> None:
        source, target = check_target(source, target)
        self._primary = duration_us(source)
        self._step = duration_us(target)
        self._origin = bucket_origin_us(target)
        self._bucket: int | None = None
        self._close_at = 0
        self._open = 0.0
        self._hlcv = [0.0, 0.0, 0.0, 0.0]

    def _release(self) -> Candle:
        candle = self.forming
        assert candle is not None
        self._bucket = None
        return candle

    def push(
        self, timestamp: int, open: float, high: float, low: float, close: float, volume: float
    ) -> list[Candle]:
        """Adds the next primary candle (strictly later than the previous one); returns the
        HTF candles that became visible at it, oldest first (zero, one or two)."""
        bucket = (timestamp - self._origin) // self._step
        released = []
        if self._bucket is not None and bucket != self._bucket:
            released.append(self._release())
        if self._bucket is None:
            self._bucket = bucket
            self._close_at = (bucket + 1) * self._step + self._origin
            self._open = open
            self._hlcv = [high, low, close, volume]
        else:
            hlcv = self._hlcv
            hlcv[0] = max(hlcv[0], high)
            hlcv[1] = min(hlcv[1], low)
            hlcv[2] = close
            hlcv[3] += volume
        if timestamp + self._primary >= self._close_at:
            released.append(self._release())
        return released

    @property
    def forming(self) -> Candle | None:
        """The candle still forming (not visible to the strategy), or ``None``."""
        if self._bucket is None:
            return None
        high, low, close, volume = self._hlcv
        return Candle(
            self._bucket * self._step + self._origin, self._open, high, low, close, volume
        )

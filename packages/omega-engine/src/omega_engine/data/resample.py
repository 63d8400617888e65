"""Resampling primary candles to a higher timeframe, without inventing bars.

Rules (``docs/data.md``): buckets are left-closed ``[start, start + duration)`` and labelled by
their **open** time; they are aligned to the UTC epoch grid (M15 at :00/:15/…, H1 on full UTC
hours, H4 at 00/04/…/20 UTC, D1 at 00:00 UTC) except W1, whose weeks start on **Sunday 00:00
UTC** (FX trading weeks open on Sunday evening; MetaTrader's weekly bars open on Sunday too).
A primary bar belongs to the bucket containing its open time. OHLCV: open = first open, high =
max high, low = min low, close = last close, volume = sum. A bucket exists only if at least one
primary bar lies in it — gaps stay gaps. Bid and ask are resampled separately.
"""

from __future__ import annotations

import numpy as np

from omega_indicators import CandleSeries
from omega_indicators.data import TIMEFRAME_MINUTES, duration_us, parse_timeframe

__all__ = ["bucket_origin_us", "check_target", "resample"]

_SUNDAY = 3 * 86_400_000_000  # 1970-01-04 00:00 UTC, a Sunday, in µs


def bucket_origin_us(timeframe: str) -> int:
    """The instant (µs) the buckets of ``timeframe`` are counted from."""
    return _SUNDAY if parse_timeframe(timeframe) == "W1" else 0


def check_target(source: str, target: str) -> tuple[str, str]:
    """``(source, target)`` normalised; ``ValueError`` unless ``target`` is a longer timeframe
    whose duration is a multiple of ``source``'s."""
    source, target = parse_timeframe(source), parse_timeframe(target)
    if TIMEFRAME_MINUTES[target] <= TIMEFRAME_MINUTES[source]:
        raise ValueError(f"target: expected a timeframe longer than {source}, got {target}")
    if TIMEFRAME_MINUTES[target] % TIMEFRAME_MINUTES[source]:
        raise ValueError(f"target: expected a multiple of {source}, got {target}")
    return source, target


def resample(candles: CandleSeries, source: str, target: str) -> CandleSeries:
    """``candles`` of timeframe ``source`` aggregated to ``target``.

    ``target`` must be a longer timeframe whose duration is a multiple of ``source``'s;
    ``candles`` must be strictly increasing in time (as every loaded series is).
    """
    source, target = check_target(source, target)
    ts = candles.timestamps
    if not len(ts):
        return candles
    step = duration_us(target)
    origin = bucket_origin_us(target)
    bucket = (ts - origin) // step
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], len(ts)] - 1
    return CandleSeries.from_columns(
        bucket[starts] * step + origin,
        open=candles.open[starts],
        high=np.maximum.reduceat(candles.high, starts),
        low=np.minimum.reduceat(candles.low, starts),
        close=candles.close[ends],
        volume=np.add.reduceat(candles.volume, starts),
    )

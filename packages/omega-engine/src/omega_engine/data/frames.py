"""Candles as pandas: a :class:`CandleSeries` → DataFrame indexed by UTC open time."""

from __future__ import annotations

import pandas as pd

from omega_indicators import CandleSeries

__all__ = ["COLUMNS", "candles_frame"]

COLUMNS = ("open", "high", "low", "close", "volume")


def candles_frame(candles: CandleSeries) -> pd.DataFrame:
    """Columns ``open high low close volume``, index ``timestamp`` (UTC, bar open time)."""
    index = pd.DatetimeIndex(candles.timestamps.view("datetime64[us]"), name="timestamp")
    frame: pd.DataFrame = pd.DataFrame(
        {f: candles.column(f) for f in COLUMNS}, index=index.tz_localize("UTC")
    )
    return frame

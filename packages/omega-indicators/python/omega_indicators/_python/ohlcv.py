"""OHLCV series validation; mirror of ``omega_core::ohlcv`` (``omega-core/src/ohlcv.rs``).

Same checks in the same order with the same messages as the Rust ``OhlcvColumns::new``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .errors import fmt_float, invalid_value, length_mismatch

FloatArray = NDArray[np.float64]


def validate_ohlcv(
    timestamps: NDArray[np.int64],
    open: FloatArray,
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    volume: FloatArray,
) -> int:
    """Validates one OHLCV series and returns its row count (see the Rust docs for the rules)."""
    n = len(timestamps)
    columns = {"open": open, "high": high, "low": low, "close": close, "volume": volume}
    for name, column in columns.items():
        if len(column) != n:
            raise length_mismatch(name, "timestamps", n, len(column))
    if n > 1:
        steps = np.diff(timestamps)
        bad = np.flatnonzero(steps <= 0)
        if bad.size:
            i = int(bad[0])
            raise invalid_value(
                "timestamps",
                "strictly increasing values (no duplicates, sorted)",
                f"{timestamps[i + 1]} after {timestamps[i]} at row {i + 1}",
            )
    prices = np.stack([open, high, low, close]) if n else np.empty((4, 0))
    missing = np.isnan(prices).all(axis=0)
    suspicious = ~np.isfinite(prices).all(axis=0) | ~np.isfinite(volume) | (volume < 0)
    suspicious |= (high < low) | (open > high) | (open < low) | (close > high) | (close < low)
    suspicious |= missing & ~(np.isnan(volume) | (volume == 0))
    for row in np.flatnonzero(suspicious | missing):
        _check_row(int(row), *(float(c[row]) for c in columns.values()))
    return n


def _check_row(row: int, open: float, high: float, low: float, close: float, volume: float) -> None:
    prices = {"open": open, "high": high, "low": low, "close": close}
    if all(np.isnan(p) for p in prices.values()):
        if np.isnan(volume) or volume == 0.0:
            return
        raise invalid_value(
            "volume",
            "NaN or 0 on a missing bar (all prices NaN)",
            f"{fmt_float(volume)} at row {row}",
        )
    for name, price in prices.items():
        if not np.isfinite(price):
            raise invalid_value(
                name,
                "a finite price (or all four prices NaN for a missing bar)",
                f"{fmt_float(price)} at row {row}",
            )
    if not (np.isfinite(volume) and volume >= 0.0):
        raise invalid_value("volume", "a finite value >= 0", f"{fmt_float(volume)} at row {row}")
    if high < low:
        raise invalid_value(
            "high", "high >= low", f"high {fmt_float(high)} < low {fmt_float(low)} at row {row}"
        )
    for name, price in (("open", open), ("close", close)):
        if price > high or price < low:
            raise invalid_value(
                name,
                "a price within [low, high]",
                f"{fmt_float(price)} outside [{fmt_float(low)}, {fmt_float(high)}] at row {row}",
            )

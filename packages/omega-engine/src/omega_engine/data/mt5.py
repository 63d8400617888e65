"""MetaTrader 5 bar exports.

MT5's "Export Bars" writes a tab-separated file with the header
``<DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE> <TICKVOL> <VOL> <SPREAD>`` (``<TIME>`` is absent in
some daily exports), dates as ``2024.01.02`` and times as ``00:05:00``, in the **broker's server
time**, sometimes UTF-16 encoded. The prices are **bid** prices and ``<SPREAD>`` is the bar's
spread in **points** (the symbol's ``point``, e.g. 0.00001 for a 5-digit EURUSD), so

    bid = <OPEN> <HIGH> <LOW> <CLOSE>,   ask = bid + <SPREAD> · point

for all four prices of the bar. Volume is ``<TICKVOL>`` (``<VOL>``, the exchange volume, is 0
for most FX symbols and is ignored). Reading goes through the generic CSV loader; this module
holds what is specific to MT5: recognizing the header, its defaults and a writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import DataError

if TYPE_CHECKING:
    from omega_indicators import CandleSeries

__all__ = ["MT5_COLUMNS", "MT5_DEFAULTS", "is_mt5_header", "is_mt5_tick_header", "write_mt5"]

MT5_COLUMNS = ("<DATE>", "<TIME>", "<OPEN>", "<HIGH>", "<LOW>", "<CLOSE>", "<TICKVOL>", "<VOL>",
               "<SPREAD>")  # fmt: skip
MT5_DEFAULTS = {"price_basis": "bid", "spread_unit": "points"}
"""How MT5 bars become bid/ask unless a config says otherwise."""


def _cells(header: str) -> list[str]:
    return [c.strip().upper() for c in header.replace("\t", ",").replace(";", ",").split(",")]


def is_mt5_header(header: str) -> bool:
    """True for an MT5 bar export header (``<DATE>`` … ``<CLOSE>`` … in angle brackets)."""
    cells = _cells(header)
    return bool(cells) and cells[0] == "<DATE>" and {"<OPEN>", "<CLOSE>"} <= set(cells)


def is_mt5_tick_header(header: str) -> bool:
    """True for an MT5 *tick* export (``<DATE> <TIME> <BID> <ASK> …``), which is not bars."""
    cells = set(_cells(header))
    return "<DATE>" in cells and {"<BID>", "<ASK>"} <= cells


def write_mt5(path: str | Path, bid: CandleSeries, ask: CandleSeries, point: float) -> Path:
    """Writes bid/ask candles as an MT5 bar export (UTC times, spread in points).

    The spread of a bar must be the same for its four prices and a whole number of points
    (as in MT5 exports); otherwise :class:`DataError` — the file could not represent the data.
    """
    path = Path(path)
    if not np.array_equal(bid.timestamps, ask.timestamps):
        raise DataError("write_mt5: expected bid and ask candles on the same timestamps")
    spreads = [(ask.column(f) - bid.column(f)) / point for f in ("open", "high", "low", "close")]
    points = np.rint(spreads[0])
    for spread in spreads:
        if not np.allclose(spread, points, rtol=0.0, atol=1e-6):
            raise DataError(
                "write_mt5: expected one whole-point spread per bar for open/high/low/close"
            )
    for f in ("open", "high", "low", "close"):
        ticks = bid.column(f) / point
        if not np.allclose(ticks, np.rint(ticks), rtol=0.0, atol=1e-6):
            raise DataError(f"write_mt5: expected bid {f} prices in whole points of {point:g}")
    stamps = bid.timestamps.view("datetime64[us]").astype("datetime64[s]")
    dates = np.datetime_as_string(stamps, unit="D")
    times = np.datetime_as_string(stamps, unit="s")
    decimals = max(0, round(-np.log10(point)))
    lines = ["\t".join(MT5_COLUMNS)]
    for i in range(len(bid)):
        prices = "\t".join(
            f"{bid.column(f)[i]:.{decimals}f}" for f in ("open", "high", "low", "close")
        )
        lines.append(
            f"{dates[i].replace('-', '.')}\t{times[i][11:]}\t{prices}\t"
            f"{int(bid.volume[i])}\t0\t{int(points[i])}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

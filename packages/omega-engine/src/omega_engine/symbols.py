"""The symbols of a run: one strategy per configured symbol (:class:`SymbolRun`) and the
per-symbol trade statistics of a result (:func:`symbol_summaries`), ``docs/engine.md``.

All symbols trade against one balance, so the account-level numbers (equity, drawdown, Sharpe,
return, …) exist only for the whole run (``BacktestResult.summary``); per symbol there are the
statistics of its closed trades, with the formulas of ``omega_portfolio``'s summary
(``docs/statistics.md``: sums left to right in closing order, starting at 0.0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .data.loaders import SymbolData

__all__ = ["SymbolRun", "symbol_summaries"]


@dataclass(frozen=True)
class SymbolRun:
    """One configured symbol: its strategy instance and its market data."""

    strategy: Any
    data: SymbolData


def _ratio(num: float, count: int) -> float:
    return math.nan if count == 0 else num / count


def _summary(trades: pd.DataFrame) -> dict[str, float | int]:
    """Trade statistics of one symbol's closed trades (closing order)."""
    net = trades["net_pnl"].tolist()
    wins = [x for x in net if x > 0.0]
    losses = [x for x in net if x < 0.0]
    gross_profit = sum(wins, 0.0)
    gross_loss = sum(losses, 0.0)
    profit_factor = gross_profit / -gross_loss if losses else math.inf if wins else math.nan
    r = [x for x in trades["r_multiple"].tolist() if not math.isnan(x)]
    return {
        "trades": len(net),
        "wins": len(wins),
        "losses": len(losses),
        "win_rate_pct": _ratio(float(len(wins)), len(net)) * 100.0,
        "gross_profit": gross_profit,
        "gross_loss": gross_loss,
        "net_profit": sum(net, 0.0),
        "profit_factor": profit_factor,
        "expectancy": _ratio(sum(net, 0.0), len(net)),
        "avg_r": _ratio(sum(r, 0.0), len(r)),
        "total_fees": sum(trades["fees"].tolist(), 0.0),
    }


def symbol_summaries(trades: pd.DataFrame, symbols: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per symbol (in ``symbols`` order): the statistics of its closed trades in ``trades``
    (the result's trades table, with its ``symbol`` column). ``total_fees`` counts the fees
    of closed trades only; ``avg_r`` skips trades without an initial risk."""
    by_symbol = trades["symbol"].astype(str)
    return {name: _summary(trades[by_symbol == name]) for name in symbols}

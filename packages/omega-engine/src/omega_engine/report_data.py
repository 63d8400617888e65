"""What the HTML and PNG reports show, derived once from a :class:`BacktestResult`: the equity
curve as arrays, a description of the run and the formatting of summary values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .result import BacktestResult

__all__ = ["Curve", "RunInfo", "curve", "format_value", "label", "run_info"]

FloatArray = NDArray[np.float64]

LABELS = {
    "initial_balance": "Initial balance",
    "final_balance": "Final balance",
    "final_equity": "Final equity",
    "open_positions": "Open positions",
    "trades": "Trades",
    "wins": "Wins",
    "losses": "Losses",
    "breakeven": "Break-even",
    "win_rate_pct": "Win rate",
    "gross_profit": "Gross profit",
    "gross_loss": "Gross loss",
    "net_profit": "Net profit",
    "profit_factor": "Profit factor",
    "expectancy": "Expectancy per trade",
    "avg_win": "Average win",
    "avg_loss": "Average loss",
    "avg_r": "Average R multiple",
    "largest_win": "Largest win",
    "largest_loss": "Largest loss",
    "max_consecutive_wins": "Max consecutive wins",
    "max_consecutive_losses": "Max consecutive losses",
    "total_fees": "Total fees",
    "max_drawdown": "Max drawdown",
    "max_drawdown_pct": "Max drawdown %",
    "max_drawdown_duration_days": "Longest drawdown",
    "return_pct": "Return",
    "cagr_pct": "CAGR",
    "sharpe": "Sharpe ratio",
    "sortino": "Sortino ratio",
    "calmar": "Calmar ratio",
    "exposure_pct": "Exposure",
}
_MONEY = {
    "initial_balance", "final_balance", "final_equity", "gross_profit", "gross_loss",
    "net_profit", "expectancy", "avg_win", "avg_loss", "largest_win", "largest_loss",
    "total_fees", "max_drawdown",
}  # fmt: skip
_COUNTS = {
    "open_positions", "trades", "wins", "losses", "breakeven", "max_consecutive_wins",
    "max_consecutive_losses",
}  # fmt: skip


def label(key: str) -> str:
    """The human label of a summary key."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


def format_value(key: str, value: Any, currency: str = "") -> str:
    """A summary value as shown in the report (``–`` for NaN, ``∞`` for infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "–"
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if key in _COUNTS:
        return f"{int(number):,}"
    if key.endswith("_pct"):
        return f"{number:,.2f} %"
    if key in _MONEY:
        return f"{number:,.2f} {currency}".rstrip()
    if key.endswith("_days"):
        return f"{number:,.1f} days"
    return f"{number:,.3f}"


@dataclass(frozen=True)
class Curve:
    """The equity curve as arrays (UTC times)."""

    times: pd.DatetimeIndex
    micros: NDArray[np.int64]
    equity: FloatArray
    balance: FloatArray
    drawdown_pct: FloatArray
    """≥ 0: how far equity is below its running peak, in percent of the peak."""
    currency: str
    title: str


@dataclass(frozen=True)
class RunInfo:
    """Who ran on what: taken from the result's config."""

    strategy: str
    symbols: tuple[str, ...]
    timeframe: str
    currency: str
    initial_balance: float
    synthetic: bool
    data: tuple[str, ...]

    @property
    def title(self) -> str:
        """``MeanReversionZScore · EURUSD · M5``."""
        parts = [self.strategy, ", ".join(self.symbols), self.timeframe]
        return " · ".join(p for p in parts if p)


def run_info(result: BacktestResult) -> RunInfo:
    """The run's description (every field optional in the config: defaults are blank)."""
    config: Mapping[str, Any] = result.config
    strategy = config.get("strategy") or {}
    portfolio = config.get("portfolio") or {}
    symbols = config.get("symbols") or []
    names, data, synthetic = [], [], False
    for symbol in symbols:
        names.append(str(symbol.get("name", "?")))
        source = symbol.get("data") or {}
        if source.get("builtin"):
            synthetic = True
            data.append(f"{symbol.get('name')}: builtin {source['builtin']} (synthetic)")
        elif source.get("path"):
            data.append(f"{symbol.get('name')}: {source['path']}")
        elif source.get("files"):
            files = ", ".join(
                f"{tf} {side}={path}"
                for tf, sides in source["files"].items()
                for side, path in sides.items()
            )
            data.append(f"{symbol.get('name')}: {files}")
    timeframe = str(strategy.get("timeframe") or result.metadata.get("timeframe") or "")
    balance = portfolio.get("initial_balance", result.summary.get("initial_balance", math.nan))
    return RunInfo(
        strategy=str(strategy.get("name", "")),
        symbols=tuple(names),
        timeframe=timeframe,
        currency=str(portfolio.get("account_currency", "")),
        initial_balance=float(balance),
        synthetic=synthetic or bool(result.metadata.get("synthetic", False)),
        data=tuple(data),
    )


def curve(result: BacktestResult) -> Curve:
    """The equity curve; drawdown % is taken from the curve's ``drawdown_pct`` column or, if
    absent, computed from the running peak (starting at the initial balance)."""
    info = run_info(result)
    frame = result.equity
    raw = frame["timestamp"] if "timestamp" in frame.columns else frame.index.to_series()
    times = pd.DatetimeIndex(raw)
    times = times.tz_localize("UTC") if times.tz is None else times.tz_convert("UTC")
    equity = frame["equity"].to_numpy(dtype=np.float64) if "equity" in frame else np.array([])
    balance = frame["balance"].to_numpy(dtype=np.float64) if "balance" in frame else equity
    if "drawdown_pct" in frame:
        drawdown = frame["drawdown_pct"].to_numpy(dtype=np.float64)
    else:
        start = info.initial_balance if math.isfinite(info.initial_balance) else -np.inf
        peak = np.maximum.accumulate(np.maximum(equity, start)) if len(equity) else equity
        drawdown = np.where(peak > 0, (peak - equity) / np.where(peak > 0, peak, 1.0) * 100, 0.0)
    return Curve(
        times=times,
        micros=np.asarray(times.as_unit("us").asi8, dtype=np.int64),
        equity=equity,
        balance=balance,
        drawdown_pct=drawdown,
        currency=info.currency,
        title=info.title or "Backtest",
    )

"""A Python-loop result as column tables; mirror of ``src/results.rs``.

The same tables, column names, dtypes and categorical encodings (codes in order of first
appearance) as the Rust loop returns, so :mod:`omega_strategy.results` turns both into the same
DataFrames.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from omega_execution import Position

from .strategy import Close, ModifyStopLoss, ModifyTakeProfit, PositionAction

NAT = np.iinfo(np.int64).min
Column = NDArray[Any] | tuple[NDArray[np.int32], list[str]]
Table = dict[str, Column]


@dataclass(frozen=True)
class SignalRecord:
    """A signal the strategy emitted and the position id it got."""

    bar: int
    id: int
    direction: str
    entry: float
    sl: float | None
    tp: float | None
    order_type: str
    scenario: str
    reason: str


@dataclass(frozen=True)
class ActionRecord:
    """What ``manage_position`` did (holds are not recorded)."""

    bar: int
    id: int
    action: PositionAction


def categorical(values: Iterable[str]) -> tuple[NDArray[np.int32], list[str]]:
    """Codes and categories, categories in order of first appearance."""
    index: dict[str, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    return np.array(codes, dtype=np.int32), list(index)


def _f64(values: Iterable[float | None]) -> NDArray[np.float64]:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _i64(values: Iterable[int | None]) -> NDArray[np.int64]:
    return np.array([NAT if v is None else v for v in values], dtype=np.int64)


def _micros(column: pd.Series) -> NDArray[np.int64]:
    return np.asarray(pd.DatetimeIndex(column).as_unit("us").asi8, dtype=np.int64)


def _bar_of(timestamps: NDArray[np.int64], times: NDArray[np.int64]) -> NDArray[np.int64]:
    i = np.searchsorted(timestamps, times)
    found = (i < len(timestamps)) & (timestamps[np.minimum(i, len(timestamps) - 1)] == times)
    return np.where(found, i, -1).astype(np.int64)


def trades(
    frame: pd.DataFrame, positions: Sequence[Position], timestamps: NDArray[np.int64]
) -> Table:
    """Closed trades (the portfolio's ``trades`` frame) plus the strategy's columns."""
    by_id = {p.id: p for p in positions}
    ids = frame["id"].to_numpy(dtype=np.uint64)
    of = [by_id.get(int(i)) for i in ids]
    entry_time = _micros(frame["entry_time"])
    exit_time = _micros(frame["exit_time"])
    out: Table = {
        "id": ids,
        "symbol": categorical(frame["symbol"].astype(str)),
        "direction": categorical(frame["direction"].astype(str)),
        "size": frame["size"].to_numpy(dtype=np.float64),
        "entry_time": entry_time,
        "entry_price": frame["entry_price"].to_numpy(dtype=np.float64),
        "stop_loss": frame["stop_loss"].to_numpy(dtype=np.float64),
        "take_profit": frame["take_profit"].to_numpy(dtype=np.float64),
        "exit_time": exit_time,
        "exit_price": frame["exit_price"].to_numpy(dtype=np.float64),
        "reason": categorical(frame["reason"].astype(str)),
        "pnl": frame["pnl"].to_numpy(dtype=np.float64),
        "fees": frame["fees"].to_numpy(dtype=np.float64),
        "net_pnl": frame["net_pnl"].to_numpy(dtype=np.float64),
        "initial_risk": frame["initial_risk"].to_numpy(dtype=np.float64),
        "r_multiple": frame["r_multiple"].to_numpy(dtype=np.float64),
        "initial_stop_loss": _f64(None if p is None else p.initial_stop_loss for p in of),
        "scenario": categorical("" if p is None else p.scenario for p in of),
        "signal_reason": categorical("" if p is None else p.reason for p in of),
        "entry_bar": _bar_of(timestamps, entry_time),
        "exit_bar": _bar_of(timestamps, exit_time),
    }
    return out


def orders(positions: Sequence[Position], fill_bars: Sequence[int | None]) -> Table:
    """Every order/position of the simulator, in id order."""
    p = positions
    return {
        "id": np.array([x.id for x in p], dtype=np.uint64),
        "direction": categorical(x.direction for x in p),
        "order_type": categorical(x.order_type for x in p),
        "status": categorical(x.status for x in p),
        "entry_time": _i64(x.entry_time for x in p),
        "entry_price": _f64(x.entry_price for x in p),
        "trigger_time": _i64(x.trigger_time for x in p),
        "trigger_price": _f64(x.trigger_price for x in p),
        "exit_time": _i64(x.exit_time for x in p),
        "exit_price": _f64(x.exit_price for x in p),
        "exit_reason": categorical(x.exit_reason or "" for x in p),
        "size": _f64(x.size for x in p),
        "initial_stop_loss": _f64(x.initial_stop_loss for x in p),
        "initial_take_profit": _f64(x.initial_take_profit for x in p),
        "stop_loss": _f64(x.stop_loss for x in p),
        "take_profit": _f64(x.take_profit for x in p),
        "entry_fee": _f64(x.entry_fee for x in p),
        "exit_fee": _f64(x.exit_fee for x in p),
        "entry_slippage": _f64(x.entry_slippage for x in p),
        "exit_slippage": _f64(x.exit_slippage for x in p),
        "scenario": categorical(x.scenario for x in p),
        "reason": categorical(x.reason for x in p),
        "fill_bar": np.array([-1 if b is None else b for b in fill_bars], dtype=np.int64),
    }


def _bar_columns(bars: Sequence[int], timestamps: NDArray[np.int64]) -> Table:
    b = np.array(bars, dtype=np.int64)
    return {"bar": b, "timestamp": timestamps[b] if len(b) else np.zeros(0, dtype=np.int64)}


def signals(records: Sequence[SignalRecord], timestamps: NDArray[np.int64]) -> Table:
    """The strategy's signals, in bar order."""
    s = records
    return _bar_columns([x.bar for x in s], timestamps) | {
        "id": np.array([x.id for x in s], dtype=np.uint64),
        "direction": categorical(x.direction for x in s),
        "order_type": categorical(x.order_type for x in s),
        "entry": _f64(x.entry for x in s),
        "sl": _f64(x.sl for x in s),
        "tp": _f64(x.tp for x in s),
        "scenario": categorical(x.scenario for x in s),
        "reason": categorical(x.reason for x in s),
    }


def _details(action: PositionAction) -> tuple[str, float, str]:
    if isinstance(action, ModifyStopLoss):
        return "modify_stop_loss", action.new_sl, ""
    if isinstance(action, ModifyTakeProfit):
        return "modify_take_profit", action.new_tp, ""
    if isinstance(action, Close):
        return "close", np.nan, action.reason
    return "hold", np.nan, ""


def actions(records: Sequence[ActionRecord], timestamps: NDArray[np.int64]) -> Table:
    """The strategy's position actions other than holds, in bar order."""
    details = [_details(x.action) for x in records]
    return _bar_columns([x.bar for x in records], timestamps) | {
        "id": np.array([x.id for x in records], dtype=np.uint64),
        "action": categorical(d[0] for d in details),
        "value": _f64(d[1] for d in details),
        "reason": categorical(d[2] for d in details),
    }


def equity(frame: pd.DataFrame) -> Table:
    """The portfolio's equity curve with its drawdown columns."""
    return {
        "timestamp": _micros(frame["timestamp"]),
        **{
            k: frame[k].to_numpy(dtype=np.float64)
            for k in ("equity", "balance", "peak", "drawdown", "drawdown_pct")
        },
    }

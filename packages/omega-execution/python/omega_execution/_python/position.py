"""Mirror of ``position.rs``: a signal's life in the simulator (R2)."""

from __future__ import annotations

from typing import Literal

from .signal import Direction, OrderType, TradeSignal

PositionStatus = Literal["pending", "open", "closed", "cancelled", "rejected"]

STOP_LOSS = "stop_loss"
BREAK_EVEN_STOP_LOSS = "break_even_stop_loss"
TAKE_PROFIT = "take_profit"
TIMEOUT = "timeout"
SIGNAL = "signal"
STOPS_CROSSED_AT_FILL = "stops_crossed_at_fill"
SIZE_BELOW_MINIMUM = "size_below_minimum"
INVALID_SIZE = "invalid_size"


def is_active(status: PositionStatus) -> bool:
    """Pending or open."""
    return status in ("pending", "open")


class Position:
    """One order / position (fields as in the Rust struct)."""

    __slots__ = (
        "direction",
        "entry_fee",
        "entry_price",
        "entry_slippage",
        "entry_time",
        "exit_fee",
        "exit_price",
        "exit_reason",
        "exit_slippage",
        "exit_time",
        "id",
        "initial_stop_loss",
        "initial_take_profit",
        "order_type",
        "reason",
        "scenario",
        "size",
        "status",
        "stop_loss",
        "symbol",
        "symbol_index",
        "take_profit",
        "trigger_price",
        "trigger_time",
    )

    def __init__(self, id: int, signal: TradeSignal, entry_time: int, symbol_index: int) -> None:
        self.id = id
        self.symbol = signal.symbol
        self.direction: Direction = signal.direction
        self.order_type: OrderType = signal.order_type
        self.status: PositionStatus = "pending"
        self.entry_time = entry_time
        self.entry_price = signal.entry
        self.trigger_time: int | None = None
        self.trigger_price: float | None = None
        self.exit_time: int | None = None
        self.exit_price: float | None = None
        self.exit_reason: str | None = None
        self.initial_stop_loss = signal.sl
        self.initial_take_profit = signal.tp
        self.stop_loss = signal.sl
        self.take_profit = signal.tp
        self.size = 0.0
        self.entry_fee = 0.0
        self.exit_fee = 0.0
        self.entry_slippage = 0.0
        self.exit_slippage = 0.0
        self.reason = signal.reason
        self.scenario = signal.scenario
        self.symbol_index = symbol_index

    def copy(self) -> Position:
        """A field-by-field copy."""
        clone = Position.__new__(Position)
        for name in Position.__slots__:
            setattr(clone, name, getattr(self, name))
        return clone

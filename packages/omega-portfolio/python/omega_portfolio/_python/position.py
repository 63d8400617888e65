"""Mirror of ``omega_portfolio::position``: a registered position and its open state."""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import pnl
from .direction import Direction
from .errors import fmt_float, invalid_value
from .marks import Quote


@dataclass(frozen=True)
class Position:
    """A position as registered on entry."""

    id: int
    symbol: str
    direction: Direction
    size: float
    entry_time: int
    entry_price: float
    stop_loss: float | None
    take_profit: float | None

    def validate_values(self) -> None:
        """Checks size and prices, in the Rust order."""
        if not (math.isfinite(self.size) and self.size > 0.0):
            raise invalid_value("size", "a finite number of lots > 0", self.size)
        if not math.isfinite(self.entry_price):
            raise invalid_value("entry_price", "a finite price", self.entry_price)
        stop = self.stop_loss
        if stop is not None:
            if self.direction == "long":
                ok, relation = stop < self.entry_price, "below"
            else:
                ok, relation = stop > self.entry_price, "above"
            if not (math.isfinite(stop) and ok):
                raise invalid_value(
                    "stop_loss",
                    f"a finite price {relation} entry_price {fmt_float(self.entry_price)} "
                    f"for a {self.direction} position, or None",
                    stop,
                )
        if self.take_profit is not None and not math.isfinite(self.take_profit):
            raise invalid_value("take_profit", "a finite price or None", self.take_profit)


@dataclass
class OpenPosition:
    """An open position and the money values derived for it at entry."""

    position: Position
    value_per_price: float
    signed_value: float
    initial_risk: float | None
    fees: float
    symbol_index: int

    def mark_price(self, quote: Quote | None) -> float:
        """The symbol's last quote on the position's exit side; the entry price before any."""
        if quote is None:
            return self.position.entry_price
        return quote.exit_price(self.position.direction)

    def unrealized_pnl(self, quote: Quote | None) -> float:
        """PnL at the symbol's last quote."""
        return pnl.pnl(self.position.entry_price, self.mark_price(quote), self.signed_value)

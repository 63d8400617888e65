"""Mirror of ``omega_portfolio::trade``: a closed position."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .direction import Direction


@dataclass
class Trade:
    """One closed trade (``fees`` may still grow from fees registered after the exit)."""

    id: int
    symbol: str
    direction: Direction
    size: float
    entry_time: int
    entry_price: float
    stop_loss: float | None
    take_profit: float | None
    exit_time: int
    exit_price: float
    reason: str
    pnl: float
    fees: float
    initial_risk: float | None

    def net_pnl(self) -> float:
        """``pnl - fees``."""
        return self.pnl - self.fees

    def r_multiple(self) -> float:
        """``net_pnl / initial_risk``; NaN without a stop."""
        if self.initial_risk is None:
            return math.nan
        return self.net_pnl() / self.initial_risk

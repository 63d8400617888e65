"""Mirror of ``omega_portfolio::pnl``: the one place PnL and risk are computed."""

from __future__ import annotations

from .direction import Direction


def signed_value(direction: Direction, size: float, value_per_price: float) -> float:
    """``size * value_per_price`` for a long, its negation for a short."""
    value = size * value_per_price
    return value if direction == "long" else -value


def pnl(entry_price: float, price: float, signed_value: float) -> float:
    """``(price - entry_price) * signed_value``."""
    return (price - entry_price) * signed_value


def initial_risk(
    entry_price: float, stop_loss: float, size: float, value_per_price: float
) -> float:
    """``|entry_price - stop_loss| * (size * value_per_price)``."""
    return abs(entry_price - stop_loss) * (size * value_per_price)

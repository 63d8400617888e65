"""Mirror of ``omega_portfolio::marks``: the last bid/ask of a symbol."""

from __future__ import annotations

from dataclasses import dataclass

from .direction import Direction


@dataclass(frozen=True)
class Quote:
    """Bid and ask of one symbol at one time."""

    bid: float
    ask: float

    def exit_price(self, direction: Direction) -> float:
        """Bid for a long, ask for a short."""
        return self.bid if direction == "long" else self.ask

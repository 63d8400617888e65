"""Mirror of ``omega_portfolio::fee``: one fee booked against the balance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fee:
    """A fee: amount >= 0 taken from the balance at ``time``."""

    time: int
    amount: float
    kind: str
    position_id: int | None

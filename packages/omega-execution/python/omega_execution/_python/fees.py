"""Mirror of ``fees.rs``: commission per side (R17)."""

from __future__ import annotations

import math
from typing import NamedTuple

from .errors import invalid_value


class FeeModel(NamedTuple):
    """``fee = max(per_lot · size + rate · notional, minimum)``, ``notional = size · |price| ·
    vpp``."""

    per_lot: float
    rate: float
    minimum: float

    def validate(self) -> None:
        """Every parameter finite and >= 0."""
        for name, value in (
            ("fee_model.per_lot", self.per_lot),
            ("fee_model.rate", self.rate),
            ("fee_model.minimum", self.minimum),
        ):
            if not (math.isfinite(value) and value >= 0.0):
                raise invalid_value(name, "a finite number >= 0", value)

    def fee(self, size: float, price: float, vpp: float) -> float:
        """The fee of one side."""
        notional = size * abs(price) * vpp
        fee = self.per_lot * size + self.rate * notional
        return self.minimum if fee < self.minimum else fee

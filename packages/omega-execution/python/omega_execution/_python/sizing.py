"""Mirror of ``sizing.rs``: the size of a fill (R15)."""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

from omega_portfolio._python.symbol_spec import SymbolSpec

from .errors import invalid_value

GUARD = 1e-12
"""Added to the raw size before flooring, so ``0.3 / 0.01`` (29.999…) floors to 30 steps."""

SizingKind = Literal["risk", "fixed_lots", "fraction_of_equity"]


class Sizing(NamedTuple):
    """``("risk", 0.0)``, ``("fixed_lots", lots)`` or ``("fraction_of_equity", fraction)``."""

    kind: SizingKind
    value: float

    def needs_sl(self) -> bool:
        """Whether signals must carry a stop loss."""
        return self.kind == "risk"

    def needs_equity(self) -> bool:
        """Whether sizing reads the portfolio's equity."""
        return self.kind == "fraction_of_equity"

    def validate(self) -> None:
        """The parameter is a finite number > 0."""
        if self.kind == "risk":
            return
        name = "sizing.lots" if self.kind == "fixed_lots" else "sizing.fraction"
        if not (math.isfinite(self.value) and self.value > 0.0):
            raise invalid_value(name, "a finite number > 0", self.value)


def _floor(x: float) -> float:
    """``f64::floor``: the floor as a float (non-finite values unchanged)."""
    return float(math.floor(x)) if math.isfinite(x) else x


def round8(x: float) -> float:
    """``floor(x · 1e8 + 0.5) / 1e8``."""
    return _floor(x * 1e8 + 0.5) / 1e8


def quantize(raw: float, spec: SymbolSpec) -> float | None:
    """Floors ``raw`` to the volume grid, caps it at ``volume_max``; ``None`` below the
    minimum."""
    if spec.volume_step > 0.0:
        lots = round8(_floor((raw + GUARD) / spec.volume_step) * spec.volume_step)
    else:
        lots = raw
    lots = min(lots, spec.volume_max)
    if lots >= spec.volume_min and lots > 0.0:
        return lots
    return None


class FillContext(NamedTuple):
    """Fill price (real), stop distance (> 0) or None, vpp and equity."""

    fill: float
    stop_distance: float | None
    vpp: float
    equity: float


SizeOutcome = float | Literal["below_minimum", "invalid"]


def size(sizing: Sizing, risk_per_trade: float, fill: FillContext, spec: SymbolSpec) -> SizeOutcome:
    """Lots, or why the fill is rejected."""
    if sizing.kind == "risk":
        if fill.stop_distance is None:
            return "invalid"
        raw = risk_per_trade / (fill.stop_distance * fill.vpp)
    elif sizing.kind == "fixed_lots":
        raw = sizing.value
    else:
        raw = (sizing.value * fill.equity) / (abs(fill.fill) * fill.vpp)
    if not math.isfinite(raw):
        return "invalid"
    lots = quantize(raw, spec)
    if lots is None:
        return "below_minimum"
    value = lots * fill.vpp
    if not (math.isfinite(lots) and math.isfinite(value)):
        return "invalid"
    if fill.stop_distance is not None:
        risk = abs(fill.stop_distance) * value
        if not (math.isfinite(risk) and risk > 0.0):
            return "invalid"
    return lots

"""Mirror of ``signal.rs``: order types and the trade signal (R1)."""

from __future__ import annotations

import math
from typing import Literal

from .errors import fmt_float, invalid_value

OrderType = Literal["market", "limit", "stop"]
Direction = Literal["long", "short"]
ORDER_TYPES: tuple[OrderType, ...] = ("market", "limit", "stop")


def parse_order_type(text: str) -> OrderType:
    """``market``, ``limit`` or ``stop`` exactly."""
    for order_type in ORDER_TYPES:
        if text == order_type:
            return order_type
    raise invalid_value("order_type", "one of 'market', 'limit', 'stop'", f"'{text}'")


def parse_direction(text: str) -> Direction:
    """``long`` or ``short`` exactly (``omega_core::Direction``)."""
    if text == "long":
        return "long"
    if text == "short":
        return "short"
    raise invalid_value("direction", "one of 'long', 'short'", f"'{text}'")


def slips(order_type: OrderType) -> bool:
    """Market and stop fills execute as market orders and slip; limit fills do not."""
    return order_type != "limit"


class TradeSignal:
    """A trade signal (fields as in the Rust struct)."""

    __slots__ = (
        "direction",
        "entry",
        "order_type",
        "reason",
        "scenario",
        "sl",
        "symbol",
        "timestamp",
        "tp",
    )

    def __init__(
        self,
        timestamp: int,
        direction: Direction,
        symbol: str,
        entry: float,
        sl: float | None,
        tp: float | None,
        order_type: OrderType,
        reason: str,
        scenario: str,
    ) -> None:
        self.timestamp = timestamp
        self.direction: Direction = direction
        self.symbol = symbol
        self.entry = entry
        self.sl = sl
        self.tp = tp
        self.order_type: OrderType = order_type
        self.reason = reason
        self.scenario = scenario

    def validate(self, needs_sl: bool) -> None:
        """Checks prices and levels (R1)."""
        check_signal_levels(self.direction, self.entry, self.sl, self.tp, needs_sl, "signal")


def check_signal_levels(
    direction: Direction,
    entry: float,
    sl: float | None,
    tp: float | None,
    needs_sl: bool,
    what: str,
) -> None:
    """``entry`` finite; ``sl``/``tp`` on the correct side; ``sl`` present when needed."""
    if not math.isfinite(entry):
        raise invalid_value("entry", "a finite price", entry)
    check_level("sl", direction, entry, sl, True, what)
    if sl is None and needs_sl:
        raise invalid_value(
            "sl", "a stop-loss price (sizing by risk needs the stop distance)", "None"
        )
    check_level("tp", direction, entry, tp, False, what)


def check_level(
    name: str,
    direction: Direction,
    reference: float,
    level: float | None,
    is_stop: bool,
    what: str,
) -> None:
    """A stop below the reference for a long (above for a short), a target the other way."""
    if level is None:
        return
    below = (direction == "long") == is_stop
    ok = level < reference if below else level > reference
    if math.isfinite(level) and ok:
        return
    relation = "below" if below else "above"
    reference_name = "entry" if what == "signal" else "the reference price"
    raise invalid_value(
        name,
        f"a finite price {relation} {reference_name} {fmt_float(reference)} for a {direction} "
        f"{what}, or None",
        level,
    )

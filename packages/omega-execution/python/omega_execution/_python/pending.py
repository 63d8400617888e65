"""Mirror of ``pending.rs``: where and at what price a pending order fills inside a bar."""

from __future__ import annotations

from typing import NamedTuple

from .path import Bar
from .signal import OrderType


class Trigger(NamedTuple):
    """Fill price in long space and the path segment (0 = at the open)."""

    price: float
    segment: int


def find_trigger(order_type: OrderType, level: float, bar: Bar, up_first: bool) -> Trigger | None:
    """The trigger of an order at long-space ``level`` on the entry side's long-space bar."""
    points = bar.points(up_first)
    if order_type == "market":
        return Trigger(bar.o, 0)
    if order_type == "limit":
        if bar.o <= level:
            return Trigger(bar.o, 0)
        for i in range(1, 4):
            if points[i] < points[i - 1] and points[i] <= level:
                return Trigger(level, i)
        return None
    if bar.o >= level:
        return Trigger(bar.o, 0)
    for i in range(1, 4):
        if points[i] > points[i - 1] and points[i] >= level:
            return Trigger(level, i)
    return None

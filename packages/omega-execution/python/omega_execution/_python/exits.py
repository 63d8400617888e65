"""Mirror of ``exits.rs``: stop and target detection on one bar, in long space."""

from __future__ import annotations

from typing import Literal, NamedTuple

from .path import Bar, IntrabarPolicy
from .signal import OrderType

HitKind = Literal["stop_loss", "take_profit", "timeout"]


class Levels:
    """Stop (below) and target (above) in long space, and the pip buffer."""

    __slots__ = ("buffer", "sl", "tp")

    def __init__(self, sl: float | None, tp: float | None, buffer: float) -> None:
        self.sl = sl
        self.tp = tp
        self.buffer = buffer

    def sl_hit(self, price: float) -> float | None:
        """The stop if ``price`` is at it (within the buffer) or beyond."""
        sl = self.sl
        if sl is not None and price <= sl + self.buffer:
            return sl
        return None

    def tp_hit(self, price: float) -> float | None:
        """The target if ``price`` is at it (within the buffer) or beyond."""
        tp = self.tp
        if tp is not None and price >= tp - self.buffer:
            return tp
        return None

    def admits_fill(self, price: float) -> bool:
        """Is a fill strictly between stop and target (R8)?"""
        return (self.sl is None or self.sl < price) and (self.tp is None or price < self.tp)


class Hit(NamedTuple):
    """What ends a position on a bar; long-space price before exit slippage."""

    kind: HitKind
    price: float


def at_open(bar: Bar, levels: Levels) -> Hit | None:
    """R9.1: the worse of open and stop, the better of open and target; the stop first."""
    sl = levels.sl_hit(bar.o)
    if sl is not None:
        return Hit("stop_loss", bar.o if bar.o < sl else sl)
    tp = levels.tp_hit(bar.o)
    if tp is not None:
        return Hit("take_profit", bar.o if bar.o > tp else tp)
    return None


def in_range(bar: Bar, levels: Levels) -> Hit | None:
    """Pessimistic R9.3."""
    sl = levels.sl_hit(bar.l)
    if sl is not None:
        return Hit("stop_loss", sl)
    tp = levels.tp_hit(bar.h)
    return None if tp is None else Hit("take_profit", tp)


def walk(points: tuple[float, float, float, float], start: int, levels: Levels) -> Hit | None:
    """R11: the path's segments ``start..=3``."""
    for i in range(max(start, 1), 4):
        begin, end = points[i - 1], points[i]
        if end < begin:
            sl = levels.sl_hit(end)
            if sl is not None:
                return Hit("stop_loss", sl)
        elif end > begin:
            tp = levels.tp_hit(end)
            if tp is not None:
                return Hit("take_profit", tp)
    return None


def ordinary(
    bar: Bar, levels: Levels, policy: IntrabarPolicy, up_first: bool, timed_out: bool
) -> Hit | None:
    """R9: the open, the timeout, inside the bar."""
    hit = at_open(bar, levels)
    if hit is not None:
        return hit
    if timed_out:
        return Hit("timeout", bar.o)
    if policy == "pessimistic":
        return in_range(bar, levels)
    return walk(bar.points(up_first), 1, levels)


def entry_bar_pessimistic(order_type: OrderType, bar: Bar, levels: Levels) -> Hit | None:
    """R12, pessimistic, for an order filled inside the bar."""
    sl = levels.sl_hit(bar.l)
    if sl is not None:
        return Hit("stop_loss", sl)
    tp = levels.tp
    if tp is None:
        return None
    reached = bar.c > tp if order_type == "limit" else bar.h >= tp - levels.buffer
    return Hit("take_profit", tp) if reached else None


def entry_bar(
    order_type: OrderType,
    segment: int,
    bar: Bar,
    levels: Levels,
    policy: IntrabarPolicy,
    up_first: bool,
) -> Hit | None:
    """R12: exits on the bar an order filled on."""
    if segment == 0:
        return ordinary(bar, levels, policy, up_first, False)
    if policy == "pessimistic":
        return entry_bar_pessimistic(order_type, bar, levels)
    return walk(bar.points(up_first), segment, levels)

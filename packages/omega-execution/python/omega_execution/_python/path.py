"""Mirror of ``path.rs``: bars in long space and the price path inside a bar."""

from __future__ import annotations

from typing import Literal

from .candle import Candle
from .errors import invalid_value
from .signal import Direction

IntrabarPolicy = Literal["pessimistic", "ohlc", "adaptive"]
POLICIES: tuple[IntrabarPolicy, ...] = ("pessimistic", "ohlc", "adaptive")


class Bar:
    """A candle seen from one position's direction (negated for a short)."""

    __slots__ = ("c", "h", "l", "o")

    def __init__(self, o: float, h: float, l: float, c: float) -> None:  # noqa: E741
        self.o = o
        self.h = h
        self.l = l
        self.c = c

    @staticmethod
    def long_space(candle: Candle, direction: Direction) -> Bar:
        """``candle`` for a position of ``direction``."""
        if direction == "long":
            return Bar(candle.open, candle.high, candle.low, candle.close)
        return Bar(-candle.open, -candle.low, -candle.high, -candle.close)

    def points(self, up_first: bool) -> tuple[float, float, float, float]:
        """Open, first extreme, second extreme, close."""
        if up_first:
            return (self.o, self.h, self.l, self.c)
        return (self.o, self.l, self.h, self.c)


def to_long_space(price: float, direction: Direction) -> float:
    """A price in long space for ``direction`` (its own inverse)."""
    return price if direction == "long" else -price


def parse_policy(text: str) -> IntrabarPolicy:
    """``pessimistic``, ``ohlc`` or ``adaptive`` exactly."""
    for policy in POLICIES:
        if text == policy:
            return policy
    raise invalid_value("intrabar_policy", "one of 'pessimistic', 'ohlc', 'adaptive'", f"'{text}'")


def high_first(policy: IntrabarPolicy, exit_side: Candle) -> bool:
    """Whether the real high comes before the real low on the exit side."""
    if policy == "adaptive":
        return exit_side.high - exit_side.open <= exit_side.open - exit_side.low
    return True


def up_first(policy: IntrabarPolicy, exit_side: Candle, direction: Direction) -> bool:
    """In long space for ``direction``: does the path go up first?"""
    first = high_first(policy, exit_side)
    return first if direction == "long" else not first

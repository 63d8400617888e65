"""Mirror of ``candle.rs``: candles, ticks and their checks."""

from __future__ import annotations

import math

from .errors import fmt, fmt_float, invalid_value

MAX_TIME_US = (1 << 62) - 1
"""Largest accepted timestamp (µs); the smallest is its negation (omega-portfolio's)."""


def check_time(name: str, time: int, at: str) -> None:
    """A timestamp within ``±MAX_TIME_US``."""
    if not -MAX_TIME_US <= time <= MAX_TIME_US:
        raise invalid_value(name, f"a timestamp within ±{MAX_TIME_US} µs", f"{time}{at}")


class Candle:
    """One bar of one book side."""

    __slots__ = ("close", "high", "low", "open", "timestamp")

    def __init__(self, timestamp: int, open: float, high: float, low: float, close: float) -> None:
        self.timestamp = timestamp
        self.open = open
        self.high = high
        self.low = low
        self.close = close

    @staticmethod
    def point(timestamp: int, price: float) -> Candle:
        """A one-price candle (a tick seen as a bar)."""
        return Candle(timestamp, price, price, price, price)

    def validate(self, name: str, at: str) -> None:
        """Finite prices, ``low <= high``, ``open`` and ``close`` within ``[low, high]``."""
        check_time(f"{name}.timestamp", self.timestamp, at)
        for field, value in (
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
        ):
            if not math.isfinite(value):
                raise invalid_value(f"{name}.{field}", "a finite price", f"{fmt(value)}{at}")
        if self.high < self.low:
            raise invalid_value(
                name, "high >= low", f"high {fmt(self.high)} < low {fmt(self.low)}{at}"
            )
        for field, value in (("open", self.open), ("close", self.close)):
            if value < self.low or value > self.high:
                raise invalid_value(
                    f"{name}.{field}",
                    f"a price within [low, high] = [{fmt_float(self.low)}, {fmt_float(self.high)}]",
                    f"{fmt(value)}{at}",
                )


def validate_pair(bid: Candle, ask: Candle, at: str) -> None:
    """Each candle valid, same timestamp."""
    bid.validate("bid_candle", at)
    ask.validate("ask_candle", at)
    if ask.timestamp != bid.timestamp:
        raise invalid_value(
            "ask_candle.timestamp",
            f"the bid candle's timestamp {bid.timestamp}",
            f"{ask.timestamp}{at}",
        )


class Tick:
    """One quote."""

    __slots__ = ("ask", "bid", "timestamp")

    def __init__(self, timestamp: int, bid: float, ask: float) -> None:
        self.timestamp = timestamp
        self.bid = bid
        self.ask = ask

    def validate(self) -> None:
        """Finite prices, ``bid <= ask``."""
        check_time("tick.timestamp", self.timestamp, "")
        for field, value in (("bid", self.bid), ("ask", self.ask)):
            if not math.isfinite(value):
                raise invalid_value(f"tick.{field}", "a finite price", value)
        if self.bid > self.ask:
            raise invalid_value("tick", "bid <= ask", f"bid {fmt(self.bid)} > ask {fmt(self.ask)}")

    def candles(self) -> tuple[Candle, Candle]:
        """The tick as one-price bid and ask candles (R6)."""
        return Candle.point(self.timestamp, self.bid), Candle.point(self.timestamp, self.ask)

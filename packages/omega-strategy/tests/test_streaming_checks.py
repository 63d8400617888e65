"""``StreamingInitContext.advance`` checks the bar against every stream's input rules before any
stream or series changes: a rejected bar leaves the context as it was."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from omega_strategy import Bar
from omega_strategy.streaming import StreamedIndicatorCache, StreamingInitContext

GOOD = Bar(0, 1.1, 1.1002, 1.0998, 1.1001)


def _context() -> StreamingInitContext:
    context = StreamingInitContext(StreamedIndicatorCache(), "M5", ("H1",), "close")
    context.compute("M5", "bid", [{"name": "sma", "period": 3}])
    context.compute("M5", "ask", [{"name": "atr", "period": 3}])
    context.compute("H1", "bid", [{"name": "garch_volatility"}])
    return context


@pytest.mark.parametrize(
    ("bid", "ask", "message"),
    [
        (Bar(1, 0.0, 0.0, 0.0, 0.0), GOOD, "bid.close: expected a price > 0"),
        (Bar(1, 1.1, 1.1, 1.1, -1.0), GOOD, "bid.close: expected a price > 0"),
        (Bar(1, 1.1, 1.1, 1.1, math.inf), GOOD, "bid.close: expected a finite price"),
        (GOOD, Bar(1, 1.1, 1.0, 1.2, 1.1), "ask.high: expected high >= low"),
        (GOOD, Bar(1, 1.1, 1.2, -math.inf, 1.1), "ask.low: expected a finite price"),
    ],
)
def test_advance_rejects_a_bar_before_changing_anything(bid: Bar, ask: Bar, message: str) -> None:
    context = _context()
    context.advance(GOOD, GOOD)
    before = (repr([s.value for s in context.streams]), repr(context.cache.lists))
    closed = [("H1", "bid", GOOD)]
    pulled: list[tuple[str, str, Bar]] = []

    def candles() -> Iterator[tuple[str, str, Bar]]:
        for candle in closed:
            pulled.append(candle)
            yield candle

    with pytest.raises(ValueError, match=message):
        context.advance(bid, ask, candles())
    assert pulled == []
    assert (repr([s.value for s in context.streams]), repr(context.cache.lists)) == before


def test_zero_closes_pass_without_a_garch_stream() -> None:
    context = StreamingInitContext(StreamedIndicatorCache(), "M5", (), "close")
    context.compute("M5", "bid", [{"name": "sma", "period": 3}])
    context.advance(Bar(0, 0.0, 0.0, 0.0, 0.0), GOOD)
    assert len(context.cache.lists[0]) == 1

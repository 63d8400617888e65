"""Bad input (DESIGN §10, rule R20): a clear exception naming the argument, the same type and
text on both backends, and the simulator and its portfolio unchanged."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from execution_helpers import EURUSD, H, assert_same, make, snapshot

from omega_execution import (
    ExecutionSimulator,
    FeeModel,
    FixedLots,
    FixedSlippage,
    FractionOfEquity,
    RandomSlippage,
    TradeSignal,
)
from omega_execution._backend_select import Backend
from omega_portfolio import Portfolio

NAN, INF = math.nan, math.inf


def _long(**changes: Any) -> TradeSignal:
    fields: dict[str, Any] = {
        "timestamp": 10 * H,
        "direction": "long",
        "symbol": "EURUSD",
        "entry": 1.1,
        "sl": 1.098,
        "tp": 1.104,
    }
    fields.update(changes)
    return TradeSignal(**fields)


def _prepared(backend: Backend) -> ExecutionSimulator:
    """A simulator with an open long (id 1), a pending short limit (id 2) and one bar seen."""
    sim = make(backend)
    sim.process_signal(_long())
    sim.process_signal(
        _long(direction="short", entry=1.101, sl=1.103, tp=1.097, order_type="limit")
    )
    sim.evaluate_exits((11 * H, 1.1, 1.1005, 1.0995, 1.1002), symbol="EURUSD")
    return sim


BAR = (12 * H, 1.1, 1.1005, 1.0995, 1.1002)
CASES: dict[str, tuple[Callable[[ExecutionSimulator], Any], type[Exception], str]] = {
    "NaN entry": (
        lambda s: s.process_signal(_long(timestamp=12 * H, entry=NAN)),
        ValueError,
        "entry: expected a finite price, got NaN",
    ),
    "inf stop": (
        lambda s: s.process_signal(_long(timestamp=12 * H, sl=-INF)),
        ValueError,
        "sl: expected a finite price below entry 1.1 for a long signal, or None, got -inf",
    ),
    "long stop above entry": (
        lambda s: s.process_signal(_long(timestamp=12 * H, sl=1.2)),
        ValueError,
        "sl: expected a finite price below entry 1.1 for a long signal, or None, got 1.2",
    ),
    "zero stop distance": (
        lambda s: s.process_signal(_long(timestamp=12 * H, sl=1.1)),
        ValueError,
        "sl: expected a finite price below entry 1.1 for a long signal, or None, got 1.1",
    ),
    "short target above entry": (
        lambda s: s.process_signal(_long(timestamp=12 * H, direction="short", sl=1.102, tp=1.2)),
        ValueError,
        "tp: expected a finite price below entry 1.1 for a short signal, or None, got 1.2",
    ),
    "NaN target": (
        lambda s: s.process_signal(_long(timestamp=12 * H, tp=NAN)),
        ValueError,
        "tp: expected a finite price above entry 1.1 for a long signal, or None, got NaN",
    ),
    "no stop with risk sizing": (
        lambda s: s.process_signal(_long(timestamp=12 * H, sl=None)),
        ValueError,
        "sl: expected a stop-loss price (sizing by risk needs the stop distance), got None",
    ),
    "unknown symbol": (
        lambda s: s.process_signal(_long(timestamp=12 * H, symbol="GBPUSD")),
        ValueError,
        "symbol: expected a symbol with a registered symbol spec, got 'GBPUSD'",
    ),
    "unknown direction": (
        lambda s: s.process_signal(_long(timestamp=12 * H, direction="buy")),
        ValueError,
        "direction: expected one of 'long', 'short', got 'buy'",
    ),
    "unknown order type": (
        lambda s: s.process_signal(_long(timestamp=12 * H, order_type="market_on_close")),
        ValueError,
        "order_type: expected one of 'market', 'limit', 'stop', got 'market_on_close'",
    ),
    "signal time going backwards": (
        lambda s: s.process_signal(_long(timestamp=5 * H)),
        ValueError,
        "timestamp: expected a timestamp >= 39600000000, the latest time the simulator has "
        "seen (time must not go backwards), got 18000000000",
    ),
    "entry not a number": (
        lambda s: s.process_signal(_long(timestamp=12 * H, entry="1.1")),
        TypeError,
        "entry: expected a number, got str",
    ),
    "signal of the wrong type": (
        lambda s: s.process_signal(42),
        TypeError,
        "signal: expected a TradeSignal, a mapping or an object with timestamp, direction, "
        "symbol, entry; int lacks timestamp, direction, symbol, entry",
    ),
    "unknown signal key": (
        lambda s: s.process_signal(
            {"timestamp": 0, "direction": "long", "symbol": "EURUSD", "entry": 1.1, "stop": 1.0}
        ),
        ValueError,
        "signal: expected keys among timestamp, direction, symbol, entry, sl, tp, order_type, "
        "reason, scenario, metadata (or the aliases entry_price, stop_loss, take_profit, type, "
        "meta), got unknown 'stop'",
    ),
    "candle high < low": (
        lambda s: s.evaluate_exits((12 * H, 1.1, 1.09, 1.095, 1.1), symbol="EURUSD"),
        ValueError,
        "bid_candle: expected high >= low, got high 1.09 < low 1.095",
    ),
    "NaN candle": (
        lambda s: s.evaluate_exits((12 * H, NAN, 1.1005, 1.0995, 1.1), symbol="EURUSD"),
        ValueError,
        "bid_candle.open: expected a finite price, got NaN",
    ),
    "open above the high": (
        lambda s: s.evaluate_exits((12 * H, 1.2, 1.1005, 1.0995, 1.1), symbol="EURUSD"),
        ValueError,
        "bid_candle.open: expected a price within [low, high] = [1.0995, 1.1005], got 1.2",
    ),
    "ask close below the low": (
        lambda s: s.evaluate_exits(BAR, (12 * H, 1.1, 1.1005, 1.0995, 1.09), symbol="EURUSD"),
        ValueError,
        "ask_candle.close: expected a price within [low, high] = [1.0995, 1.1005], got 1.09",
    ),
    "bid and ask of different times": (
        lambda s: s.evaluate_exits(BAR, (13 * H, 1.1, 1.1005, 1.0995, 1.1), symbol="EURUSD"),
        ValueError,
        "ask_candle.timestamp: expected the bid candle's timestamp 43200000000, got 46800000000",
    ),
    "bar evaluated twice": (
        lambda s: s.evaluate_exits((11 * H, 1.1, 1.1005, 1.0995, 1.1), symbol="EURUSD"),
        ValueError,
        "timestamp: expected a timestamp after 39600000000, the last bar of EURUSD (a bar "
        "cannot be evaluated twice), got 39600000000",
    ),
    "bar of an unknown symbol": (
        lambda s: s.evaluate_exits(BAR, symbol="GBPUSD"),
        ValueError,
        "symbol: expected a symbol with a registered symbol spec, got 'GBPUSD'",
    ),
    "ambiguous symbol": (
        lambda s: s.evaluate_exits(BAR),
        ValueError,
        "symbol: expected the symbol of the candle or tick (the simulator knows 2 symbols: "
        "'EURUSD', 'ACME'), got None",
    ),
    "candle of the wrong type": (
        lambda s: s.evaluate_exits("bar", symbol="EURUSD"),
        TypeError,
        "bid_candle: expected a Candle, a mapping, a (timestamp, open, high, low, close) "
        "sequence or an object with those attributes, got str",
    ),
    "crossed tick": (
        lambda s: s.evaluate_exits_tick((12 * H, 1.1, 1.09), symbol="EURUSD"),
        ValueError,
        "tick: expected bid <= ask, got bid 1.1 > ask 1.09",
    ),
    "NaN tick": (
        lambda s: s.evaluate_exits_tick((12 * H, NAN, 1.1), symbol="EURUSD"),
        ValueError,
        "tick.bid: expected a finite price, got NaN",
    ),
    "tick before its signal": (
        lambda s: s.process_signal_tick(_long(timestamp=13 * H), (12 * H, 1.1, 1.1001)),
        ValueError,
        "tick.timestamp: expected a timestamp >= the signal's timestamp 46800000000, got "
        "43200000000",
    ),
    "modify an unknown id": (
        lambda s: s.modify_stop_loss(99, 1.0),
        ValueError,
        "position_id: expected the id of a pending or open position, got 99 (unknown id)",
    ),
    "stop above the market": (
        lambda s: s.modify_stop_loss(1, 1.101),
        ValueError,
        "sl: expected a finite price below the reference price 1.1002 for a long position, or "
        "None, got 1.101",
    ),
    "pending target above its limit": (
        lambda s: s.modify_take_profit(2, 1.102),
        ValueError,
        "tp: expected a finite price below the reference price 1.101 for a short position, or "
        "None, got 1.102",
    ),
    "remove the stop of a pending risk-sized order": (
        lambda s: s.modify_stop_loss(2, None),
        ValueError,
        "sl: expected a stop-loss price (sizing by risk needs the stop distance), got None",
    ),
    "close with an empty reason": (
        lambda s: s.close_position(1, reason=""),
        ValueError,
        "reason: expected a non-empty string, got ''",
    ),
    "close at a NaN price": (
        lambda s: s.close_position(1, price=NAN),
        ValueError,
        "price: expected a finite price, got NaN",
    ),
    "close in the past": (
        lambda s: s.close_position(1, timestamp=10 * H),
        ValueError,
        "timestamp: expected a timestamp >= 39600000000, the latest time the simulator has "
        "seen (time must not go backwards), got 36000000000",
    ),
    "negative position id": (
        lambda s: s.close_position(-1),
        ValueError,
        "position_id: expected an integer in [0, 2**64), got -1",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_call_raises_the_same_error_and_changes_nothing(case: str) -> None:
    call, error, message = CASES[case]
    for backend in ("rust", "python"):
        sim = _prepared(backend)
        before = snapshot(sim)
        with pytest.raises(error, match=re.escape(message)) as info:
            call(sim)
        assert str(info.value) == message, backend
        assert_same(before, snapshot(sim))


def test_closed_positions_cannot_be_modified_or_closed(backend: Backend) -> None:
    sim = _prepared(backend)
    sim.close_position(1)
    with pytest.raises(ValueError, match=r"got 1 \(closed\)"):
        sim.modify_take_profit(1, 1.2)
    with pytest.raises(ValueError, match=r"got 1 \(closed\)"):
        sim.close_position(1)


CONFIGS: dict[str, tuple[dict[str, Any], type[Exception], str]] = {
    "negative risk": (
        {"risk_per_trade": -5.0},
        ValueError,
        "risk_per_trade: expected a finite amount > 0, got -5",
    ),
    "zero risk": (
        {"risk_per_trade": 0},
        ValueError,
        "risk_per_trade: expected a finite amount > 0, got 0",
    ),
    "NaN risk": (
        {"risk_per_trade": NAN},
        ValueError,
        "risk_per_trade: expected a finite amount > 0, got NaN",
    ),
    "negative buffer": (
        {"pip_buffer_factor": -0.1},
        ValueError,
        "pip_buffer_factor: expected a finite number >= 0, got -0.1",
    ),
    "unknown policy": (
        {"intrabar_policy": "random"},
        ValueError,
        "intrabar_policy: expected one of 'pessimistic', 'ohlc', 'adaptive', got 'random'",
    ),
    "unknown fill_at": (
        {"fill_at": "close"},
        ValueError,
        "fill_at: expected one of 'signal_close', 'next_open', got 'close'",
    ),
    "negative slippage": (
        {"slippage_model": FixedSlippage(-1.0)},
        ValueError,
        "slippage_model.pips: expected a finite number of pips >= 0, got -1",
    ),
    "infinite random slippage": (
        {"slippage_model": RandomSlippage(INF)},
        ValueError,
        "slippage_model.max_pips: expected a finite number of pips >= 0, got inf",
    ),
    "negative fee": (
        {"fee_model": FeeModel(per_lot=-1.0)},
        ValueError,
        "fee_model.per_lot: expected a finite number >= 0, got -1",
    ),
    "fee and commission": (
        {"fee_model": FeeModel(), "commission_model": FeeModel()},
        TypeError,
        "fee_model: give fee_model or commission_model, not both",
    ),
    "zero fixed lots": (
        {"sizing": FixedLots(0.0)},
        ValueError,
        "sizing.lots: expected a finite number > 0, got 0",
    ),
    "NaN fraction": (
        {"sizing": FractionOfEquity(NAN)},
        ValueError,
        "sizing.fraction: expected a finite number > 0, got NaN",
    ),
    "unknown sizing": (
        {"sizing": "kelly"},
        TypeError,
        "sizing: expected 'risk', RiskSizing(), FixedLots(lots) or FractionOfEquity(fraction), "
        "got 'kelly'",
    ),
    "zero timeout": (
        {"timeout": 0},
        ValueError,
        "timeout: expected a duration > 0 and <= 4611686018427387904 µs, or None, got 0",
    ),
    "negative seed": ({"seed": -1}, ValueError, "seed: expected an integer in [0, 2**64), got -1"),
    "bad spec": (
        {"symbol_specs": {"EURUSD": EURUSD, "X": {"tick_size": 0.0, "tick_value": 1.0}}},
        ValueError,
        "symbol_specs[X].tick_size: expected a finite number > 0, got 0",
    ),
}


@pytest.mark.parametrize("case", CONFIGS, ids=list(CONFIGS))
def test_bad_configuration_raises_and_leaves_the_portfolio_alone(case: str) -> None:
    kwargs, error, message = CONFIGS[case]
    for backend in ("rust", "python"):
        portfolio = Portfolio(10_000.0, backend=backend, symbol_specs={"EURUSD": EURUSD})
        impl = portfolio._impl
        with pytest.raises(error, match=re.escape(message)) as info:
            ExecutionSimulator(
                portfolio, backend=backend, **{"symbol_specs": {"EURUSD": EURUSD}, **kwargs}
            )
        assert str(info.value) == message, backend
        assert portfolio._impl is impl
        assert portfolio.symbols == ["EURUSD"]
        # The portfolio still works on its own.
        ExecutionSimulator(portfolio, symbol_specs=[EURUSD], backend=backend)


BATCH_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "length mismatch": (
        {"high": np.array([1.1, 1.1])},
        "bid.high: expected length 3 (same as bid.timestamp), got 2",
    ),
    "unsorted bars": (
        {"timestamp": np.array([12 * H, 14 * H, 13 * H])},
        "bid.timestamp: expected strictly increasing bar times, got 46800000000 after "
        "50400000000 at row 2",
    ),
    "NaN in a row": (
        {"low": np.array([1.099, NAN, 1.099])},
        "bid_candle.low: expected a finite price, got NaN at row 1",
    ),
    "high < low in a row": (
        {"high": np.array([1.101, 1.101, 1.0])},
        "bid_candle: expected high >= low, got high 1 < low 1.099 at row 2",
    ),
    "first bar not after the last one": (
        {"timestamp": np.array([11 * H, 13 * H, 14 * H])},
        "bid.timestamp: expected a timestamp after 39600000000, the last bar of EURUSD (a bar "
        "cannot be evaluated twice), got 39600000000 at row 0",
    ),
}


def _bars(**changes: Any) -> dict[str, Any]:
    bars: dict[str, Any] = {
        "timestamp": np.array([12 * H, 13 * H, 14 * H], dtype=np.int64),
        "open": np.array([1.1, 1.1, 1.1]),
        "high": np.array([1.101, 1.101, 1.101]),
        "low": np.array([1.099, 1.099, 1.099]),
        "close": np.array([1.1, 1.1, 1.1]),
    }
    bars.update(changes)
    return bars


@pytest.mark.parametrize("case", BATCH_CASES, ids=list(BATCH_CASES))
def test_bad_batch_raises_and_changes_nothing(case: str) -> None:
    changes, message = BATCH_CASES[case]
    for backend in ("rust", "python"):
        sim = _prepared(backend)
        before = snapshot(sim)
        with pytest.raises(ValueError, match=re.escape(message)) as info:
            sim.evaluate_exits_batch(_bars(**changes), symbol="EURUSD")
        assert str(info.value) == message, backend
        assert_same(before, snapshot(sim))


SIGNAL_BATCH_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "unknown direction": (
        {"direction": ["long", "buy"]},
        "signals.direction: expected one of 'long', 'short', got 'buy'",
    ),
    "bad stop in a row": (
        {"sl": np.array([1.098, 1.2])},
        "sl: expected a finite price below entry 1.1 for a long signal, or None, got 1.2 at row 1",
    ),
    "unsorted": (
        {"timestamp": np.array([13 * H, 12 * H])},
        "signals.timestamp: expected non-decreasing timestamps (time must not go backwards), got "
        "43200000000 after 46800000000 at row 1",
    ),
    "unknown symbol": (
        {"symbol": ["EURUSD", "XAUUSD"]},
        "symbol: expected a symbol with a registered symbol spec, got 'XAUUSD' at row 1",
    ),
    "missing column": ({"entry": None}, "signals: expected a column 'entry', got none"),
}


@pytest.mark.parametrize("case", SIGNAL_BATCH_CASES, ids=list(SIGNAL_BATCH_CASES))
def test_bad_signal_batch_raises_and_changes_nothing(case: str) -> None:
    changes, message = SIGNAL_BATCH_CASES[case]
    table: dict[str, Any] = {
        "timestamp": np.array([12 * H, 12 * H], dtype=np.int64),
        "direction": ["long", "long"],
        "symbol": ["EURUSD", "EURUSD"],
        "entry": np.array([1.1, 1.1]),
        "sl": np.array([1.098, 1.098]),
    }
    table.update(changes)
    table = {k: v for k, v in table.items() if v is not None}
    for backend in ("rust", "python"):
        sim = _prepared(backend)
        before = snapshot(sim)
        with pytest.raises(ValueError, match=re.escape(message)) as info:
            sim.process_signals_batch(table)
        assert str(info.value) == message, backend
        assert_same(before, snapshot(sim))


def test_a_batch_failing_midway_restores_the_state(backend: Backend) -> None:
    """Rows that pass validation but fail while running (an exit whose PnL overflows) roll the
    whole batch back."""
    sim = make(backend, sizing=FixedLots(100.0), pip_buffer_factor=0.0)
    sim.process_signal(_long(entry=1.0, sl=None, tp=None))
    # A limit that fills on the first bar: the rollback must undo that fill too.
    sim.process_signal(_long(entry=1.0, sl=None, tp=None, order_type="limit"))
    huge = 1e306
    bars = _bars(
        open=np.array([1.0, 1.0, -huge]),
        high=np.array([1.0, 1.0, -huge]),
        low=np.array([1.0, 1.0, -huge]),
        close=np.array([1.0, 1.0, -huge]),
    )
    sim.modify_stop_loss(1, 0.5)
    before = snapshot(sim)
    with pytest.raises(ValueError, match="exit_price: expected a price giving a finite PnL"):
        sim.evaluate_exits_batch(bars, symbol="EURUSD")
    assert_same(before, snapshot(sim))
    assert sim.position(2).status == "pending"
    # Without the overflowing row the same batch goes through and fills the limit.
    sim.evaluate_exits_batch({k: v[:2] for k, v in bars.items()}, symbol="EURUSD")
    assert sim.position(2).status == "open"

"""Bad input (DESIGN.md §10): a clear ValueError/TypeError naming the argument, the same text on
both backends, and the portfolio unchanged. Inputs are never mutated."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from omega_portfolio import Portfolio, Position, SymbolSpec
from omega_portfolio._backend_select import Backend

ES = SymbolSpec("ES", tick_size=0.25, tick_value=12.5)
CLOCK = "the latest time the portfolio has seen (time must not go backwards)"


def prepared(backend: Backend) -> Portfolio:
    """ES spec; #1 long open with a stop, #2 closed; marked at t=200; clock 300."""
    p = Portfolio(10_000.0, symbol_specs={"ES": ES}, backend=backend)
    p.register_entry(Position(1, "ES", "long", 1.0, 100, 4000.0, stop_loss=3990.0))
    p.register_entry(Position(2, "ES", "short", 1.0, 100, 4000.0))
    p.update_equity(200, {"ES": (4001.0, 4001.25)})
    p.register_exit(2, 300, 3999.0, "signal")
    return p


def state(p: Portfolio) -> tuple[Any, ...]:
    frames = (p.trades, p.equity_curve, p.open_positions, p.fees)
    summary = np.array([float(v) for v in p.get_summary().values()]).tobytes()
    return (
        p.balance,
        p.equity,
        p.total_fees,
        p.peak_equity,
        p.clock,
        tuple(p.symbols),
        summary,
        *(repr(f.to_dict("list")) for f in frames),
    )


def entry(**changes: Any) -> Callable[[Portfolio], object]:
    fields: dict[str, Any] = {
        "id": 3,
        "symbol": "ES",
        "direction": "long",
        "size": 1.0,
        "entry_time": 400,
        "entry_price": 4000.0,
        "stop_loss": 3990.0,
    }
    fields.update(changes)
    return lambda p: p.register_entry(fields)


def batch(ts: list[int], bid: Any, ask: Any, symbol: str = "ES") -> Callable[[Portfolio], object]:
    return lambda p: p.update_equity_batch(np.array(ts, dtype=np.int64), {symbol: (bid, ask)})


CASES: list[tuple[str, Callable[[Portfolio], object], type[Exception], str]] = [
    # exits
    ("exit unknown id", lambda p: p.register_exit(9, 400, 4000.0, "signal"), ValueError,
     "position_id: expected the id of an open position, got 9 (unknown id)"),
    ("exit closed id", lambda p: p.register_exit(2, 400, 4000.0, "signal"), ValueError,
     "position_id: expected the id of an open position, got 2 (already closed)"),
    ("exit NaN price", lambda p: p.register_exit(1, 400, math.nan, "signal"), ValueError,
     "exit_price: expected a finite price, got NaN"),
    ("exit inf price", lambda p: p.register_exit(1, 400, math.inf, "signal"), ValueError,
     "exit_price: expected a finite price, got inf"),
    ("exit backwards", lambda p: p.register_exit(1, 299, 4000.0, "signal"), ValueError,
     f"exit_time: expected a timestamp >= 300, {CLOCK}, got 299"),
    ("exit empty reason", lambda p: p.register_exit(1, 400, 4000.0, ""), ValueError,
     "reason: expected a non-empty string, got ''"),
    ("exit reason type", lambda p: p.register_exit(1, 400, 4000.0, None), TypeError,  # type: ignore[arg-type]
     "reason: expected a string, got NoneType"),
    ("exit negative id", lambda p: p.register_exit(-1, 400, 4000.0, "signal"), ValueError,
     "position_id: expected an integer in [0, 2**64), got -1"),
    # entries
    ("duplicate open id", entry(id=1), ValueError,
     "id: expected an id not used by an earlier position, got 1"),
    ("duplicate closed id", entry(id=2), ValueError,
     "id: expected an id not used by an earlier position, got 2"),
    ("negative size", entry(size=-1.0), ValueError,
     "size: expected a finite number of lots > 0, got -1"),
    ("zero size", entry(size=0), ValueError, "size: expected a finite number of lots > 0, got 0"),
    ("NaN size", entry(size=math.nan), ValueError,
     "size: expected a finite number of lots > 0, got NaN"),
    ("NaN entry price", entry(entry_price=math.nan), ValueError,
     "entry_price: expected a finite price, got NaN"),
    ("inf entry price", entry(entry_price=-math.inf), ValueError,
     "entry_price: expected a finite price, got -inf"),
    ("entry backwards", entry(entry_time=299), ValueError,
     f"entry_time: expected a timestamp >= 300, {CLOCK}, got 299"),
    ("long stop above", entry(stop_loss=4000.5), ValueError,
     "stop_loss: expected a finite price below entry_price 4000 for a long position, or None, "
     "got 4000.5"),
    ("short stop below", entry(direction="short", stop_loss=3999.75), ValueError,
     "stop_loss: expected a finite price above entry_price 4000 for a short position, or None, "
     "got 3999.75"),
    ("NaN take profit", entry(take_profit=math.nan), ValueError,
     "take_profit: expected a finite price or None, got NaN"),
    ("unknown direction", entry(direction="buy"), ValueError,
     "direction: expected one of 'long', 'short', got 'buy'"),
    ("unknown symbol", entry(symbol="NQ"), ValueError,
     "symbol: expected a symbol with a registered symbol spec (pass symbol_specs or "
     "symbol_spec), got 'NQ'"),
    ("spec of another symbol", entry(symbol="NQ", symbol_spec=ES), ValueError,
     "symbol_spec: expected the spec of the position's symbol 'NQ', got a spec for 'ES'"),
    ("conflicting spec", entry(symbol_spec=SymbolSpec("ES", tick_size=0.25, tick_value=5.0)),
     ValueError, "symbol_specs[ES]: expected the spec already registered for 'ES', got a "
     "different spec"),
    ("bad late spec", entry(symbol="NQ", symbol_spec={"symbol": "NQ", "tick_size": 0.0,
                                                      "contract_size": 20.0}),
     ValueError, "symbol_specs[NQ].tick_size: expected a finite number > 0, got 0"),
    ("string size", entry(size="1"), TypeError, "size: expected a number, got str"),
    ("bool id", entry(id=True), TypeError, "id: expected an integer id, got bool"),
    ("float id", entry(id=3.0), TypeError, "id: expected an integer id, got float"),
    ("huge id", entry(id=2**64), ValueError, "id: expected an integer in [0, 2**64), got "
     "18446744073709551616"),
    ("string time", entry(entry_time="2024-01-01"), TypeError,
     "entry_time: expected int microseconds since the epoch (UTC) or a timestamp "
     "(pandas.Timestamp, datetime, numpy.datetime64), got str"),
    ("NaT time", entry(entry_time=pd.NaT), ValueError, "entry_time: expected a timestamp, got NaT"),
    ("unknown key", entry(stoploss=1.0), ValueError,
     "position: expected keys among id, symbol, direction, size, entry_time, entry_price, "
     "stop_loss, take_profit, symbol_spec, got unknown 'stoploss'"),
    ("missing key", lambda p: p.register_entry({"id": 3, "symbol": "ES"}), ValueError,
     "position: expected keys direction, size, entry_time, entry_price, got none"),
    ("not a position", lambda p: p.register_entry(42), TypeError,
     "position: expected a Position, a mapping or an object with attributes id, symbol, "
     "direction, size, entry_time, entry_price; int lacks id, symbol, direction, size, "
     "entry_time, entry_price"),
    ("time beyond the range", entry(entry_time=2**62), ValueError,
     "entry_time: expected a timestamp within ±4611686018427387903 µs, got 4611686018427387904"),
    # fees
    ("negative fee", lambda p: p.register_fee(-1.0, 400), ValueError,
     "amount: expected a finite number >= 0, got -1"),
    ("NaN fee", lambda p: p.register_fee(math.nan, 400), ValueError,
     "amount: expected a finite number >= 0, got NaN"),
    ("fee backwards", lambda p: p.register_fee(1.0, 10), ValueError,
     f"time: expected a timestamp >= 300, {CLOCK}, got 10"),
    ("fee unknown position", lambda p: p.register_fee(1.0, 400, "commission", 7), ValueError,
     "position_id: expected the id of a registered position or None, got 7"),
    ("fee empty kind", lambda p: p.register_fee(1.0, 400, ""), ValueError,
     "kind: expected a non-empty string, got ''"),
    # marks
    ("mark backwards", lambda p: p.update_equity(299, {"ES": (1.0, 1.0)}), ValueError,
     f"timestamp: expected a timestamp >= 300, {CLOCK}, got 299"),
    ("mark unknown symbol", lambda p: p.update_equity(400, {"NQ": (1.0, 1.0)}), ValueError,
     "marks: expected a symbol with a registered symbol spec, got 'NQ'"),
    ("mark NaN bid", lambda p: p.update_equity(400, {"ES": (math.nan, 1.0)}), ValueError,
     "marks[ES].bid: expected finite prices, got NaN"),
    ("mark inf ask", lambda p: p.update_equity(400, {"ES": (1.0, math.inf)}), ValueError,
     "marks[ES].ask: expected finite prices, got inf"),
    ("mark crossed", lambda p: p.update_equity(400, {"ES": (4001.5, 4001.25)}), ValueError,
     "marks[ES]: expected bid <= ask, got bid 4001.5 > ask 4001.25"),
    ("mark not a pair", lambda p: p.update_equity(400, {"ES": 4001.0}), TypeError,
     "marks[ES]: expected a (bid, ask) pair or a mapping, got float"),
    ("mark overflowing equity", lambda p: p.update_equity(400, {"ES": (1e308, 1e308)}), ValueError,
     "marks: expected prices giving a finite equity, got inf"),
    # batches
    ("batch first row backwards", batch([299, 400], [1.0, 1.0], [1.0, 1.0]), ValueError,
     f"timestamps: expected a timestamp >= 300, {CLOCK}, got 299 at row 0"),
    ("batch goes backwards", batch([400, 500, 450], [1.0] * 3, [1.0] * 3), ValueError,
     "timestamps: expected non-decreasing timestamps (time must not go backwards), got 450 "
     "after 500 at row 2"),
    ("batch beyond the range", batch([400, 2**62], [1.0] * 2, [1.0] * 2), ValueError,
     "timestamps: expected a timestamp within ±4611686018427387903 µs, got 4611686018427387904 "
     "at row 1"),
    ("batch range before order", batch([400, 2**62, 500], [1.0] * 3, [1.0] * 3), ValueError,
     "timestamps: expected a timestamp within ±4611686018427387903 µs, got 4611686018427387904 "
     "at row 1"),
    ("batch length", batch([400, 500], [1.0], [1.0, 1.0]), ValueError,
     "marks[ES].bid: expected length 2 (same as timestamps), got 1"),
    ("batch NaN", batch([400, 500, 600], [1.0, math.nan, 1.0], [1.0] * 3), ValueError,
     "marks[ES].bid: expected finite prices, got NaN at row 1"),
    ("batch crossed", batch([400, 500], [1.0, 3.0], [2.0, 2.0]), ValueError,
     "marks[ES]: expected bid <= ask, got bid 3 > ask 2 at row 1"),
    ("batch unknown symbol", batch([400], [1.0], [1.0], symbol="NQ"), ValueError,
     "marks: expected a symbol with a registered symbol spec, got 'NQ'"),
    ("batch overflow", batch([400, 500], [1.0, 1e308], [1.0, 1e308]), ValueError,
     "marks: expected prices giving a finite equity, got inf at row 1"),
    ("batch float timestamps", lambda p: p.update_equity_batch(
        np.array([400.0]), {"ES": ([1.0], [1.0])}), TypeError,
     "timestamps: expected int64 microseconds or datetime64 values, got dtype float64"),
    ("batch object prices", batch([400], np.array(["1"], dtype=object), [1.0]), TypeError,
     "marks[ES].bid: expected real numbers, got dtype object"),
    ("batch 2-D prices", batch([400], np.ones((1, 1)), [1.0]), TypeError,
     "marks[ES].bid: expected a 1-D array, got 2 dimensions"),
    ("batch not a pair", lambda p: p.update_equity_batch([400], {"ES": np.ones(1)}), TypeError,
     "marks[ES]: expected a (bid_array, ask_array) pair or a mapping with 'bid' and 'ask', "
     "got ndarray"),
    # symbols
    ("different spec", lambda p: p.add_symbol(SymbolSpec("ES", tick_size=0.5, tick_value=12.5)),
     ValueError, "symbol_specs[ES]: expected the spec already registered for 'ES', got a "
     "different spec"),
    ("spec in another currency", lambda p: p.add_symbol(
        SymbolSpec("DAX", tick_size=0.5, tick_value=12.5, account_currency="EUR")), ValueError,
     "symbol_specs[DAX].account_currency: expected the account currency 'USD' (tick_value is "
     "in it), got 'EUR'"),
    ("contract size in a foreign quote", lambda p: p.add_symbol(
        {"symbol": "USDJPY", "tick_size": 0.001, "contract_size": 1e5, "quote_currency": "JPY"}),
     ValueError, "symbol_specs[USDJPY].quote_currency: expected the account currency 'USD' when "
     "PnL comes from contract_size (no FX conversion; give tick_value in USD instead), got 'JPY'"),
    ("spec without value", lambda p: p.add_symbol({"symbol": "X", "tick_size": 0.1}), ValueError,
     "symbol_specs[X].tick_value: expected a tick_value or a contract_size (the money value of "
     "a price move), got neither"),
    ("spec unknown key", lambda p: p.add_symbol({"symbol": "X", "tick_size": 0.1, "lot": 1}),
     ValueError, "symbol_spec: expected keys among symbol, tick_size, tick_value, contract_size, "
     "pip_size, volume_min, volume_max, volume_step, base_currency, quote_currency, "
     "account_currency, got unknown 'lot'"),
    ("volume max below min", lambda p: p.add_symbol(
        {"symbol": "X", "tick_size": 0.1, "tick_value": 1.0, "volume_min": 1.0,
         "volume_max": 0.5}), ValueError,
     "symbol_specs[X].volume_max: expected a number > 0 and >= volume_min 1, got 0.5"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_the_same_clear_error_on_both_backends_and_changes_nothing(
    case: str, call: Callable[[Portfolio], object], error: type[Exception], message: str
) -> None:
    for backend in ("rust", "python"):
        p = prepared(backend)
        before = state(p)
        with pytest.raises(error) as info:
            call(p)
        assert str(info.value) == message, (backend, case)
        assert type(info.value) is error, backend
        assert state(p) == before, (backend, case)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"initial_balance": 0.0}, ValueError,
         "initial_balance: expected a finite number > 0, got 0"),
        ({"initial_balance": math.nan}, ValueError,
         "initial_balance: expected a finite number > 0, got NaN"),
        ({"initial_balance": "1e4"}, TypeError, "initial_balance: expected a number, got str"),
        ({"account_currency": ""}, ValueError,
         "account_currency: expected a non-empty string, got ''"),
        ({"annualization": -252.0}, ValueError,
         "annualization: expected a finite number > 0, got -252"),
        ({"symbol_specs": {"ES": SymbolSpec("NQ", 0.25, 5.0)}}, ValueError,
         "symbol_specs[ES]: expected the spec of 'ES', got one for 'NQ'"),
        ({"symbol_specs": "ES"}, TypeError,
         "symbol_specs: expected a mapping {symbol: spec} or a sequence of SymbolSpec, got str"),
    ],
)  # fmt: skip
def test_bad_constructor_arguments(
    backend: Backend, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {"initial_balance": 1000.0, **kwargs}
    with pytest.raises(error) as info:
        Portfolio(**arguments, backend=backend)
    assert str(info.value) == message


def test_unknown_backend_argument_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"^backend: expected one of 'rust', 'python' or None"):
        Portfolio(1000.0, backend="fortran")  # type: ignore[arg-type]


def test_batch_inputs_are_not_mutated_and_any_layout_is_accepted(backend: Backend) -> None:
    n = 1000
    ts = np.arange(1_000, 1_000 + n, dtype=np.int64)
    wide = np.linspace(4000.0, 4010.0, 2 * n)
    bid = wide[::2]  # non-contiguous view
    ask = (bid + 0.25).astype(">f8")  # big-endian
    ts.flags.writeable = False
    copies = [ts.copy(), bid.copy(), ask.copy()]
    reference = prepared(backend)
    reference.update_equity_batch(ts, {"ES": (bid.copy(), ask.astype(np.float64))})
    p = prepared(backend)
    p.update_equity_batch(ts, {"ES": (bid, ask)})
    for array, copy in zip((ts, bid, ask), copies, strict=True):
        np.testing.assert_array_equal(array, copy)
    assert ask.dtype == np.dtype(">f8")
    assert state(p) == state(reference)

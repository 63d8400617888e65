"""Writes scenarios.json: the hand-checked scenario table of docs/execution_semantics.md.

Every expected number below was computed by hand from the rule it cites (see the worked
examples in the doc); the file is the single source for the Rust test
(rust/crates/omega-execution/tests/scenarios.rs) and the Python test (test_scenarios.py).
Run `python make_scenarios.py` after editing; the JSON is committed.

Times are hours since the epoch (t=10 is 1970-01-01 10:00 UTC). A bar is [open, high, low,
close]; `ask` omitted means ask = bid; `spread` adds a constant to every bid price.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EURUSD = {
    "symbol": "EURUSD",
    "tick_size": 0.00001,
    "tick_value": 1.0,
    "contract_size": 100000.0,
    "pip_size": 0.0001,
    "volume_min": 0.01,
    "volume_max": 100.0,
    "volume_step": 0.01,
}
ACME = {
    "symbol": "ACME",
    "tick_size": 0.01,
    "contract_size": 1.0,
    "volume_min": 1.0,
    "volume_max": 1000000.0,
    "volume_step": 1.0,
}

S: list[dict[str, Any]] = []


def sig(
    t: int,
    d: str,
    entry: float,
    sl: float | None,
    tp: float | None,
    ot: str = "market",
    symbol: str = "EURUSD",
) -> dict[str, Any]:
    return {
        "signal": {
            "t": t,
            "direction": d,
            "symbol": symbol,
            "entry": entry,
            "sl": sl,
            "tp": tp,
            "order_type": ot,
        }
    }


def bar(
    t: int,
    bid: list[float],
    ask: list[float] | None = None,
    symbol: str = "EURUSD",
    spread: float | None = None,
) -> dict[str, Any]:
    step: dict[str, Any] = {"t": t, "bid": bid, "symbol": symbol}
    if ask is not None:
        step["ask"] = ask
    if spread is not None:
        step["ask"] = [round(p + spread, 10) for p in bid]
    return {"bar": step}


def case(
    name: str, rule: str, steps: list[dict[str, Any]], expect: list[dict[str, Any]], **config: Any
) -> None:
    S.append({"name": name, "rule": rule, "config": config, "steps": steps, "expect": expect})


def closed(
    t_in: int, p_in: float, size: float, t_out: int, p_out: float, why: str, pnl: float, **more: Any
) -> dict[str, Any]:
    return {
        "id": 1,
        "status": "closed",
        "trigger_time": t_in,
        "trigger_price": p_in,
        "size": size,
        "exit_time": t_out,
        "exit_price": p_out,
        "exit_reason": why,
        "pnl": pnl,
        **more,
    }


def still_open(t_in: int, p_in: float, size: float, **more: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "status": "open",
        "trigger_time": t_in,
        "trigger_price": p_in,
        "size": size,
        **more,
    }


L = sig(10, "long", 1.1, 1.098, 1.104)
SH = sig(10, "short", 1.1, 1.102, 1.096)

# R4 market orders at the signal's price
case(
    "R4 long market fills at entry, exits at TP",
    "R4",
    [L, bar(11, [1.102, 1.1045, 1.1015, 1.104])],
    [closed(10, 1.1, 0.5, 11, 1.104, "take_profit", 200.0)],
)
case(
    "R4 short market fills at entry, exits at TP",
    "R4",
    [SH, bar(11, [1.098, 1.0985, 1.0955, 1.096])],
    [closed(10, 1.1, 0.5, 11, 1.096, "take_profit", 200.0)],
)
# R5 next open
case(
    "R5 long next_open fills at the next ask open",
    "R5",
    [L, bar(11, [1.1002, 1.101, 1.0995, 1.1005], [1.1003, 1.1011, 1.0996, 1.1006])],
    [still_open(11, 1.1003, 0.43)],
    fill_at="next_open",
)
case(
    "R5 short next_open fills at the next bid open",
    "R5",
    [SH, bar(11, [1.0999, 1.1004, 1.099, 1.1], [1.1, 1.1005, 1.0991, 1.1001])],
    [still_open(11, 1.0999, 0.47)],
    fill_at="next_open",
)
# R6 ticks
TL = {"signal_tick": {**L["signal"], "tick": {"t": 10, "bid": 1.1, "ask": 1.10002}}}
TS = {"signal_tick": {**SH["signal"], "tick": {"t": 10, "bid": 1.1, "ask": 1.10002}}}
case(
    "R6 long tick market fills at the ask, stop within the buffer",
    "R6",
    [TL, {"tick": {"t": 11, "bid": 1.09804, "ask": 1.09806, "symbol": "EURUSD"}}],
    [closed(10, 1.10002, 0.49, 11, 1.098, "stop_loss", -98.98)],
)
case(
    "R6 long tick gaps through the stop: exit at the tick",
    "R6",
    [TL, {"tick": {"t": 11, "bid": 1.097, "ask": 1.09702, "symbol": "EURUSD"}}],
    [closed(10, 1.10002, 0.49, 11, 1.097, "stop_loss", -147.98)],
)
case(
    "R6 short tick market fills at the bid, stop within the buffer",
    "R6",
    [TS, {"tick": {"t": 11, "bid": 1.10194, "ask": 1.10196, "symbol": "EURUSD"}}],
    [closed(10, 1.1, 0.5, 11, 1.102, "stop_loss", -100.0)],
)
case(
    "R6 short tick gaps through the stop: exit at the tick",
    "R6",
    [TS, {"tick": {"t": 11, "bid": 1.1029, "ask": 1.103, "symbol": "EURUSD"}}],
    [closed(10, 1.1, 0.5, 11, 1.103, "stop_loss", -150.0)],
)
# R7 pending orders
LL = sig(10, "long", 1.099, 1.097, 1.103, "limit")
SL_ = sig(10, "short", 1.101, 1.103, 1.097, "limit")
LS = sig(10, "long", 1.101, 1.099, 1.105, "stop")
SS = sig(10, "short", 1.099, 1.101, 1.095, "stop")
case(
    "R7 long limit fills at its price inside the bar",
    "R7",
    [LL, bar(11, [1.1004, 1.1009, 1.0987, 1.0994], [1.1005, 1.101, 1.0988, 1.0995])],
    [still_open(11, 1.099, 0.5)],
)
case(
    "R7 long limit: a gap below fills at the better open",
    "R7",
    [LL, bar(11, [1.0984, 1.0994, 1.0979, 1.0989], [1.0985, 1.0995, 1.098, 1.099])],
    [still_open(11, 1.0985, 0.66)],
)
case(
    "R7 short limit fills at its price inside the bar",
    "R7",
    [SL_, bar(11, [1.0995, 1.1012, 1.099, 1.0998], spread=0.0001)],
    [still_open(11, 1.101, 0.5)],
)
case(
    "R7 short limit: a gap above fills at the better open",
    "R7",
    [SL_, bar(11, [1.1015, 1.102, 1.1005, 1.101], spread=0.0001)],
    [still_open(11, 1.1015, 0.66)],
)
case(
    "R7 long stop fills at its price inside the bar",
    "R7",
    [LS, bar(11, [1.0999, 1.1019, 1.0994, 1.1014], [1.1, 1.102, 1.0995, 1.1015])],
    [still_open(11, 1.101, 0.5)],
)
case(
    "R7 long stop: a gap above fills at the worse open",
    "R7",
    [LS, bar(11, [1.1014, 1.1019, 1.1009, 1.1011], [1.1015, 1.102, 1.101, 1.1012])],
    [still_open(11, 1.1015, 0.4)],
)
case(
    "R7 short stop fills at its price inside the bar",
    "R7",
    [SS, bar(11, [1.1, 1.1005, 1.0985, 1.099], spread=0.0001)],
    [still_open(11, 1.099, 0.5)],
)
case(
    "R7 short stop: a gap below fills at the worse open",
    "R7",
    [SS, bar(11, [1.0985, 1.099, 1.098, 1.0988], spread=0.0001)],
    [still_open(11, 1.0985, 0.4)],
)
case(
    "R3 long limit never fills on its placement bar",
    "R3",
    [LL, bar(10, [1.0985, 1.1, 1.098, 1.099]), bar(11, [1.1, 1.101, 1.0995, 1.1])],
    [{"id": 1, "status": "pending", "size": 0.0}],
)
case(
    "R3 short stop never fills on its placement bar",
    "R3",
    [SS, bar(10, [1.0985, 1.1, 1.098, 1.099]), bar(11, [1.1, 1.101, 1.0995, 1.1])],
    [{"id": 1, "status": "pending", "size": 0.0}],
)
# R8 rejections
REJ = {
    "id": 1,
    "status": "rejected",
    "exit_time": 11,
    "exit_reason": "stops_crossed_at_fill",
    "size": 0.0,
}
case(
    "R8 long stop gapping through its target is rejected",
    "R8",
    [LS, bar(11, [1.106, 1.107, 1.1055, 1.1065])],
    [REJ],
)
case(
    "R8 long limit gapping through its stop is rejected",
    "R8",
    [LL, bar(11, [1.0965, 1.0975, 1.096, 1.097])],
    [REJ],
)
case(
    "R8 short stop gapping through its target is rejected",
    "R8",
    [SS, bar(11, [1.094, 1.0945, 1.0935, 1.094])],
    [REJ],
)
case(
    "R8 short limit gapping through its stop is rejected",
    "R8",
    [SL_, bar(11, [1.1035, 1.104, 1.103, 1.1038])],
    [REJ],
)
# R9 ordinary bars
for label, b, exp in [
    ("no level reached", [1.1001, 1.101, 1.0995, 1.1005], still_open(10, 1.1, 0.5)),
    (
        "stop inside the bar",
        [1.1, 1.1005, 1.0979, 1.099],
        closed(10, 1.1, 0.5, 11, 1.098, "stop_loss", -100.0),
    ),
    (
        "stop within the buffer",
        [1.1, 1.1005, 1.09804, 1.099],
        closed(10, 1.1, 0.5, 11, 1.098, "stop_loss", -100.0),
    ),
    ("just outside the buffer", [1.1, 1.1005, 1.09806, 1.099], still_open(10, 1.1, 0.5)),
    (
        "gap through the stop exits at the open",
        [1.097, 1.099, 1.096, 1.098],
        closed(10, 1.1, 0.5, 11, 1.097, "stop_loss", -150.0),
    ),
    (
        "gap through the target exits at the open",
        [1.105, 1.106, 1.1045, 1.1055],
        closed(10, 1.1, 0.5, 11, 1.105, "take_profit", 250.0),
    ),
    (
        "target within the buffer",
        [1.102, 1.10397, 1.1015, 1.103],
        closed(10, 1.1, 0.5, 11, 1.104, "take_profit", 200.0),
    ),
]:
    case(f"R9 long: {label}", "R9", [L, bar(11, b)], [exp])
for label, b, exp in [
    (
        "stop inside the bar",
        [1.1, 1.1021, 1.0995, 1.101],
        closed(10, 1.1, 0.5, 11, 1.102, "stop_loss", -100.0),
    ),
    (
        "stop within the buffer",
        [1.1, 1.10196, 1.0995, 1.101],
        closed(10, 1.1, 0.5, 11, 1.102, "stop_loss", -100.0),
    ),
    ("just outside the buffer", [1.1, 1.10194, 1.0995, 1.101], still_open(10, 1.1, 0.5)),
    (
        "gap through the stop exits at the open",
        [1.103, 1.104, 1.1025, 1.1035],
        closed(10, 1.1, 0.5, 11, 1.103, "stop_loss", -150.0),
    ),
    (
        "gap through the target exits at the open",
        [1.095, 1.0955, 1.094, 1.0945],
        closed(10, 1.1, 0.5, 11, 1.095, "take_profit", 250.0),
    ),
    (
        "target within the buffer",
        [1.098, 1.0985, 1.09603, 1.097],
        closed(10, 1.1, 0.5, 11, 1.096, "take_profit", 200.0),
    ),
]:
    case(f"R9 short: {label}", "R9", [SH, bar(11, b)], [exp])
# R11 intrabar policies
LSL = closed(10, 1.1, 0.5, 11, 1.098, "stop_loss", -100.0)
LTP = closed(10, 1.1, 0.5, 11, 1.104, "take_profit", 200.0)
SSL = closed(10, 1.1, 0.5, 11, 1.102, "stop_loss", -100.0)
STP = closed(10, 1.1, 0.5, 11, 1.096, "take_profit", 200.0)
BOTH_L = [1.1, 1.1045, 1.0975, 1.101]
BOTH_L_HIGH_NEAR = [1.102, 1.1045, 1.0975, 1.101]
BOTH_S = [1.1, 1.1025, 1.0955, 1.099]
BOTH_S_LOW_NEAR = [1.098, 1.1025, 1.0955, 1.097]
case("R11 long both levels, pessimistic: the stop", "R11", [L, bar(11, BOTH_L)], [LSL])
case(
    "R11 long both levels, ohlc: the high first",
    "R11",
    [L, bar(11, BOTH_L)],
    [LTP],
    intrabar_policy="ohlc",
)
case(
    "R11 long both levels, adaptive: the nearer low first",
    "R11",
    [L, bar(11, BOTH_L)],
    [LSL],
    intrabar_policy="adaptive",
)
case(
    "R11 long both levels, adaptive: the nearer high first",
    "R11",
    [L, bar(11, BOTH_L_HIGH_NEAR)],
    [LTP],
    intrabar_policy="adaptive",
)
case("R11 short both levels, pessimistic: the stop", "R11", [SH, bar(11, BOTH_S)], [SSL])
case(
    "R11 short both levels, ohlc: the high (its stop) first",
    "R11",
    [SH, bar(11, BOTH_S)],
    [SSL],
    intrabar_policy="ohlc",
)
case(
    "R11 short both levels, adaptive: the nearer high first",
    "R11",
    [SH, bar(11, BOTH_S)],
    [SSL],
    intrabar_policy="adaptive",
)
case(
    "R11 short both levels, adaptive: the nearer low first",
    "R11",
    [SH, bar(11, BOTH_S_LOW_NEAR)],
    [STP],
    intrabar_policy="adaptive",
)
case(
    "R11 short both levels, ohlc ignores the nearer low",
    "R11",
    [SH, bar(11, BOTH_S_LOW_NEAR)],
    [SSL],
    intrabar_policy="ohlc",
)
# R12 entry bar
EB_TOUCH = bar(11, [1.1024, 1.1034, 1.0987, 1.1009], [1.1025, 1.1035, 1.0988, 1.101])
EB_BEYOND = bar(11, [1.1024, 1.1034, 1.0987, 1.1031], [1.1025, 1.1035, 1.0988, 1.1032])
EB_STOP = bar(11, [1.1004, 1.1009, 1.0969, 1.0974], [1.1005, 1.101, 1.0971, 1.0975])
case(
    "R12 long limit, pessimistic: target touched but not closed beyond: no exit",
    "R12",
    [LL, EB_TOUCH],
    [still_open(11, 1.099, 0.5)],
)
case(
    "R12 long limit, pessimistic: closed beyond the target: exit at it",
    "R12",
    [LL, EB_BEYOND],
    [closed(11, 1.099, 0.5, 11, 1.103, "take_profit", 200.0)],
)
case(
    "R12 long limit, pessimistic: the stop after the fill",
    "R12",
    [LL, EB_STOP],
    [closed(11, 1.099, 0.5, 11, 1.097, "stop_loss", -100.0)],
)
case(
    "R12 long limit, ohlc: path from the fill, no exit",
    "R12",
    [LL, EB_TOUCH],
    [still_open(11, 1.099, 0.5)],
    intrabar_policy="ohlc",
)
case(
    "R12 short limit, pessimistic: target touched but not closed beyond: no exit",
    "R12",
    [SL_, bar(11, [1.0975, 1.1012, 1.0965, 1.099], [1.0976, 1.1013, 1.0966, 1.0991])],
    [still_open(11, 1.101, 0.5)],
)
case(
    "R12 short limit, pessimistic: closed beyond the target: exit at it",
    "R12",
    [SL_, bar(11, [1.0975, 1.1012, 1.0965, 1.0968], [1.0976, 1.1013, 1.0966, 1.0969])],
    [closed(11, 1.101, 0.5, 11, 1.097, "take_profit", 200.0)],
)
EB_LS = bar(11, [1.0999, 1.1059, 1.0984, 1.1029], [1.1, 1.106, 1.0985, 1.103])
EB_SS = bar(11, [1.1, 1.1015, 1.094, 1.097], [1.1001, 1.1016, 1.0941, 1.0971])
case(
    "R12 long stop, pessimistic: both reached: the stop",
    "R12",
    [LS, EB_LS],
    [closed(11, 1.101, 0.5, 11, 1.099, "stop_loss", -100.0)],
)
case(
    "R12 long stop, ohlc: up through the trigger to the target first",
    "R12",
    [LS, EB_LS],
    [closed(11, 1.101, 0.5, 11, 1.105, "take_profit", 200.0)],
    intrabar_policy="ohlc",
)
case(
    "R12 short stop, pessimistic: both reached: the stop",
    "R12",
    [SS, EB_SS],
    [closed(11, 1.099, 0.5, 11, 1.101, "stop_loss", -100.0)],
)
case(
    "R12 short stop, ohlc: high first (no trigger), then down to the target",
    "R12",
    [SS, EB_SS],
    [closed(11, 1.099, 0.5, 11, 1.095, "take_profit", 200.0)],
    intrabar_policy="ohlc",
)
# R13 break-even
case(
    "R13 long: a moved stop exits as break_even_stop_loss",
    "R13",
    [
        L,
        bar(11, [1.1005, 1.1015, 1.1, 1.101]),
        {"modify_sl": {"id": 1, "sl": 1.1}},
        bar(12, [1.1005, 1.101, 1.0999, 1.1002]),
    ],
    [
        closed(
            10,
            1.1,
            0.5,
            12,
            1.1,
            "break_even_stop_loss",
            0.0,
            initial_stop_loss=1.098,
            stop_loss=1.1,
        )
    ],
)
case(
    "R13 short: a moved stop exits as break_even_stop_loss",
    "R13",
    [
        SH,
        bar(11, [1.0995, 1.1, 1.0985, 1.099]),
        {"modify_sl": {"id": 1, "sl": 1.1}},
        bar(12, [1.0995, 1.1001, 1.099, 1.0998]),
    ],
    [closed(10, 1.1, 0.5, 12, 1.1, "break_even_stop_loss", 0.0, initial_stop_loss=1.102)],
)
# R14 timeout
QUIET = [1.1001, 1.1005, 1.0999, 1.1003]
case(
    "R14 long timeout at the open of the first bar past the deadline",
    "R14",
    [L, bar(11, QUIET), bar(12, QUIET), bar(13, [1.1012, 1.1015, 1.101, 1.1013])],
    [closed(10, 1.1, 0.5, 13, 1.1012, "timeout", 60.0)],
    timeout_hours=3,
)
case(
    "R14 short timeout at the open of the first bar past the deadline",
    "R14",
    [SH, bar(11, QUIET), bar(12, QUIET), bar(13, [1.1012, 1.1015, 1.101, 1.1013])],
    [closed(10, 1.1, 0.5, 13, 1.1012, "timeout", -60.0)],
    timeout_hours=3,
)
# R15 sizing
case(
    "R15 long risk sizing floors 0.769 to 0.76",
    "R15",
    [sig(10, "long", 1.1, 1.0987, None)],
    [still_open(10, 1.1, 0.76)],
)
case(
    "R15 short risk sizing floors 0.769 to 0.76",
    "R15",
    [sig(10, "short", 1.1, 1.1013, None)],
    [still_open(10, 1.1, 0.76)],
)
case(
    "R15 long risk sizing from the slipped fill",
    "R15",
    [sig(10, "long", 1.1, 1.099, None)],
    [still_open(10, 1.10003, 0.97)],
    slippage={"kind": "fixed", "pips": 0.3},
)
case(
    "R15 long size below the minimum is rejected, never rounded up",
    "R15",
    [sig(10, "long", 1.1, 0.6, None)],
    [{"id": 1, "status": "rejected", "exit_reason": "size_below_minimum", "size": 0.0}],
)
case(
    "R15 short size below the minimum is rejected, never rounded up",
    "R15",
    [sig(10, "short", 1.1, 1.6, None)],
    [{"id": 1, "status": "rejected", "exit_reason": "size_below_minimum", "size": 0.0}],
)
case(
    "R15 long shares by risk: whole units",
    "R15",
    [sig(10, "long", 50.0, 48.5, None, symbol="ACME")],
    [still_open(10, 50.0, 66.0)],
)
case(
    "R15 short shares by risk: whole units",
    "R15",
    [sig(10, "short", 50.0, 51.5, None, symbol="ACME")],
    [still_open(10, 50.0, 66.0)],
)
case(
    "R15 long fraction of equity",
    "R15",
    [sig(10, "long", 50.0, None, None, symbol="ACME")],
    [still_open(10, 50.0, 20.0)],
    sizing={"kind": "fraction_of_equity", "value": 0.1},
)
case(
    "R15 short fixed lots",
    "R15",
    [sig(10, "short", 50.0, None, None, symbol="ACME")],
    [still_open(10, 50.0, 7.0)],
    sizing={"kind": "fixed_lots", "value": 7.0},
)
case(
    "R15 long fixed lots below the minimum is rejected",
    "R15",
    [sig(10, "long", 50.0, None, None, symbol="ACME")],
    [{"id": 1, "status": "rejected", "exit_reason": "size_below_minimum"}],
    sizing={"kind": "fixed_lots", "value": 0.5},
)
# R16 slippage
FIX = {"kind": "fixed", "pips": 0.5}
case(
    "R16 long: entry and stop exit slip against the trader",
    "R16",
    [L, bar(11, [1.1, 1.1005, 1.0979, 1.099])],
    [
        closed(
            10,
            1.10005,
            0.48,
            11,
            1.09795,
            "stop_loss",
            -100.8,
            entry_slippage=0.00005,
            exit_slippage=0.00005,
        )
    ],
    slippage=FIX,
    pip_buffer_factor=0.0,
)
case(
    "R16 long: a take-profit exit does not slip",
    "R16",
    [L, bar(11, [1.102, 1.1045, 1.1015, 1.104])],
    [closed(10, 1.10005, 0.48, 11, 1.104, "take_profit", 189.6, exit_slippage=0.0)],
    slippage=FIX,
    pip_buffer_factor=0.0,
)
case(
    "R16 short: entry and stop exit slip against the trader",
    "R16",
    [SH, bar(11, [1.1, 1.1021, 1.0995, 1.101])],
    [closed(10, 1.09995, 0.48, 11, 1.10205, "stop_loss", -100.8)],
    slippage=FIX,
    pip_buffer_factor=0.0,
)
case(
    "R16 short: a take-profit exit does not slip",
    "R16",
    [SH, bar(11, [1.098, 1.0985, 1.0955, 1.096])],
    [closed(10, 1.09995, 0.48, 11, 1.096, "take_profit", 189.6)],
    slippage=FIX,
    pip_buffer_factor=0.0,
)
case(
    "R16 long limit entries do not slip, stop entries do",
    "R16",
    [
        LL,
        sig(10, "long", 1.101, 1.0985, 1.105, "stop"),
        bar(11, [1.0999, 1.1019, 1.0987, 1.1014], [1.1, 1.102, 1.0988, 1.1015]),
    ],
    [
        still_open(11, 1.099, 0.5, entry_slippage=0.0),
        {
            "id": 2,
            "status": "open",
            "trigger_price": 1.10105,
            "size": 0.39,
            "entry_slippage": 0.00005,
        },
    ],
    slippage=FIX,
    pip_buffer_factor=0.0,
)
# R17 fees
PER_LOT = {"per_lot": 3.5}
case(
    "R17 long: per-lot fee on both sides",
    "R17",
    [L, bar(11, [1.102, 1.1045, 1.1015, 1.104])],
    [
        closed(
            10, 1.1, 0.5, 11, 1.104, "take_profit", 200.0, entry_fee=1.75, exit_fee=1.75, fees=3.5
        )
    ],
    fee=PER_LOT,
)
case(
    "R17 short: per-lot fee on both sides",
    "R17",
    [SH, bar(11, [1.098, 1.0985, 1.0955, 1.096])],
    [
        closed(
            10, 1.1, 0.5, 11, 1.096, "take_profit", 200.0, entry_fee=1.75, exit_fee=1.75, fees=3.5
        )
    ],
    fee=PER_LOT,
)
RATE = {"rate": 0.0005, "minimum": 1.0}
case(
    "R17 long shares: commission as a rate of notional",
    "R17",
    [
        sig(10, "long", 50.0, 48.5, 51.0, symbol="ACME"),
        bar(11, [50.5, 51.2, 50.4, 51.1], symbol="ACME"),
    ],
    [closed(10, 50.0, 66.0, 11, 51.0, "take_profit", 66.0, entry_fee=1.65, exit_fee=1.683)],
    fee=RATE,
)
case(
    "R17 short shares: commission as a rate of notional",
    "R17",
    [
        sig(10, "short", 50.0, 51.5, 49.0, symbol="ACME"),
        bar(11, [49.5, 49.6, 48.8, 48.9], symbol="ACME"),
    ],
    [closed(10, 50.0, 66.0, 11, 49.0, "take_profit", 66.0, entry_fee=1.65, exit_fee=1.617)],
    fee=RATE,
)
case(
    "R17 long shares: the minimum fee",
    "R17",
    [sig(10, "long", 50.0, None, None, symbol="ACME")],
    [still_open(10, 50.0, 10.0, entry_fee=1.0)],
    fee=RATE,
    sizing={"kind": "fixed_lots", "value": 10.0},
)
# R18 position actions
CLOSE_BAR = [1.1012, 1.1018, 1.1008, 1.1015]
case(
    "R18 long close_position at the last bid close",
    "R18",
    [L, bar(11, CLOSE_BAR), {"close": {"id": 1}}],
    [closed(10, 1.1, 0.5, 11, 1.1015, "signal", 75.0)],
)
case(
    "R18 short close_position at the last ask close",
    "R18",
    [SH, bar(11, CLOSE_BAR), {"close": {"id": 1}}],
    [closed(10, 1.1, 0.5, 11, 1.1015, "signal", -75.0)],
)
case(
    "R18 long close_position with a price, time and reason",
    "R18",
    [L, {"close": {"id": 1, "t": 11, "price": 1.102, "reason": "manual"}}],
    [closed(10, 1.1, 0.5, 11, 1.102, "manual", 100.0)],
)
case(
    "R18 long stop on the wrong side of the market is refused",
    "R18",
    [
        L,
        bar(11, CLOSE_BAR),
        {
            "modify_sl": {
                "id": 1,
                "sl": 1.102,
                "error": "sl: expected a finite price below the reference price 1.1015 "
                "for a long position, or None, got 1.102",
            }
        },
    ],
    [still_open(10, 1.1, 0.5, stop_loss=1.098)],
)
case(
    "R18 short target on the wrong side of the market is refused",
    "R18",
    [
        SH,
        bar(11, CLOSE_BAR),
        {
            "modify_tp": {
                "id": 1,
                "tp": 1.102,
                "error": "tp: expected a finite price below the reference price 1.1015 "
                "for a short position, or None, got 1.102",
            }
        },
    ],
    [still_open(10, 1.1, 0.5, take_profit=1.096)],
)
case(
    "R18 long pending limit cancelled",
    "R18",
    [LL, bar(11, [1.1, 1.101, 1.0995, 1.1]), {"close": {"id": 1}}],
    [{"id": 1, "status": "cancelled", "exit_time": 11, "exit_reason": "signal", "size": 0.0}],
)
case(
    "R18 short pending stop cancelled",
    "R18",
    [SS, bar(11, [1.1, 1.101, 1.0995, 1.1]), {"close": {"id": 1, "reason": "expired"}}],
    [{"id": 1, "status": "cancelled", "exit_time": 11, "exit_reason": "expired"}],
)
# R20 bad input (state unchanged)
case(
    "R20 long signal with zero stop distance is refused",
    "R20",
    [
        {
            "signal": {
                **L["signal"],
                "sl": 1.1,
                "error": "sl: expected a finite price below entry 1.1 for a long signal, "
                "or None, got 1.1",
            }
        }
    ],
    [],
)
case(
    "R20 short signal with the stop below entry is refused",
    "R20",
    [
        {
            "signal": {
                **SH["signal"],
                "sl": 1.098,
                "error": "sl: expected a finite price above entry 1.1 for a short signal, "
                "or None, got 1.098",
            }
        }
    ],
    [],
)
case(
    "R20 a candle with high < low is refused and changes nothing",
    "R20",
    [
        L,
        {
            "bar": {
                "t": 11,
                "bid": [1.1, 1.09, 1.0979, 1.099],
                "symbol": "EURUSD",
                "error": "bid_candle: expected high >= low, got high 1.09 < low 1.0979",
            }
        },
        bar(11, [1.1, 1.1005, 1.0979, 1.099]),
    ],
    [closed(10, 1.1, 0.5, 11, 1.098, "stop_loss", -100.0)],
)

out = {"specs": {"EURUSD": EURUSD, "ACME": ACME}, "hour_us": 3_600_000_000, "scenarios": S}
Path(__file__).with_name("scenarios.json").write_text(json.dumps(out, indent=1) + "\n")
print(len(S), "scenarios")
